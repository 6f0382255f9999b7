"""TIMEX3 values and the Gregorian intervals they cover.

Value forms follow the TimeML TIMEX3 specification 1.2.1 (ISO 8601 with ``X`` placeholders, ``W`` weeks,
``Q`` quarters, ``H`` halves, ``SP/SU/FA/WI`` seasons, ``TMO/TAF/TEV/TNI`` parts of day; decades as three
digits ``199`` and centuries as two ``19``, as in the TimeML annotation guidelines). Every function here is
pure date arithmetic; nothing reads text.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = [
    "day_value",
    "month_value",
    "year_value",
    "week_value",
    "interval_of",
    "add_months",
    "shift_weekday",
]


def day_value(d: date) -> str:
    """``YYYY-MM-DD`` of a date. >>> day_value(date(2020, 1, 3)) -> '2020-01-03'."""
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def month_value(year: int, month: int) -> str:
    """``YYYY-MM``."""
    return f"{year:04d}-{month:02d}"


def year_value(year: int) -> str:
    """``YYYY``."""
    return f"{year:04d}"


def week_value(d: date) -> str:
    """ISO week of a date as ``YYYY-Www`` (ISO 8601 week-numbering year).

    >>> week_value(date(2020, 1, 20))
    '2020-W04'
    """
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) shifted by ``delta`` months. >>> add_months(2020, 1, -1) -> (2019, 12)."""
    idx = year * 12 + (month - 1) + delta
    return idx // 12, idx % 12 + 1


def shift_weekday(ref: date, weekday: int, direction: int) -> date:
    """The date with ISO ``weekday`` (1 Monday .. 7 Sunday) nearest ``ref`` in ``direction``.

    ``direction`` -1: the latest such day on or before ``ref``; +1: the earliest on or after ``ref``;
    -2 / +2: strictly before / strictly after.

    >>> shift_weekday(date(2020, 1, 13), 7, -1)
    datetime.date(2020, 1, 12)
    """
    diff = weekday - ref.isoweekday()
    if direction in (-1, -2):
        back = (-diff) % 7
        if back == 0 and direction == -2:
            back = 7
        return ref - timedelta(days=back)
    fwd = diff % 7
    if fwd == 0 and direction == 2:
        fwd = 7
    return ref + timedelta(days=fwd)


_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def interval_of(value: str) -> tuple[date, date] | None:
    """First and last Gregorian day a TIMEX3 DATE/TIME value covers, or ``None`` when it has placeholders,
    is a duration or set, or falls outside 0001-9999.

    Covers day (``2020-01-13``, with any ``T...`` time part), month, year, ISO week, quarter (``Q1``), half
    (``H1``), season (``SU``; winter runs December to February of the next year), decade (``199``) and
    century (``19``).

    >>> interval_of("2020-W04")
    (datetime.date(2020, 1, 20), datetime.date(2020, 1, 26))
    >>> interval_of("198")
    (datetime.date(1980, 1, 1), datetime.date(1989, 12, 31))
    """
    if not value or "X" in value or value.startswith("P") or value.endswith("REF"):
        return None
    v = value.split("T", 1)[0]
    try:
        if len(v) == 2 and v.isdigit():
            c = int(v)
            return date(c * 100, 1, 1) if c else date(1, 1, 1), date(c * 100 + 99, 12, 31)
        if len(v) == 3 and v.isdigit():
            dd = int(v)
            return date(max(dd * 10, 1), 1, 1), date(dd * 10 + 9, 12, 31)
        parts = v.split("-")
        y = int(parts[0])
        if len(parts) == 1:
            return date(y, 1, 1), date(y, 12, 31)
        p = parts[1]
        if p in _SEASON_MONTHS:
            a, b = _SEASON_MONTHS[p]
            return date(y, a, 1), _month_end(y + 1 if b < a else y, b)
        if p.startswith("W"):
            monday = date.fromisocalendar(y, int(p[1:]), 1)
            if len(parts) == 3 and parts[2] == "WE":
                return monday + timedelta(days=5), monday + timedelta(days=6)
            if len(parts) == 3:
                d = date.fromisocalendar(y, int(p[1:]), int(parts[2]))
                return d, d
            return monday, monday + timedelta(days=6)
        if p.startswith("Q"):
            q = int(p[1:])
            return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
        if p.startswith("H"):
            h = int(p[1:])
            return date(y, 6 * h - 5, 1), _month_end(y, 6 * h)
        m = int(p)
        if len(parts) == 2:
            return date(y, m, 1), _month_end(y, m)
        d = date(y, m, int(parts[2]))
        return d, d
    except ValueError:
        return None
