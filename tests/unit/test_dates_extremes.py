"""Quantities beyond the calendar never produce values outside the TIMEX3 pattern (a failed suite fails a run)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from akhbar.dates import extract_dates
from akhbar.schemas import TIMEX3_VALUE_PATTERN


@pytest.mark.parametrize("text,value", [
    ("عاش الإنسان هنا قبل أكثر من 5000 عام", "PAST_REF"),
    ("بنيت المدينة قبل 3000 عام تقريبا", "PAST_REF"),
    ("بنيت القلعة قبل 200 عام", "1818"),
    ("منذ نحو 2500 سنة", "PAST_REF"),
])
def test_far_past_is_a_vague_reference(text, value):
    found = extract_dates(text, date(2018, 7, 17))
    assert [m.value for m in found] == [value]
    assert all(re.match(TIMEX3_VALUE_PATTERN, m.value) for m in found)


@pytest.mark.parametrize("text", ["قبل 900000 يوم", "قبل 30000 شهر", "بعد 9000 عام سيتغير المناخ", "عام 99999"])
def test_no_value_outside_the_pattern(text):
    for ref in (date(2018, 7, 17), date(1, 1, 1), date(9999, 12, 31), None):
        for m in extract_dates(text, ref):
            assert re.match(TIMEX3_VALUE_PATTERN, m.value), (text, ref, m.value)
