"""Build the word-cluster resource of the recogniser from unlabelled news (../shared/corpus/scale).

word2vec (gensim, CBOW) on the feature-normalised words of the scale corpus, then spherical k-means on
the vectors of the most frequent words at three granularities. Only ``word -> cluster ids`` is stored
(src/akhbar/entities/data/clusters.tsv.gz), never the vectors.

Usage: .venv/bin/python scripts/ner_clusters.py [--workers 1] [--top 80000]
With ``--workers 1`` the result is bit-reproducible (gensim is only deterministic single-threaded and with
a fixed PYTHONHASHSEED; this script re-executes itself with PYTHONHASHSEED=0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from akhbar.entities.text import feature_norm  # noqa: E402

WORD = regex.compile(r"[\p{Arabic}\p{L}\p{M}0-9٠-٩]+")
SCALE = ROOT.parent / "shared" / "corpus" / "scale"
OUT = ROOT / "src" / "akhbar" / "entities" / "data" / "clusters.tsv.gz"
DIGIT = regex.compile(r"[0-9]")


def sentences(max_docs: int | None):
    n = 0
    for path in sorted(SCALE.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                for para in (doc.get("title") or "", doc.get("text") or ""):
                    for chunk in para.split("\n"):
                        toks = [DIGIT.sub("0", feature_norm(w)) for w in WORD.findall(chunk)]
                        if len(toks) > 2:
                            yield toks
                n += 1
                if max_docs and n >= max_docs:
                    return


def spherical_kmeans(x: np.ndarray, k: int, seed: int, iters: int = 15) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = x[rng.choice(len(x), size=k, replace=False)].copy()
    assign = np.zeros(len(x), dtype=np.int32)
    for _ in range(iters):
        for s in range(0, len(x), 20000):
            assign[s:s + 20000] = np.argmax(x[s:s + 20000] @ c.T, axis=1)
        sums = np.zeros_like(c)
        np.add.at(sums, assign, x)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        sums[empty] = x[rng.choice(len(x), size=int(empty.sum()), replace=False)]
        norms[empty] = 1.0
        c = sums / norms
    return assign


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--top", type=int, default=80000)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-docs", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    from gensim.models import Word2Vec

    t0 = time.time()
    sents = list(sentences(args.max_docs or None))
    print(f"{len(sents)} lines, {sum(map(len, sents))} tokens read in {time.time() - t0:.0f}s", flush=True)
    model = Word2Vec(sentences=sents, vector_size=100, window=5, min_count=5, sg=0, sample=1e-4,
                     workers=args.workers, epochs=args.epochs, seed=13)
    print(f"word2vec done {time.time() - t0:.0f}s vocab={len(model.wv)}", flush=True)
    words = model.wv.index_to_key[: args.top]
    x = np.asarray(model.wv[words], dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    cols = [spherical_kmeans(x, k, seed=13 + k) for k in (64, 256, 1024)]
    print(f"k-means done {time.time() - t0:.0f}s", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{w}\t{a}\t{b}\t{c}\n" for w, a, b, c in zip(words, *cols)]
    args.out.write_bytes(gzip.compress("".join(lines).encode("utf-8"), mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {len(words)} words)")


if __name__ == "__main__":
    main()
