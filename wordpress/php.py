"""Reading PHP's serialize() format, which WordPress uses for attachment metadata.

Only values: arrays become dicts (or lists when keyed 0…n-1), objects become
dicts of their properties; nothing is ever instantiated or called. Lengths of
strings are in bytes of UTF-8, as PHP counts them.
"""


class PHPValueError(ValueError):
    pass


def loads(text):
    """The value `text` holds; PHPValueError if it is not a serialized value."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    value, end = _read(data, 0, depth=0)
    if data[end:].strip():
        raise PHPValueError("trailing data")
    return value


def _until(data, pos, char):
    end = data.find(char, pos)
    if end < 0:
        raise PHPValueError("truncated")
    return data[pos:end].decode("ascii", "replace"), end + 1


def _read(data, pos, depth):
    if depth > 32:
        raise PHPValueError("nested too deeply")
    if pos + 1 >= len(data) + 1 or pos >= len(data):
        raise PHPValueError("truncated")
    kind = data[pos : pos + 1]
    if kind == b"N":
        return None, pos + 2
    if data[pos + 1 : pos + 2] != b":":
        raise PHPValueError(f"unknown type at {pos}")
    pos += 2
    try:
        if kind == b"b":
            raw, pos = _until(data, pos, b";")
            return raw == "1", pos
        if kind == b"i":
            raw, pos = _until(data, pos, b";")
            return int(raw), pos
        if kind == b"d":
            raw, pos = _until(data, pos, b";")
            return float(raw), pos
        if kind == b"s":
            raw, pos = _until(data, pos, b":")
            length = int(raw)
            start = pos + 1  # the opening quote
            value = data[start : start + length]
            if len(value) != length or data[start + length : start + length + 2] != b'";':
                raise PHPValueError("bad string length")
            return value.decode("utf-8", "replace"), start + length + 2
        if kind in (b"a", b"O"):
            if kind == b"O":
                raw, pos = _until(data, pos, b":")  # class name length
                pos = data.find(b":", pos) + 1  # skip the "Name"
            raw, pos = _until(data, pos, b":")
            count = int(raw)
            if data[pos : pos + 1] != b"{":
                raise PHPValueError("bad array")
            pos += 1
            result = {}
            for _ in range(count):
                key, pos = _read(data, pos, depth + 1)
                value, pos = _read(data, pos, depth + 1)
                result[key] = value
            if data[pos : pos + 1] != b"}":
                raise PHPValueError("bad array end")
            if list(result) == list(range(len(result))):
                return list(result.values()), pos + 1
            return result, pos + 1
    except (ValueError, TypeError) as exc:
        if isinstance(exc, PHPValueError):
            raise
        raise PHPValueError(str(exc)) from exc
    raise PHPValueError(f"unknown type {kind!r}")


def maybe_loads(text):
    """The unserialized value, or `text` itself if it is not serialized, as WordPress does."""
    if not text or text[1:2] != ":" and text != "N;":
        return text
    try:
        return loads(text)
    except PHPValueError:
        return text
