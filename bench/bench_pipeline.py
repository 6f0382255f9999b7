"""End-to-end throughput benchmark of the ingest flow.

Prints, per stage (ingest, tokenise, entities, dates, validate, parquet, load) and in total: wall seconds,
docs/s and MB/s (UTF-8 bytes of raw_text), peak RSS of this process, and Prefect start-up/overhead
separately (wall time of the whole call minus the time spent inside the flow body).

Usage:
    .venv/bin/python bench/bench_pipeline.py                       # ../shared/corpus/dev
    .venv/bin/python bench/bench_pipeline.py --input PATH ...       # any files/folders
    .venv/bin/python bench/bench_pipeline.py --scale 1000 --factors 1 4 16   # slices of corpus/scale

Each measurement runs into a fresh temporary warehouse. Stage seconds are summed over batches; with
several worker threads, stages overlap, so their sum can exceed the wall time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path[:0] = [str(REPO), str(REPO / "src")]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_slice(n_docs: int, out_dir: Path) -> Path:
    """Write the first ``n_docs`` articles of corpus/scale (both files, interleaved in file order) as JSONL."""
    out = out_dir / f"scale_{n_docs}.jsonl"
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for name in ("ant_multisource_2018.jsonl.gz", "saudinewsnet_2015.jsonl.gz"):
            with gzip.open(SHARED / "corpus" / "scale" / name, "rt", encoding="utf-8") as src:
                for line in src:
                    if written >= n_docs:
                        break
                    fh.write(line)
                    written += 1
    return out


def run_once(paths: list[str], label: str, batch_size: int, workers: int, processes: int = 1,
             data_docs: bool = False) -> dict:
    from flows.ingest import ingest_flow, make_task_runner
    from akhbar.storage import Warehouse

    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        t0 = time.perf_counter()
        flow = ingest_flow.with_options(task_runner=make_task_runner("threads", workers))
        summary = flow(paths=paths, warehouse_dir=tmp, batch_size_docs=batch_size, max_in_flight=workers + 1,
                       worker_processes=processes, data_docs=data_docs)
        wall = time.perf_counter() - t0
        con = Warehouse(tmp).connect(read_only=True)
        mb = con.execute("SELECT coalesce(sum(octet_length(encode(raw_text))), 0) FROM documents").fetchall()[0][0] / 1e6
        con.close()
    n = summary["documents_loaded"]
    print(f"\n== {label}: {n} documents loaded, {summary['documents_rejected']} rejected, {mb:.1f} MB of text")
    print(f"{'stage':<12}{'seconds':>10}{'docs/s':>12}{'MB/s':>10}")
    for stage, sec in summary["stage_seconds"].items():
        print(f"{stage:<12}{sec:>10.2f}{n / sec if sec else 0:>12.0f}{mb / sec if sec else 0:>10.2f}")
    flow_s = summary["flow_seconds"]
    print(f"{'flow body':<12}{flow_s:>10.2f}{n / flow_s:>12.1f}{mb / flow_s:>10.2f}")
    print(f"{'prefect':<12}{wall - flow_s:>10.2f}   (start-up and orchestration outside the flow body)")
    print(f"{'total':<12}{wall:>10.2f}{n / wall:>12.1f}{mb / wall:>10.2f}")
    print(f"peak RSS {_peak_rss_mb():.0f} MB; rows: {json.dumps(summary['rows'])}")
    return {"label": label, "docs": n, "mb": mb, "wall": wall, "flow": flow_s, "stages": summary["stage_seconds"],
            "peak_rss_mb": _peak_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", nargs="*", help="files or folders (default: ../shared/corpus/dev)")
    ap.add_argument("--scale", type=int, default=0, help="base slice size of corpus/scale, in articles")
    ap.add_argument("--factors", type=int, nargs="*", default=[1, 4, 16])
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2, help="Prefect worker threads")
    ap.add_argument("--processes", type=int, nargs="*", default=[1, 2],
                    help="text-stage worker processes; each value is measured in turn")
    ap.add_argument("--data-docs", action="store_true", help="also build Data Docs (timed as data_docs)")
    args = ap.parse_args(argv)
    from akhbar.settings import apply_offline_env

    apply_offline_env(Path(tempfile.mkdtemp(prefix="akhbar-bench-prefect-")))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    print(f"akhbar pipeline benchmark; cpus={os.cpu_count()}; batch={args.batch_size}; workers={args.workers}")
    for procs in args.processes:
        if args.scale:
            with tempfile.TemporaryDirectory(prefix="akhbar-scale-") as tmp:
                for f in args.factors:
                    path = scale_slice(args.scale * f, Path(tmp))
                    run_once([str(path)], f"corpus/scale x{f} ({args.scale * f} articles), processes={procs}",
                             args.batch_size, args.workers, procs, args.data_docs)
        else:
            paths = args.input or [str(SHARED / "corpus" / "dev")]
            run_once(paths, f"{' '.join(paths)}, processes={procs}", args.batch_size, args.workers, procs,
                     args.data_docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
