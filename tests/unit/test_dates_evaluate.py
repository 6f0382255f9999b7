"""akhbar.dates.evaluate: scoring rule, report format, command-line entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from akhbar.dates.evaluate import evaluate_cases, format_report, main

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def _write(tmp_path: Path, cases: list[dict]) -> Path:
    p = tmp_path / "cases.jsonl"
    p.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    return p


def _case(cid, cat, text, expected, ref="2020-01-13"):
    return {"id": cid, "category": cat, "text": text, "reference_date": ref, "expected": expected}


def test_scores_found_exact_value_and_spurious(tmp_path: Path) -> None:
    text = "وصل الوفد أمس وغادر يوم الأحد الماضي."
    cases = [
        # right value, exact span
        _case("a", "relative", text, [{"surface": "أمس", "start": 10, "end": 13, "value": "2020-01-12",
                                       "type": "DATE", "granularity": "day", "calendar": "gregorian"}]),
        # overlap but wrong span end and wrong value; the extractor finds يوم الأحد الماضي
        _case("b", "weekday", text, [{"surface": "الأحد", "start": 25, "end": 30, "value": "2020-01-05",
                                      "type": "DATE", "granularity": "day", "calendar": "gregorian"}]),
        _case("n", "negative", "وقال أحد الشهود إن الشرطة تدخلت.", []),
    ]
    res = evaluate_cases(_write(tmp_path, cases))
    o = res["overall"]
    # predictions: a: أمس + يوم الأحد الماضي (spurious in a), b: أمس (spurious) + يوم الأحد الماضي (found)
    assert (o["expected"], o["found"], o["exact"], o["value_ok"]) == (2, 2, 1, 1)
    assert o["predicted"] == 4 and o["precision"] == 0.5
    assert o["recall"] == 1.0 and o["exact_span_rate"] == 0.5 and o["value_accuracy"] == 0.5
    assert res["by_category"]["relative"]["value_accuracy"] == 1.0
    assert res["negatives"] == {"cases": 1, "false_positives": 0, "texts": []}


def test_hijri_value_counts_when_inside_the_interval(tmp_path: Path) -> None:
    text = "ويحل شهر رمضان المقبل"
    exp = {"surface": "شهر رمضان المقبل", "start": 5, "end": 21, "value": "2020-05", "type": "DATE",
           "granularity": "month", "calendar": "hijri", "hijri": "1441-09", "interval": ["2020-04-24", "2020-05-23"]}
    res = evaluate_cases(_write(tmp_path, [_case("h", "hijri", text, [exp])]))
    assert res["overall"]["value_accuracy"] == 1.0  # predicted 2020-04 covers 2020-04-24..2020-05-23


def test_report_ends_with_one_json_line(tmp_path: Path) -> None:
    p = _write(tmp_path, [_case("x", "relative", "وقال مسؤول أمس", [
        {"surface": "أمس", "start": 11, "end": 14, "value": "2020-01-12", "type": "DATE", "granularity": "day",
         "calendar": "gregorian"}])])
    report = format_report(evaluate_cases(p))
    last = json.loads(report.splitlines()[-1])
    assert last == {"precision": 1.0, "recall": 1.0, "value_accuracy": 1.0}
    assert report.splitlines()[0].split()[:3] == ["category", "cases", "exp"]


def test_dev_cases_meet_the_bar() -> None:
    res = evaluate_cases(SHARED / "dates" / "dev_cases.jsonl")
    assert res["overall"]["value_accuracy"] >= 0.95
    assert res["negatives"]["false_positives"] == 0


def test_main_prints_report_and_checks_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    p = _write(tmp_path, [_case("n", "negative", "لا شيء هنا", [])])
    assert main([str(p)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["precision"] == 1.0


def test_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"text": "x", "expected": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        evaluate_cases(p)
