"""backup_site and restore_site, end to end, on the database the suite runs on.

CI runs the suite on SQLite and on PostgreSQL, so both kinds are restored on
every run. The tests are transactional: on PostgreSQL the backup is a pg_dump
in another process, which sees only committed rows.
"""

import io
import json
import re
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from comments.models import BlockedTerm, Comment
from statements.models import Image, Statement
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

ARCHIVE_NAME = re.compile(r"^advocacy-backup-\d{8}-\d{6}(-\d+)?\.tar\.gz$")


@pytest.fixture(autouse=True)
def _postgres_client_matches_server(django_db_setup, django_db_blocker):
    """On PostgreSQL, pg_dump must exist and have the server's major version."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        missing = [name for name in ("pg_dump", "pg_restore") if shutil.which(name) is None]
        if missing:
            pytest.skip(f"{' and '.join(missing)} not installed (postgresql-client)")
        version = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True)
        found = re.search(r"(\d+)(?:\.\d+)?", version.stdout)
        client_major = int(found.group(1)) if found else None
        connection.ensure_connection()
        server_major = connection.pg_version // 10000
        if client_major != server_major:
            pytest.skip(
                f"pg_dump is version {client_major}, the server {server_major}: "
                "backups need the same major version"
            )


@pytest.fixture
def media_root(settings, tmp_path):
    """A media folder of this test's own: restore swaps the whole folder."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def backups(tmp_path):
    return tmp_path / "backups"


@pytest.fixture
def site(media_root):
    """A statement with a featured image and an approved comment (committed)."""
    image = factories.make_image(
        caption="Río Claro at dawn — the water we defend", credit="© Ana Pérez"
    )
    statement = factories.make_published(
        "Clean water for every village — ¡agua para todos!",
        body="<p>We stand with the river communities. <strong>Now.</strong></p>",
        featured_image=image,
    )
    comment = Comment.objects.create(
        statement=statement,
        name="Rosa Quintero-Valdés",
        email="rosa@example.net",
        body="Thank you for this statement.\n\nWe will be at the hearing.",
        status=Comment.Status.APPROVED,
        ip_address="192.0.2.7",
    )
    return {"statement": statement, "image": image, "comment": comment}


def run_backup(directory):
    out = io.StringIO()
    call_command("backup_site", str(directory), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def run_restore(archive, *args):
    out = io.StringIO()
    call_command("restore_site", str(archive), *args, stdout=out)
    return out.getvalue()


def rows(model, *fields):
    return sorted(model.objects.values_list(*fields))


def media_files(root):
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def test_backup_then_restore_brings_back_data_and_images(site, media_root, backups):
    statement, image, comment = site["statement"], site["image"], site["comment"]
    statement_fields = ("pk", "title", "slug", "body", "status", "featured_image_id")
    comment_fields = ("pk", "statement_id", "name", "email", "body", "status", "ip_address")
    image_fields = ("pk", "file", "caption", "credit", "alt_text")
    before = {
        "statements": rows(Statement, *statement_fields),
        "comments": rows(Comment, *comment_fields),
        "images": rows(Image, *image_fields),
        "media": media_files(media_root),
    }
    image_path = Path(image.file.path)
    assert image_path.is_file()
    assert str(image_path.relative_to(media_root)) in before["media"]

    archive = run_backup(backups)

    # One archive, complete, under its final name; readable by its owner only.
    assert [p.name for p in backups.iterdir()] == [archive.name]
    assert ARCHIVE_NAME.match(archive.name)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"] == connection.vendor
    assert manifest["database_file"] in names
    assert f"media/{image_path.relative_to(media_root)}" in names

    # Damage: deface the statement, delete the comment and the image file, add things.
    Statement.objects.filter(pk=statement.pk).update(title="Defaced", body="<p>gone</p>")
    Comment.objects.filter(pk=comment.pk).delete()
    image_path.unlink()
    (media_root / "stray.txt").write_text("written after the backup")
    factories.make_published("A statement written after the backup")

    output = run_restore(archive, "--yes")

    assert f"Restored {archive}" in output
    assert rows(Statement, *statement_fields) == before["statements"]
    assert rows(Comment, *comment_fields) == before["comments"]
    assert rows(Image, *image_fields) == before["images"]
    assert media_files(media_root) == before["media"]
    assert image_path.read_bytes() == before["media"][str(image_path.relative_to(media_root))]
    # The restored site answers as before.
    restored = Statement.objects.get(pk=statement.pk)
    assert restored.title == "Clean water for every village — ¡agua para todos!"
    assert list(Comment.objects.approved().filter(statement=restored)) == [comment]
    # Nothing of the restore's own is left beside the media folder.
    assert sorted(p.name for p in media_root.parent.iterdir()) == ["backups", "media"]


def test_restore_replaces_tables_made_after_the_backup(site, media_root, backups):
    """Restoring an older backup leaves no table a newer migration made, so `migrate` works."""
    with connection.schema_editor() as editor:
        editor.delete_model(BlockedTerm)
    try:
        archive = run_backup(backups)
        with connection.schema_editor() as editor:
            editor.create_model(BlockedTerm)
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="casino")

        run_restore(archive, "--yes")

        assert BlockedTerm._meta.db_table not in connection.introspection.table_names()
    finally:
        if BlockedTerm._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(BlockedTerm)
    assert Statement.objects.filter(pk=site["statement"].pk).exists()


def test_archive_from_the_other_database_kind_is_refused(site, media_root, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    dump_name = "database.pgdump" if other == "postgresql" else "database.sqlite3"
    work = tmp_path / "foreign"
    (work / "media").mkdir(parents=True)
    (work / "media" / "other-site.jpg").write_bytes(factories.jpeg_bytes())
    (work / dump_name).write_bytes(b"not this site's database")
    (work / "manifest.json").write_text(
        json.dumps({"created_at": "2026-01-01T00:00:00+00:00", "database": other,
                    "database_file": dump_name})
    )  # fmt: skip
    archive = tmp_path / "advocacy-backup-20260101-000000.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("manifest.json", dump_name, "media"):
            tar.add(work / name, arcname=name)
    media_before = media_files(media_root)

    with pytest.raises(CommandError, match=f"holds a {other} database"):
        run_restore(archive, "--yes")

    assert Statement.objects.filter(pk=site["statement"].pk).exists()
    assert Comment.objects.filter(pk=site["comment"].pk).exists()
    assert media_files(media_root) == media_before


def test_not_an_archive_is_refused_cleanly(site, media_root, tmp_path):
    bogus = tmp_path / "advocacy-backup-20260101-000000.tar.gz"
    bogus.write_bytes(b"\x1f\x8b truncated")
    with pytest.raises(CommandError, match="not a backup_site archive"):
        run_restore(bogus, "--yes")
    with pytest.raises(CommandError, match="No archive at"):
        run_restore(tmp_path / "missing.tar.gz", "--yes")
    assert Statement.objects.filter(pk=site["statement"].pk).exists()


def test_restore_asks_first(site, media_root, backups, monkeypatch):
    archive = run_backup(backups)
    Statement.objects.filter(pk=site["statement"].pk).update(title="Changed since")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was restored"):
        run_restore(archive)
    assert Statement.objects.get(pk=site["statement"].pk).title == "Changed since"


def test_a_failed_backup_leaves_no_partial_archive(site, media_root, backups, monkeypatch):
    original_add = tarfile.TarFile.add

    def add(self, name, arcname=None, *args, **kwargs):
        if arcname == "media":
            raise OSError(28, "No space left on device")
        return original_add(self, name, arcname, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "add", add)
    with pytest.raises(OSError, match="No space left"):
        run_backup(backups)
    assert list(backups.iterdir()) == []


def test_two_backups_in_one_second_are_both_kept(site, media_root, backups):
    first, second = run_backup(backups), run_backup(backups)
    assert first != second
    assert sorted(p.name for p in backups.iterdir()) == sorted([first.name, second.name])
    assert all(ARCHIVE_NAME.match(p.name) for p in (first, second))


def test_backup_of_a_site_without_images_restores_an_empty_media_folder(
    settings, tmp_path, backups
):
    settings.MEDIA_ROOT = tmp_path / "media"  # never created: no image uploaded yet
    factories.make_published("Words only")
    archive = run_backup(backups)
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "later.jpg").write_bytes(b"uploaded after the backup")

    run_restore(archive, "--yes")

    assert settings.MEDIA_ROOT.is_dir()
    assert list(settings.MEDIA_ROOT.iterdir()) == []
    assert stat.S_IMODE(settings.MEDIA_ROOT.stat().st_mode) == 0o755
