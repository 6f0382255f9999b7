"""The trigger pre-filter must never change what the grammar finds (windows == full-text scan)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from akhbar.dates import _extract_full, extract_dates
from akhbar.dates.triggers import windows

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "dev"


def _key(ms):
    return [(m.start_char, m.end_char, m.value, m.rule) for m in ms]


def test_no_trigger_no_window() -> None:
    assert windows("قال الأمين العام إن الحل السياسي هو الخيار الوحيد.") == []
    assert windows("") == []


def test_windows_are_disjoint_sorted_and_cover_the_trigger() -> None:
    raw = "كلام " * 60 + "وصل الوفد أمس إلى القاهرة " + "كلام " * 60 + "في 15 مارس 1950"
    ws = windows(raw)
    assert len(ws) == 2
    assert all(a < b for a, b in ws) and ws[0][1] < ws[1][0]
    assert ws[0][0] <= raw.index("أمس") < ws[0][1]
    assert ws[1][1] == len(raw)
    for a, b in ws:  # edges on whitespace: no word is cut
        assert a == 0 or raw[a - 1].isspace()
        assert b == len(raw) or raw[b].isspace()


def test_tashkeel_inside_a_trigger_is_seen() -> None:
    raw = "استمر الحصار " + "تسعين يومًا" + " ثم رفع"
    assert [m.value for m in extract_dates(raw)] == ["P90D"]
    assert [m.value for m in extract_dates("وعلى مدار خمسة ايّام يقام الملتقى")] == ["P5D"]


def test_dev_cases_same_through_windows() -> None:
    for line in (SHARED / "dates" / "dev_cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        ref = date.fromisoformat(case["reference_date"])
        assert _key(extract_dates(case["text"], ref)) == _key(_extract_full(case["text"], ref)), case["id"]


@pytest.mark.slow
def test_corpus_same_through_windows() -> None:
    published = {}
    with (CORPUS / "MANIFEST.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            published[row["file"]] = date.fromisoformat(row["published_date"][:10]) if row["published_date"] else None
    files = sorted(CORPUS.glob("*.txt"))  # all 2,002 articles, whole files (TREC markup included)
    assert len(files) > 2000
    differing = []
    n_mentions = 0
    for path in files:
        raw = path.read_text(encoding="utf-8", errors="replace")
        got = _key(extract_dates(raw, published.get(path.name)))
        n_mentions += len(got)
        if got != _key(_extract_full(raw, published.get(path.name))):
            differing.append(path.name)
    assert differing == []
    assert n_mentions > 8000
