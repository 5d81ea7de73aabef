"""Comments: states kept, threads rebuilt whatever the order, counts and cached pages right."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client

from comments.models import Comment
from statements.models import Statement
from tests.comments.test_display import thread_of

from . import wxr

pytestmark = pytest.mark.django_db


def thread_export(tmp_path):
    comments = [
        # A reply listed before its parent, and a reply to a reply.
        wxr.comment(603, content="Reply to the first", parent=601, date="2023-05-02 12:00:00"),
        wxr.comment(
            601,
            content="First!",
            author="Ana",
            email="ana@example.net",
            date="2023-05-02 10:00:00",
        ),
        wxr.comment(604, content="Reply to the reply", parent=603, date="2023-05-02 13:00:00"),
        wxr.comment(602, content="Second top", date="2023-05-02 11:00:00"),
        # Its parent (a spam comment WordPress did not export) is absent.
        wxr.comment(605, content="Orphan reply", parent=599, date="2023-05-02 14:00:00"),
        wxr.comment(606, content="Waiting", approved="0"),
        wxr.comment(607, content="Buy pills", approved="spam"),
        wxr.comment(608, content="Binned", approved="trash"),
        wxr.comment(609, content="Post binned", approved="post-trashed"),
        wxr.comment(610, content="", kind="pingback", author="Some blog"),
        wxr.comment(611, content="tb", kind="trackback"),
    ]
    return wxr.write(tmp_path, wxr.item(post_id=60, slug="discussed", comments=comments))


def test_states_threads_and_the_count(tmp_path, client, run_import):
    # The page is cached before the import: it must show the comments afterwards.
    run = run_import(thread_export(tmp_path))

    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses == {
        "Reply to the first": "approved",
        "First!": "approved",
        "Reply to the reply": "approved",
        "Second top": "approved",
        "Orphan reply": "approved",
        "Waiting": "pending",
        "Buy pills": "spam",
        "Binned": "removed",
        "Post binned": "removed",
    }
    assert run.count("comment", "created") == 9
    assert run.count("comment", "skipped") == 2
    assert {"pingback (not imported)", "trackback (not imported)"} <= set(run.reasons("skipped"))
    assert "reply to a comment not in the export: shown as top-level" in run.reasons("note")

    statement = Statement.objects.get()
    assert statement.comment_count == 5
    by_body = {c.body: c.pk for c in Comment.objects.all()}
    html = client.get("/statements/discussed/").content.decode()
    assert thread_of(html) == [
        (
            by_body["First!"],
            [(by_body["Reply to the first"], [(by_body["Reply to the reply"], [])])],
        ),
        (by_body["Second top"], []),
        (by_body["Orphan reply"], []),
    ]
    assert "Buy pills" not in html and "Waiting" not in html
    assert "sam@example.net" not in html and "203.0.113.9" not in html
    first = Comment.objects.get(body="First!")
    assert first.created_at == datetime(2023, 5, 2, 10, 0, tzinfo=UTC)
    assert first.name == "Ana"


def test_the_cached_page_and_list_show_the_imported_comments(tmp_path, run_import):
    path = wxr.write(tmp_path, wxr.item(post_id=61, slug="cached", content="Hello."))
    run_import(path)
    visitor = Client()
    assert "First!" not in visitor.get("/statements/cached/").content.decode()  # now cached

    path = wxr.write(
        tmp_path,
        wxr.item(
            post_id=61,
            slug="cached",
            content="Hello.",
            comments=[wxr.comment(701, content="First!")],
        ),
    )
    run = run_import(path)
    assert run.count("post", "updated") == 1
    assert "First!" in visitor.get("/statements/cached/").content.decode()
    assert Statement.objects.get().comment_count == 1


def test_a_rerun_adds_no_comment_twice(tmp_path, run_import):
    path = thread_export(tmp_path)
    run_import(path)
    again = run_import(path)
    assert again.count("comment", "created") == 0
    assert Comment.objects.count() == 9


def test_imported_commenters_data_can_be_exported_erased_and_ips_purged(
    tmp_path, run_import, capsys
):
    run_import(thread_export(tmp_path))
    call_command("export_commenter", "sam@example.net")
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["comments"]) == 8  # all of Sam's, every state

    call_command("purge_comment_ips")
    assert not Comment.objects.filter(ip_address__isnull=False).exists()  # all from 2023

    call_command("erase_commenter", "sam@example.net", "--yes")
    assert list(Comment.objects.values_list("name", flat=True)) == ["Ana"]
