import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_environment(db):
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


class Command(BaseCommand):
    help = (
        "Write one .tar.gz holding the database (an SQLite copy or a pg_dump) and every "
        "uploaded image. Restore it with restore_site."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the archive.")

    def handle(self, *args, directory, **options):
        target_dir = Path(directory)
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        archive = target_dir / f"advocacy-backup-{stamp}.tar.gz"
        db = settings.DATABASES["default"]
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            if connection.vendor == "sqlite":
                dump = work / "database.sqlite3"
                # The backup API copies a consistent snapshot even while the site writes.
                source = sqlite3.connect(db["NAME"])
                destination = sqlite3.connect(dump)
                with destination:
                    source.backup(destination)
                source.close()
                destination.close()
            elif connection.vendor == "postgresql":
                dump = work / "database.pgdump"
                result = subprocess.run(
                    ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", db["NAME"]],
                    env=pg_environment(db),
                    capture_output=True,
                    text=True,
                )
                if result.returncode:
                    raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            else:
                raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
            manifest = {
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "database_file": dump.name,
            }
            (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
            partial = archive.with_suffix(".partial")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(work / "manifest.json", arcname="manifest.json")
                tar.add(dump, arcname=dump.name)
                media = Path(settings.MEDIA_ROOT)
                if media.is_dir():
                    tar.add(media, arcname="media")
            # Only a complete archive gets the final name.
            shutil.move(partial, archive)
        self.stdout.write(str(archive))
