"""Whole numbers typed or sent by visitors, read without ever raising.

`str.isdigit()` is true for "²" and "₀", which `int()` refuses: a check with
isdigit() followed by int() is a server error waiting for a visitor. Every
place that reads a number from a request calls this instead.
"""


def whole_number(value, *, max_digits=12):
    """The non-negative integer in `value` (decimal digits of any script), or None."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > max_digits or not text.isdecimal():
        return None
    return int(text)
