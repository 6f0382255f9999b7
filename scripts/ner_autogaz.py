"""Mine an automatic gazetteer from unlabelled news by self-tagging (../shared/corpus/scale).

A pass-1 CRF without the auto-gazetteer feature (trained on the training part of the dev split only, so the
dev scores stay held-out) tags the first N articles of each scale file. Every recognised name is counted
with its label; a name is kept if it was recognised at least ``--min-count`` times with one label holding at
least ``--min-share`` of them, and (single words) if at least ``--min-tagged`` of all occurrences of the
word were tagged. The result, ``src/akhbar/entities/data/autogaz.tsv.gz`` (entry, label), feeds the
``autogaz`` feature group. Deterministic: fixed article order, deterministic CRF training.

Usage: .venv/bin/python scripts/ner_autogaz.py [--docs 4000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from akhbar.entities.crf import chunks  # noqa: E402
from akhbar.entities.features import FeatureConfig, FeatureExtractor, word_info  # noqa: E402
from akhbar.entities.gazetteer import write_gazetteer  # noqa: E402
from akhbar.entities.text import clitic_length  # noqa: E402
from akhbar.entities.tagger import DocumentTagger  # noqa: E402
from akhbar.entities.text import split_proclitics  # noqa: E402
from akhbar.entities.train import DEFAULT_DATA, _fit, pseudo_documents, split_dev  # noqa: E402
from akhbar.entities.crf import read_conll  # noqa: E402

SCALE = ROOT.parent / "shared" / "corpus" / "scale"
OUT = ROOT / "src" / "akhbar" / "entities" / "data" / "autogaz.tsv.gz"
TOKEN = regex.compile(r"[\p{L}\p{M}0-9٠-٩]+|[^\s\p{L}\p{M}0-9٠-٩]")
SENT_END = regex.compile(r"(?<=[.!?؟])\s+|\n+")


def articles(n_per_file: int):
    for path in sorted(SCALE.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= n_per_file:
                    break
                d = json.loads(line)
                yield f"{d.get('title') or ''}\n{d.get('text') or ''}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=4000, help="articles per scale file")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-share", type=float, default=0.75)
    ap.add_argument("--min-tagged", type=float, default=0.5)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    # the feature set of the mining model: gazetteer, triggers, clusters (no auto-gazetteer, no organisation
    # names, no context), tagging without the document post-passes
    cfg = FeatureConfig(autogaz=False, orgnames=False, context=False)
    extractor = FeatureExtractor(cfg)
    train, _ = split_dev(read_conll(DEFAULT_DATA))
    model = _fit(extractor, pseudo_documents(train), {"c1": 0.05, "c2": 0.01, "max_iterations": 200})
    tagger = DocumentTagger(extractor, model, propagate=False, complete_orgs=False)
    print(f"model trained {time.time() - t0:.0f}s", flush=True)
    labels: dict[tuple[str, ...], Counter[str]] = {}
    occurrences: Counter[str] = Counter()
    n_tok = 0
    for k, text in enumerate(articles(args.docs)):
        sents = [TOKEN.findall(s) for s in SENT_END.split(text)]
        sents = [s for s in sents if s]
        tags = tagger.tag(sents)
        for words, stags in zip(sents, tags):
            n_tok += len(words)
            for w in words:
                norm, _, core_al, _, shape = word_info(w)
                if shape == "ar":
                    occurrences[norm] += 1
                    if core_al != norm:
                        occurrences[core_al] += 1
            for lab, s, e in chunks(stags):
                norms = [word_info(w)[0] for w in words[s:e]]
                if clitic_length(words[s]):
                    norms[0] = split_proclitics(norms[0])[1]
                if any(word_info(w)[4] != "ar" for w in words[s:e]):
                    continue
                labels.setdefault(tuple(norms), Counter())[lab] += 1
        if k % 1000 == 0:
            print(f"{k} articles, {n_tok} tokens, {time.time() - t0:.0f}s", flush=True)
    entries: dict[str, str] = {}
    for key, c in labels.items():
        total = sum(c.values())
        lab, top = c.most_common(1)[0]
        if total < args.min_count or top < args.min_share * total:
            continue
        if len(key) == 1 and total < args.min_tagged * max(occurrences[key[0]], 1):
            continue
        if len(key) == 1 and len(key[0]) < 3:
            continue
        entries[" ".join(key)] = lab
    write_gazetteer(entries, args.out)
    print(f"{len(entries)} entries from {n_tok} tokens: {Counter(entries.values())}; "
          f"wrote {args.out} ({args.out.stat().st_size} bytes) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
