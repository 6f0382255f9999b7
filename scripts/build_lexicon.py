"""Build ``src/akhbar/lang/ar_lexicon.tsv.gz``: word-form frequencies counted from ``../shared/corpus/scale``.

Every article (title and text) of the two scale files is normalised with akhbar's default config
(:data:`akhbar.normalise.DEFAULT_CONFIG`) and split into runs of Arabic letters; each run is counted.
Forms seen at least ``--min-count`` times are written as ``form<TAB>count``, most frequent first (ties in
first-seen order, files read in name order, so the output is byte-reproducible). The
clitic segmenter (:mod:`akhbar.tokenise`) uses these counts to decide whether a stripped remainder is a
plausible word.

Source: ANT Corpus v2.1 multi-source (2018) and SaudiNewsNet (2015), see ``../shared/corpus/scale/SOURCE.md``.

Then precomputes the segmentation of every kept form into ``ar_lexicon_segments.tsv.gz`` (re-run this script
after changing the segmentation rules; a unit test fails while that file is stale).

Usage: ``.venv/bin/python scripts/build_lexicon.py [--min-count 3]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from akhbar.normalise import normalise_text  # noqa: E402

WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a]+")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--scale", type=Path, default=ROOT.parent / "shared" / "corpus" / "scale")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "akhbar" / "lang" / "ar_lexicon.tsv.gz")
    args = ap.parse_args()
    counts: Counter[str] = Counter()
    n_docs = 0
    for path in sorted(args.scale.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                text = normalise_text((rec.get("title") or "") + "\n" + (rec.get("text") or ""))
                counts.update(WORD.findall(text))
                n_docs += 1
    kept = [(w, c) for w, c in counts.most_common() if c >= args.min_count]
    lines = [f"# akhbar Arabic word-form counts; {n_docs} articles of shared/corpus/scale; "
             f"normalised with DEFAULT_CONFIG; min count {args.min_count}\n"]
    lines += [f"{w}\t{c}\n" for w, c in kept]
    # mtime=0 and no file name in the header: the same counts give the same bytes (reproducible builds)
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9,
                                                    mtime=0) as f:
        f.write("".join(lines).encode("utf-8"))
    print(f"{n_docs} articles, {len(counts)} forms, {len(kept)} kept (count >= {args.min_count}) -> {args.out}")
    write_segments(args.out, args.out.with_name("ar_lexicon_segments.tsv.gz"))


def write_segments(lexicon: Path, out: Path) -> None:
    """Precompute the clitic segmentation of every lexicon form that splits (``form<TAB>code``, code =
    8 * prefix length + suffix length) with the rules of :func:`akhbar.tokenise._segment_rules`, reading the
    counts just written."""
    from akhbar import tokenise as T

    T._lexicon.cache_clear()
    forms = list(T._lexicon())
    rows = []
    for form in forms:
        p, s = T._segment_rules(form)
        if p or s:
            rows.append(f"{form}\t{8 * p + s}\n")
    header = "# akhbar clitic segmentation of lexicon forms that split: form, 8 * prefix length + suffix length\n"
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9,
                                               mtime=0) as f:
        f.write((header + "".join(rows)).encode("utf-8"))
    print(f"{len(rows)} of {len(forms)} forms split -> {out}")


if __name__ == "__main__":
    main()
