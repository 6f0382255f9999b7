"""Scoring of the date extractor on case files (the format of ``../shared/dates/README.md``).

Scoring rule (from that README): a predicted span that overlaps an expected one counts as found; its value
is right when it equals the expected value at the expected granularity, or, for a Hijri expected mention
that carries an ``interval``, when the predicted Gregorian day (or days) fall inside that interval, or for a
Hijri day without an interval when the Gregorian values are equal.

Figures, per category and overall:
- precision: predicted mentions that overlap an expected one / predicted mentions;
- recall: expected mentions overlapped by a prediction / expected mentions;
- exact-span rate: found expected mentions whose predicted span is exactly ``[start, end)`` / found;
- value accuracy: expected mentions found with the right value / expected mentions (a miss counts as wrong);
- false positives on ``negative`` cases (any prediction there).

Run as ``python -m akhbar.dates.evaluate FILE.jsonl`` (or ``akhbar evaluate dates FILE.jsonl``); the last
line printed is one JSON object ``{"precision": .., "recall": .., "value_accuracy": ..}``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from akhbar.dates import DateMention, extract_dates

__all__ = ["load_cases", "score_case", "evaluate_cases", "format_report", "main"]


def load_cases(path: str | Path) -> list[dict]:
    """Read a JSON Lines case file (one case per non-blank line).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a line is not valid JSON or lacks ``text`` / ``expected`` (message gives the line).
    """
    cases = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({exc})") from exc
            if "text" not in case or "expected" not in case:
                raise ValueError(f"{path}:{lineno}: a case needs 'text' and 'expected'")
            cases.append(case)
    return cases


def _value_ok(exp: dict, pred: DateMention) -> bool:
    if pred.value == exp["value"]:
        return True
    iv = exp.get("interval")
    if exp.get("calendar") == "hijri" and iv and pred.interval_start is not None and pred.interval_end is not None:
        lo, hi = date.fromisoformat(iv[0]), date.fromisoformat(iv[1])
        return lo <= pred.interval_start <= hi and lo <= pred.interval_end <= hi
    return False


def score_case(case: dict, predictions: Sequence[DateMention]) -> dict:
    """Counts for one case: predicted, expected, found, exact, value_ok, matched predictions, and details."""
    expected = case.get("expected") or []
    used: set[int] = set()
    found = exact = value_ok = 0
    details = []
    for exp in expected:
        best = None
        for k, p in enumerate(predictions):
            if p.start_char < exp["end"] and exp["start"] < p.end_char:
                if best is None or (k not in used and best in used):
                    best = k
                if p.start_char == exp["start"] and p.end_char == exp["end"]:
                    best = k
                    break
        if best is None:
            details.append({"expected": exp["surface"], "value": exp["value"], "got": None})
            continue
        used.add(best)
        p = predictions[best]
        found += 1
        exact += int(p.start_char == exp["start"] and p.end_char == exp["end"])
        ok = _value_ok(exp, p)
        value_ok += int(ok)
        details.append({"expected": exp["surface"], "value": exp["value"], "got": p.text, "got_value": p.value,
                        "ok": ok})
    matched_pred = sum(
        1 for p in predictions
        if any(p.start_char < e["end"] and e["start"] < p.end_char for e in expected)
    )
    return {"predicted": len(predictions), "expected": len(expected), "found": found, "exact": exact,
            "value_ok": value_ok, "matched_pred": matched_pred, "details": details,
            "spurious": [p.text for p in predictions
                         if not any(p.start_char < e["end"] and e["start"] < p.end_char for e in expected)]}


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def _summary(rows: list[dict]) -> dict:
    t = {k: sum(r[k] for r in rows) for k in ("predicted", "expected", "found", "exact", "value_ok", "matched_pred")}
    return {
        "cases": len(rows),
        **t,
        "precision": _ratio(t["matched_pred"], t["predicted"]),
        "recall": _ratio(t["found"], t["expected"]),
        "exact_span_rate": _ratio(t["exact"], t["found"]),
        "value_accuracy": _ratio(t["value_ok"], t["expected"]),
    }


def evaluate_cases(path: str | Path) -> dict:
    """Run :func:`akhbar.dates.extract_dates` (the pipeline's extractor) on every case of a file and score it.

    Args:
        path: a JSON Lines case file (``id``, ``category``, ``text``, ``reference_date``, ``expected``).

    Returns:
        ``{"overall": {...}, "by_category": {category: {...}}, "negatives": {"cases": n, "false_positives":
        n, "texts": [...]}, "errors": [per-case misses and wrong values]}``; each summary has cases,
        predicted, expected, found, exact, value_ok, precision, recall, exact_span_rate, value_accuracy.

    Raises:
        FileNotFoundError, ValueError: see :func:`load_cases`.
    """
    cases = load_cases(path)
    rows_by_cat: dict[str, list[dict]] = {}
    rows: list[dict] = []
    errors = []
    neg_cases = neg_fp = 0
    neg_texts: list[str] = []
    for case in cases:
        ref = case.get("reference_date")
        preds = extract_dates(case["text"], date.fromisoformat(ref) if ref else None)
        row = score_case(case, preds)
        cat = case.get("category", "uncategorised")
        rows.append(row)
        rows_by_cat.setdefault(cat, []).append(row)
        if cat == "negative" or not case["expected"]:
            neg_cases += 1
            if preds:
                neg_fp += len(preds)
                neg_texts.extend(p.text for p in preds)
        bad = [d for d in row["details"] if not d.get("ok")]
        if bad or row["spurious"]:
            errors.append({"id": case.get("id"), "category": cat, "wrong": bad, "spurious": row["spurious"]})
    return {
        "overall": _summary(rows),
        "by_category": {c: _summary(r) for c, r in sorted(rows_by_cat.items())},
        "negatives": {"cases": neg_cases, "false_positives": neg_fp, "texts": neg_texts},
        "errors": errors,
    }


def format_report(result: dict) -> str:
    """A plain-text table per category, the error list, and a final JSON line with the headline figures."""
    lines = [f"{'category':<14}{'cases':>6}{'exp':>5}{'pred':>5}{'prec':>8}{'recall':>8}{'exact':>8}{'value':>8}"]
    for cat, s in [*result["by_category"].items(), ("ALL", result["overall"])]:
        lines.append(f"{cat:<14}{s['cases']:>6}{s['expected']:>5}{s['predicted']:>5}{s['precision']:>8.3f}"
                     f"{s['recall']:>8.3f}{s['exact_span_rate']:>8.3f}{s['value_accuracy']:>8.3f}")
    neg = result["negatives"]
    lines.append(f"negative cases: {neg['cases']}, false positives: {neg['false_positives']}"
                 + (f" {neg['texts']}" if neg["texts"] else ""))
    for err in result["errors"]:
        for w in err["wrong"]:
            lines.append(f"  {err['id']} [{err['category']}] expected {w['expected']!r}={w['value']} "
                         f"got {w.get('got')!r}={w.get('got_value')}")
        for s in err["spurious"]:
            lines.append(f"  {err['id']} [{err['category']}] spurious {s!r}")
    o = result["overall"]
    lines.append(json.dumps({"precision": o["precision"], "recall": o["recall"],
                             "value_accuracy": o["value_accuracy"]}))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m akhbar.dates.evaluate FILE.jsonl``: print the report; exit 2 on a usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m akhbar.dates.evaluate FILE.jsonl", file=sys.stderr)
        return 2
    print(format_report(evaluate_cases(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
