"""What the public templates call to show statements (a Jinja2 extension, see settings)."""

from urllib.parse import urlencode

from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from jinja2.ext import Extension


def body_html(statement):
    # Sanitized by statements.sanitize and rendered on save; staff-written only.
    return mark_safe(statement.body_html)


def join_and(items):
    """["A", "B", "C"] → "A, B and C" (in the active language)."""
    names = [str(item) for item in items]
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(list)s and %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}


def _share_url(base, **params):
    return f"{base}?{urlencode(params)}"


def share_links(statement, url):
    """(key, label, address) of each place the share row offers.

    Plain links, built here: no share widget or script from another site.
    """
    title = statement.title
    text = f"{title} {url}"
    return [
        ("email", gettext("Email"), "mailto:?" + urlencode({"subject": title, "body": url})),
        ("x", "X", _share_url("https://x.com/intent/post", text=title, url=url)),
        ("facebook", "Facebook", _share_url("https://www.facebook.com/sharer/sharer.php", u=url)),
        ("mastodon", "Mastodon", _share_url("https://mastodonshare.com/", text=text)),
        ("bluesky", "Bluesky", _share_url("https://bsky.app/intent/compose", text=text)),
        ("telegram", "Telegram", _share_url("https://t.me/share/url", url=url, text=title)),
        ("whatsapp", "WhatsApp", _share_url("https://wa.me/", text=text)),
    ]


class StatementGlobals(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(body_html=body_html, join_and=join_and)
        environment.globals["share_links"] = share_links
