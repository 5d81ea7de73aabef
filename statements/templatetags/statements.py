from urllib.parse import urlencode

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def body_html(statement):
    # Sanitized by statements.sanitize and rendered on save; staff-written only.
    return mark_safe(statement.body_html)


@register.filter
def join_and(items):
    """["A", "B", "C"] → "A, B and C"."""
    names = [str(item) for item in items]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _share_url(base, **params):
    return f"{base}?{urlencode(params)}"


@register.inclusion_tag("includes/share.html", takes_context=True)
def share_row(context, statement):
    # Plain links, built here: no share widget or script from another site.
    url = context.get("page_url") or context["request"].build_absolute_uri(
        statement.get_absolute_url()
    )
    title = statement.title
    text = f"{title} {url}"
    return {
        "url": url,
        "links": [
            ("email", "Email", "mailto:?" + urlencode({"subject": title, "body": url})),
            ("x", "X", _share_url("https://x.com/intent/post", text=title, url=url)),
            (
                "facebook",
                "Facebook",
                _share_url("https://www.facebook.com/sharer/sharer.php", u=url),
            ),
            ("mastodon", "Mastodon", _share_url("https://mastodonshare.com/", text=text)),
            ("bluesky", "Bluesky", _share_url("https://bsky.app/intent/compose", text=text)),
            ("telegram", "Telegram", _share_url("https://t.me/share/url", url=url, text=title)),
            ("whatsapp", "WhatsApp", _share_url("https://wa.me/", text=text)),
        ],
    }
