"""Temporal expressions in Arabic news: recognition, TIMEX3 values, resolution against a reference date.

Public API:
- :class:`DateMention`: one recognised expression with its raw span and TIMEX3 value.
- :func:`extract_dates`: every mention in one raw text.
- :func:`extract_dates_frame`: the ``date_mentions`` frame for a batch of documents (the pipeline's entry).

How a text is processed: :func:`akhbar.dates.triggers.windows` finds, with one Aho-Corasick pass over the raw
text, the stretches that can hold a temporal expression (a month or weekday name, a unit, a year-like number
...); each stretch is normalised (:func:`akhbar.normalise.normalise`), folded one code point for one
(:func:`akhbar.dates.lexicon.fold`) and scanned by the rules of :mod:`akhbar.dates.grammar`; spans are mapped
back to raw code points with ``Normalised.to_raw_span``. Values are TIMEX3 (:mod:`akhbar.dates.timex`),
resolved against the reference date by :mod:`akhbar.dates.resolve`. Scoring on case files:
:mod:`akhbar.dates.evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from akhbar.dates import grammar as _grammar
from akhbar.dates.lexicon import fold as _fold
from akhbar.dates.timex import interval_of as _interval_of
from akhbar.dates.triggers import windows as _windows
from akhbar.normalise import normalise as _normalise_raw

if TYPE_CHECKING:
    import polars as pl

__all__ = ["DateMention", "extract_dates", "extract_dates_frame", "DATE_MENTION_COLUMNS"]


@dataclass(frozen=True, slots=True)
class DateMention:
    """One temporal expression.

    Attributes:
        start_char, end_char: ``[start, end)`` in code points of the raw text (``raw[start:end] == text``).
        text: the surface as written in the raw text.
        type: TIMEX3 type: ``DATE``, ``TIME``, ``DURATION`` or ``SET``.
        value: TIMEX3 value (``2020-01-13``, ``2019-12``, ``2020-W04``, ``2020-01-13TMO``, ``P3D``,
            ``XXXX-WXX-5``; ``X`` placeholders when no reference date was given).
        granularity: day, month, year, week, quarter, half, season, decade, century, partofday, hour, minute,
            duration or set.
        mod: TIMEX3 mod (``START``, ``MID``, ``END``) or None.
        calendar: the calendar the text was written in: ``gregorian`` or ``hijri``.
        hijri_text: the Hijri date the text states, ``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` (Hijri numbering),
            for Hijri mentions; else None.
        interval_start, interval_end: first and last Gregorian day covered (None for durations, sets and
            unresolved values).
        reference_date: the date relative expressions were resolved against (None if none was given).
        anchored: whether the value depended on the reference date.
        rule: the grammar rule that fired.
    """

    start_char: int
    end_char: int
    text: str
    type: str
    value: str
    granularity: str
    mod: str | None
    calendar: str
    hijri_text: str | None
    interval_start: date | None
    interval_end: date | None
    reference_date: date | None
    anchored: bool
    rule: str


_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}


def _normalise(raw: str):  # -> (normalised text, its to_raw_span method)
    n = _normalise_raw(raw)
    return n.text, n.to_raw_span


def extract_dates(raw: str, reference_date: date | None = None) -> list[DateMention]:
    """Every temporal expression in ``raw``, sorted by start, non-overlapping.

    Args:
        raw: the document text exactly as stored (``documents.raw_text``).
        reference_date: the publication date (a ``datetime`` counts as its calendar day); relative
            expressions (weekdays, أمس, الشهر الماضي, a month without a year) are resolved against it.
            None leaves them in TIMEX3 placeholder form (``XXXX-04-04``, ``XXXX-WXX-1``), ``anchored``
            False and no interval.

    Returns:
        A list of :class:`DateMention`, spans in code points of ``raw``, sorted, non-overlapping; empty for
        an empty text. Raises nothing on any string input (property-tested).

    >>> [(m.text, m.value) for m in extract_dates("وصل الوفد أمس", date(2020, 1, 13))]
    [('أمس', '2020-01-12')]
    """
    if not raw:
        return []
    if isinstance(reference_date, datetime):
        reference_date = reference_date.date()  # a timestamp: its calendar day
    out: list[DateMention] = []
    for lo, hi in _windows(raw):
        _extract_span(raw, lo, hi, reference_date, out)
    return out


def _extract_span(raw: str, lo: int, hi: int, reference_date: date | None, out: list[DateMention]) -> None:
    """Run the grammar on ``raw[lo:hi]`` and append its mentions (raw offsets) to ``out``."""
    text, to_raw = _normalise(raw[lo:hi])
    folded = _fold(text)
    n_raw = len(raw)
    for s, e, m in _grammar.scan(folded, reference_date):
        rs, re_ = to_raw(s, e)
        rs += lo
        re_ += lo
        while re_ < n_raw and raw[re_] in _MARKS:  # keep tanween/tatweel of the last letter (غداً، هـ)
            re_ += 1
        iv = m.interval if m.interval is not None else (
            _interval_of(m.value) if m.type in ("DATE", "TIME") else None)
        out.append(DateMention(
            start_char=rs, end_char=re_, text=raw[rs:re_], type=m.type, value=m.value,
            granularity=m.granularity, mod=m.mod, calendar=m.calendar, hijri_text=m.hijri,
            interval_start=iv[0] if iv else None, interval_end=iv[1] if iv else None,
            reference_date=reference_date, anchored=m.anchored, rule=m.rule,
        ))


def _extract_full(raw: str, reference_date: date | None = None) -> list[DateMention]:
    """:func:`extract_dates` without the trigger pre-filter (the whole text in one scan); for tests."""
    out: list[DateMention] = []
    if raw:
        _extract_span(raw, 0, len(raw), reference_date, out)
    return out


#: Columns of the frame :func:`extract_dates_frame` returns, in order, with their Polars types' names.
DATE_MENTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("doc_id", "String"), ("mention_index", "Int32"), ("start_char", "Int32"), ("end_char", "Int32"),
    ("text", "String"), ("type", "String"), ("value", "String"), ("granularity", "String"),
    ("mod", "String"), ("calendar", "String"), ("hijri_text", "String"), ("interval_start", "Date"),
    ("interval_end", "Date"), ("reference_date", "Date"), ("anchored", "Boolean"), ("rule", "String"),
)


def extract_dates_frame(docs: pl.DataFrame) -> pl.DataFrame:
    """The ``date_mentions`` rows (schema ``akhbar.schemas.DATE_MENTIONS``) of a batch of documents.

    Args:
        docs: frame with ``doc_id`` (String), ``raw_text`` (String) and ``published_date`` (Date, nullable;
            the reference date of each document). Other columns are ignored.

    Returns:
        One row per mention with the columns of :data:`DATE_MENTION_COLUMNS` in that order;
        ``mention_index`` counts from 0 within each document in text order. An empty frame with the same
        schema when there is no mention.

    Raises:
        KeyError: a required column is missing (message names it).

    >>> import polars as pl
    >>> f = extract_dates_frame(pl.DataFrame({"doc_id": ["d1"], "raw_text": ["غدا"],
    ...     "published_date": [date(2020, 1, 13)]}))
    >>> f.select("value").item()
    '2020-01-14'
    """
    import polars as pl

    for col in ("doc_id", "raw_text", "published_date"):
        if col not in docs.columns:
            raise KeyError(f"extract_dates_frame: input frame lacks column {col!r} (needs doc_id, raw_text, "
                           "published_date)")
    cols: dict[str, list] = {name: [] for name, _ in DATE_MENTION_COLUMNS}
    for doc_id, raw, pub in docs.select("doc_id", "raw_text", "published_date").iter_rows():
        if raw is None:
            continue
        for idx, m in enumerate(extract_dates(raw, pub)):
            cols["doc_id"].append(doc_id)
            cols["mention_index"].append(idx)
            cols["start_char"].append(m.start_char)
            cols["end_char"].append(m.end_char)
            cols["text"].append(m.text)
            cols["type"].append(m.type)
            cols["value"].append(m.value)
            cols["granularity"].append(m.granularity)
            cols["mod"].append(m.mod)
            cols["calendar"].append(m.calendar)
            cols["hijri_text"].append(m.hijri_text)
            cols["interval_start"].append(m.interval_start)
            cols["interval_end"].append(m.interval_end)
            cols["reference_date"].append(m.reference_date)
            cols["anchored"].append(m.anchored)
            cols["rule"].append(m.rule)
    schema = {name: getattr(pl, dtype) for name, dtype in DATE_MENTION_COLUMNS}
    return pl.DataFrame(cols, schema=schema)
