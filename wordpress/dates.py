"""WordPress dates: `YYYY-MM-DD HH:MM:SS`, in UTC (the *_gmt fields) or the site's local time.

The GMT field is `0000-00-00 00:00:00` for drafts never scheduled: then the
local field is read in the export's time zone (the --time-zone option, else the
offset between local and GMT time of the first item that has both).
"""

from datetime import UTC, datetime, timedelta, timezone

ZERO = "0000-00-00 00:00:00"


def parse(value):
    """A naive datetime, or None for an empty or zero value (or one that is not a date)."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def local_offset(item):
    """The site's UTC offset as this item shows it, or None."""
    local, gmt = parse(item.get("post_date")), parse(item.get("post_date_gmt"))
    if local is None or gmt is None:
        return None
    offset = local - gmt
    # Whole quarter hours between -14 h and +14 h, or it is not a zone offset.
    if abs(offset) > timedelta(hours=14) or offset.total_seconds() % 900:
        return None
    return offset


def aware(gmt_value, local_value, zone):
    """The moment as an aware datetime: GMT first, else local time in `zone`; None if neither."""
    gmt = parse(gmt_value)
    if gmt is not None:
        return gmt.replace(tzinfo=UTC)
    local = parse(local_value)
    if local is None:
        return None
    if isinstance(zone, timedelta):
        zone = timezone(zone)
    return local.replace(tzinfo=zone).astimezone(UTC)
