import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from PIL import Image as PILImage

from statements import demo
from statements.models import EditorNote, Image, Organization, Statement, Topic

pytestmark = pytest.mark.django_db

REPOST_SLUG = "open-the-winter-shelters-at-zero"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class LoadedDemo:
    output: str  # what load_demo printed
    media_root: Path


@pytest.fixture(scope="class")
def loaded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for a class in a transaction rolled back after it."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        # Each test's own transaction nests in this one (a savepoint), so a test
        # sees the loaded demo and leaves it as it found it.
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield LoadedDemo(output=load_demo(), media_root=media)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def loaded(loaded_once, settings):
    settings.MEDIA_ROOT = loaded_once.media_root
    return loaded_once


def load_demo(**options):
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def media_files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def snapshot():
    User = get_user_model()
    return {
        "organizations": Organization.objects.count(),
        "topics": Topic.objects.count(),
        "statements": sorted(Statement.objects.values_list("slug", "updated_at")),
        "notes": EditorNote.objects.count(),
        "images": sorted(Image.objects.values_list("file", flat=True)),
        "users": sorted(User.objects.values_list("username", "password")),
    }


class TestLoadedOnce:
    """Tests that read the demo as `make run` loads it into an empty site. The
    class loads it once (`loaded`); each test runs in a transaction of its own on
    top, so what a test changes or loads again is rolled back after it."""

    def test_loads_the_promised_content(self, loaded):
        assert Organization.objects.count() >= 3
        assert Organization.objects.filter(url__contains=".example.org").count() >= 3
        assert set(Topic.objects.values_list("name", flat=True)) == {
            "Peace",
            "Housing",
            "Labor",
            "Climate",
        }
        assert Statement.objects.count() >= 12
        assert Statement.objects.drafts().count() == 1
        assert Statement.objects.scheduled().count() == 1

        published = list(Statement.objects.published().prefetch_related("organizations", "topics"))
        assert len(published) >= 12
        for topic in Topic.objects.all():
            assert any(topic in s.topics.all() for s in published), topic
        assert len({(s.publish_at.year, s.publish_at.month) for s in published}) >= 4
        assert all(s.statement_date <= s.publish_at.date() for s in published)
        assert any(s.organizations.count() >= 2 for s in published)
        for statement in published:
            assert statement.summary
            assert statement.body.count("<p>") >= 3, statement.slug
        # As valid as if typed into the admin, and no figure marker left unreplaced.
        for obj in [*Organization.objects.all(), *Topic.objects.all(), *Statement.objects.all()]:
            obj.full_clean()
        assert not Statement.objects.filter(body__contains="[[").exists()
        bodies = "".join(s.body for s in published)
        for tag in ("<h2>", "<blockquote>", "<li>"):
            assert tag in bodies

        with_featured = [s for s in published if s.featured_image]
        assert len(with_featured) >= 3
        assert all(s.featured_image.credit for s in with_featured)

    def test_in_body_figures_point_at_library_images(self, loaded, settings):
        with_figures = Statement.objects.filter(body__contains="<figure>")
        assert with_figures.count() >= 2
        library = set(Image.objects.values_list("file", flat=True))
        for statement in with_figures:
            sources = re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', statement.body)
            assert sources
            for src in sources:
                assert src.startswith(settings.MEDIA_URL)
                assert src.removeprefix(settings.MEDIA_URL) in library
            # Between paragraphs, not at the start or the end of the body.
            assert statement.body.index("<figure>") > statement.body.index("</p>")
            assert statement.body.rindex("</figure>") < statement.body.rindex("<p>")

    def test_draft_and_scheduled_stay_private(self, loaded, client):
        draft = Statement.objects.drafts().get()
        scheduled = Statement.objects.scheduled().get()

        published = Statement.objects.published()
        assert draft not in published
        assert scheduled not in published
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        home = client.get("/").content.decode()
        assert escape(draft.title) not in home
        assert escape(scheduled.title) not in home

    def test_repost_has_source_and_signed_editor_note(self, loaded):
        repost = Statement.objects.get(slug=REPOST_SLUG)

        assert "\u2212" in repost.title
        assert repost.is_repost
        assert repost.source_name
        assert repost.source_url.startswith("https://") and ".example.org/" in repost.source_url
        note = repost.editor_notes.get()
        assert note.placement == EditorNote.Placement.ABOVE
        assert note.editor.username == "editor"
        assert note.initials == "jb"

    def test_repost_page_shows_everything(self, loaded, client):
        repost = Statement.objects.get(slug=REPOST_SLUG)
        organization = repost.organizations.get()
        note = repost.editor_notes.get()
        featured = repost.featured_image
        figure_image = Image.objects.get(caption=demo.IMAGES["northgate-night"].caption)

        response = client.get(repost.get_absolute_url())

        assert response.status_code == 200
        html = response.content.decode()
        assert escape(repost.title) in html
        assert "Statement by" in html
        assert escape(organization.name) in html
        assert format_date(repost.statement_date, "F j, Y") in html
        assert escape(note.text) in html
        assert "[jb]" in html
        assert escape(figure_image.caption) in html
        assert escape(figure_image.credit) in html
        assert f"Featured Image: Credit ~{escape(featured.credit)}" in html
        assert featured.display_url in html

    def test_images_are_real_jpegs(self, loaded):
        images = list(Image.objects.all())
        assert len(images) >= 5
        for image in images:
            assert image.file.name.endswith(".jpg")
            assert image.alt_text
            assert (image.width, image.height) == (1600, 900)
            with image.file.open("rb"), PILImage.open(image.file) as picture:
                assert picture.format == "JPEG"
                assert picture.size == (1600, 900)
                picture.load()

    def test_staff_accounts_get_random_passwords_printed_once(self, loaded):
        output = loaded.output
        User = get_user_model()

        passwords = dict(re.findall(r"^\s+(editor|moderator)\s+password: (\S+)$", output, re.M))
        assert set(passwords) == {"editor", "moderator"}
        assert passwords["editor"] != passwords["moderator"]
        assert "http://127.0.0.1:8000/admin/" in output

        # django-axes counts logins per address, so authentication needs a request.
        login_request = RequestFactory().post("/admin/login/")
        editor = authenticate(login_request, username="editor", password=passwords["editor"])
        moderator = authenticate(
            login_request, username="moderator", password=passwords["moderator"]
        )
        assert editor is not None and moderator is not None
        assert editor.is_staff and not editor.is_superuser
        assert moderator.is_staff and not moderator.is_superuser
        assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
        assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
        assert editor.staff_profile.initials == "jb"
        assert editor.has_perm("statements.change_statement")
        assert not moderator.has_perm("statements.change_statement")

        # A fresh database gets fresh passwords, never a fixed one.
        Statement.objects.all().delete()
        User.objects.all().delete()
        again = dict(re.findall(r"^\s+(editor|moderator)\s+password: (\S+)$", load_demo(), re.M))
        assert again["editor"] != passwords["editor"]

    def test_second_run_changes_nothing(self, loaded):
        before, files_before = snapshot(), media_files(loaded.media_root)

        output = load_demo()

        assert snapshot() == before
        assert media_files(loaded.media_root) == files_before
        assert "Demo content already loaded" in output
        assert "password:" not in output
        assert "changepassword editor" in output

    def test_deleted_statement_stays_deleted_on_the_next_start(self, loaded):
        Statement.objects.get(slug=REPOST_SLUG).delete()
        count = Statement.objects.count()

        output = load_demo()

        assert Statement.objects.count() == count
        assert not Statement.objects.filter(slug=REPOST_SLUG).exists()
        assert "already loaded" in output

    def test_restore_adds_back_a_deleted_statement_without_duplicates(self, loaded):
        Statement.objects.get(slug=REPOST_SLUG).delete()
        count = Statement.objects.count()

        output = load_demo(restore=True)

        assert Statement.objects.count() == count + 1
        assert Statement.objects.filter(slug=REPOST_SLUG).count() == 1
        assert "Loaded demo content: 1 statement, 2 images." in output


def test_existing_account_is_left_alone():
    User = get_user_model()
    User.objects.create_user("editor", password="chosen-by-the-developer")

    output = load_demo()

    editor = User.objects.get(username="editor")
    assert editor.check_password("chosen-by-the-developer")
    assert not re.search(r"^\s+editor\s+password:", output, re.M)
    assert re.search(r"^\s+moderator\s+password:", output, re.M)
    assert "changepassword editor" in output


def test_failed_load_leaves_no_rows_or_files(monkeypatch, media_root):
    def fail(**kwargs):
        raise RuntimeError("disk full")

    # The repost's images are saved before its note, so files exist when this fails.
    monkeypatch.setattr(EditorNote.objects, "create", fail)

    with pytest.raises(RuntimeError):
        load_demo()

    assert not Statement.objects.exists()
    assert not Image.objects.exists()
    assert not get_user_model().objects.exists()
    assert media_files(media_root) == []


def test_image_row_that_fails_leaves_no_file(monkeypatch, media_root):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    # Image.save writes the file first, then inserts the row; make the insert fail.
    monkeypatch.setattr(Image, "save_base", fail)

    with pytest.raises(RuntimeError):
        load_demo()

    assert media_files(media_root) == []


def test_admin_link_uses_the_site_address(settings):
    # make run gives the development server's address as SITE_URL (PORT=8101 here).
    settings.SITE_URL = "http://127.0.0.1:8101"

    output = load_demo()

    assert "Log in at http://127.0.0.1:8101/admin/" in output
    assert "127.0.0.1:8000" not in output
