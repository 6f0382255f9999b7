"""Benchmark the named-entity recogniser: tagging throughput on one core.

Input: the first N articles (title + text) of ../shared/corpus/scale/ant_multisource_2018.jsonl.gz.
Tokenisation (akhbar.tokenise.tokenise) is done before timing; the timed part is
``get_recogniser().recognise(raw, tokens)`` per article (features, CRF, document-consistency post-passes,
spans, canonical names).
Prints model load time, tokens/s (wall and process CPU), mentions per 1,000 tokens and a per-stage split;
then the batch path the pipeline uses (``recognise_frame`` over a tokens frame: one first CRF pass for all
sentences, :mod:`akhbar.entities.fastcrf`) against the same tagger with crfsuite doing the first pass.

Usage: .venv/bin/python bench/bench_ner.py [--docs 300]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALE = ROOT.parent / "shared" / "corpus" / "scale" / "ant_multisource_2018.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300)
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    from akhbar.entities import get_recogniser
    from akhbar.entities.features import word_info
    from akhbar.tokenise import tokenise

    raws = []
    with gzip.open(SCALE, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            raws.append(f"{d.get('title') or ''}\n\n{d.get('text') or ''}")
            if len(raws) >= args.docs:
                break
    c0 = time.process_time()
    toks = [tokenise(r) for r in raws]
    tok_cpu = time.process_time() - c0
    n_tok = sum(map(len, toks))

    t0 = time.perf_counter()
    rec = get_recogniser()
    load_s = time.perf_counter() - t0

    # features alone (cold word caches), then the full recogniser
    word_info.cache_clear()
    c0, w0 = time.process_time(), time.perf_counter()
    for t in toks:
        sents: dict[int, list[str]] = {}
        for tok in t:
            sents.setdefault(tok.sentence_index, []).append(tok.text)
        for s in sents.values():
            rec.tagger.extractor.sentence(s)
    feat_wall = time.perf_counter() - w0
    feat_cpu = time.process_time() - c0

    c0, w0 = time.process_time(), time.perf_counter()
    n_m = 0
    for r, t in zip(raws, toks):
        n_m += len(rec.recognise(r, t))
    wall = time.perf_counter() - w0
    cpu = time.process_time() - c0
    print(f"documents: {len(raws)}  tokens: {n_tok}  mentions: {n_m} ({1000 * n_m / n_tok:.1f} per 1k tokens)")
    print(f"model load: {load_s:.2f} s")
    print(f"features only (cold caches): {n_tok / feat_wall:,.0f} tokens/s wall, {n_tok / feat_cpu:,.0f} tokens/s CPU")
    passes = "2 CRF passes" if rec.tagger.pass2 is not None else "1 CRF pass"
    print(f"for comparison, akhbar.tokenise.tokenise: {n_tok / tok_cpu:,.0f} tokens/s CPU")
    print(f"recognise (features + {passes} + document consistency + spans + canonical, warm caches): "
          f"{n_tok / wall:,.0f} tokens/s wall, {n_tok / cpu:,.0f} tokens/s CPU, "
          f"{1000 * wall / len(raws):.1f} ms/document")

    import polars as pl

    from akhbar.entities import recognise_frame
    from akhbar.tokenise import tokenise_frame

    docs = pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(raws))], "raw_text": raws})
    frame = tokenise_frame(docs)
    for label, fast in (("cached-vector first pass (pipeline)", True), ("crfsuite first pass", False)):
        rec.tagger.fast = fast
        c0 = time.process_time()
        n = recognise_frame(docs, frame).height
        cpu = time.process_time() - c0
        print(f"batch recognise_frame, {label}: {n} mentions, {cpu:.2f} s CPU, "
              f"{n_tok / cpu:,.0f} tokens/s, {1000 * cpu / len(raws):.2f} ms/document")
    rec.tagger.fast = True


if __name__ == "__main__":
    main()
