"""Publication dates and manifests (part of :mod:`akhbar.sources`).

Dates are kept as the source gave them: :func:`parse_published` returns the calendar date in the time
zone the source wrote (``Wed, 28 Feb 2018 00:16:06 +0400`` is 2018-02-28, not 2018-02-27 in UTC) and,
when the source gave a time, an ISO 8601 timestamp with its offset (``2018-02-28T00:16:06+04:00``).
"""

from __future__ import annotations

import csv
import email.utils
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

__all__ = ["ManifestRow", "parse_manifest", "parse_published", "read_manifest", "MANIFEST_NAMES"]

#: File names in a corpus folder that describe the corpus and are not articles.
MANIFEST_NAMES = frozenset({"MANIFEST.csv", "MANIFEST_EXTRA.csv", "SOURCE.md"})

#: Arabic-Indic (U+0660-0669) and Extended Arabic-Indic (U+06F0-06F9) digits to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_DAY_FIRST = re.compile(
    r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*(?P<tz>Z|[+\-]\d{2}:?\d{2}|GMT|UTC)?$"
)
_YEAR_FIRST_SLASH = re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$")

#: Arabic Gregorian month names: the CLDR ``ar`` wide forms (يناير ... ديسمبر, with the common spelling
#: variants إبريل/ابريل, يونيه, يوليه, اغسطس) and the Levantine/Iraqi Syriac names (كانون الثاني ... كانون الأول).
_AR_MONTHS: dict[str, int] = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10, "تشرين الاول": 10,
    "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
}
_AR_MONTH_DATE = re.compile(
    r"(?P<d>\d{1,2})\s+(?:\S+\s*/\s*)?(?P<mon>"
    + "|".join(sorted(map(re.escape, _AR_MONTHS), key=len, reverse=True))
    + r")(?:\s*/\s*\S+(?:\s\S+)?)?\s*(?:،|,)?\s*(?P<y>\d{4})"
)


def _iso_offset(tz: str | None) -> str | None:
    if tz is None:
        return None
    if tz in ("Z", "GMT", "UTC"):
        return "+00:00"
    digits = tz.replace(":", "")
    return f"{digits[:3]}:{digits[3:]}"


def parse_published(value: str | None) -> tuple[date, str | None] | None:
    """Parse a publication date or timestamp as written in a document, a JSON field or a manifest.

    Accepted forms (Arabic-Indic digits are mapped to ASCII first):
    RFC 822 / RFC 2822 (``Mon, 26 Feb 2018 02:20:10 GMT``, ``... +0400``), ISO 8601 dates and date-times
    (``2018-02-26``, ``2018-02-26T02:20:10+04:00``, ``2018-02-26 02:20:10``), day-first numeric forms
    (``26/02/2018``, ``26-02-2018 14:30``, ``26.02.2018``), ``2018/02/26``, and a day with an Arabic
    month name and a year (``الأربعاء ٢٨ فبراير ٢٠١٨``, ``28 شباط/فبراير 2018``; the date only).

    Returns:
        ``(published_date, published_at)``: the date in the source's own time zone, and the timestamp as
        ISO 8601 with its offset when the source gave a time with a zone, the naive ISO 8601 timestamp
        when it gave a time without one, None when it gave a date only. None when ``value`` is empty or
        not a recognised form (never raises).

    >>> parse_published("Mon, 26 Feb 2018 02:20:10 GMT")
    (datetime.date(2018, 2, 26), '2018-02-26T02:20:10+00:00')
    >>> parse_published("٢٦/٠٢/٢٠١٨")
    (datetime.date(2018, 2, 26), None)
    >>> parse_published("الأربعاء 28 شباط/فبراير 2018")
    (datetime.date(2018, 2, 28), None)
    """
    if value is None:
        return None
    s = str(value).translate(_DIGITS).strip()
    if not s:
        return None
    # ISO 8601 (Python 3.11 fromisoformat accepts the common profile, including "Z").
    try:
        if len(s) == 10 and s[4] == "-":
            return date.fromisoformat(s), None
        dt = datetime.fromisoformat(s)
        return dt.date(), dt.isoformat()
    except ValueError:
        pass
    m = _YEAR_FIRST_SLASH.match(s)
    if m:
        try:
            return date(int(m["y"]), int(m["m"]), int(m["d"])), None
        except ValueError:
            return None
    m = _DAY_FIRST.match(s)
    if m:
        try:
            d = date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        if m["H"] is None:
            return d, None
        stamp = f"{d.isoformat()}T{int(m['H']):02d}:{m['M']}:{m['S'] or '00'}"
        off = _iso_offset(m["tz"])
        try:
            dt = datetime.fromisoformat(stamp + (off or ""))
        except ValueError:
            return None
        return dt.date(), dt.isoformat()
    # Day, Arabic month name, year ("الأربعاء 28 فبراير 2018", "28 شباط/فبراير 2018"): the date only.
    m = _AR_MONTH_DATE.search(s)
    if m:
        try:
            return date(int(m["y"]), _AR_MONTHS[m["mon"]], int(m["d"])), None
        except ValueError:
            return None
    # RFC 822 / 2822 (day name optional; "GMT", "UT", numeric zones).
    try:
        dt = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    return dt.date(), dt.isoformat()


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One row of a ``MANIFEST.csv``: metadata for the file it names (every field may be None)."""

    source: str | None
    url: str | None
    published: str | None


def read_manifest(path: Path) -> dict[str, ManifestRow]:
    """Read a ``MANIFEST.csv`` (columns ``file, source, original_path, published_date, url``; extra or
    missing columns tolerated; UTF-8 with or without BOM) into ``{file name: ManifestRow}``. Empty cells
    become None.

    Returns an empty dict when the file cannot be read or has no ``file`` column (a manifest is a help,
    never a reason to stop a run).
    """
    try:
        return parse_manifest(path.read_bytes())
    except OSError:
        return {}


def parse_manifest(data: bytes) -> dict[str, ManifestRow]:
    """:func:`read_manifest` on the bytes of a manifest (e.g. a ``MANIFEST.csv`` inside a zip archive).

    >>> parse_manifest(b"file,source,published_date,url\\na.txt,paper,2019-01-02,\\n")["a.txt"].source
    'paper'
    """
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            return {}
        out: dict[str, ManifestRow] = {}
        for row in reader:
            name = (row.get("file") or "").strip()
            if not name:
                continue
            out[name] = ManifestRow(
                source=(row.get("source") or "").strip() or None,
                url=(row.get("url") or "").strip() or None,
                published=(row.get("published_date") or "").strip() or None,
            )
        return out
    except (UnicodeDecodeError, csv.Error):
        return {}
