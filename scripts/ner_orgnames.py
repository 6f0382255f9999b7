"""Mine organisation names from unlabelled news (../shared/corpus/scale): head noun + definite modifiers.

An organisation name in Arabic news is typically an organisation head noun (حكومة، مجلس، منظمة، حركة، ...,
see ``ORG_HEADS``) followed by definite genitives/adjectives (``حكومة الوفاق الوطني``,
``المجلس الرئاسي``). This script counts such word sequences (2-4 words, the head may carry proclitics, the
modifiers must start with the article) and keeps the frequent, maximal and distinctive ones:

- frequent: at least ``--min-count`` occurrences;
- nested: a sequence and its frequent extensions are all kept (``حكومة الوفاق``,
  ``حكومة الوفاق الوطني``); the gazetteer's longest match picks the longest one present in the text;
- distinctive: the first modifier follows this head in at least ``--min-assoc`` of all its occurrences
  (``الوفاق`` mostly follows حكومة; ``الخارجية`` follows وزارة، وزير، لجنة، ... and is a domain word), and
  its first modifier is not a nationality adjective alone (``الحكومة اللبنانية`` is a description).

Output: ``src/akhbar/entities/data/orgnames.tsv.gz`` (entry, label), used by the ``orgnames`` feature group
and by :func:`akhbar.entities.tagger.complete_from_gazetteer`. Labels: ``ORG`` a strongly distinctive
name (first modifier follows this head in at least ``--strong-assoc`` of its occurrences: حكومة الوفاق),
``ORGX`` a weaker one (المجلس الرئاسي), ``ORGO`` an entry that ANERcorp's training part (the dev split's
training side) tags O more often than ORG (that annotation keeps مجلس الوزراء and وكالة الأنباء O). All
three are CRF features; :func:`akhbar.entities.tagger.complete_from_gazetteer` tags ``ORG`` entries the
CRF missed, ``ORGX`` entries only when a nationality adjective follows, ``ORGO`` never.

Usage: .venv/bin/python scripts/ner_orgnames.py
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from akhbar.entities.gazetteer import (  # noqa: E402
    ORG_HEADS,
    PER_TRIGGERS,
    SAY_TRIGGERS,
    nationality_adjectives,
    write_gazetteer,
)
from akhbar.entities.crf import chunks, read_conll, repair_iob2  # noqa: E402
from akhbar.entities.features import word_info  # noqa: E402
from akhbar.entities.gazetteer import Gazetteer  # noqa: E402
from akhbar.entities.text import feature_norm, split_proclitics  # noqa: E402
from akhbar.entities.train import DEFAULT_DATA, split_dev  # noqa: E402

SCALE = ROOT.parent / "shared" / "corpus" / "scale"
OUT = ROOT / "src" / "akhbar" / "entities" / "data" / "orgnames.tsv.gz"
# words that end a name rather than continue it: relative pronouns, titles, time and order words
NOT_MODIFIERS = frozenset(feature_norm(w) for w in """
الذي التي الذين اللذين اللتين اللواتي اللاتي الجديد الجديدة الحالي الحالية السابق السابقة الماضي الماضية
المقبل المقبلة الأول الأولى الثاني الثانية الأخير الأخيرة اليوم الأمس الخميس الجمعة السبت الأحد الاثنين
الإثنين الثلاثاء الأربعاء المذكور المذكورة نفسه نفسها
""".split()) | PER_TRIGGERS | SAY_TRIGGERS
WORD = regex.compile(r"[\p{L}\p{M}0-9٠-٩]+|[^\s\p{L}\p{M}]")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-count", type=int, default=15)
    ap.add_argument("--min-assoc", type=float, default=0.05)
    ap.add_argument("--strong-assoc", type=float, default=0.3)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of the counts (reused if present)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    heads = {feature_norm(h) for h in ORG_HEADS}
    grams: Counter[tuple[str, ...]] = Counter()
    freq: Counter[str] = Counter()
    if args.cache and args.cache.exists():
        grams, freq = pickle.loads(args.cache.read_bytes())
    for path in sorted(SCALE.glob("*.jsonl.gz")) if not grams else []:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                words = [feature_norm(w) for w in WORD.findall(f"{d.get('title') or ''}\n{d.get('text') or ''}")]
                for i, w in enumerate(words):
                    if w.startswith("ال"):
                        freq[w] += 1
                    core_al = split_proclitics(w)[1]
                    head = w if w in heads else core_al if core_al in heads else None
                    if head is None:
                        continue
                    seq = [head]
                    for v in words[i + 1:i + 4]:
                        if not v.startswith("ال") or len(v) < 4 or v in NOT_MODIFIERS:
                            break
                        seq.append(v)
                        grams[tuple(seq)] += 1
    print(f"counted {len(grams)} sequences in {time.time() - t0:.0f}s", flush=True)
    if args.cache and not args.cache.exists():
        args.cache.write_bytes(pickle.dumps((grams, freq)))
    grams = Counter({g: c for g, c in grams.items() if not set(g[1:]) & NOT_MODIFIERS})
    nationality = nationality_adjectives(ya_stems=False)
    entries: dict[str, str] = {}
    for g, c in grams.items():
        if c < args.min_count:
            continue
        if grams[g[:2]] < args.min_assoc * max(freq[g[1]], 1):
            continue
        if g[1] in nationality:  # الحكومه اللبنانيه: a description, not a name
            continue
        strong = grams[g[:2]] >= args.strong_assoc * max(freq[g[1]], 1)
        entries[" ".join(g)] = "ORG" if strong else "ORGX"
    # the training annotation decides conventions: an entry ANERcorp's training part tags O more often than
    # ORG (مجلس الوزراء، وكالة الأنباء) stays a feature only (ORGX)
    train, _ = split_dev(read_conll(DEFAULT_DATA))
    gaz = Gazetteer(entries)
    seen: Counter[str] = Counter()
    as_org: Counter[str] = Counter()
    for sent in train:
        norms = [word_info(w)[0] for w, _ in sent]
        tags = repair_iob2([t for _, t in sent])
        for lab, a, b in chunks([t or "O" for t in gaz.match(norms)]):
            key = " ".join([split_proclitics(norms[a])[1] if " ".join([split_proclitics(norms[a])[1], *norms[a + 1:b]]) in entries else norms[a], *norms[a + 1:b]])
            words = key.split()
            for n in range(2, len(words) + 1):  # the match and its shorter entries
                sub = " ".join(words[:n])
                seen[sub] += 1
                if tags[a].endswith("ORG"):
                    as_org[sub] += 1

    def mostly_o(k: str) -> bool:
        words = k.split()
        subs = [" ".join(words[:n]) for n in range(2, len(words) + 1)]
        return any(seen[x] and as_org[x] * 2 < seen[x] for x in subs)

    demoted = [k for k in entries if mostly_o(k)]
    for k in demoted:
        entries[k] = "ORGO"
    print(f"demoted by the training annotation: {sorted(demoted)}")
    write_gazetteer(entries, args.out)
    print(f"{len(entries)} entries; wrote {args.out} in {time.time() - t0:.0f}s")
    for k in sorted(entries, key=lambda k: -grams[tuple(k.split())])[:40]:
        print(grams[tuple(k.split())], k, entries[k])


if __name__ == "__main__":
    main()
