"""The email and the IP address are never published; a commenter can be exported and erased."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests import factories, pages

from .conftest import fetch_question, make_comment, post_comment

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "river.quinn.private@example.net"
SECRET_IP = "203.0.113.77"


@pytest.fixture
def published_comment(statement):
    """An approved comment, and a reply, both by the same commenter, on a topical statement."""
    topic = factories.make_topic("Water")
    statement.topics.add(topic)
    comment = make_comment(
        statement,
        name="River Quinn",
        email=SECRET_EMAIL,
        website="https://river.example",
        body="Our village has waited nine years for a well.",
        ip_address=SECRET_IP,
    )
    make_comment(
        statement,
        parent=comment,
        name="River Quinn",
        email=SECRET_EMAIL.upper(),
        body="And the school still has no tap.",
        ip_address=SECRET_IP,
    )
    return comment


def public_urls(statement):
    topic = statement.topics.get()
    organization = statement.organizations.first()
    return [
        statement.get_absolute_url(),
        f"{statement.get_absolute_url()}?replytocom=1",
        reverse("statements:home"),
        reverse("statements:topic", args=[topic.slug]),
        reverse("statements:organization", args=[organization.slug]),
        reverse("statements:archive"),
        reverse("statements:search") + "?q=water",
        reverse("statements:search") + "?q=river.quinn",
        reverse("statements:feed-rss"),
        reverse("statements:feed-atom"),
        reverse("statements:topic-feed-rss", args=[topic.slug]),
        reverse("statements:topic-feed-atom", args=[topic.slug]),
        reverse("sitemap"),
        reverse("comments:question"),
    ]


def test_the_email_and_ip_appear_on_no_public_page_or_feed(published_comment, statement):
    client = Client()
    page = client.get(statement.get_absolute_url())
    # The comment is there, so its absence of an email means something.
    assert "Our village has waited nine years for a well." in pages.main_text(page.content)
    assert "River Quinn" in page.content.decode()
    local_part = SECRET_EMAIL.split("@")[0]
    for url in public_urls(statement):
        response = client.get(url)
        assert response.status_code == 200, url
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        for secret in (
            SECRET_EMAIL,
            local_part,
            SECRET_EMAIL.upper(),
            "river.quinn%40",
            SECRET_IP,
        ):
            assert secret.lower() not in content.lower(), (url, secret)


def test_the_commenter_does_not_see_their_email_echoed_after_posting(statement):
    client = Client(REMOTE_ADDR=SECRET_IP)
    response = post_comment(client, statement, email=SECRET_EMAIL)
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "The permit must be withdrawn." in page
    assert SECRET_EMAIL not in page
    assert SECRET_IP not in page
    assert Comment.objects.get().ip_address == SECRET_IP


def test_the_question_endpoint_says_nothing_about_anyone(published_comment):
    data = fetch_question(Client())
    assert SECRET_EMAIL not in json.dumps(data)


# -- purge_comment_ips -----------------------------------------------------------


def age(comment, days):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_purge_clears_ips_older_than_the_retention(statement, settings):
    assert settings.COMMENTS_IP_RETENTION_DAYS == 30
    old = make_comment(statement, ip_address="198.51.100.1")
    recent = make_comment(statement, ip_address="198.51.100.2")
    age(old, 31)
    age(recent, 29)
    out = StringIO()
    call_command("purge_comment_ips", stdout=out)
    assert "Cleared the IP address of 1 comment(s) older than 30 days." in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None
    assert recent.ip_address == "198.51.100.2"
    # Everything else about the old comment stays.
    assert old.body and old.email and old.status == Comment.Status.APPROVED


def test_purge_takes_a_number_of_days(statement):
    comment = make_comment(statement, ip_address="198.51.100.3")
    age(comment, 8)
    call_command("purge_comment_ips", "--days", "7", stdout=StringIO())
    comment.refresh_from_db()
    assert comment.ip_address is None


# -- export_commenter --------------------------------------------------------------


def test_export_gives_everything_about_one_address_and_nothing_else(published_comment, statement):
    make_comment(statement, email="someone.else@example.org", body="Not River's words.")
    out = StringIO()
    call_command("export_commenter", f"  {SECRET_EMAIL.title()} ", stdout=out)
    data = json.loads(out.getvalue())
    comments = data["comments"]
    assert [c["comment"] for c in comments] == [
        "Our village has waited nine years for a well.",
        "And the school still has no tap.",
    ]
    first = comments[0]
    assert first["name"] == "River Quinn"
    assert first["email"] == SECRET_EMAIL
    assert first["website"] == "https://river.example"
    assert first["ip_address"] == SECRET_IP
    assert first["status"] == "approved"
    assert first["statement"] == statement.title
    assert first["statement_url"] == statement.get_absolute_url()
    assert comments[1]["in_reply_to"] == first["id"]
    assert "Not River's words." not in out.getvalue()


def test_export_of_an_unknown_address_is_empty(db):
    out = StringIO()
    call_command("export_commenter", "nobody@example.org", stdout=out)
    assert json.loads(out.getvalue())["comments"] == []


# -- erase_commenter -------------------------------------------------------------


def test_erase_removes_the_commenter_keeps_others_replies_and_fixes_the_count(
    published_comment, statement
):
    answer = make_comment(
        statement, parent=published_comment, name="Sam", body="We will bring water too."
    )
    statement.refresh_from_db()
    assert statement.comment_count == 3

    out = StringIO()
    call_command("erase_commenter", SECRET_EMAIL, "--yes", stdout=out)
    assert "Erased 2 comment(s)" in out.getvalue()
    assert not Comment.objects.by_email(SECRET_EMAIL).exists()
    answer.refresh_from_db()
    assert answer.parent is None  # now a top-level comment

    statement.refresh_from_db()
    assert statement.comment_count == 1
    page = Client().get(statement.get_absolute_url())
    text = pages.main_text(page.content)
    assert "1 Response" in text
    assert "We will bring water too." in text
    assert "River Quinn" not in page.content.decode()
    assert "nine years" not in page.content.decode()

    out = StringIO()
    call_command("export_commenter", SECRET_EMAIL, stdout=out)
    assert json.loads(out.getvalue())["comments"] == []


def test_erase_leaves_no_words_in_the_admin_log(published_comment, moderator_client):
    pending = make_comment(
        published_comment.statement,
        status=Comment.Status.PENDING,
        name="River Quinn",
        email=SECRET_EMAIL,
        body="A third message, moderated in the admin.",
    )
    moderator_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    assert LogEntry.objects.filter(object_id=str(pending.pk)).exists()
    call_command("erase_commenter", SECRET_EMAIL, "--yes", stdout=StringIO())
    for entry in LogEntry.objects.all():
        assert "River" not in entry.object_repr
        assert "third message" not in entry.object_repr
    # Who moderated, and when, is still on record.
    assert LogEntry.objects.filter(object_id=str(pending.pk)).exists()


def test_erase_asks_first(published_comment, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_commenter", SECRET_EMAIL, stdout=StringIO())
    assert Comment.objects.by_email(SECRET_EMAIL).count() == 2

    def no_terminal(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_commenter", SECRET_EMAIL, stdout=StringIO())
    assert Comment.objects.by_email(SECRET_EMAIL).count() == 2

    monkeypatch.setattr("builtins.input", lambda prompt: " YES ")
    call_command("erase_commenter", SECRET_EMAIL, stdout=StringIO())
    assert not Comment.objects.by_email(SECRET_EMAIL).exists()


def test_erase_of_an_unknown_address_says_so(db):
    out = StringIO()
    call_command("erase_commenter", "nobody@example.org", "--yes", stdout=out)
    assert "Nothing is stored about nobody@example.org." in out.getvalue()
