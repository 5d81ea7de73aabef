"""Spam defences that decide a comment's fate without losing a person's words.

Each layer answers with a clear message or a status; none raises a server error.
"""

import fcntl
import html
import logging
import os
import re
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.signing import BadSignature, Signer

from .disguise import domain_skeleton, email_skeleton, skeleton
from .models import BlockedTerm, Comment
from .text import comment_text, links_in

logger = logging.getLogger(__name__)

_form_time_signer = Signer(salt="comments.form-time")


# -- form timing ---------------------------------------------------------------


def form_time_token(question_key="", *, shown_at=None):
    """When the form was shown, signed and tied to the question it was shown with.

    A token is good for that question only and for as long as a question lives
    (CAPTCHA_TIMEOUT): one token cannot time hundreds of posts.
    """
    shown_at = int(time.time() if shown_at is None else shown_at)
    return _form_time_signer.sign(f"{shown_at}:{question_key}")


def seconds_since_form_shown(token, question_key=""):
    """Seconds since the form was shown with this question, or None.

    None for a missing, forged or expired token, or one given with another question.
    """
    try:
        shown_at, _, key = _form_time_signer.unsign(token or "").partition(":")
        elapsed = time.time() - int(shown_at)
    except (BadSignature, ValueError):
        return None
    if key != (question_key or ""):
        return None
    # A form without a question (a cached page, before its script fetched one)
    # cannot be posted anyway; a question's token lives as long as the question.
    if key and elapsed > settings.CAPTCHA_TIMEOUT * 60:
        return None
    return elapsed


# -- rate limit ----------------------------------------------------------------


class RateLimitUnavailable(Exception):
    """The cache that keeps the counts cannot be reached."""


def _rate_key(ip):
    return f"comments:rate:{ip}"


@contextmanager
def _counting():
    """Serialize counting where the cache backend's incr() is not atomic.

    Redis INCR and the local-memory cache are atomic; the file cache reads and
    writes a file, so workers of one machine take a file lock around it.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, FileBasedCache):
        yield
        return
    os.makedirs(backend._dir, exist_ok=True)
    with open(os.path.join(backend._dir, "comments-rate.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _add_to_count(key, delta):
    """Add `delta` to the count of the current window; return the new count.

    Redis INCR and the local-memory cache keep a key's expiry. The file cache
    has no incr() of its own: Django's generic one rewrites the key with the
    cache's default timeout, which would move the window's end at every post,
    so there (under the file lock of _counting) the window's end is kept
    beside the count and every write expires with it.
    """
    window = settings.COMMENTS_RATE_WINDOW_SECONDS
    if isinstance(caches[DEFAULT_CACHE_ALIAS], FileBasedCache):
        now = time.time()
        ends = cache.get(f"{key}:ends") or now + window
        count = max(0, (cache.get(key) or 0) + delta)
        cache.set_many({key: count, f"{key}:ends": ends}, timeout=max(1, ends - now))
        return count
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key, delta)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, max(0, delta), timeout=window)
        return max(0, delta)


def reserve_post(ip):
    """Count a post from `ip` before it is stored; False if over the limit.

    Counted first, atomically: of N simultaneous posts over the limit none
    gets a place. A post that is then not stored gives its place back
    (release_post). Raises RateLimitUnavailable when the counts cannot be
    kept: posting then pauses (fail closed) rather than letting a flood in.
    """
    if not ip:
        return True
    key = _rate_key(ip)
    try:
        with _counting():
            if _add_to_count(key, 1) <= settings.COMMENTS_RATE_LIMIT:
                return True
            _add_to_count(key, -1)
            return False
    except Exception as exc:
        logger.warning("Comment rate limit unavailable: %s", exc)
        raise RateLimitUnavailable from exc


def release_post(ip):
    """Give back the place reserve_post() took, for a post that was not stored."""
    if not ip:
        return
    try:
        with _counting():
            _add_to_count(_rate_key(ip), -1)
    except Exception as exc:
        logger.warning("Could not release a rate-limit place: %s", exc)


def is_rate_limited(ip):
    """Whether `ip` has used up its posts (for reports; posting uses reserve_post)."""
    if not ip:
        return False
    try:
        return (cache.get(_rate_key(ip)) or 0) >= settings.COMMENTS_RATE_LIMIT
    except Exception as exc:
        logger.warning("Comment rate limit unavailable: %s", exc)
        raise RateLimitUnavailable from exc


# -- content -------------------------------------------------------------------


def count_links(comment):
    """The links the page will show: those made of the body, and the website."""
    return links_in(comment.body) + (1 if comment.website else 0)


def _domains(comment):
    domains = set()
    if "@" in comment.email:
        domains.add(domain_skeleton(comment.email.rsplit("@", 1)[1]))
    if comment.website:
        host = urlsplit(comment.website).hostname or ""
        if host:
            domains.add(domain_skeleton(host))
    return domains


def matches_blocklist(comment):
    """The first blocked term the comment matches, disguises seen through (comments.disguise)."""
    terms = list(BlockedTerm.objects.all())
    if not terms:
        return None
    text = skeleton(f"{comment.name}\n{comment.body}\n{comment.website}")
    email = email_skeleton(comment.email)
    domains = _domains(comment)
    for term in terms:
        kind = term.kind
        if (
            (kind == BlockedTerm.Kind.WORD and skeleton(term.value) in text)
            or (kind == BlockedTerm.Kind.EMAIL and email_skeleton(term.value) == email)
            or (
                kind == BlockedTerm.Kind.DOMAIN
                and (value := domain_skeleton(term.value))
                and any(d == value or d.endswith("." + value) for d in domains)
            )
            or (kind == BlockedTerm.Kind.IP and term.value == (comment.ip_address or ""))
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


# -- adding to the blocklist from a spam comment ---------------------------------

_HREF = re.compile(r'<a href="([^"]+)"')


def link_domains(comment):
    """The domains of the comment's website and of the links its words show, in order."""
    addresses = [comment.website] if comment.website else []
    addresses += [html.unescape(href) for href in _HREF.findall(str(comment_text(comment.body)))]
    domains = []
    for address in addresses:
        host = domain_skeleton(urlsplit(address).hostname or "")
        # "www.spam.example" blocked would not catch "spam.example"; the other way round does.
        host = host.removeprefix("www.")
        if host and "." in host and host not in domains:
            domains.append(host)
    return domains


def blocklist_offers(comment):
    """What the blocklist could add from a spam comment: [(kind, value)] it has not already.

    The commenter's address (without a "+tag", so every tag is caught) and the
    domains it links to; never the domain of the address, which is usually a
    mail provider's that honest commenters share.
    """
    offers = []
    if comment.email.strip():
        offers.append((BlockedTerm.Kind.EMAIL, email_skeleton(comment.email)))
    offers += [(BlockedTerm.Kind.DOMAIN, domain) for domain in link_domains(comment)]
    blocked = {
        (term.kind, _normalized(term.kind, term.value))
        for term in BlockedTerm.objects.filter(
            kind__in=[BlockedTerm.Kind.EMAIL, BlockedTerm.Kind.DOMAIN]
        )
    }
    return [offer for offer in offers if offer not in blocked]


def _normalized(kind, value):
    return email_skeleton(value) if kind == BlockedTerm.Kind.EMAIL else domain_skeleton(value)


def block(comment, chosen, note=""):
    """Add to the blocklist those of `chosen` ([(kind, value)]) that the comment offers.

    Anything not offered (a forged form) is ignored. Return the terms added.
    """
    offered = set(blocklist_offers(comment))
    added = []
    for kind, value in chosen:
        if (kind, value) in offered:
            term, created = BlockedTerm.objects.get_or_create(
                kind=kind, value=value, defaults={"note": note[:200]}
            )
            if created:
                added.append(term)
    return added
