from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register("security")
def captcha_test_mode_is_off(app_configs, **kwargs):
    from captcha.conf import settings as captcha_settings

    if captcha_settings.CAPTCHA_TEST_MODE and not settings.DEBUG:
        return [
            Error(
                "CAPTCHA_TEST_MODE is on while DEBUG is off: any bot could answer 'passed'.",
                hint="Remove CAPTCHA_TEST_MODE from the settings; only test settings may set it.",
                id="comments.E001",
            )
        ]
    return []


def missing_glyphs(font_path, characters):
    """Characters the font draws as its missing-glyph box."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(font_path), 26)

    def signature(character):
        mask = font.getmask(character)
        return mask.size, bytes(mask)

    box = signature("\U0010fffd")  # an unassigned code point: the box itself
    return [c for c in characters if signature(c) == box]


@register()
def captcha_font_draws_operators(app_configs, **kwargs):
    if not settings.COMMENTS_CAPTCHA_IMAGE:
        return []
    from .captcha import DIVIDED_BY, MINUS, PLUS, TIMES

    font_path = Path(settings.CAPTCHA_FONT_PATH)
    if not font_path.is_file():
        return [
            Error(
                f"The captcha font {font_path} does not exist.",
                hint="Install Debian's fonts-dejavu-core or set CAPTCHA_FONT_PATH.",
                id="comments.E002",
            )
        ]
    missing = missing_glyphs(font_path, f"0123456789={PLUS}{MINUS}{TIMES}{DIVIDED_BY}")
    if missing:
        return [
            Error(
                f"The captcha font {font_path} has no glyph for {' '.join(missing)}; "
                "the question image would show boxes.",
                hint="Use DejaVu Sans (fonts-dejavu-core), not DejaVu Sans Mono or Vera.",
                id="comments.E003",
            )
        ]
    return []
