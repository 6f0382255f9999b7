"""Property tests: any text gives valid, sorted, non-overlapping raw spans and schema-valid values."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.dates import extract_dates
from akhbar.schemas import CALENDARS, DATE_MODS, DATE_TYPES, TIMEX3_VALUE_PATTERN

_VALUE_RE = re.compile(TIMEX3_VALUE_PATTERN)

# Pieces that build date-like text, with tashkeel, tatweel, odd spaces and digits of both scripts mixed in.
_PIECES = st.sampled_from([
    "الإثنين", "الأحد", "يوم", "صباح", "مساءً", "أمس", "غداً", "بعد", "غد", "قبل", "منذ", "ثلاثة", "أيام", "يومين",
    "عام", "العام", "الماضي", "المقبل", "الجاري", "نهاية", "مطلع", "يناير", "كانون", "الثاني", "ثانٍ", "/",
    "أبريل", "نيسان", "شتنبر", "جانفي", "رمضان", "شوال", "هـ", "م", "1441", "2020", "١٩٩٨", "15", "٤", "31",
    "الساعة", "الثامنة", "14:30", "كل", "جمعة", "الموافق", "الأول", "من", "السابع", "القرن", "العشرين",
    "التسعينيات", "الربع", "الأسبوع", "%", "-", "،", ".", "\n", " ", "\u00a0", "\u0640", "\u064b", "\u0651",
    "&quot;", "ذو", "القعدة", "إلى", "بين", "شهر", "مايو", "أيار", "قال", "في", "و", "ب", "ل", "طريق", "6",
    "أكتوبر", "الليلة", "الدقيقة", "الأولى", "فجر", "اليوم",
])
_TEXT = st.lists(_PIECES, max_size=40).map(" ".join) | st.text(max_size=200)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, ref=st.one_of(st.none(), st.dates(min_value=date(1930, 1, 1), max_value=date(2070, 12, 31))))
def test_any_text_gives_valid_mentions(text: str, ref: date | None) -> None:
    prev_end = 0
    for m in extract_dates(text, ref):
        assert 0 <= m.start_char < m.end_char <= len(text)
        assert m.start_char >= prev_end
        prev_end = m.end_char
        assert text[m.start_char:m.end_char] == m.text
        assert m.type in DATE_TYPES
        assert m.calendar in CALENDARS
        assert m.mod is None or m.mod in DATE_MODS
        assert _VALUE_RE.match(m.value), m.value
        assert (m.interval_start is None) == (m.interval_end is None)
        if m.interval_start is not None:
            assert m.interval_start <= m.interval_end
        if ref is None:
            assert not m.anchored
            assert m.reference_date is None
