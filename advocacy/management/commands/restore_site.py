import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from advocacy import media_files

from .backup_site import pg_environment, sqlite_backup


def dumped_tables(dump, env):
    """The (schema, table) pairs a pg_dump archive holds, from its table of contents."""
    result = subprocess.run(
        ["pg_restore", "--list", str(dump)], env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise CommandError(
            _("pg_restore could not read the archive: %(error)s")
            % {"error": result.stderr.strip()}
        )
    tables = set()
    for line in result.stdout.splitlines():
        if line.startswith(";"):
            continue
        # "215; 1259 16390 TABLE public auth_group owner"
        words = line.split()
        if len(words) >= 6 and words[3] == "TABLE":
            tables.add((words[4], words[5]))
    return tables


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Replace the database and the uploaded images with those of an archive made by "
            "backup_site. Stop the site first."
        )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help=_("Do not ask for confirmation."))

    def handle(self, *args, archive, yes, **options):
        if not Path(archive).is_file():
            raise CommandError(_("No archive at %(path)s.") % {"path": archive})
        if not yes:
            try:
                answer = input(_("This replaces the database and all images. Type 'yes': "))
            except EOFError:
                raise CommandError(_("No answer; add --yes to restore without asking.")) from None
            if answer.strip().lower() != "yes":
                raise CommandError(_("Nothing was restored."))
        db = connection.settings_dict
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            try:
                with tarfile.open(archive, "r:gz") as tar:
                    tar.extractall(work, filter="data")
                manifest = json.loads((work / "manifest.json").read_text())
                kind, dump_name = manifest["database"], manifest["database_file"]
            except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
                raise CommandError(
                    _("%(path)s is not a backup_site archive: %(error)s")
                    % {"path": archive, "error": exc}
                ) from None
            if kind != connection.vendor:
                raise CommandError(
                    _("This archive holds a %(kind)s database; this site uses %(vendor)s.")
                    % {"kind": kind, "vendor": connection.vendor}
                )
            dump = work / dump_name
            if Path(dump_name).name != dump_name or not dump.is_file():
                raise CommandError(
                    _("The archive lacks its database file (“%(name)s”).") % {"name": dump_name}
                )
            if connection.vendor == "sqlite":
                self.restore_sqlite(dump)
            else:
                self.restore_postgresql(dump, db)
            self.restore_media(work / "media")
        self.stdout.write(_("Restored %(path)s.") % {"path": archive})

    def restore_sqlite(self, dump):
        source = sqlite3.connect(dump)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CommandError(
                    _("The database in the archive is damaged; nothing was restored.")
                )
            # Through Django's own connection: the database the site is configured with.
            connection.close()
            connection.ensure_connection()
            sqlite_backup(source, connection.connection)
        except sqlite3.DatabaseError as exc:
            raise CommandError(
                _("Could not restore the SQLite database: %(error)s") % {"error": exc}
            ) from None
        finally:
            source.close()

    def restore_postgresql(self, dump, db):
        env = pg_environment(db)
        in_dump = dumped_tables(dump, env)
        connection.close()
        try:
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
                env=env,
                capture_output=True,
                text=True,
            )
        except FileNotFoundError:
            raise CommandError(
                _("pg_restore was not found; install the PostgreSQL client.")
            ) from None
        if result.returncode:
            raise CommandError(
                _("pg_restore failed: %(error)s") % {"error": result.stderr.strip()}
            )
        # --clean drops only what the archive holds. Tables that newer migrations
        # made since the backup would stay, and `migrate` would then fail on them.
        dumped_names = {name for _schema, name in in_dump}
        extra = sorted(
            set(connection.introspection.django_table_names(only_existing=True)) - dumped_names
        )
        if extra:
            quote = connection.ops.quote_name
            with transaction.atomic(), connection.cursor() as cursor:
                for table in extra:
                    cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
            self.stdout.write(
                _("Dropped tables made after the backup: %(tables)s.")
                % {"tables": ", ".join(extra)}
            )

    def restore_media(self, incoming_media):
        media = Path(settings.MEDIA_ROOT)
        if not incoming_media.is_dir():
            self.stdout.write(
                _("The archive holds no images folder; the images were left as they are.")
            )
            return
        if not media_files.is_local():
            files = {
                path.relative_to(incoming_media).as_posix(): path.read_bytes()
                for path in sorted(incoming_media.rglob("*"))
                if path.is_file()
            }
            media_files.replace_all(files)
            return
        # Copy beside the old folder first, so a failure leaves the old images; then swap.
        incoming = media.with_name(media.name + ".restoring")
        previous = media.with_name(media.name + ".replaced")
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.rmtree(previous, ignore_errors=True)
        shutil.copytree(incoming_media, incoming)
        if media.exists():
            media.rename(previous)
        incoming.rename(media)
        shutil.rmtree(previous, ignore_errors=True)
