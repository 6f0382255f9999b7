"""Throughput of akhbar's normalise + tokenise + segment, against a plain-regex baseline, on one core.

Input: the first ``--docs`` articles (title + text) of ``../shared/corpus/scale/saudinewsnet_2015.jsonl.gz``
and the same number from ``ant_multisource_2018.jsonl.gz`` (a fixed slice, read once into memory before
timing). Prints MB/s (UTF-8 bytes of input per second) and tokens/s for:

- ``baseline``: ``str.split`` plus one compiled regex deleting harakat and tatweel (no offsets, no kinds);
- ``normalise``: :func:`akhbar.normalise.normalise` (text + alignment);
- ``normalise_text``: the fast path without alignment;
- ``tokenise``: :func:`akhbar.tokenise.tokenise` (normalise + tokens + sentences + clitic segmentation),
  cold segmentation cache and warm;
- ``tokenise_frame``: the batch function the pipeline calls (includes building the Polars frame).

Usage: ``nice -n 10 .venv/bin/python bench/bench_text.py [--docs 2000] [--repeat 1]``. Rates are computed
from process CPU time with ``POLARS_MAX_THREADS=1`` (one core), since wall time on a shared machine is noisy;
compare figures from the same run.
"""

from __future__ import annotations

import argparse
import gzip
import os
import json
import re
import sys
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one core: the figure is per core

import polars as pl  # noqa: E402

from akhbar import tokenise as T  # noqa: E402
from akhbar.normalise import normalise, normalise_text  # noqa: E402

SCALE = ROOT.parent / "shared" / "corpus" / "scale"
_DIAC = re.compile("[\u064b-\u0652\u0640]")


def load(n_per_file: int) -> list[str]:
    docs: list[str] = []
    for name in ("saudinewsnet_2015.jsonl.gz", "ant_multisource_2018.jsonl.gz"):
        with gzip.open(SCALE / name, "rt", encoding="utf-8") as f:
            for line in islice(f, n_per_file):
                rec = json.loads(line)
                docs.append((rec.get("title") or "") + "\n\n" + (rec.get("text") or ""))
    return docs


def baseline(doc: str) -> int:
    return len(_DIAC.sub("", doc).split())


def run(name: str, fn: Callable[[], int], n_bytes: int, repeat: int) -> None:
    """Best of ``repeat`` runs; rates use CPU time of this process (one Polars thread, so one core), which
    a loaded shared machine disturbs far less than wall time; wall time is printed too."""
    best = float("inf")
    wall = 0.0
    n_tok = 0
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        n_tok = fn()
        cpu = time.process_time() - c0
        if cpu < best:
            best, wall = cpu, time.perf_counter() - t0
    mb = n_bytes / 1e6
    tok = f"{n_tok / best:>12,.0f} tokens/s" if n_tok else ""
    print(f"{name:<28} cpu {best:6.2f} s (wall {wall:6.2f} s)  {mb / best:7.2f} MB/s  {tok}")


def segmentation_accuracy() -> None:
    """Whole-word (prefix, stem, suffix) accuracy on ``src/akhbar/lang/ar_segmentation_cases.tsv``."""
    path = ROOT / "src" / "akhbar" / "lang" / "ar_segmentation_cases.tsv"
    hits: dict[str, list[bool]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        w, p, s, x, split = line.split("\t")
        (t,) = T.tokenise(w)
        ok = (t.prefix, t.stem, t.suffix) == (p, s, x)
        hits.setdefault(split, []).append(ok)
        if not ok:
            print(f"  miss ({split}): {w} -> {t.prefix}+{t.stem}+{t.suffix}, expected {p}+{s}+{x}")
    for split, h in hits.items():
        print(f"segmentation {split:<8} {sum(h)}/{len(h)} = {sum(h) / len(h):.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description="akhbar text throughput")
    ap.add_argument("--docs", type=int, default=2000, help="articles taken from each scale file")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--frame-only", action="store_true", help="time only the baseline and tokenise_frame")
    args = ap.parse_args()
    docs = load(args.docs)
    n_bytes = sum(len(d.encode("utf-8")) for d in docs)
    n_chars = sum(len(d) for d in docs)
    print(f"input: {len(docs)} articles, {n_bytes / 1e6:.2f} MB UTF-8, {n_chars:,} code points")
    T._lexicon()  # load the lexicon outside the timings
    segmentation_accuracy()
    run("baseline split+strip", lambda: sum(baseline(d) for d in docs), n_bytes, args.repeat)
    if not args.frame_only:
        run_per_doc(docs, n_bytes, args.repeat)
    frame = pl.DataFrame({"doc_id": [str(i) for i in range(len(docs))], "raw_text": docs})
    T.tokenise_frame(frame.head(10))  # build the first-character kind table outside the timings
    run("tokenise_frame (cold seg)", lambda: T.tokenise_frame(frame).height, n_bytes, 1)
    run("tokenise_frame (warm)", lambda: T.tokenise_frame(frame).height, n_bytes, args.repeat)


def run_per_doc(docs: list[str], n_bytes: int, repeat: int) -> None:
    args = argparse.Namespace(repeat=repeat)
    run("normalise_text", lambda: sum(len(normalise_text(d)) and 0 for d in docs), n_bytes, args.repeat)
    run("normalise (with alignment)", lambda: sum(normalise(d).n_edits and 0 for d in docs), n_bytes, args.repeat)
    T._segment_key.cache_clear()
    run("tokenise (cold seg cache)", lambda: sum(len(T.tokenise(d)) for d in docs), n_bytes, 1)
    run("tokenise (warm)", lambda: sum(len(T.tokenise(d)) for d in docs), n_bytes, args.repeat)
    T._segment_key.cache_clear()


if __name__ == "__main__":
    main()
