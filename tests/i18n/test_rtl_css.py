"""The site's stylesheets mirror for right-to-left languages: logical properties only."""

import re
from pathlib import Path

from django.conf import settings

PHYSICAL = re.compile(
    r"(?<![\w-])(?:(?:margin|padding|border|inset)-(?:left|right)[\w-]*"
    r"|left|right|float|clear|text-align)\s*:\s*[^;}]*"
)
SIDES = re.compile(r"(?<![\w-])(?:left|right)(?![\w-])")


def physical_rules(css):
    found = []
    for match in PHYSICAL.finditer(css):
        declaration = match.group(0)
        name = declaration.split(":", 1)[0].strip()
        value = declaration.split(":", 1)[1]
        if name in ("left", "right") or "-left" in name or "-right" in name or SIDES.search(value):
            found.append(declaration.strip())
    return found


def test_no_stylesheet_uses_left_or_right():
    sheets = sorted(Path(settings.BASE_DIR, "static", "css").glob("*.css"))
    assert sheets
    found = {sheet.name: rules for sheet in sheets if (rules := physical_rules(sheet.read_text()))}
    assert not found, f"use logical properties (margin-inline-start, text-align: end…): {found}"


def test_the_check_finds_physical_rules():
    assert physical_rules(".a { margin-left: 1rem; text-align: right; float: left }") == [
        "margin-left: 1rem",
        "text-align: right",
        "float: left",
    ]
    assert (
        physical_rules(".a { margin-inline-start: 1rem; text-align: end; inset-inline-start: 0 }")
        == []
    )
    assert physical_rules(".a { left: 0 }") == ["left: 0"]
