import re

from django.core.exceptions import ValidationError

# Control characters other than tab, newline and carriage return, plus lone
# surrogates (which cannot be encoded and would fail on save).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def validate_printable(value):
    if _FORBIDDEN.search(value or ""):
        raise ValidationError(
            "Remove the invisible control characters from this field.", code="control_characters"
        )
