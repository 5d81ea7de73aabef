"""What subscribers' mails say: rendered from Django templates (templates/subscriptions/mail/).

A statement's mail is rendered once (subject, text, HTML) with markers where
each subscriber's own links go; sending only replaces the markers
(personalize), so 50,000 mails cost one rendering. No tracking: no pixel, no
rewritten link; the images are the site's own, the same address for everyone.
"""

import re
from html import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from branding.site import current

from . import tokens

UNSUBSCRIBE_MARKER = "%%UNSUBSCRIBE_URL%%"
PREFERENCES_MARKER = "%%PREFERENCES_URL%%"


def absolute(path):
    return settings.SITE_URL + path


def confirm_url(subscriber):
    return absolute(reverse("subscriptions:confirm", args=[tokens.confirm_token(subscriber)]))


def unsubscribe_url(subscriber):
    return absolute(reverse("subscriptions:unsubscribe", args=[tokens.manage_token(subscriber)]))


def preferences_url(subscriber):
    return absolute(reverse("subscriptions:preferences", args=[tokens.manage_token(subscriber)]))


def _site():
    return {"site_name": current().name, "site_url": settings.SITE_URL}


def confirmation(subscriber):
    context = {
        **_site(),
        "confirm_url": confirm_url(subscriber),
        "days": settings.SUBSCRIPTIONS_CONFIRM_DAYS,
    }
    subject = gettext("Confirm your subscription to %(site)s") % {"site": current().name}
    return subject, render_to_string("subscriptions/mail/confirm.txt", context)


def already_subscribed(subscriber):
    context = {**_site(), "preferences_url": preferences_url(subscriber)}
    subject = gettext("You already receive %(site)s by email") % {"site": current().name}
    return subject, render_to_string("subscriptions/mail/already.txt", context)


# Addresses of the site's own pages and files, made absolute for a mail.
_RELATIVE = re.compile(r'(\s(?:src|href)=")/(?!/)')
# What mail programs do not support or must not do: responsive sources (each a
# different address: one <img src> is the same image for every reader), lazy loading.
_NOT_IN_MAIL = re.compile(r'<source\b[^>]*>|\s(?:srcset|sizes|loading|decoding)="[^"]*"')


def _for_mail(html):
    html = _NOT_IN_MAIL.sub("", html)
    return _RELATIVE.sub(lambda m: f"{m.group(1)}{settings.SITE_URL}/", html)


def statement_item(statement):
    """What a mail shows of one statement (its own mail, or one entry of a digest)."""
    image = statement.featured_image
    organizations = [name for name, _slug in statement.labels.get("organizations", [])]
    full = settings.SUBSCRIPTIONS_MAIL_CONTENT == "full"
    return {
        "title": statement.title,
        "url": absolute(statement.get_absolute_url()),
        "organizations": organizations,
        "date": statement.statement_date,
        "summary": statement.summary,
        "full": full,
        "body_html": _for_mail(statement.body_html) if full else "",
        "body_text": statement.body_text if full else "",
        "image_url": absolute(image.rendition_url(960)) if image else "",
        "image_alt": image.alt_text if image else "",
        "image_caption": image.caption if image else "",
        "image_credit": image.credit if image else "",
        "source_name": statement.source_name,
    }


def _links():
    return {"unsubscribe_url": UNSUBSCRIBE_MARKER, "preferences_url": PREFERENCES_MARKER}


def statement_mail(statement):
    """(subject, text, html) of a statement's mail, with markers for the links."""
    context = {**_site(), **_links(), "item": statement_item(statement)}
    return (
        statement.title[:300],
        render_to_string("subscriptions/mail/statement.txt", context),
        render_to_string("subscriptions/mail/statement.html", context),
    )


def digest_mail(frequency, items):
    context = {**_site(), **_links(), "items": items, "frequency": frequency}
    if frequency == "weekly":
        subject = gettext("This week’s statements from %(site)s")
    else:
        subject = gettext("Today’s statements from %(site)s")
    return (
        subject % {"site": current().name},
        render_to_string("subscriptions/mail/digest.txt", context),
        render_to_string("subscriptions/mail/digest.html", context),
    )


def personalize(text, html, subscriber):
    """The rendered mail with this subscriber's links in place of the markers."""
    unsubscribe, preferences = unsubscribe_url(subscriber), preferences_url(subscriber)
    text = text.replace(UNSUBSCRIBE_MARKER, unsubscribe).replace(PREFERENCES_MARKER, preferences)
    html = html.replace(UNSUBSCRIBE_MARKER, escape(unsubscribe)).replace(
        PREFERENCES_MARKER, escape(preferences)
    )
    return text, html, unsubscribe
