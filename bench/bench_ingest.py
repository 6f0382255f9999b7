"""Benchmark of akhbar.sources: throughput and peak memory of reading, on the shared corpora and on
generated huge files. Prints one line per scenario; asserts nothing (tests do that).

Each scenario runs in its own subprocess so that its peak resident memory (``ru_maxrss``) is its own.

    .venv/bin/python bench/bench_ingest.py            # all scenarios
    .venv/bin/python bench/bench_ingest.py dev scale  # some of them

Scenarios:
    dev         ../shared/corpus/dev (2,002 files, TREC and plain text), 3 runs, best and median
    scale       ../shared/corpus/scale (two gzip JSON Lines files, about 58,000 articles), 1 run
    huge_plain  a generated 200 MB single-line plain-text file (refused as too_large without reading)
    huge_jsonl  a generated 200 MB single-line JSON Lines record between two good ones (streamed)
    encodings   decode_bytes on one article in the six encodings of the issue, per call
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path[:0] = [str(REPO / "src"), str(REPO)]

MB = 1024 * 1024


def _read(paths, **kw):
    from akhbar.sources import iter_source_batches

    n_docs = n_rej = n_chars = 0
    reasons: dict[str, int] = {}
    for b in iter_source_batches(paths, **kw):
        n_docs += b.documents.height
        n_rej += b.rejected.height
        n_chars += int(b.documents["n_chars"].sum() or 0)
        for r in b.rejected["reason"]:
            reasons[r] = reasons.get(r, 0) + 1
    return n_docs, n_rej, n_chars, reasons


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scenario_dev() -> dict:
    path = SHARED / "corpus" / "dev"
    in_bytes = sum(p.stat().st_size for p in path.iterdir() if p.suffix == ".txt")
    times = []
    for _ in range(3):
        t = time.perf_counter()
        n_docs, n_rej, n_chars, reasons = _read([path])
        times.append(time.perf_counter() - t)
    best = min(times)
    return {"docs": n_docs, "rejected": n_rej, "reasons": reasons, "input_MB": round(in_bytes / MB, 2),
            "best_s": round(best, 3), "median_s": round(statistics.median(times), 3),
            "docs_per_s": round(n_docs / best), "MB_per_s": round(in_bytes / MB / best, 2)}


def scenario_scale() -> dict:
    files = sorted((SHARED / "corpus" / "scale").glob("*.jsonl.gz"))
    gz_bytes = sum(p.stat().st_size for p in files)
    t = time.perf_counter()
    n_docs, n_rej, n_chars, reasons = _read(files)
    s = time.perf_counter() - t
    return {"docs": n_docs, "rejected": n_rej, "reasons": reasons, "gz_MB": round(gz_bytes / MB, 1),
            "text_Mchars": round(n_chars / 1e6, 1), "seconds": round(s, 2), "docs_per_s": round(n_docs / s),
            "Mchars_per_s": round(n_chars / 1e6 / s, 2)}


def _huge(tmp: Path, jsonl: bool) -> Path:
    from tests.unit.sources_fixtures import ARTICLE

    unit = "كلمة ".encode("utf-8") * (MB // 10)
    path = tmp / ("huge.jsonl" if jsonl else "huge.txt")
    with path.open("wb") as fh:
        if jsonl:
            fh.write((json.dumps({"text": ARTICLE}, ensure_ascii=False) + '\n{"text": "').encode())
        written = 0
        while written < 200 * MB:
            fh.write(unit)
            written += len(unit)
        if jsonl:
            fh.write(('"}\n' + json.dumps({"text": ARTICLE + " ٢"}, ensure_ascii=False) + "\n").encode())
    return path


def _scenario_huge(jsonl: bool) -> dict:
    with tempfile.TemporaryDirectory() as d:
        path = _huge(Path(d), jsonl)
        size = path.stat().st_size
        base = _peak_mb()
        t = time.perf_counter()
        n_docs, n_rej, _, reasons = _read([path])
        s = time.perf_counter() - t
    return {"file_MB": round(size / MB), "docs": n_docs, "reasons": reasons, "seconds": round(s, 2),
            "peak_rss_before_MB": round(base), "peak_rss_MB": round(_peak_mb())}


def scenario_huge_plain() -> dict:
    return _scenario_huge(False)


def scenario_huge_jsonl() -> dict:
    return _scenario_huge(True)


def scenario_encodings() -> dict:
    from akhbar.sources.encoding import decode_bytes
    from tests.unit.sources_fixtures import ARTICLE, encode_variants

    out = {}
    for enc, data in encode_variants(ARTICLE * 10).items():
        n = 200
        t = time.perf_counter()
        for _ in range(n):
            got = decode_bytes(data)
        out[enc] = {"us_per_call": round((time.perf_counter() - t) / n * 1e6), "detected": got.encoding,
                    "bytes": len(data)}
    return out


SCENARIOS = {
    "dev": scenario_dev,
    "scale": scenario_scale,
    "huge_plain": scenario_huge_plain,
    "huge_jsonl": scenario_huge_jsonl,
    "encodings": scenario_encodings,
}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--run"]:
        result = SCENARIOS[argv[1]]()
        result.setdefault("peak_rss_MB", round(_peak_mb()))
        print(json.dumps(result, ensure_ascii=False))
        return
    names = argv or list(SCENARIOS)
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--run", name], capture_output=True, text=True)
        line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-500:]
        print(f"{name:11s} {line}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
