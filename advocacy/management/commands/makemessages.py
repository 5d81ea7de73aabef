"""`manage.py makemessages`, which also reads the Jinja2 templates of the public pages.

Django's makemessages reads Python files and Django templates only; the
public pages (templates/) are Jinja2, whose `_()`, `ngettext()` and
`{% trans %}` its template lexer does not understand. This command takes the
Jinja2 templates out of Django's pass, extracts their messages with Jinja2's
own parser (the project's environment, so every extension's tags parse) and
merges them into the same django.pot before Django merges that into each
locale's django.po. Everything else is Django's command: `make messages`.
"""

import os
import subprocess
import tempfile

from django.conf import settings
from django.core.management.commands import makemessages
from django.template import engines

# Not translated for people: tests, benchmarks (with their own Wagtail site), docs.
IGNORED = ["tests", "bench", "docs", "media", "staticfiles", "node_modules", "test-artifacts"]


def po_quote(text):
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


def jinja_pot(paths):
    """A .pot of every message in the Jinja2 templates at `paths` (relative to BASE_DIR)."""
    env = engines["jinja2"].env
    entries = {}  # msgid or (singular, plural) -> [locations]
    for path in paths:
        with open(settings.BASE_DIR / path, encoding="utf-8") as source:
            for lineno, _function, message in env.extract_translations(source.read()):
                if isinstance(message, tuple):
                    message = tuple(m for m in message if isinstance(m, str))
                    key = message if len(message) > 1 else message[0]
                elif isinstance(message, str):
                    key = message
                else:
                    continue
                entries.setdefault(key, []).append(f"{path}:{lineno}")
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for key, locations in entries.items():
        lines.append("#: " + " ".join(locations))
        text = key if isinstance(key, str) else key[0]
        if "%(" in text or "%%" in text:
            lines.append("#, python-format")
        if isinstance(key, str):
            lines += [f"msgid {po_quote(key)}", 'msgstr ""', ""]
        else:
            lines += [
                f"msgid {po_quote(key[0])}",
                f"msgid_plural {po_quote(key[1])}",
                'msgstr[0] ""',
                'msgstr[1] ""',
                "",
            ]
    return "\n".join(lines) + "\n"


class Command(makemessages.Command):
    help = makemessages.Command.help + " Also reads the Jinja2 templates in templates/."

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        if options.get("domain") == "djangojs":
            # The admin scripts call window.gettext as `t` (editing/static/editing/).
            self.xgettext_options = [*self.xgettext_options, "--keyword=t"]
        self.jinja_paths = []
        return super().handle(*args, **options)

    def find_files(self, root):
        files = super().find_files(root)
        if self.domain != "django":
            return files
        jinja_root = os.path.normpath(settings.BASE_DIR / "templates")
        django_files = []
        for file in files:
            if os.path.abspath(file.path).startswith(jinja_root + os.sep):
                self.jinja_paths.append(
                    os.path.relpath(os.path.abspath(file.path), settings.BASE_DIR)
                )
            else:
                django_files.append(file)
        return django_files

    def build_potfiles(self):
        potfiles = super().build_potfiles()
        if self.domain != "django" or not self.jinja_paths:
            return potfiles
        project_pot = os.path.join(settings.BASE_DIR, "locale", "django.pot")
        with tempfile.NamedTemporaryFile("w", suffix=".pot", encoding="utf-8") as extra:
            extra.write(jinja_pot(sorted(self.jinja_paths)))
            extra.flush()
            if project_pot in potfiles:
                subprocess.run(
                    ["msgcat", "--use-first", "-o", project_pot, project_pot, extra.name],
                    check=True,
                )
            else:
                subprocess.run(["msgcat", "-o", project_pot, extra.name], check=True)
                potfiles.append(project_pot)
        return potfiles
