"""`akhbar report` on the seed warehouse: the page, its Data Docs, and how it renders in headless Chromium.

The browser part needs Debian's ``chromium`` (/usr/bin/chromium) and skips with the reason when it is
absent; ``.ci/run`` installs it. It writes a screenshot (``report.png`` in the test's temporary folder,
path printed) for a person to look at.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from akhbar import schemas
from akhbar.cli import app
from akhbar.datadocs import DATA_DOCS_TABLES, data_docs_index, run_pages
from akhbar.storage import Warehouse
from tests.conftest import REPO

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("report_browser", REPO / "scripts" / "report_browser.py")
assert _spec is not None and _spec.loader is not None
browser = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("report_browser", browser)  # dataclasses look their module up
_spec.loader.exec_module(browser)

needs_chromium = pytest.mark.skipif(not browser.CHROMIUM.exists(),
                                    reason="/usr/bin/chromium absent: apt-get install -y chromium (.ci/run does)")

#: Names the seed article (Libya talks in Moscow, January 2020) is about; the recogniser finds them.
SEED_NAMES = ("السراج", "حفتر", "موسكو")


@pytest.fixture(scope="module")
def seed_report(seed_warehouse, tmp_path_factory) -> tuple[Path, Path, str]:
    """`akhbar report` run as a user runs it: (report path, warehouse, run_id)."""
    wh, summary = seed_warehouse
    out = tmp_path_factory.mktemp("report") / "report.html"
    res = CliRunner().invoke(app, ["report", "--warehouse", str(wh), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().endswith(str(out))
    return out, wh, summary["run_id"]


def test_report_is_a_small_self_contained_page(seed_report):
    out, wh, run_id = seed_report
    page = out.read_text(encoding="utf-8")
    assert out.stat().st_size < 5_000_000
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert run_id in page
    top = Warehouse(wh).query("SELECT canonical FROM v_top_entities WHERE rank_in_label <= 3")["canonical"]
    assert top.len() >= 3
    assert all(name in page for name in top.to_list())
    assert all(any(n in c for c in top.to_list()) for n in SEED_NAMES)
    assert "all expectations passed" in page


def test_report_command_errors_say_what_to_do(seed_warehouse, tmp_path):
    wh, _ = seed_warehouse
    res = CliRunner().invoke(app, ["report", "--warehouse", str(wh), "--run", "no-such-run"])
    assert res.exit_code == 1
    assert "run 'no-such-run' is not in" in res.output and "SELECT run_id" in res.output
    res = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path / "none")])
    assert res.exit_code == 1 and "run `akhbar run` first" in res.output.replace("\n", " ")
    # --no-data-docs: the page is written without building or linking Data Docs
    out = tmp_path / "plain.html"
    res = CliRunner().invoke(app, ["report", "--warehouse", str(wh), "--out", str(out), "--no-data-docs"])
    assert res.exit_code == 0, res.output
    assert "data-docs-link" not in out.read_text(encoding="utf-8")


_STATUS = re.compile(r'Status:</span>\s*<i class="fas (fa-[a-z-]+)')


def _page_status(page: Path) -> str:
    """The status icon of a GX validation page: fa-check-circle (succeeded) or fa-times (failed)."""
    return _STATUS.search(page.read_text(encoding="utf-8")).group(1)


def test_data_docs_are_built_per_run_and_linked(seed_report):
    out, wh, run_id = seed_report
    index = data_docs_index(wh)
    assert index.is_file()
    page = out.read_text(encoding="utf-8")
    href = re.search(r'id="data-docs-link" href="([^"]+)"', page).group(1)
    assert (out.parent / href).resolve() == index.resolve()
    pages = run_pages(wh, run_id)
    assert list(pages) == list(DATA_DOCS_TABLES)
    linked = {(out.parent / h).resolve() for h in re.findall(r'class="data-docs-page" href="([^"]+)"', page)}
    assert linked == {p.resolve() for p in pages.values()}
    # every table of the seed run passes its suite, and the site's index lists the run
    assert {t: _page_status(p) for t, p in pages.items()} == {t: "fa-check-circle" for t in DATA_DOCS_TABLES}
    assert run_id in index.read_text(encoding="utf-8")


@needs_chromium
def test_report_renders_in_chromium_without_console_errors(seed_report):
    out, _, _ = seed_report
    seen = browser.inspect_page(out)
    assert seen.errors == []
    # nothing but the page itself is fetched: no network at view time
    assert seen.requests and all(u.startswith(("file://", "data:")) for u in seen.requests), seen.requests
    assert seen.charts_expected == 3  # mentions over time, dates talked about, gap from publication
    assert seen.charts_rendered == 3
    assert seen.svg_count >= 3
    for name in SEED_NAMES:
        assert name in seen.text, name
    assert "Top entities per label" in seen.text and "Entities mentioned together" in seen.text


@needs_chromium
def test_screenshot_writes_a_png(seed_report):
    out, _, _ = seed_report
    png = browser.screenshot(out, out.with_name("report.png"), width=1280, height=3000)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1280, 3000)
    assert png.stat().st_size > 50_000  # a blank page of that size compresses to a few kB
    print(f"report screenshot: {png}")


# ------------------------------------------------------------------------------------- dev corpus

@pytest.fixture(scope="module")
def dev_report(request, tmp_path_factory) -> tuple[Path, Path]:
    """The report of the 2,002-article dev corpus warehouse: (report path, warehouse).

    Uses a session-wide ``dev_warehouse`` fixture when tests/e2e/conftest.py provides one (so the corpus is
    processed once per session); otherwise runs the flow on the corpus here.
    """
    from akhbar.report import build_report
    from tests.conftest import SHARED

    try:
        wh = request.getfixturevalue("dev_warehouse")[0]
    except pytest.FixtureLookupError:
        request.getfixturevalue("prefect_harness")
        from flows.ingest import ingest_flow

        wh = tmp_path_factory.mktemp("dev-wh-report")
        ingest_flow(paths=[str(SHARED / "corpus" / "dev")], warehouse_dir=str(wh), batch_size_docs=400)
    out = build_report(wh, tmp_path_factory.mktemp("dev-report") / "report.html")
    return out, Path(wh)


@pytest.mark.slow
def test_dev_corpus_report_is_under_5_mb_with_real_places_on_top(dev_report):
    from akhbar.report import collect_report_data

    out, wh = dev_report
    assert out.stat().st_size < 5_000_000
    data = collect_report_data(wh)
    assert data.suspicious.height == 0, data.suspicious.select("label", "canonical", "problem").rows()
    loc = data.top_entities.filter(data.top_entities["label"] == "LOC")["canonical"].to_list()
    assert len(loc) == 10
    # the corpus is Middle-East news from 2012-2018: these places lead it, whatever their exact order
    assert {"سوريا", "روسيا", "مصر", "تركيا"} <= set(loc), loc
    page = out.read_text(encoding="utf-8")
    assert all(name in page for name in loc)
    # v_daily_mentions covers every publication day on which a document mentions an entity
    assert data.coverage["days_with_mentions"] >= 0.95 * data.coverage["publication_days"] > 100


@pytest.mark.slow
@needs_chromium
def test_dev_corpus_report_opens_in_chromium_without_console_errors(dev_report):
    out, _ = dev_report
    seen = browser.inspect_page(out)
    assert seen.errors == []
    assert seen.charts_rendered == seen.charts_expected == 3
    assert "سوريا" in seen.text


def test_data_docs_show_what_fails(tmp_path):
    """Data Docs re-validate the stored rows: a date mention whose text is not raw_text[start:end] fails."""
    from akhbar.datadocs import build_data_docs
    from tests.unit.test_report import DOCS, _frames

    wh = Warehouse(tmp_path / "wh")
    run_id = "20261129T120000Z-0000abcd"
    frames = _frames(run_id)
    assert "عام 1948" not in DOCS[2][1]  # its span [0, 8) points at other text
    wh.stage_batch(run_id, 0, frames)
    run_row = {"run_id": run_id, "flow_run_id": None, "started_at": frames["documents"]["ingested_at"][0],
               "finished_at": frames["documents"]["ingested_at"][0], "n_read": 4, "n_loaded": 4, "n_rejected": 0,
               "n_skipped": 0, "status": "completed", "inputs": "[]"}
    wh.commit_run(run_id, run_row, pl.DataFrame(schema={"source_path": pl.String, "reason": pl.String,
                                                        "detail": pl.String}),
                  schemas.empty_frame(schemas.VALIDATION_RESULTS))
    index = build_data_docs(wh.root)
    pages = run_pages(wh.root, run_id)
    statuses = {t: _page_status(p) for t, p in pages.items()}
    assert statuses == {t: "fa-times" if t == "date_mentions" else "fa-check-circle" for t in DATA_DOCS_TABLES}
    assert "_span_matches_text" in pages["date_mentions"].read_text(encoding="utf-8")
    html_index = index.read_text(encoding="utf-8")
    assert html_index.count("fa-times") == 1
    assert html_index.count("fa-check-circle") == len(DATA_DOCS_TABLES) - 1
    # building the run again replaces its pages instead of piling up
    assert build_data_docs(wh.root, run_id) == index
    assert len(list(index.parent.joinpath("validations").rglob("*.html"))) == len(DATA_DOCS_TABLES)
