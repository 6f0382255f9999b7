"""Learning curve of the recogniser's feature groups on the dev split (last 10% of ANERcorp train).

Trains one pass-1 CRF per cumulative feature set (base, +gazetteer, +triggers, +clusters, +auto-gazetteer, +organisation names, +sport context)
and finally the two-pass tagger, and prints dev micro F1 and per-label F1 for each (CoNLL exact span).
Takes about 2 minutes per configuration on one core.

Usage: .venv/bin/python scripts/ner_learning_curve.py [--skip-two-pass]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from akhbar.entities.features import FeatureConfig  # noqa: E402
from akhbar.entities.train import train_ner  # noqa: E402

GROUPS = ["gazetteer", "triggers", "clusters", "autogaz", "orgnames", "context"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-two-pass", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated step names to run")
    args = ap.parse_args()
    names = {f.name for f in fields(FeatureConfig)}
    groups = [g for g in GROUPS if g in names]
    steps = [("base", FeatureConfig(**{g: False for g in groups}), False)]
    on: set[str] = set()
    for g in groups:
        on.add(g)
        steps.append((f"+{g}", FeatureConfig(**{x: x in on for x in groups}), False))
    if not args.skip_two_pass:
        steps.append(("+two-pass", FeatureConfig(), True))
    if args.only:
        keep = set(args.only.split(","))
        steps = [s for s in steps if s[0] in keep]
    rows = []
    for name, cfg, two in steps:
        with tempfile.TemporaryDirectory() as tmp:
            res = train_ner(Path(tmp), config=cfg, two_pass=two, verbose=False)
        r = res["dev"] if two else res["dev_crf"]
        per = {k: 100 * v["f1"] for k, v in r["per_label"].items()}
        rows.append((name, 100 * r["precision"], 100 * r["recall"], 100 * r["f1"], per))
        if not two:
            p = res["dev_pass1"]
            print(f"{name + ' +consistency':<26} F1 {100 * p['f1']:5.2f}", flush=True)
        print(f"{name:<12} P {rows[-1][1]:5.2f} R {rows[-1][2]:5.2f} F1 {rows[-1][3]:5.2f}  "
              + "  ".join(f"{k} {v:5.2f}" for k, v in sorted(per.items())), flush=True)


if __name__ == "__main__":
    main()
