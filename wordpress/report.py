"""What an import did: counts per kind and outcome, and every skip, failure and note with its reason.

The command prints it and writes it as JSON (--report); the admin's upload
page shows the same text.
"""

import json
from collections import Counter, defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

CREATED, UPDATED, SKIPPED, FAILED = "created", "updated", "skipped", "failed"
OUTCOMES = (CREATED, UPDATED, SKIPPED, FAILED)
# Entries listed per reason in the terminal; the JSON has them all.
SHOWN_PER_REASON = 5
# The report's column heads and row names (the JSON keeps the keys).
OUTCOME_LABELS = {
    CREATED: gettext_lazy("created"),
    UPDATED: gettext_lazy("updated"),
    SKIPPED: gettext_lazy("skipped"),
    FAILED: gettext_lazy("failed"),
}
KIND_LABELS = {
    "post": gettext_lazy("post"),
    "page": gettext_lazy("page"),
    "attachment": gettext_lazy("attachment"),
    "comment": gettext_lazy("comment"),
    "other": gettext_lazy("other"),
}


def _kind(kind):
    return str(KIND_LABELS.get(kind, kind))


class Report:
    def __init__(self, *, source="", dry_run=False):
        self.source = source
        self.dry_run = dry_run
        self.counts = defaultdict(Counter)  # kind → outcome → n
        self.entries = []  # skips, failures and notes: {kind, wp_id, title, outcome, reason}
        self.authors = {}  # WordPress login → what its items became
        self.redirects = 0
        self.fatal = ""
        self.seconds = {}  # phase → seconds it took
        self.cpu_seconds = {}  # phase → this process's CPU seconds (the database server's aside)

    def count(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def add(self, kind, outcome, reason, *, wp_id=None, title=""):
        """An object's outcome with the reason for it (counted too)."""
        self.count(kind, outcome)
        self.entries.append(
            {"kind": kind, "wp_id": wp_id, "title": title, "outcome": outcome, "reason": reason}
        )

    def note(self, kind, reason, *, wp_id=None, title=""):
        """Something staff should know about an object that was imported all the same."""
        self.entries.append(
            {"kind": kind, "wp_id": wp_id, "title": title, "outcome": "note", "reason": reason}
        )

    def as_dict(self):
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "fatal": self.fatal,
            "counts": {
                kind: {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}
                for kind, counts in sorted(self.counts.items())
            },
            "authors": self.authors,
            "redirects": self.redirects,
            "seconds": {phase: round(value, 2) for phase, value in self.seconds.items()},
            "cpu_seconds": {phase: round(value, 2) for phase, value in self.cpu_seconds.items()},
            "entries": self.entries,
        }

    def write_json(self, path):
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_dict(), out, ensure_ascii=False, indent=2)
            out.write("\n")

    def as_text(self):
        lines = []
        if self.fatal:
            return _("Nothing was imported: %(reason)s") % {"reason": self.fatal}
        if self.dry_run:
            header = _("WordPress import of %(source)s — dry run: nothing was written")
        else:
            header = _("WordPress import of %(source)s")
        lines.append(header % {"source": self.source})
        lines.append("")
        width = max([len(_kind(kind)) for kind in self.counts] + [10])
        lines.append(
            f"{'':<{width}}  "
            + "  ".join(f"{OUTCOME_LABELS[outcome]!s:>8}" for outcome in OUTCOMES)
        )
        for kind, counts in sorted(self.counts.items()):
            lines.append(
                f"{_kind(kind):<{width}}  "
                + "  ".join(f"{counts.get(outcome, 0):>8}" for outcome in OUTCOMES)
            )
        lines.append("")
        lines.append(_("Redirects made: %(n)s") % {"n": self.redirects})
        if self.authors:
            lines.append(_("Authors:"))
            lines.extend(f"  {login} → {target}" for login, target in sorted(self.authors.items()))
        by_reason = defaultdict(list)
        for entry in self.entries:
            by_reason[(entry["outcome"], entry["kind"], entry["reason"])].append(entry)
        for outcome in (FAILED, SKIPPED, "note"):
            groups = [(key, rows) for key, rows in by_reason.items() if key[0] == outcome]
            if not groups:
                continue
            lines.append("")
            lines.append(
                {FAILED: _("Failed:"), SKIPPED: _("Skipped:"), "note": _("Notes:")}[outcome]
            )
            for (_outcome, kind, reason), rows in groups:
                lines.append(f"  {_kind(kind)}: {reason} ({len(rows)})")
                for row in rows[:SHOWN_PER_REASON]:
                    label = f"#{row['wp_id']}" if row["wp_id"] is not None else ""
                    if row["title"]:
                        label = f"{label} “{row['title'][:60]}”".strip()
                    if label:
                        lines.append(f"    {label}")
                if len(rows) > SHOWN_PER_REASON:
                    more = len(rows) - SHOWN_PER_REASON
                    lines.append(
                        "    "
                        + ngettext("… and %(n)s more", "… and %(n)s more", more) % {"n": more}
                    )
        return "\n".join(lines)
