import io
import json
import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy import media_files


def pg_environment(db):
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def sqlite_backup(source, destination):
    """Copy one open SQLite connection's database into another, page by page."""
    with destination:
        source.backup(destination)


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Write one .tar.gz holding the database (an SQLite copy or a pg_dump) and every "
            "uploaded image. Restore it with restore_site."
        )

    def add_arguments(self, parser):
        parser.add_argument("directory", help=_("Where to write the archive."))

    def handle(self, *args, directory, **options):
        target_dir = Path(directory)
        target_dir.mkdir(parents=True, exist_ok=True)
        # The connection's settings, not settings.DATABASES: they are the database in use.
        db = connection.settings_dict
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            if connection.vendor == "sqlite":
                import sqlite3

                dump = work / "database.sqlite3"
                # The backup API copies a consistent snapshot even while the site writes.
                # It reads through Django's own connection, so the database is the one
                # the site uses (an in-memory test database included).
                connection.ensure_connection()
                destination = sqlite3.connect(dump)
                try:
                    sqlite_backup(connection.connection, destination)
                finally:
                    destination.close()
            elif connection.vendor == "postgresql":
                dump = work / "database.pgdump"
                try:
                    result = subprocess.run(
                        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", db["NAME"]],
                        env=pg_environment(db),
                        capture_output=True,
                        text=True,
                    )
                except FileNotFoundError:
                    raise CommandError(
                        _(
                            "pg_dump was not found; install the PostgreSQL client programs "
                            "(same major version as the server)."
                        )
                    ) from None
                if result.returncode:
                    raise CommandError(
                        _("pg_dump failed: %(error)s") % {"error": result.stderr.strip()}
                    )
            else:
                raise CommandError(
                    _("Backups of %(vendor)s databases are not supported.")
                    % {"vendor": connection.vendor}
                )
            manifest = {
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "database_file": dump.name,
            }
            (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
            archive = self.archive_path(target_dir)
            partial = archive.with_name(archive.name + ".partial")
            try:
                # The archive holds password hashes and commenters' addresses: owner only.
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as raw:
                    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                        tar.add(work / "manifest.json", arcname="manifest.json")
                        tar.add(dump, arcname=dump.name)
                        media = Path(settings.MEDIA_ROOT)
                        if not media_files.is_local():
                            self.add_stored_media(tar)
                        elif media.is_dir():
                            tar.add(media, arcname="media")
                        else:
                            # Always a media folder: a restore leaves exactly the backup's images.
                            folder = tarfile.TarInfo("media")
                            folder.type, folder.mode = tarfile.DIRTYPE, 0o755
                            folder.mtime = int(time.time())
                            tar.addfile(folder)
                    raw.flush()
                    os.fsync(raw.fileno())
                # Only a complete archive gets the final name.
                os.replace(partial, archive)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        self.stdout.write(str(archive))

    @staticmethod
    def add_stored_media(tar):
        """Every file of a remote media storage (an S3 bucket), read through the Storage API."""
        folder = tarfile.TarInfo("media")
        folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
        tar.addfile(folder)
        for name in media_files.all_names():
            data = media_files.read(name)
            info = tarfile.TarInfo(f"media/{name}")
            info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
            tar.addfile(info, io.BytesIO(data))

    @staticmethod
    def archive_path(target_dir):
        """A new name: two backups within one second must not overwrite each other."""
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        archive = target_dir / f"advocacy-backup-{stamp}.tar.gz"
        number = 1
        while archive.exists() or archive.with_name(archive.name + ".partial").exists():
            number += 1
            archive = target_dir / f"advocacy-backup-{stamp}-{number}.tar.gz"
        return archive
