"""Figures for the run report on an existing warehouse: time to read and render the page, its size, time to
build the run's Great Expectations Data Docs (and their size), and time for headless Chromium to load it.

    .venv/bin/python scripts/report_bench.py --warehouse /tmp/devwh [--data-docs] [--chromium]

Prints one line per figure; writes the page to a temporary folder (the warehouse is only read, except
``--data-docs``, which writes ``<warehouse>/data_docs/<run_id>/``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import resource


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--data-docs", action="store_true", help="also time build_data_docs (writes them)")
    parser.add_argument("--chromium", action="store_true", help="also time loading the page in Chromium")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    from akhbar.report import collect_report_data, render_report

    t1 = time.perf_counter()
    data = collect_report_data(args.warehouse)
    t2 = time.perf_counter()
    page = render_report(data)
    t3 = time.perf_counter()
    out = Path(tempfile.mkdtemp(prefix="akhbar-report-bench-")) / "report.html"
    out.write_text(page, encoding="utf-8")
    print(f"warehouse: {args.warehouse} ({data.table_counts['documents']:,} documents, "
          f"{data.table_counts['entity_mentions']:,} entity mentions, {data.table_counts['date_mentions']:,} date mentions)")
    print(f"import akhbar.report: {t1 - t0:.2f} s")
    print(f"collect_report_data (DuckDB queries): {t2 - t1:.2f} s")
    print(f"render_report (Altair specs + HTML): {t3 - t2:.2f} s")
    print(f"page: {len(page.encode('utf-8')) / 1e6:.2f} MB at {out}")
    if args.data_docs:
        from akhbar.datadocs import build_data_docs

        t4 = time.perf_counter()
        index = build_data_docs(args.warehouse, data.run_id)
        t5 = time.perf_counter()
        print(f"build_data_docs: {t5 - t4:.1f} s, {_tree_bytes(index.parent) / 1e6:.1f} MB at {index.parent}")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.chromium:
        spec = importlib.util.spec_from_file_location("report_browser", Path(__file__).with_name("report_browser.py"))
        assert spec is not None and spec.loader is not None
        browser = importlib.util.module_from_spec(spec)
        sys.modules["report_browser"] = browser
        spec.loader.exec_module(browser)
        t6 = time.perf_counter()
        seen = browser.inspect_page(out)
        print(f"chromium load + charts rendered: {time.perf_counter() - t6:.1f} s "
              f"({seen.charts_rendered}/{seen.charts_expected} charts, {len(seen.errors)} console errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
