"""Scale-out benchmark: thread runner vs Dask LocalCluster, growth with input, and batches vs one task per doc.

Everything runs against one private Prefect server on loopback (started here, timed as "Prefect server
start-up"), each measurement in a fresh temporary warehouse and in its own process, launched exactly as a
user would (`akhbar run --task-runner threads|dask --json`). For each run it prints, per stage (ingest,
tokenise [normalise included], entities, dates, validate, parquet, load) and in total: seconds, docs/s,
MB/s (UTF-8 bytes of the loaded raw_text), the Prefect start-up/orchestration time outside the flow body,
and the peak RSS of the whole process tree (the CLI process plus Dask's worker processes), sampled
every 0.2 s with psutil. Summed RSS counts shared pages once per process, so it over-states a little; the
summed PSS (proportional set size, sampled every second) splits them between the processes that map them.

The naive design (one Prefect task per document, all text stages in it) and the batched design (one task
per batch of documents, same functions) run on the same small slice with the same 2-thread runner; only the
task granularity differs, so their gap is Prefect's per-task cost. A probe first times the flow's skip test
for known doc_ids against warehouses of 1x, 5x and 20x the scale corpus (see docs/scaling.md).

The figures quoted in docs/scaling.md come from the last command below.

Usage (from the repository root; keep it niced on a shared machine):
    nice -n 10 .venv/bin/python bench/bench_scale.py                     # dev corpus + scale 1x/4x/16x of 250
    nice -n 10 .venv/bin/python bench/bench_scale.py --base 500 --factors 1 4 16 --runners threads dask
    nice -n 10 .venv/bin/python bench/bench_scale.py --skip-dev --factors 1 --naive-docs 50
    nice -n 10 .venv/bin/python bench/bench_scale.py --dev-stride 4 --base 100 --batch-size 100
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCALE_FILES = ("ant_multisource_2018.jsonl.gz", "saudinewsnet_2015.jsonl.gz")
sys.path[:0] = [str(REPO), str(REPO / "src")]
AKHBAR = Path(sys.executable).with_name("akhbar")
STAGES = ("ingest", "tokenise", "entities", "dates", "validate", "parquet", "load")


def scale_slice(n_docs: int, out_dir: Path) -> Path:
    """The first ``n_docs`` articles of corpus/scale, alternating between its two files, as JSON Lines.

    Fixed and nested: the slice of 4n starts with the slice of n, so growth compares like with like.
    """
    out = out_dir / f"scale_{n_docs}.jsonl"
    srcs = [gzip.open(SHARED / "corpus" / "scale" / name, "rt", encoding="utf-8") for name in SCALE_FILES]
    written = 0
    try:
        with out.open("w", encoding="utf-8") as fh:
            while written < n_docs and srcs:
                for src in list(srcs):
                    line = src.readline()
                    if not line:
                        srcs.remove(src)
                        continue
                    fh.write(line)
                    written += 1
                    if written >= n_docs:
                        break
    finally:
        for src in srcs:
            src.close()
    return out


class TreeRss:
    """Peak resident memory (MiB) of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, period_seconds: float = 0.2) -> None:
        import psutil

        self._psutil = psutil
        self.root = psutil.Process(pid)
        self.period = period_seconds
        self.peak_mib = 0.0
        self.peak_processes = 0
        self.per_process: dict[int, dict] = {}  # pid -> role, peak MiB, CPU seconds (last sample)
        self.samples: list[tuple[float, dict[str, float]]] = []  # (seconds since start, MiB per role)
        self.peak_split: dict[str, float] = {}  # MiB per role at the peak of the sum
        self._t0 = time.perf_counter()
        self._n = 0
        self.peak_pss_mib = 0.0  # proportional set size: shared pages split between the processes mapping them
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        ps = self._psutil
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except ps.NoSuchProcess:
                break
            total = 0
            by_role: dict[str, float] = {}
            pss_total = 0
            take_pss = self._n % 5 == 0  # smaps is slow to read: PSS every fifth sample (1 s)
            self._n += 1
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    cpu = p.cpu_times()
                    if p.pid not in self.per_process:
                        cmd = " ".join(p.cmdline())
                        role = ("flow process" if p.pid == self.root.pid else
                                "text worker" if "spawn_main" in cmd else
                                "dask worker" if "dask" in cmd or "distributed" in cmd else
                                "other (" + cmd[:40] + ")")
                        self.per_process[p.pid] = {"role": role, "peak": 0.0, "cpu": 0.0}
                    rec = self.per_process[p.pid]
                    rec["peak"] = max(rec["peak"], rss / 2**20)
                    rec["cpu"] = cpu.user + cpu.system
                    total += rss
                    if take_pss:
                        pss_total += p.memory_full_info().pss
                    role = rec["role"].split(" (")[0]
                    by_role[role] = by_role.get(role, 0.0) + rss / 2**20
                except ps.NoSuchProcess:
                    pass
            self.samples.append((time.perf_counter() - self._t0, by_role))
            if take_pss:
                self.peak_pss_mib = max(self.peak_pss_mib, pss_total / 2**20)
            if total / 2**20 > self.peak_mib:
                self.peak_mib = total / 2**20
                self.peak_processes = len(procs)
                self.peak_split = dict(by_role)
            self._stop.wait(self.period)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mib


def _loaded_mb(warehouse: Path) -> float:
    from akhbar.storage import Warehouse

    con = Warehouse(warehouse).connect(read_only=True)
    try:
        return con.execute("SELECT coalesce(sum(octet_length(encode(raw_text))), 0) FROM documents").fetchall()[0][0] / 1e6
    finally:
        con.close()


def _group_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its descendants; 0.0 if gone."""
    import psutil

    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    try:  # children that exited and were waited for (counted by the kernel in the root's times)
        t = root.cpu_times()
        total += t.children_user + t.children_system
    except psutil.Error:
        pass
    return total


def run_cli(api_url: str, paths: list[str], runner: str, batch_size: int, workers: int, label: str,
            server_pid: int | None = None) -> dict:
    """One `akhbar run` in a fresh warehouse; prints its table and returns its figures.

    ``server_pid``: the Prefect server's process, whose CPU during the run is printed too (it is outside
    the measured tree but shares the machine's cores)."""
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-wh-") as wh:
        env = dict(os.environ, PREFECT_API_URL=api_url, PREFECT_LOGGING_LEVEL="WARNING")
        cmd = [str(AKHBAR), "run", *paths, "--warehouse", wh, "--task-runner", runner, "--workers", str(workers),
               "--batch-size", str(batch_size), "--json"]
        server_cpu0 = _group_cpu(server_pid)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
        rss = TreeRss(proc.pid)
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - t0
        server_cpu = _group_cpu(server_pid) - server_cpu0
        peak = rss.stop()
        if proc.returncode:
            print(f"\n== {label} [{runner}] FAILED ({proc.returncode}):\n{stderr[-3000:]}")
            return {}
        s = json.loads(stdout)
        mb = _loaded_mb(Path(wh))
        files = list(Path(s["parquet"]).rglob("*.parquet"))
        storage = (f"DuckDB file {Path(s['warehouse']).stat().st_size / 1e6:.1f} MB, Parquet "
                   f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB in {len(files)} files")
    n = s["documents_loaded"]
    flow_s = s["flow_seconds"]
    print(f"\n== {label} [{runner}, {workers} workers, batch {batch_size}]: {n} docs loaded, "
          f"{s['documents_rejected']} rejected, {mb:.1f} MB of text")
    print(f"{'stage':<22}{'seconds':>9}{'docs/s':>10}{'MB/s':>8}")
    for stage in STAGES:
        sec = s["stage_seconds"].get(stage, 0.0)
        print(f"{stage:<22}{sec:>9.2f}{n / sec if sec else 0:>10.0f}{mb / sec if sec else 0:>8.2f}")
    print(f"{'flow body':<22}{flow_s:>9.2f}{n / flow_s:>10.1f}{mb / flow_s:>8.2f}")
    print(f"{'prefect start-up etc.':<22}{wall - flow_s:>9.2f}   (process start, imports, flow-run bookkeeping)")
    print(f"{'total':<22}{wall:>9.2f}{n / wall:>10.1f}{mb / wall:>8.2f}")
    print(f"peak RSS of the process tree: {peak:.0f} MiB ({rss.peak_processes} processes at the peak); {storage}")
    print(f"  peak PSS of the process tree (sampled every second): {rss.peak_pss_mib:.0f} MiB "
          "(shared library pages counted once, not once per process)")
    if rss.samples:
        at = next(t for t, roles in rss.samples if sum(roles.values()) >= peak - 1e-6)
        print(f"  at the peak ({at:.0f} s after start): "
              + ", ".join(f"{role} {mib:.0f} MiB" for role, mib in sorted(rss.peak_split.items())))
        marks = [rss.samples[min(len(rss.samples) - 1, int(len(rss.samples) * k / 10))] for k in range(1, 11)]
        print("  tree RSS over the run (MiB, every tenth): "
              + " ".join(f"{sum(roles.values()):.0f}@{t:.0f}s" for t, roles in marks))
    for rec in sorted(rss.per_process.values(), key=lambda r: -r["cpu"]):
        if rec["cpu"] >= 0.5:
            print(f"  {rec['role']:<40} CPU {rec['cpu']:8.1f} s ({rec['cpu'] * 1000 / max(n, 1):.2f} ms/doc)"
                  f"  peak RSS {rec['peak']:6.0f} MiB")
    if server_pid is not None:
        print(f"  {'Prefect server (outside the tree)':<40} CPU {server_cpu:8.1f} s during the run")
    return {"label": label, "runner": runner, "docs": n, "mb": mb, "wall": wall, "flow": flow_s, "peak_mib": peak,
            "stages": s["stage_seconds"]}


# ------------------------------------------------------------------------------------------- naive design
def _naive_main(path: str, per: str, workers: int) -> None:
    """Run in a subprocess: the text stages over ``path`` as one task per document or per batch."""
    from akhbar.settings import apply_offline_env

    apply_offline_env()
    import polars as pl
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.task_runners import ThreadPoolTaskRunner

    from akhbar.pipeline import dates_batch, entities_batch, tokenise_batch
    from akhbar.sources import iter_source_batches

    @task(name="process-documents", cache_policy=NO_CACHE)
    def process(docs: pl.DataFrame) -> int:
        tok = tokenise_batch(docs)
        ents = entities_batch(docs, tok.tokens)
        dates = dates_batch(docs)
        return tok.tokens.height + ents.height + dates.height

    @flow(name="akhbar-bench-granularity", task_runner=ThreadPoolTaskRunner(max_workers=workers))
    def granularity(path: str, per: str) -> dict:
        docs = pl.concat([b.documents for b in iter_source_batches([path], batch_size_docs=10_000)])
        t0 = time.perf_counter()
        if per == "doc":
            chunks = [docs.slice(i, 1) for i in range(docs.height)]
        else:  # one batch per worker, as the real flow's batches
            size = -(-docs.height // workers)
            chunks = [docs.slice(i, size) for i in range(0, docs.height, size)]
        futures = [process.submit(c) for c in chunks]
        rows = sum(f.result() for f in futures)
        return {"docs": docs.height, "tasks": len(chunks), "rows": rows, "seconds": time.perf_counter() - t0}

    t0 = time.perf_counter()
    out = granularity(path, per)
    out["wall"] = time.perf_counter() - t0
    sys.stdout.write(json.dumps(out) + "\n")


def run_naive(api_url: str, path: Path, workers: int) -> None:
    results = {}
    for per in ("doc", "batch"):
        env = dict(os.environ, PREFECT_API_URL=api_url, PREFECT_LOGGING_LEVEL="WARNING")
        res = subprocess.run([sys.executable, __file__, "_naive", str(path), per, str(workers)],
                             capture_output=True, text=True, env=env, cwd=REPO)
        if res.returncode:
            print(f"naive ({per}) failed:\n{res.stderr[-3000:]}")
            return
        results[per] = json.loads(res.stdout.strip().splitlines()[-1])
    d, b = results["doc"], results["batch"]
    assert d["rows"] == b["rows"], "both designs must produce the same rows"
    print(f"\n== granularity on {d['docs']} docs (tokenise+entities+dates, {workers} threads, same functions)")
    print(f"{'design':<26}{'tasks':>7}{'seconds':>9}{'docs/s':>9}{'ms/task overhead':>18}")
    for name, r in (("one task per document", d), ("one task per batch", b)):
        print(f"{name:<26}{r['tasks']:>7}{r['seconds']:>9.2f}{r['docs'] / r['seconds']:>9.1f}"
              f"{1000 * (r['seconds'] - b['seconds']) / max(r['tasks'] - b['tasks'], 1) if r is d else 0:>18.0f}")
    print(f"per-document tasks are {d['seconds'] / b['seconds']:.1f}x slower on the same work")


def run_known_ids_probe(sizes: list[int], batch_docs: int) -> None:
    """What 100x breaks first in the flow process: the set of known doc_ids and the per-batch skip test.

    Reproduces the two operations ``flows/ingest.py`` performs with the warehouse's doc_ids: holding them as
    a Python set of 64-character hex strings (``Warehouse.known_doc_ids``), and, for every batch,
    ``docs["doc_id"].is_in(list(known))`` (which copies the whole set into a list and hashes it again per
    batch), against the alternative of looking the batch's ids up in the set (cost independent of the set).
    """
    import hashlib
    import tracemalloc

    import polars as pl

    print(f"\n== known doc_id probe (per batch of {batch_docs} docs; the flow does this once per batch)")
    print(f"{'known ids':>10}{'set MiB':>9}{'is_in(list(set)) ms/batch':>27}{'set lookups ms/batch':>22}"
          f"{'batches to load n docs':>24}")
    for n in sizes:
        tracemalloc.start()
        known = {hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)}
        set_mib = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        batch = pl.Series("doc_id", [hashlib.sha256(f"new{i}".encode()).hexdigest() for i in range(batch_docs)])
        t0 = time.perf_counter()
        reps = 3
        for _ in range(reps):
            batch.is_in(list(known))
        ms = 1000 * (time.perf_counter() - t0) / reps
        t0 = time.perf_counter()
        for _ in range(reps):  # the alternative: look each of the batch's ids up in the set
            pl.Series([d in known for d in batch.to_list()], dtype=pl.Boolean)
        ms_series = 1000 * (time.perf_counter() - t0) / reps
        print(f"{n:>10}{set_mib:>9.0f}{ms:>27.0f}{ms_series:>22.1f}{n // batch_docs:>24}")
        del known


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_naive":
        _naive_main(argv[1], argv[2], int(argv[3]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=int, default=250, help="1x slice of corpus/scale, articles")
    ap.add_argument("--factors", type=int, nargs="*", default=[1, 4, 16])
    ap.add_argument("--runners", nargs="*", default=["threads", "dask"], choices=["threads", "dask"])
    ap.add_argument("--batch-size", type=int, default=250)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-docs", type=int, default=50, help="slice for one-task-per-document (0: skip)")
    ap.add_argument("--skip-dev", action="store_true", help="do not run ../shared/corpus/dev")
    ap.add_argument("--dev-stride", type=int, default=1,
                    help="run every Nth file of corpus/dev in name order (4: the 501 files of tests/e2e/test_dask.py)")
    ap.add_argument("--probe-known", type=int, nargs="*", default=[57_895, 289_475, 1_157_900],
                    help="sizes for the known-doc_id probe (1x, 5x, 20x corpus/scale; none: skip)")
    args = ap.parse_args(argv)

    from akhbar.settings import OFFLINE_ENV

    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    from flows.server import start_server, stop_server

    print(f"akhbar scale benchmark; cpus={os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; "
          f"runners={args.runners}; workers={args.workers}; batch={args.batch_size}")
    if args.probe_known:
        run_known_ids_probe(args.probe_known, args.batch_size)
    results = []
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-server-") as home:
        t0 = time.perf_counter()
        server = start_server(home, timeout_seconds=600)
        print(f"Prefect server start-up (fresh database): {time.perf_counter() - t0:.1f} s at {server.api_url}")
        try:
            with tempfile.TemporaryDirectory(prefix="akhbar-bench-in-") as tmp:
                if args.naive_docs:
                    run_naive(server.api_url, scale_slice(args.naive_docs, Path(tmp)), args.workers)
                if not args.skip_dev:
                    dev = SHARED / "corpus" / "dev"
                    if args.dev_stride > 1:
                        dev_paths = [str(p) for p in sorted(dev.glob("*.txt"))[::args.dev_stride]]
                        dev_label = f"corpus/dev every {args.dev_stride}th ({len(dev_paths)} files)"
                    else:
                        dev_paths, dev_label = [str(dev)], "corpus/dev"
                    for runner in args.runners:
                        results.append(run_cli(server.api_url, dev_paths, runner, args.batch_size, args.workers,
                                               dev_label, server.pid))
                for f in args.factors:
                    path = scale_slice(args.base * f, Path(tmp))
                    for runner in args.runners:
                        results.append(run_cli(server.api_url, [str(path)], runner, args.batch_size, args.workers,
                                               f"corpus/scale x{f} ({args.base * f} articles)", server.pid))
        finally:
            stop_server(home)
    results = [r for r in results if r]
    print(f"\n== summary\n{'input':<36}{'runner':<9}{'docs':>7}{'wall s':>9}{'flow s':>9}{'docs/s':>9}"
          f"{'MB/s':>7}{'peak MiB':>10}")
    for r in results:
        print(f"{r['label']:<36}{r['runner']:<9}{r['docs']:>7}{r['wall']:>9.1f}{r['flow']:>9.1f}"
              f"{r['docs'] / r['flow']:>9.1f}{r['mb'] / r['flow']:>7.2f}{r['peak_mib']:>10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
