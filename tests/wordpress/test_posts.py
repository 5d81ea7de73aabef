"""Posts become statements: status, dates, slugs, topics, authors; a re-run adds nothing."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from statements.models import Organization, Statement, Topic
from tests import factories
from wordpress import importer
from wordpress.importer import Progress
from wordpress.models import ImportedObject

from . import wxr

pytestmark = pytest.mark.django_db


def test_a_published_post_becomes_a_statement_page(tmp_path, client, run_import):
    path = wxr.write(
        tmp_path,
        wxr.item(
            post_id=11,
            title="Rent freeze now",
            slug="rent-freeze-now",
            content="First paragraph.\n\nSecond paragraph\nwith a line break.",
            excerpt="<em>The council must act.</em>",
            date="2023-05-01 11:30:00",
            date_gmt="2023-05-01 09:30:00",
            categories=[("housing", "Housing"), ("uncategorized", "Uncategorized")],
            tags=[("rent", "Rent")],
        ),
    )
    run = run_import(path)

    assert run.count("post", "created") == 1
    statement = Statement.objects.get()
    assert statement.publish_at == datetime(2023, 5, 1, 9, 30, tzinfo=UTC)
    assert str(statement.statement_date) == "2023-05-01"
    assert statement.summary == "The council must act."
    page = client.get("/statements/rent-freeze-now/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rent freeze now" in html
    # Classic bodies get WordPress's paragraphs and line breaks.
    assert "<p>First paragraph.</p>" in html
    assert "<p>Second paragraph<br>" in html or "<p>Second paragraph<br />" in html
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["Housing", "Rent"]
    assert "Tenants United" in html  # the byline: the site's title by default


def test_statuses_map_and_the_report_says_what_it_changed(tmp_path, client, run_import):
    path = wxr.write(
        tmp_path,
        wxr.item(post_id=1, title="Published one", status="publish"),
        wxr.item(post_id=2, title="Future one", status="future", date="2099-01-01 08:00:00"),
        wxr.item(post_id=3, title="Draft one", status="draft", date_gmt="0000-00-00 00:00:00"),
        wxr.item(post_id=4, title="Pending one", status="pending"),
        wxr.item(post_id=5, title="Private one", status="private"),
        wxr.item(post_id=6, title="Protected one", status="publish", password="secret"),
        wxr.item(post_id=7, title="Binned one", status="trash", slug="binned__trashed"),
    )
    run = run_import(path)

    states = {s.title: s.state for s in Statement.objects.all()}
    assert states == {
        "Published one": "published",
        "Future one": "scheduled",
        "Draft one": "draft",
        "Pending one": "draft",
        "Private one": "draft",
        "Protected one": "draft",
    }
    assert run.count("post", "created") == 6
    assert run.count("post", "skipped") == 1
    reasons = run.reasons()
    assert "in the trash (not imported)" in reasons
    assert any(r.startswith("private in WordPress") for r in reasons)
    assert any(r.startswith("password-protected") for r in reasons)
    assert (
        client.get(f"/statements/{Statement.objects.get(title='Future one').slug}/").status_code
        == 404
    )


def test_a_zero_gmt_date_is_read_in_the_sites_time_zone(tmp_path, run_import):
    path = wxr.write(
        tmp_path,
        # This item shows the site runs at UTC+2.
        wxr.item(post_id=1, date="2023-05-01 11:30:00", date_gmt="2023-05-01 09:30:00"),
        wxr.item(
            post_id=2, status="draft", date="2023-06-10 14:00:00", date_gmt="0000-00-00 00:00:00"
        ),
    )
    run_import(path)
    draft = Statement.objects.get(status="draft")
    assert draft.publish_at == datetime(2023, 6, 10, 12, 0, tzinfo=UTC)

    # Told the zone, it uses it.
    Statement.objects.all().delete()
    ImportedObject.objects.all().delete()
    run_import(path, "--time-zone", "America/New_York")
    draft = Statement.objects.get(status="draft")
    assert draft.publish_at == datetime(2023, 6, 10, 18, 0, tzinfo=UTC)


def test_percent_encoded_slugs_are_decoded_and_taken_slugs_get_a_suffix(
    tmp_path, client, run_import
):
    factories.make_published("Already here", slug="solidarity")
    path = wxr.write(
        tmp_path,
        wxr.item(post_id=1, title="Déclaration", slug="d%c3%a9claration-commune"),
        wxr.item(post_id=2, title="بيان", slug="%d8%a8%d9%8a%d8%a7%d9%86"),
        wxr.item(post_id=3, title="Solidarity", slug="solidarity"),
    )
    run = run_import(path)

    slugs = dict(Statement.objects.values_list("title", "slug"))
    assert slugs["Déclaration"] == "declaration-commune"
    assert slugs["بيان"] == "post-2"
    assert slugs["Solidarity"] == "solidarity-2"
    assert "slug “solidarity” was taken: “solidarity-2”" in run.reasons()
    assert client.get("/statements/declaration-commune/").status_code == 200


def test_cdata_end_marker_inside_content_survives(tmp_path, client, run_import):
    path = wxr.write(
        tmp_path, wxr.item(post_id=1, slug="code", content="An array: a[b[0]]> c, kept whole.")
    )
    run_import(path)
    assert "a[b[0]]&gt; c, kept whole." in client.get("/statements/code/").content.decode()


def test_a_second_run_creates_nothing_and_a_changed_post_is_updated(tmp_path, run_import):
    items = [
        wxr.item(post_id=1, title="One", comments=[wxr.comment(501)]),
        wxr.item(post_id=2, title="Two"),
    ]
    path = wxr.write(tmp_path, *items)
    first = run_import(path)
    assert first.count("post", "created") == 2

    second = run_import(path)
    assert second.count("post", "created") == 0
    assert second.count("post", "skipped") == 2
    assert second.count("comment", "created") == 0
    assert Statement.objects.count() == 2

    changed = wxr.write(tmp_path, items[0], wxr.item(post_id=2, title="Two, corrected"))
    third = run_import(changed)
    assert third.count("post", "updated") == 1
    assert third.count("post", "skipped") == 1
    assert Statement.objects.filter(title="Two, corrected").exists()
    assert Statement.objects.count() == 2


def test_a_dry_run_writes_nothing_and_reports_the_same(tmp_path, run_import):
    path = wxr.write(tmp_path, wxr.item(post_id=1, comments=[wxr.comment(9)]), wxr.item(post_id=2))
    dry = run_import(path, "--dry-run")
    assert dry.report["dry_run"] is True
    assert "dry run: nothing was written" in dry.output
    assert Statement.objects.count() == 0
    assert ImportedObject.objects.count() == 0

    real = run_import(path)
    assert real.report["counts"] == dry.report["counts"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xxe.xml", "DOCTYPE"),
        ("billion-laughs.xml", "DOCTYPE"),
        ("malformed.xml", "not well-formed XML"),
    ],
)
def test_hostile_and_broken_files_are_refused_with_nothing_written(name, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_wordpress", str(wxr.FILES / name))
    assert Statement.objects.count() == 0
    assert Organization.objects.count() == 0


def test_a_file_cut_off_after_many_items_writes_nothing(tmp_path):
    text = wxr.export(*(wxr.item(post_id=n) for n in range(1, 30)))
    path = tmp_path / "cut.xml"
    path.write_text(text[: len(text) - 40], encoding="utf-8")
    with pytest.raises(CommandError, match="not well-formed"):
        call_command("import_wordpress", str(path))
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(("version", "message"), [("", "no wp:wxr_version"), ("2.0", "“2.0”")])
def test_missing_or_unknown_versions_are_refused(tmp_path, version, message):
    path = wxr.write(tmp_path, wxr.item(post_id=1), version=version)
    with pytest.raises(CommandError, match=message):
        call_command("import_wordpress", str(path))
    assert Statement.objects.count() == 0


def test_authors_known_only_from_dc_creator_are_mapped(tmp_path, client, run_import):
    editor = factories.make_editor("casey")
    path = wxr.write(
        tmp_path,
        wxr.item(post_id=1, slug="by-ghost", creator="ghostwriter"),
        wxr.item(post_id=2, slug="by-casey", creator="cbrown"),
        wxr.item(post_id=3, slug="by-admin", creator="admin"),
        authors=(),
    )
    run = run_import(
        path,
        "--author", "ghostwriter=organization:Renters Alliance",
        "--author", "cbrown=user:casey",
        "--organization", "Tenants Union",
    )  # fmt: skip
    assert run.report["authors"] == {
        "admin": "byline Tenants Union",
        "cbrown": "user casey, byline Tenants Union",
        "ghostwriter": "byline Renters Alliance",
    }
    assert "Renters Alliance" in client.get("/statements/by-ghost/").content.decode()
    assert Statement.objects.get(slug="by-casey").author == editor
    assert "ghostwriter → byline Renters Alliance" in run.output


def test_an_unknown_staff_account_stops_the_import_first(tmp_path):
    path = wxr.write(tmp_path, wxr.item(post_id=1))
    with pytest.raises(CommandError, match="no staff account “nobody”"):
        call_command("import_wordpress", str(path), "--author", "admin=user:nobody")
    assert Statement.objects.count() == 0


def test_other_post_types_are_skipped_and_reported(tmp_path, run_import):
    path = wxr.write(
        tmp_path,
        wxr.item(post_id=1, post_type="revision", status="inherit"),
        wxr.item(post_id=2, post_type="nav_menu_item"),
        wxr.item(post_id=3, post_type="event", title="Tenants' fair"),
        wxr.item(post_id=4, sticky=1, title="Pinned"),
    )
    run = run_import(path)
    assert run.count("other", "skipped") == 3
    assert set(run.reasons("skipped")) == {
        "revision (not imported)",
        "menu item (not imported)",
        "unknown post type “event”",
    }
    assert any("sticky" in r for r in run.reasons("note"))
    assert "unknown post type “event”" in run.output


def test_cached_lists_show_the_import_and_a_statement_leaving_a_topic_leaves_its_page(
    tmp_path, run_import
):
    visitor = Client()
    assert "Rent freeze now" not in visitor.get("/").content.decode()  # the home page, cached
    first = wxr.item(
        post_id=90,
        title="Rent freeze now",
        slug="rent-freeze",
        categories=[("housing", "Housing")],
    )
    run_import(wxr.write(tmp_path, first))
    assert "Rent freeze now" in visitor.get("/").content.decode()
    assert "Rent freeze now" in visitor.get("/topics/housing/").content.decode()  # cached now

    moved = wxr.item(
        post_id=90, title="Rent freeze now", slug="rent-freeze", categories=[("wages", "Wages")]
    )
    run_import(wxr.write(tmp_path, moved))
    assert "Rent freeze now" not in visitor.get("/topics/housing/").content.decode()
    assert "Rent freeze now" in visitor.get("/topics/wages/").content.decode()


class _StopAfter(Progress):
    """Interrupts the import (as Ctrl-C does) after `n` items of the content pass."""

    def __init__(self, n):
        self.n, self.phase_name, self.seen = n, "", 0

    def phase(self, name, total, *, comments=None):
        self.phase_name = name

    def advance(self, n=1, *, comments=0):
        if self.phase_name == "items":
            self.seen += n
            if self.seen == self.n:
                raise KeyboardInterrupt


def test_an_interrupted_run_leaves_nothing_half_imported_and_a_second_finishes(
    tmp_path, run_import, monkeypatch
):
    monkeypatch.setattr(importer, "CHUNK_ITEMS", 3)
    items = [
        wxr.item(
            post_id=n, comments=[wxr.comment(1000 + n), wxr.comment(2000 + n, parent=1000 + n)]
        )
        for n in range(1, 9)
    ]
    path = wxr.write(tmp_path, *items)
    with pytest.raises(KeyboardInterrupt):
        importer.Importer(path, progress=_StopAfter(5)).run()
    # The first chunk of three is in, whole; the second was rolled back.
    assert Statement.objects.count() == 3
    assert all(s.comments.count() == 2 for s in Statement.objects.all())

    run = run_import(path)
    assert run.count("post", "created") == 5
    assert run.count("post", "skipped") == 3
    assert Statement.objects.count() == 8
    assert all(s.comment_count == 2 for s in Statement.objects.all())
