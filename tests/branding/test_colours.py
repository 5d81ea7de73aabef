"""The accent colour's rule (branding.colours): WCAG AA as the site uses the accent."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from branding import colours


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("#A3161A", "#a3161a"), ("0b5394", "#0b5394"), (" #036 ", "#003366"), ("#000000", "#000000")],
)
def test_accepted_colours_are_stored_in_one_spelling(typed, stored):
    colours.validate_accent(typed)
    assert colours.normalize(typed) == stored


@pytest.mark.parametrize(
    ("colour", "says"),
    [
        # Yellow: unreadable on white and under white text.
        ("#ffcc00", ["#ffcc00", "1.3:1", "1.5:1", "4.5:1"]),
        # Grey #767676 passes on white (4.54:1) but not on the header and comment form's
        # surface (#f4f2ee): the rule checks every background the accent sits on.
        ("#767676", ["as text on the page's backgrounds it has a contrast of 4.0:1", "4.5:1"]),
        ("#ffffff", ["1.0:1"]),
    ],
)
def test_colours_below_aa_are_refused_with_their_ratio(colour, says):
    with pytest.raises(ValidationError) as refused:
        colours.validate_accent(colour)
    message = refused.value.messages[0]
    assert "too light to read" in message and "Choose a darker colour" in message
    for text in says:
        assert text in message


def test_a_ratio_just_below_the_limit_is_never_shown_as_the_limit():
    # #777777 on white: 4.48:1. Rounded it would read "4.5:1", beside a refusal.
    assert 4.45 < colours.contrast("#777777", "#ffffff") < 4.5
    with pytest.raises(ValidationError) as refused:
        colours.validate_accent("#777777")
    assert "white text on it (buttons) has 4.4:1" in refused.value.messages[0]


@pytest.mark.parametrize("typed", ["red", "#12345", "#gggggg", "rgb(0,0,0)", "#a3161a;x", ""])
def test_what_is_not_a_hex_colour_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as refused:
        colours.validate_accent(typed)
    assert "six hexadecimal digits" in refused.value.messages[0]


def test_known_contrast_figures():
    # WCAG's extremes, and figures WebAIM's contrast checker gives.
    assert colours.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert colours.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert colours.contrast("#0000ff", "#ffffff") == pytest.approx(8.59, abs=0.01)
    assert colours.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("colour", ["#a3161a", "#0b5394", "#1a5e1a", "#000000", "#5b2a86"])
def test_the_dark_scheme_gets_a_lighter_accent_that_passes_there(colour):
    dark = colours.dark_variant(colour)
    for background in colours.DARK_BACKGROUNDS.values():
        assert colours.contrast(dark, background) >= colours.AA
    assert colours.contrast(dark, colours.DARK_TEXT_ON_ACCENT) >= colours.AA


def _custom_properties(block):
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def test_the_rule_knows_the_colours_of_the_stylesheet():
    """colours.py names site.css's backgrounds: a change to one must change the other."""
    css = Path(settings.BASE_DIR, "static", "css", "site.css").read_text()
    light = _custom_properties(css.split("@media (prefers-color-scheme: dark)")[0])
    dark = _custom_properties(css.split("@media (prefers-color-scheme: dark)")[1].split("}")[0])
    for name, value in colours.LIGHT_BACKGROUNDS.items():
        assert light[name] == value
    assert light["--accent"] == colours.DEFAULT
    assert light["--accent-text"] == colours.LIGHT_TEXT_ON_ACCENT
    for name, value in colours.DARK_BACKGROUNDS.items():
        assert dark[name] == value
    assert dark["--accent"] == colours.DARK_DEFAULT
    assert dark["--accent-text"] == colours.DARK_TEXT_ON_ACCENT
