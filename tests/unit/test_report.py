"""The run report (akhbar.report) on a small warehouse built here with the storage API (no Prefect, no GX)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timezone

import polars as pl
import pytest

from akhbar import schemas
from akhbar.errors import WarehouseError
from akhbar.report import (
    build_report,
    collect_report_data,
    render_report,
    suspicious_entity_forms,
    time_unit_for_span,
)
from akhbar.storage import Warehouse

RUN_AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
EVIL = "<script>alert(1)</script>"

# (published date, raw text, [(surface, label, canonical)], [(date text, interval start, interval end)])
DOCS = [
    (date(2020, 1, 13), "زار الرئيس محمد القاهرة ثم بالقاهرة التقى وزير الخارجية",
     [("محمد", "PER", "محمد"), ("القاهرة", "LOC", "القاهره"), ("القاهرة", "LOC", "القاهره")],
     [("أمس", date(2020, 1, 12), date(2020, 1, 12))]),
    (date(2020, 1, 14), "القاهرة تستضيف المؤتمر ويحضره محمد غدا",
     [("القاهرة", "LOC", "القاهره"), ("محمد", "PER", "محمد")],
     [("غدا", date(2020, 1, 15), date(2020, 1, 15))]),
    (date(2020, 2, 20), "بالقاهرة عقد لقاء مع بيروت",
     [("بالقاهرة", "LOC", "بالقاهره"), ("بيروت", "LOC", "بيروت")],
     [("عام 1948", date(1948, 1, 1), date(1948, 12, 31))]),
    (None, "منظمة ما " + EVIL,
     [("منظمة", "ORG", EVIL)], []),
]


def _frames(run_id: str) -> dict[str, pl.DataFrame]:
    docs, sents, toks, ents, dates = [], [], [], [], []
    for i, (published, raw, mentions, dmentions) in enumerate(DOCS):
        doc_id = hashlib.sha256(raw.encode()).hexdigest()
        docs.append({"doc_id": doc_id, "source_path": f"d{i}.txt", "source": "test", "url": None,
                     "title": f"title {i}", "published_date": published, "published_at": None,
                     "published_date_source": "cli" if published else "none", "language": "ar",
                     "encoding": "utf-8", "format": "plain", "raw_text": raw, "n_chars": len(raw),
                     "n_tokens": 1, "run_id": run_id, "ingested_at": RUN_AT})
        sents.append({"doc_id": doc_id, "sentence_index": 0, "start_char": 0, "end_char": len(raw), "text": raw})
        toks.append({"doc_id": doc_id, "token_index": 0, "sentence_index": 0, "start_char": 0, "end_char": 1,
                     "text": raw[0], "norm": raw[0], "kind": "word", "prefix": "", "stem": raw[0], "suffix": "",
                     "stem_start": 0, "stem_end": 1})
        pos = 0
        for j, (surface, label, canonical) in enumerate(mentions):
            start = raw.index(surface, pos)
            pos = start + len(surface)
            ents.append({"doc_id": doc_id, "mention_index": j, "start_char": start, "end_char": pos,
                         "text": surface, "label": label, "canonical": canonical,
                         "entity_id": f"{label}:{canonical}", "sentence_index": 0})
        for j, (text, first, last) in enumerate(dmentions):
            start = raw.find(text) if text in raw else 0
            dates.append({"doc_id": doc_id, "mention_index": j, "start_char": start,
                          "end_char": start + len(text), "text": text, "type": "DATE",
                          "value": first.isoformat(), "granularity": "day", "mod": None,
                          "calendar": "gregorian", "hijri_text": None, "interval_start": first,
                          "interval_end": last, "reference_date": published, "anchored": True, "rule": "test"})
    return {
        "documents": pl.DataFrame(docs, schema=schemas.DOCUMENTS.polars_schema),
        "sentences": pl.DataFrame(sents, schema=schemas.SENTENCES.polars_schema),
        "tokens": pl.DataFrame(toks, schema=schemas.TOKENS.polars_schema),
        "entity_mentions": pl.DataFrame(ents, schema=schemas.ENTITY_MENTIONS.polars_schema),
        "date_mentions": pl.DataFrame(dates, schema=schemas.DATE_MENTIONS.polars_schema),
    }


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-wh")
    wh = Warehouse(root)
    run_id = "20261129T120000Z-00000001"
    wh.stage_batch(run_id, 0, _frames(run_id))
    rejected = pl.DataFrame({"source_path": ["bad1.bin", "bad2.txt", "bad3.txt"],
                             "reason": ["binary", "empty", "empty"], "detail": ["NUL bytes", "no text", EVIL]})
    validation = pl.DataFrame({
        "run_id": [run_id] * 3, "table_name": ["documents", "documents", "tokens"],
        "expectation": ["ExpectColumnValuesToBeUnique:doc_id", "ExpectColumnValuesToNotBeNull:doc_id",
                        "ExpectColumnValuesToBeInSet:kind"],
        "success": [True, True, False], "unexpected_count": [0, 0, 2], "detail": [None, None, "e.g. ['x']"],
    }, schema=schemas.VALIDATION_RESULTS.polars_schema)
    run_row = {"run_id": run_id, "flow_run_id": None, "started_at": RUN_AT, "finished_at": RUN_AT,
               "n_read": 7, "n_loaded": 4, "n_rejected": 3, "n_skipped": 0, "status": "completed",
               "inputs": json.dumps(["corpus/"])}
    wh.commit_run(run_id, run_row, rejected, validation)
    return root, run_id


def test_collect_reads_every_section(small_warehouse):
    root, run_id = small_warehouse
    d = collect_report_data(root)
    assert d.run_id == run_id
    assert d.table_counts["documents"] == 4 and d.table_counts["entity_mentions"] == 8
    assert dict(d.rejected_by_reason.iter_rows()) == {"empty": 2, "binary": 1}
    assert d.validation.height == 3 and d.validation["success"].to_list().count(False) == 1
    loc = d.top_entities.filter(pl.col("label") == "LOC")
    assert loc["canonical"].to_list() == ["القاهره", "بالقاهره", "بيروت"]
    assert loc["n_mentions"].to_list() == [3, 1, 1]
    assert loc.row(0, named=True)["first_seen"] == date(2020, 1, 13)
    assert loc.row(0, named=True)["last_seen"] == date(2020, 1, 14)
    # the undated document's mention is in the table but in no day of the chart
    assert d.coverage == {"documents": 4, "dated_documents": 3, "first_published": date(2020, 1, 13),
                          "last_published": date(2020, 2, 20), "publication_days": 3, "days_with_mentions": 3}
    assert d.mention_time_unit == "day"  # 38 days
    per_entity = d.mentions_over_time.group_by("canonical").agg(pl.col("n_mentions").sum())
    assert dict(per_entity.iter_rows()) == {"القاهره": 3, "محمد": 2, "بالقاهره": 1, "بيروت": 1}
    # one row per entity and day, zeros included, so the lines drop to 0 between articles
    assert d.mentions_over_time.height == 39 * 4
    assert d.mentions_over_time.filter(pl.col("n_mentions") > 0).height == 6  # entity-days with a mention
    assert d.mentions_window == (date(2020, 1, 13), date(2020, 2, 20), 0)
    # 1948 is 72 years before the articles: the dates chart buckets by year
    assert d.talked_about_unit == "year"
    rel = dict(d.talked_about.group_by("relation").agg(pl.col("n").sum()).iter_rows())
    assert rel == {"past": 2, "future": 1}
    assert d.talked_about_window == (date(1948, 1, 1), date(2020, 1, 15), 0, 0, date(1948, 1, 1), date(2020, 1, 15))
    gaps = {g: n for g, n in d.gaps.select("gap", "n").iter_rows() if n}
    assert gaps == {"the day before": 1, "the day after": 1, "over a year before": 1}
    assert d.gaps["gap"].to_list()[5] == "publication day"


def test_charts_leave_out_the_tails(small_warehouse):
    root, _ = small_warehouse
    d = collect_report_data(root, tail_quantile=0.34)
    # of the three mention days the earliest is cut: its 3 mentions (محمد, القاهره twice) are counted out
    assert d.mentions_window == (date(2020, 1, 14), date(2020, 2, 20), 3)
    assert d.mentions_over_time["period"].min() == date(2020, 1, 14)
    # of the three DATE expressions (1948, 2020-01-12, 2020-01-15) only the middle one stays in the chart
    lo, hi, n_before, n_after, earliest, latest = d.talked_about_window
    assert (lo, hi, n_before, n_after) == (date(2020, 1, 12), date(2020, 1, 12), 1, 1)
    assert (earliest, latest) == (date(1948, 1, 1), date(2020, 1, 15))
    assert d.talked_about_unit == "month"
    assert d.talked_about["n"].sum() == 1
    page = render_report(d)
    assert "The 3 mentions published before 2020-01-14" in page
    assert "left out: 1 earlier (back to 1948-01-01) and 1 later (up to 2020-01-15)" in page
    pair = d.cooccurrence.filter((pl.col("canonical_a") == "محمد") | (pl.col("canonical_b") == "محمد"))
    assert pair.filter(pl.col("n_documents") == 2).height == 1  # محمد with القاهره in two documents
    assert d.suspicious["canonical"].to_list() == ["بالقاهره", EVIL]
    assert d.suspicious["problem"].to_list() == ["glued_clitic", "glued_punctuation"]


def test_render_is_self_contained_and_escaped(small_warehouse):
    root, _ = small_warehouse
    page = render_report(collect_report_data(root))
    # no resource from the network: no src/href to http(s), the JavaScript is inline
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page)
    assert "<script src" not in page
    assert "vegaEmbed(" in page and "function" in page
    # corpus values never become markup: the only <script> tags are the two the report writes
    assert page.count("<script") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    specs = json.loads(re.search(r"const akhbarSpecs = (\{.*?\});\n", page).group(1))
    assert set(specs) == {"chart-mentions", "chart-dates", "chart-gaps"}
    gap_values = [v for ds in specs["chart-gaps"]["datasets"].values() for v in ds]
    assert len(gap_values) == 11 and sum(v["n"] for v in gap_values) == 3
    values = [v for ds in specs["chart-mentions"]["datasets"].values() for v in ds]
    # the ORG entity occurs only in the undated article: it has no line
    assert {v["canonical"] for v in values} == {"القاهره", "محمد", "بالقاهره", "بيروت"}
    assert '<td class="ar" dir="rtl" lang="ar">القاهره</td>' in page
    assert "1 expectation(s) failed" in page
    assert "No Data Docs were built" in page


def test_build_report_writes_default_path_and_links_data_docs(small_warehouse, tmp_path):
    root, run_id = small_warehouse
    site = root / "data_docs"
    index = site / "index.html"
    page_docs = site / "validations" / "akhbar" / "documents" / run_id / "20261129T120000.000000Z" / "x-documents.html"
    page_runs = site / "validations" / "akhbar" / "runs" / run_id / "20261129T120000.000000Z" / "x-runs.html"
    for p in (index, page_docs, page_runs):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("<html></html>", encoding="utf-8")
    try:
        path = build_report(root)
        assert path == root / "report.html"
        page = path.read_text(encoding="utf-8")
        assert 'id="data-docs-link" href="data_docs/index.html"' in page
        # the documents row of the validation table links its page; runs (not in validation_results) below it
        validation = re.search(r'<table class="validation">.*?</table>', page).group(0)
        row = re.search(r"<tr><td>documents</td>.*?</tr>", validation).group(0)
        assert f'href="data_docs/validations/akhbar/documents/{run_id}/' in row
        assert re.search(r"Data Docs only: runs \(<a class=\"data-docs-page\" href=\"data_docs/validations/akhbar/runs/",
                         page)
        assert "<tr><td>tokens</td>" in validation and page.count('class="data-docs-page"') == 2
        elsewhere = build_report(root, tmp_path / "sub" / "r.html")
        href = re.search(r'id="data-docs-link" href="([^"]+)"', elsewhere.read_text(encoding="utf-8")).group(1)
        assert (elsewhere.parent / href).resolve() == index.resolve()
        assert "data-docs-link" not in build_report(root, tmp_path / "r.html", data_docs=False).read_text(encoding="utf-8")
    finally:
        import shutil

        shutil.rmtree(site)


def test_empty_warehouse_and_errors(tmp_path):
    with pytest.raises(WarehouseError, match="akhbar run"):
        collect_report_data(tmp_path / "nothing")
    wh = Warehouse(tmp_path / "wh")
    con = wh.connect()
    con.close()
    with pytest.raises(WarehouseError, match="no view v_top_entities"):
        collect_report_data(tmp_path / "wh")


def test_unknown_run_is_refused(small_warehouse):
    root, _ = small_warehouse
    with pytest.raises(WarehouseError, match="not in"):
        collect_report_data(root, "no-such-run")


@pytest.mark.parametrize(("canonical", "problem"), [
    ("بالقاهره", "glued_clitic"),
    ("والعراق", "glued_clitic"),
    ("وبالعراق", "glued_clitic"),
    ("للعراق", "glued_clitic"),
    ("فالسودان", "glued_clitic"),
    ("القاهره،", "glued_punctuation"),
    ("«مصر", "glued_punctuation"),
    ("غزه)", "glued_punctuation"),
    ("سوريا.", None),  # a full stop may belong to an abbreviation
    ("كاس العالم 2018", None),
    ("سوريا؟", "glued_punctuation"),
    ("ليبيا؛", "glued_punctuation"),
    ("القاهره", None),
    ("الولايات المتحده", None),
    ("بيروت", None),
    ("لبنان", None),
    ("عبد-الله", None),
    ("New York", None),
])
def test_suspicious_entity_forms(canonical, problem):
    out = suspicious_entity_forms(pl.DataFrame({"label": ["LOC"], "canonical": [canonical]}))
    assert out["problem"].to_list() == ([problem] if problem else [])


@pytest.mark.parametrize(("first", "last", "unit"), [
    (None, None, "day"),
    (date(2020, 1, 1), date(2020, 1, 1), "day"),
    (date(2020, 1, 1), date(2020, 2, 15), "day"),
    (date(2020, 1, 1), date(2020, 2, 16), "week"),
    (date(2020, 1, 1), date(2020, 12, 31), "week"),
    (date(2018, 1, 1), date(2020, 1, 1), "month"),
])
def test_time_unit_for_span(first, last, unit):
    assert time_unit_for_span(first, last) == unit


@pytest.mark.parametrize("module_name", ["akhbar.report", "akhbar.datadocs"])
def test_public_api_and_doctests(module_name):
    import doctest
    import importlib

    module = importlib.import_module(module_name)
    for name in module.__all__:
        obj = getattr(module, name)
        assert not callable(obj) or obj.__doc__, f"{module_name}.{name} has no docstring"
    failed, attempted = doctest.testmod(module)
    assert attempted >= 1 and failed == 0


def test_datadocs_paths_and_missing_warehouse(tmp_path):
    from akhbar.datadocs import build_data_docs, data_docs_dir, data_docs_index, run_pages

    assert data_docs_dir(tmp_path) == tmp_path / "data_docs"
    assert data_docs_index(tmp_path) == tmp_path / "data_docs" / "index.html"
    assert run_pages(tmp_path, "r1") == {}
    page = tmp_path / "data_docs" / "validations" / "akhbar" / "tokens" / "r1" / "t" / "a-tokens.html"
    page.parent.mkdir(parents=True)
    page.write_text("x", encoding="utf-8")
    assert run_pages(tmp_path, "r1") == {"tokens": page}
    assert run_pages(tmp_path, "r2") == {}
    with pytest.raises(WarehouseError, match="akhbar run"):
        build_data_docs(tmp_path / "none")


def test_warehouse_without_mentions_renders_without_charts(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    run_id = "20261129T130000Z-00000002"
    frames = _frames(run_id)
    frames["entity_mentions"] = schemas.empty_frame(schemas.ENTITY_MENTIONS)
    frames["date_mentions"] = schemas.empty_frame(schemas.DATE_MENTIONS)
    wh.stage_batch(run_id, 0, frames)
    run_row = {"run_id": run_id, "flow_run_id": None, "started_at": RUN_AT, "finished_at": RUN_AT, "n_read": 4,
               "n_loaded": 4, "n_rejected": 0, "n_skipped": 0, "status": "completed", "inputs": "[]"}
    wh.commit_run(run_id, run_row, pl.DataFrame(schema={"source_path": pl.String, "reason": pl.String,
                                                        "detail": pl.String}),
                  schemas.empty_frame(schemas.VALIDATION_RESULTS))
    d = collect_report_data(wh.root)
    assert d.top_entities.height == 0 and d.mentions_over_time.height == 0 and d.talked_about.height == 0
    assert d.mentions_window == (None, None, 0)
    page = render_report(d)
    assert "<script" not in page  # no chart, so no JavaScript at all
    assert "No entity mentions in the warehouse." in page
    assert "No input was rejected in this run." in page
    assert "No validation results were recorded for this run." in page


def test_run_tables_samples_large_runs_by_doc_id(small_warehouse):
    from akhbar.datadocs import run_tables

    root, run_id = small_warehouse
    full = run_tables(Warehouse(root), run_id)
    assert {k: v.height for k, v in full.items()} == {
        "documents": 4, "sentences": 4, "tokens": 4, "entity_mentions": 8, "date_mentions": 3, "entities": 5,
        "runs": 1, "rejected_documents": 3}
    # each document has one token: a limit of 2 tokens keeps the first two documents in doc_id order
    part = run_tables(Warehouse(root), run_id, max_tokens=2)
    kept = sorted(full["documents"]["doc_id"].to_list())[:2]
    assert part["documents"]["doc_id"].to_list() == kept
    for name in ("sentences", "tokens", "entity_mentions", "date_mentions"):
        assert set(part[name]["doc_id"].to_list()) <= set(kept)
        assert part[name].height == full[name].filter(pl.col("doc_id").is_in(kept)).height
    assert part["entities"].height == 5 and part["runs"].height == 1
    # a limit below the first document's tokens still keeps that document
    assert run_tables(Warehouse(root), run_id, ["documents"], max_tokens=0)["documents"].height == 1


def test_importing_the_modules_loads_neither_prefect_nor_great_expectations():
    import subprocess
    import sys

    code = ("import sys, akhbar.report, akhbar.datadocs; "
            "print(sorted(m for m in ('prefect', 'great_expectations', 'altair') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
