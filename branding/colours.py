"""The accent colour: what counts as one, and the WCAG AA contrast it must keep.

The only place that decides it (the settings form, the model and the
stylesheet all call here). The site uses the accent in two ways
(static/css/site.css): as text and borders on the page's backgrounds (required
marks, form errors, the header's rule) and as the background of buttons, with
white text in the light scheme. Both must reach 4.5:1 (WCAG 2.1 AA, 1.4.3).
Contrast is symmetric, so the accent is checked against each background it
sits on and each text colour put on it.

In the dark scheme the page is dark: the accent an organization picked for the
light scheme is made lighter, step by step towards white, until it reaches the
same ratios there (dark_variant), so the dark pages stay readable too.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AA = 4.5
# The colours of static/css/site.css the accent meets (tests/branding checks they agree).
DEFAULT = "#a3161a"
LIGHT_BACKGROUNDS = {"--bg": "#ffffff", "--surface": "#f4f2ee"}
LIGHT_TEXT_ON_ACCENT = "#ffffff"
DARK_BACKGROUNDS = {"--bg": "#141417", "--surface": "#1f1f24"}
DARK_TEXT_ON_ACCENT = "#141417"
DARK_DEFAULT = "#ff8a80"

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def normalize(value):
    """ "#A3161A", "a3161a" or "#a31" → "#a3161a"; anything else → ValidationError."""
    match = _HEX.fullmatch((value or "").strip())
    if not match:
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, for example %(example)s."),
            code="not_a_colour",
            params={"example": DEFAULT},
        )
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits}"


def _rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _channel(value):
    value /= 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour):
    """Relative luminance, as WCAG 2.1 defines it."""
    red, green, blue = (_channel(v) for v in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _ratio(number):
    # Rounded down: 4.47 must never be shown as "4.5:1" beside a refusal.
    return f"{int(number * 10) / 10:.1f}:1"


def problems(colour):
    """What the accent fails in the light scheme: [(what, ratio)], empty if nothing."""
    found = []
    text_on_page = min(contrast(colour, bg) for bg in LIGHT_BACKGROUNDS.values())
    if text_on_page < AA:
        found.append(("page", text_on_page))
    white_text = contrast(colour, LIGHT_TEXT_ON_ACCENT)
    if white_text < AA:
        found.append(("white", white_text))
    return found


def validate_accent(value):
    """Refuse a colour that is not hex, or that fails WCAG AA as the site uses it."""
    colour = normalize(value)
    failed = dict(problems(colour))
    if not failed:
        return
    parts = []
    if "page" in failed:
        parts.append(
            _("as text on the page's backgrounds it has a contrast of %(ratio)s")
            % {"ratio": _ratio(failed["page"])}
        )
    if "white" in failed:
        parts.append(
            _("white text on it (buttons) has %(ratio)s") % {"ratio": _ratio(failed["white"])}
        )
    raise ValidationError(
        _(
            "The colour %(colour)s is too light to read: %(details)s; WCAG AA asks for at "
            "least 4.5:1. Choose a darker colour (for example %(example)s)."
        ),
        code="low_contrast",
        params={"colour": colour, "details": "; ".join(parts), "example": DEFAULT},
    )


def _mix(colour, other, share):
    return "#" + "".join(
        f"{round(a + (b - a) * share):02x}" for a, b in zip(_rgb(colour), _rgb(other), strict=True)
    )


def _fits_dark(colour):
    return all(contrast(colour, bg) >= AA for bg in DARK_BACKGROUNDS.values()) and (
        contrast(colour, DARK_TEXT_ON_ACCENT) >= AA
    )


def dark_variant(colour):
    """The accent for the dark scheme: the nearest lighter tint that reaches AA there."""
    colour = normalize(colour)
    if colour == DEFAULT:
        return DARK_DEFAULT
    for step in range(101):
        tint = _mix(colour, "#ffffff", step / 100)
        if _fits_dark(tint):
            return tint
    return "#ffffff"


def summary(colour):
    """The ratios an editor sees beside the field, e.g. "7.1:1 on the page, …"."""
    colour = normalize(colour)
    page = min(contrast(colour, bg) for bg in LIGHT_BACKGROUNDS.values())
    white = contrast(colour, LIGHT_TEXT_ON_ACCENT)
    return _("%(page)s as text on the page, %(white)s under white text; dark scheme: %(dark)s") % {
        "page": _ratio(page),
        "white": _ratio(white),
        "dark": dark_variant(colour),
    }
