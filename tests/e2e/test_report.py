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

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.datadocs import DATA_DOCS_TABLES, data_docs_index
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


def test_data_docs_are_built_per_run_and_linked(seed_report):
    out, wh, run_id = seed_report
    index = data_docs_index(wh, run_id)
    assert index.is_file()
    page = out.read_text(encoding="utf-8")
    href = re.search(r'id="data-docs-link" href="([^"]+)"', page).group(1)
    assert (out.parent / href).resolve() == index.resolve()
    pages = {p.name for p in index.parent.joinpath("validations").rglob("*.html")}
    assert pages == {f"akhbar_warehouse-{t}.html" for t in DATA_DOCS_TABLES}
    index_html = index.read_text(encoding="utf-8")
    assert run_id in index_html
    # GX's index lists one validation per table with a status icon: all succeeded on the seed run
    assert index_html.count("fa-check-circle") == len(DATA_DOCS_TABLES)
    assert "fa-times" not in index_html


@needs_chromium
def test_report_renders_in_chromium_without_console_errors(seed_report):
    out, _, _ = seed_report
    seen = browser.inspect_page(out)
    assert seen.errors == []
    assert seen.charts_expected == 2
    assert seen.charts_rendered == 2
    assert seen.svg_count >= 2
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
