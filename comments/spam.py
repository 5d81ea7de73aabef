"""Spam defences that decide a comment's fate without losing a person's words.

Each layer answers with a clear message or a status; none raises a server error.
"""

import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, Signer

from .models import BlockedTerm, Comment

logger = logging.getLogger(__name__)

_LINK = re.compile(r"(?i)\b(?:https?://|www\.)")
_form_time_signer = Signer(salt="comments.form-time")


# -- form timing ---------------------------------------------------------------


def form_time_token():
    return _form_time_signer.sign(str(int(time.time())))


def seconds_since_form_shown(token):
    """Seconds since the form was shown, or None for a missing or forged token."""
    try:
        shown_at = int(_form_time_signer.unsign(token or ""))
    except (BadSignature, ValueError):
        return None
    return time.time() - shown_at


# -- rate limit ----------------------------------------------------------------


class RateLimitUnavailable(Exception):
    """The cache that keeps the counts cannot be reached."""


def _rate_key(ip):
    return f"comments:rate:{ip}"


def is_rate_limited(ip):
    if not ip:
        return False
    try:
        return (cache.get(_rate_key(ip)) or 0) >= settings.COMMENTS_RATE_LIMIT
    except Exception as exc:
        # Fail closed for posting: without counts we cannot tell a flood from a person.
        logger.warning("Comment rate limit unavailable: %s", exc)
        raise RateLimitUnavailable from exc


def record_post(ip):
    if not ip:
        return
    key = _rate_key(ip)
    try:
        if cache.add(key, 1, timeout=settings.COMMENTS_RATE_WINDOW_SECONDS):
            return
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.COMMENTS_RATE_WINDOW_SECONDS)
    except Exception as exc:
        logger.warning("Could not record a comment for the rate limit: %s", exc)


# -- content -------------------------------------------------------------------


def count_links(comment):
    return len(_LINK.findall(comment.body)) + (1 if comment.website else 0)


def _domains(comment):
    domains = set()
    if "@" in comment.email:
        domains.add(comment.email.rsplit("@", 1)[1].lower())
    if comment.website:
        host = (urlsplit(comment.website).hostname or "").lower()
        if host:
            domains.add(host)
    return domains


def matches_blocklist(comment):
    terms = list(BlockedTerm.objects.all())
    if not terms:
        return None
    text = f"{comment.name}\n{comment.body}\n{comment.website}".casefold()
    email = comment.email.strip().lower()
    domains = _domains(comment)
    for term in terms:
        value = term.value
        if (
            (term.kind == BlockedTerm.Kind.WORD and value.casefold() in text)
            or (term.kind == BlockedTerm.Kind.EMAIL and value == email)
            or (
                term.kind == BlockedTerm.Kind.DOMAIN
                and any(d == value or d.endswith("." + value) for d in domains)
            )
            or (term.kind == BlockedTerm.Kind.IP and value == (comment.ip_address or ""))
        ):
            return term
    return None


def may_auto_approve(comment):
    """The optional rule: a known commenter is approved at once, with limits."""
    from django.contrib.auth import get_user_model

    if not settings.COMMENTS_AUTO_APPROVE_KNOWN:
        return False
    if count_links(comment) > settings.COMMENTS_MAX_LINKS:
        return False
    # Anyone can type a staff member's name and address; that proves nothing.
    if get_user_model().objects.filter(email__iexact=comment.email.strip()).exists():
        return False
    return Comment.objects.approved().by_email(comment.email).exists()


def initial_status(comment):
    if matches_blocklist(comment):
        return Comment.Status.SPAM
    if may_auto_approve(comment):
        return Comment.Status.APPROVED
    return Comment.Status.PENDING
