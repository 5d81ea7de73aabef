"""manage.py import_wordpress EXPORT.xml: bring a WordPress site's content over (see README)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wordpress.importer import Importer, Options, Progress

# The importer's phases, as the progress lines name them.
PHASES = {"media": gettext_lazy("media"), "items": gettext_lazy("items")}


class TerminalProgress(Progress):
    """A bar on a terminal; plain lines (every 10 %) otherwise, as in a log."""

    def __init__(self, out, tty):
        self.out, self.tty = out, tty
        self.name, self.total, self.done, self.last = "", 0, 0, 0.0
        self.comments_total, self.comments = None, 0

    def phase(self, name, total, *, comments=None):
        self.finish()
        name = str(PHASES.get(name, name))
        self.name, self.total, self.done, self.step = name, total, 0, max(1, total // 10)
        self.comments_total, self.comments = comments, 0
        self.last = 0.0
        self._draw(force=True)

    def advance(self, n=1, *, comments=0):
        self.done += n
        self.comments += comments
        self._draw()

    def _counts(self):
        text = f"{self.done}/{self.total}"
        if self.comments_total is not None:
            text += ", " + _("comments %(done)s/%(total)s") % {
                "done": self.comments,
                "total": self.comments_total,
            }
        return text

    def _draw(self, force=False):
        if not self.name:
            return
        if self.tty:
            now = time.monotonic()
            if not force and now - self.last < 0.1 and self.done < self.total:
                return
            self.last = now
            share = self.done / self.total if self.total else 1
            bar = "#" * int(share * 30)
            self.out.write(f"\r{self.name:<6} [{bar:<30}] {self._counts()}")
            self.out.flush()
        elif force or self.done % self.step == 0 or self.done == self.total:
            self.out.write(f"{self.name}: {self._counts()}\n")
            self.out.flush()

    def finish(self):
        if self.name and self.tty:
            self._draw(force=True)
            self.out.write("\n")
        self.name = ""


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Import a WordPress export (WXR): posts, pages, media, comments and old addresses."
        )

    def add_arguments(self, parser):
        parser.add_argument("export", help=_("The file from WordPress's Tools → Export."))
        parser.add_argument(
            "--media-dir",
            action="append",
            default=[],
            metavar="PATH",
            help=_("A copy of the old site's wp-content/uploads, looked in first (repeatable)."),
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help=_("Download from the old site what is not in --media-dir."),
        )
        parser.add_argument(
            "--fetch-timeout",
            type=float,
            default=20,
            help=_("Seconds per download (default 20)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Do everything and report, but keep nothing."),
        )
        parser.add_argument(
            "--organization",
            default="",
            metavar="NAME",
            help=_("Byline of statements whose author is not mapped (default: the site's title)."),
        )
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            metavar="LOGIN=user:USERNAME|organization:NAME",
            help=_("Map a WordPress author to a staff account or an organization (repeatable)."),
        )
        parser.add_argument(
            "--time-zone",
            default="",
            help=_(
                "The old site's time zone, for dates WordPress kept only in local time "
                "(default: read from the export)."
            ),
        )
        parser.add_argument("--report", metavar="FILE", help=_("Also write the report as JSON."))

    def handle(self, *args, export, **options):
        authors = {}
        for spec in options["author"]:
            login, sep, target = spec.partition("=")
            if not sep or not login.strip():
                raise CommandError(
                    _("--author %(spec)s: write LOGIN=user:USERNAME or LOGIN=organization:NAME")
                    % {"spec": spec}
                )
            authors[login.strip()] = target.strip()
        importer = Importer(
            export,
            Options(
                media_dirs=options["media_dir"],
                fetch_media=options["fetch_media"],
                fetch_timeout=options["fetch_timeout"],
                dry_run=options["dry_run"],
                organization=options["organization"],
                authors=authors,
                time_zone=options["time_zone"],
            ),
            TerminalProgress(self.stderr, sys.stderr.isatty())
            if options["verbosity"] > 0
            else Progress(),
        )
        try:
            report = importer.run()
        except KeyboardInterrupt:
            importer.report.fatal = ""
            self.stdout.write(importer.report.as_text())
            raise CommandError(
                _(
                    "Interrupted: the items imported so far are kept, none half-imported. "
                    "Run the same command again to finish."
                )
            ) from None
        if options["report"]:
            report.write_json(options["report"])
        if report.fatal:
            raise CommandError(report.as_text())
        self.stdout.write(report.as_text())
