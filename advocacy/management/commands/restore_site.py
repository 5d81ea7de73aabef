import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup_site import pg_environment


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded images with those of an archive made by "
        "backup_site. Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes, **options):
        if not yes:
            try:
                answer = input("This replaces the database and all images. Type 'yes': ")
            except EOFError:
                raise CommandError("No answer; add --yes to restore without asking.") from None
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        db = settings.DATABASES["default"]
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / "manifest.json").read_text())
            if manifest["database"] != connection.vendor:
                raise CommandError(
                    f"This archive holds a {manifest['database']} database; this site uses "
                    f"{connection.vendor}."
                )
            dump = work / manifest["database_file"]
            connection.close()
            if connection.vendor == "sqlite":
                source = sqlite3.connect(dump)
                destination = sqlite3.connect(db["NAME"])
                with destination:
                    source.backup(destination)
                source.close()
                destination.close()
            else:
                result = subprocess.run(
                    [
                        "pg_restore",
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--single-transaction",
                        f"--dbname={db['NAME']}",
                        str(dump),
                    ],
                    env=pg_environment(db),
                    capture_output=True,
                    text=True,
                )
                if result.returncode:
                    raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
            media = Path(settings.MEDIA_ROOT)
            if (work / "media").is_dir():
                # Copy beside the old folder first, so a failure leaves the old images.
                incoming = media.with_name(media.name + ".restoring")
                shutil.rmtree(incoming, ignore_errors=True)
                shutil.copytree(work / "media", incoming)
                if media.exists():
                    shutil.rmtree(media)
                incoming.rename(media)
        self.stdout.write(f"Restored {archive}.")
