"""Spam defences: rate limit, links, the auto-approve rule and the blocklist."""

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments import spam
from comments.models import BlockedTerm, Comment
from tests import factories, pages

from .conftest import (
    EMAIL,
    assert_fresh_question,
    assert_typed_text_kept,
    comment_data,
    fetch_question,
    make_comment,
    post_comment,
    post_url,
)

pytestmark = pytest.mark.django_db

AWAITING = "Your comment is awaiting moderation."
PUBLISHED = "Thank you — your comment is published."


# -- rate limit ------------------------------------------------------------------


def test_rate_limit_answers_429_with_the_text_kept(client, statement, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    assert post_comment(client, statement, body="First comment.").status_code == 303
    assert post_comment(client, statement, body="Second comment.").status_code == 303
    data = comment_data(fetch_question(client), body="Third comment, kept for later.")
    response = client.post(post_url(statement), data)
    assert response.status_code == 429
    assert "You have posted several comments in a short time" in pages.main_text(response.content)
    assert_typed_text_kept(response, data)
    assert_fresh_question(response, old_key=data["captcha_0"])
    assert Comment.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.23")
    assert post_comment(other, statement, body="From elsewhere.").status_code == 303


def test_the_default_rate_limit_is_five_in_ten_minutes(settings):
    from advocacy import settings as project_settings

    assert project_settings.COMMENTS_RATE_LIMIT == 5
    assert project_settings.COMMENTS_RATE_WINDOW_SECONDS == 600


def test_rate_limit_counts_expire_with_the_window(client, statement, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_RATE_WINDOW_SECONDS = 600
    assert post_comment(client, statement, body="One.").status_code == 303
    assert spam.is_rate_limited("127.0.0.1")
    from django.core.cache import cache

    cache.delete("comments:rate:127.0.0.1")  # what the cache does when the window ends
    assert post_comment(client, statement, body="Two.").status_code == 303


def test_an_unreachable_rate_limit_cache_is_a_clear_message_not_a_crash(
    client, statement, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionError("cache server down")

    for method in ("get", "add", "incr", "decr"):
        monkeypatch.setattr(spam.cache, method, broken)
    data = comment_data(fetch_question(client))
    response = client.post(post_url(statement), data)
    assert response.status_code == 503
    assert "We cannot accept comments for a moment" in pages.main_text(response.content)
    assert_typed_text_kept(response, data)
    assert not Comment.objects.exists()


def test_a_forged_forwarded_for_neither_changes_the_address_nor_escapes_the_limit(
    statement, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.COMMENTS_RATE_LIMIT = 1
    client = Client(REMOTE_ADDR="192.0.2.10")
    first = post_comment(client, statement, body="One.", headers={"X-Forwarded-For": "1.2.3.4"})
    assert first.status_code == 303
    assert Comment.objects.get().ip_address == "192.0.2.10"
    second = post_comment(client, statement, body="Two.", headers={"X-Forwarded-For": "5.6.7.8"})
    assert second.status_code == 429


# -- links and the auto-approve rule ---------------------------------------------


def test_count_links():
    comment = Comment(body="see https://a.example and www.b.example or http://c", website="")
    assert spam.count_links(comment) == 3
    comment.website = "https://mine.example"
    assert spam.count_links(comment) == 4


def test_without_the_rule_every_comment_waits(client, statement):
    make_comment(statement, email=EMAIL)
    assert post_comment(client, statement).status_code == 303
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_auto_approve_a_known_commenter(client, statement, settings):
    settings.COMMENTS_AUTO_APPROVE_KNOWN = True
    make_comment(factories.make_published("Earlier"), email=EMAIL.upper())
    response = post_comment(client, statement)
    assert response.status_code == 303
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.APPROVED
    page = Client().get(statement.get_absolute_url())
    assert "1 Response" in pages.main_text(page.content)
    assert "The permit must be withdrawn." in page.content.decode()
    assert PUBLISHED in client.get(response["Location"]).content.decode()


def test_auto_approve_needs_an_approved_comment_not_a_pending_one(client, statement, settings):
    settings.COMMENTS_AUTO_APPROVE_KNOWN = True
    make_comment(statement, email=EMAIL, status=Comment.Status.PENDING)
    make_comment(statement, email=EMAIL, status=Comment.Status.SPAM)
    assert post_comment(client, statement).status_code == 303
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_auto_approve_never_above_the_link_limit(client, statement, settings):
    settings.COMMENTS_AUTO_APPROVE_KNOWN = True
    settings.COMMENTS_MAX_LINKS = 2
    make_comment(statement, email=EMAIL)
    body = "Read https://one.example and https://two.example"
    # Two links in the text plus the website: three, one above the limit.
    assert post_comment(client, statement, body=body).status_code == 303
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    # At the limit it passes.
    body = "Read https://three.example and https://four.example"
    assert post_comment(client, statement, body=body, website="").status_code == 303
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_auto_approve_never_for_a_staff_address(client, statement, settings):
    settings.COMMENTS_AUTO_APPROVE_KNOWN = True
    staff = factories.make_editor("dana")
    make_comment(statement, email=staff.email, name="Dana")
    response = post_comment(client, statement, email=staff.email.upper(), name="Dana")
    assert response.status_code == 303
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    assert AWAITING in client.get(response["Location"]).content.decode()


# -- blocklist -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "overrides"),
    [
        (BlockedTerm.Kind.WORD, "Cheap Pills", {"body": "Buy CHEAP pills now"}),
        (BlockedTerm.Kind.WORD, "casino", {"name": "Casino Royale"}),
        (BlockedTerm.Kind.WORD, "casino", {"website": "https://best-casino.example"}),
        (BlockedTerm.Kind.EMAIL, "Spammer@Example.com", {"email": "spammer@example.com"}),
        (BlockedTerm.Kind.DOMAIN, "spam.example", {"email": "a@spam.example"}),
        (BlockedTerm.Kind.DOMAIN, "spam.example", {"email": "a@mail.spam.example"}),
        (BlockedTerm.Kind.DOMAIN, "spam.example", {"website": "http://www.spam.example/x"}),
        (BlockedTerm.Kind.IP, "127.0.0.1", {}),
    ],
)
def test_blocklist_match_goes_to_spam_and_the_visitor_is_not_told(
    client, statement, kind, value, overrides, moderator, django_capture_on_commit_callbacks
):
    BlockedTerm.objects.create(kind=kind, value=value)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, statement, **overrides)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    page = client.get(response["Location"])
    assert AWAITING in page.content.decode()
    assert f'id="comment-{comment.pk}"' in page.content.decode()
    # Others never see it, and moderators are not mailed about spam.
    assert comment.body not in Client().get(statement.get_absolute_url()).content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (BlockedTerm.Kind.WORD, "pills"),
        (BlockedTerm.Kind.EMAIL, "other@example.net"),
        (BlockedTerm.Kind.DOMAIN, "example.ne"),
        (BlockedTerm.Kind.DOMAIN, "ample.net"),
        (BlockedTerm.Kind.IP, "127.0.0.2"),
    ],
)
def test_blocklist_near_misses_stay_pending(client, statement, kind, value):
    BlockedTerm.objects.create(kind=kind, value=value)
    assert post_comment(client, statement).status_code == 303
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_blocklist_beats_auto_approve(client, statement, settings):
    settings.COMMENTS_AUTO_APPROVE_KNOWN = True
    make_comment(statement, email=EMAIL)
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="withdrawn")
    assert post_comment(client, statement).status_code == 303
    assert Comment.objects.latest("pk").status == Comment.Status.SPAM


def test_blocked_terms_are_stored_trimmed_and_lowercase():
    term = BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="  Spam.EXAMPLE ")
    assert term.value == "spam.example"


def test_moderators_edit_the_blocklist_in_the_admin(moderator_client):
    response = moderator_client.post(
        reverse("admin:comments_blockedterm_add"),
        {"kind": "word", "value": "Miracle Cure", "note": "seen in a wave of spam"},
    )
    assert response.status_code == 302
    assert BlockedTerm.objects.get().value == "miracle cure"


def test_the_rate_window_holds_on_the_file_cache(settings, tmp_path):
    """The file cache's incr() rewrites a key with its default timeout (300 s),
    which made the window 'five minutes after the last try' instead of its length."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_RATE_WINDOW_SECONDS = 2
    ip = "192.0.2.77"
    assert spam.reserve_post(ip)
    assert not spam.reserve_post(ip)
    time.sleep(2.5)
    assert spam.reserve_post(ip)  # a new window
