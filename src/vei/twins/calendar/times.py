"""Virtual time as wall-clock time in a person's zone, and back.

The world's clock is UTC: virtual ms 0 is ``vei.claims.EPOCH_MS`` (2023-11-14T22:13:20Z, a
Tuesday), the same instant date claims are read against. Zones come from the ``tzdata``
package (a declared dependency), never the machine's own zone files, so every machine
turns the same instant into the same local time. All arithmetic is in integer ms.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
from zoneinfo import ZoneInfo

from vei.claims import EPOCH_MS

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_UNIX = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)
_LOCAL = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


class TimeError(ValueError):
    """A time, date or zone that cannot be read; the message says what is accepted."""


@functools.cache
def _zone_names() -> frozenset[str]:
    names = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(names.split())


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/London``, ``UTC``) from the tzdata package."""
    if name not in _zone_names():
        raise TimeError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)")
    path = importlib.resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
    with path.open("rb") as handle:
        return ZoneInfo.from_file(handle, key=name)


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone name tzdata knows."""
    return name in _zone_names()


def to_datetime(t_ms: int, zone_name: str) -> dt.datetime:
    """Virtual ms -> an aware datetime in ``zone_name``."""
    return (_UNIX + dt.timedelta(milliseconds=EPOCH_MS + t_ms)).astimezone(zone(zone_name))


def from_datetime(moment: dt.datetime) -> int:
    """An aware datetime -> virtual ms."""
    return (moment - _UNIX) // _MS - EPOCH_MS


def parse_time(text: str, zone_name: str) -> int:
    """``2023-11-20T15:00`` (wall time in ``zone_name``), ``2023-11-20 15:00``, or with an
    offset (``...T15:00Z``, ``...T15:00+01:00``, which wins over the zone) -> virtual ms. A
    date alone is its midnight."""
    match = _LOCAL.match(text.strip())
    if match is None:
        raise TimeError(f"{text!r} is not a time like 2023-11-20T15:00 (optionally Z or +01:00)")
    year, month, day, hour, minute, offset = match.groups()
    try:
        naive = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError as exc:
        raise TimeError(f"{text!r}: {exc}") from None
    if offset is None:
        return from_datetime(naive.replace(tzinfo=zone(zone_name)))
    if offset.upper() == "Z":
        return from_datetime(naive.replace(tzinfo=dt.UTC))
    digits = offset.replace(":", "")
    sign = -1 if digits[0] == "-" else 1
    delta = dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
    return from_datetime(naive.replace(tzinfo=dt.timezone(sign * delta)))


def parse_date(text: str) -> dt.date:
    """``2023-11-20`` -> a date."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise TimeError(f"{text!r} is not a date like 2023-11-20") from None


def day_start(day: dt.date, zone_name: str) -> int:
    """Virtual ms of local midnight starting ``day`` in ``zone_name``."""
    return from_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=zone(zone_name)))


def local_date(t_ms: int, zone_name: str) -> dt.date:
    return to_datetime(t_ms, zone_name).date()


def iso(t_ms: int, zone_name: str) -> str:
    """``2023-11-20T10:00-05:00``: the wall time in ``zone_name`` with its offset."""
    return to_datetime(t_ms, zone_name).isoformat(timespec="minutes")


def clock_minutes(text: str) -> int:
    """``09:30`` -> 570 (minutes after midnight; ``24:00`` is 1440)."""
    match = _CLOCK.match(text.strip())
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        raise TimeError(f"{text!r} is not a time of day like 09:00")
    return int(match.group(1)) * 60 + int(match.group(2))


def add_local_days(t_ms: int, days: int, zone_name: str) -> int:
    """The same wall time ``days`` later in ``zone_name`` (weekly repeats keep 10:00 across a
    daylight-saving change)."""
    local = to_datetime(t_ms, zone_name).replace(tzinfo=None) + dt.timedelta(days=days)
    return from_datetime(local.replace(tzinfo=zone(zone_name)))


def minutes_into_day(t_ms: int, zone_name: str) -> int:
    moment = to_datetime(t_ms, zone_name)
    return moment.hour * 60 + moment.minute
