"""Resolution of underspecified dates against the reference (publication) date.

Rules (documented in the issue, written for this project):
- a weekday with ``الماضي`` is the latest such day strictly before the reference date; with ``المقبل`` /
  ``القادم`` the first strictly after; without a cue, a weekday equal to the reference weekday is the
  reference date itself, otherwise the next one when the clause has a future marker (``س``-verbs, ``سوف``,
  ``من المقرر`` ...) and the previous one otherwise (news reports the past);
- a day and month (or a month alone) with ``الماضي`` is the latest occurrence strictly before the reference
  date, with ``المقبل`` the first strictly after, with ``الجاري`` / ``الحالي`` in the reference year, and
  without a cue the occurrence nearest the reference date (previous, same or next year);
- Hijri dates are converted with hijridate (Umm al-Qura tables, 1343-1500 AH = 1924-08-01 to 2077-11-16).
"""

from __future__ import annotations

from datetime import date, timedelta

from akhbar.dates.timex import shift_weekday

__all__ = [
    "resolve_weekday",
    "resolve_month_day",
    "resolve_month",
    "hijri_to_gregorian",
    "hijri_month_interval",
    "hijri_year_interval",
    "gregorian_to_hijri",
    "resolve_hijri_month",
]


def resolve_weekday(ref: date, weekday: int, cue: int | None, future_context: bool) -> date:
    """The date of ISO ``weekday`` (1 Monday .. 7 Sunday) meant relative to ``ref``.

    ``cue`` is -1 (الماضي), +1 (المقبل), 0 (الحالي) or None; ``future_context`` says whether the clause
    points forward. See the module docstring for the rule.

    >>> resolve_weekday(date(2020, 1, 13), 3, None, False)
    datetime.date(2020, 1, 8)
    """
    if cue == -1:
        return shift_weekday(ref, weekday, -2)
    if cue == 1:
        return shift_weekday(ref, weekday, 2)
    if weekday == ref.isoweekday():
        return ref
    return shift_weekday(ref, weekday, 1 if future_context else -1)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolve_month_day(ref: date, month: int, day: int, cue: int | None, lean: int | None = None) -> date | None:
    """Year of a day-and-month written without a year (``4 أبريل الماضي``), as a full date.

    ``lean`` applies only without a cue: +1 (the clause points forward) takes the first occurrence on or
    after ``ref``, -1 (it points back) the last on or before, None the nearest.
    Returns None when the day does not exist in any candidate year (``31 فبراير``).

    >>> resolve_month_day(date(2020, 1, 13), 4, 4, -1)
    datetime.date(2019, 4, 4)
    """
    if cue == 0:
        return _valid(ref.year, month, day)
    if cue == -1:
        y = ref.year if (month, day) < (ref.month, ref.day) else ref.year - 1
        return _valid(y, month, day)
    if cue == 1:
        y = ref.year if (month, day) > (ref.month, ref.day) else ref.year + 1
        return _valid(y, month, day)
    if lean == 1:
        return _valid(ref.year if (month, day) >= (ref.month, ref.day) else ref.year + 1, month, day)
    if lean == -1:
        return _valid(ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1, month, day)
    best: date | None = None
    for y in (ref.year, ref.year - 1, ref.year + 1):
        d = _valid(y, month, day)
        if d is not None and (best is None or abs((d - ref).days) < abs((best - ref).days)):
            best = d
    return best


def resolve_month(ref: date, month: int, cue: int | None, lean: int | None = None) -> int:
    """Year of a month written without a year (``فبراير الماضي`` with ref 2020-01-13 -> 2019).

    ``lean`` as in :func:`resolve_month_day` (the reference month itself counts for both directions).

    >>> resolve_month(date(2020, 1, 13), 10, -1)
    2019
    """
    if cue == 0:
        return ref.year
    if cue == -1:
        return ref.year if month < ref.month else ref.year - 1
    if cue == 1:
        return ref.year if month > ref.month else ref.year + 1
    if lean == 1:
        return ref.year if month >= ref.month else ref.year + 1
    if lean == -1:
        return ref.year if month <= ref.month else ref.year - 1
    best = ref.year
    best_gap = None
    for y in (ref.year, ref.year - 1, ref.year + 1):
        gap = abs((date(y, month, 15) - ref).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = y, gap
    return best


def hijri_to_gregorian(y: int, m: int, d: int) -> date | None:
    """Gregorian date of a Hijri date (Umm al-Qura), or None outside hijridate's range or if invalid.

    >>> hijri_to_gregorian(1441, 9, 15)
    datetime.date(2020, 5, 8)
    """
    from hijridate import Hijri

    try:
        g = Hijri(y, m, d).to_gregorian()
    except (OverflowError, ValueError):
        return None
    return date(g.year, g.month, g.day)


def hijri_month_interval(y: int, m: int) -> tuple[date, date] | None:
    """First and last Gregorian day of Hijri month ``m`` of year ``y`` (None outside the range)."""
    from hijridate import Hijri

    try:
        h = Hijri(y, m, 1)
        first = h.to_gregorian()
        n = h.month_length()
    except (OverflowError, ValueError):
        return None
    start = date(first.year, first.month, first.day)
    return start, start + timedelta(days=n - 1)


def hijri_year_interval(y: int) -> tuple[date, date] | None:
    """First and last Gregorian day of Hijri year ``y`` (None outside the range)."""
    a = hijri_month_interval(y, 1)
    b = hijri_month_interval(y, 12)
    if a is None or b is None:
        return None
    return a[0], b[1]


def gregorian_to_hijri(d: date) -> tuple[int, int, int] | None:
    """Hijri (year, month, day) of a Gregorian date, or None outside the range."""
    from hijridate import Gregorian

    try:
        return Gregorian(d.year, d.month, d.day).to_hijri().datetuple()
    except (OverflowError, ValueError):
        return None


def resolve_hijri_month(ref: date, month: int, cue: int | None) -> int | None:
    """Hijri year of a Hijri month written without a year (``رمضان المقبل``), relative to ``ref``.

    Same cue rule as :func:`resolve_month`, on the Hijri calendar; without a cue, the reference Hijri year.
    """
    h = gregorian_to_hijri(ref)
    if h is None:
        return None
    hy, hm, _ = h
    if cue == -1:
        return hy if month < hm else hy - 1
    if cue == 1:
        return hy if month > hm else hy + 1
    return hy
