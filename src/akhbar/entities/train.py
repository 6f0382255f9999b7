"""Training of the shipped recogniser (``akhbar train ner``).

Data: ANERcorp, CAMeL Lab split, training part (``../shared/data/ner/ANERCorp_CamelLab_train.txt``). The
dev split is the last 10% of its sentences (:func:`split_dev`); the model is trained on the first 90%
only, so the recorded dev scores are held-out scores and a test can re-measure them on the shipped model.

ANERcorp has no document boundaries; for the document-level second pass, runs of
:data:`DOC_SENTENCES` consecutive sentences stand in for articles (:func:`pseudo_documents`), in training
and in :func:`akhbar.entities.evaluate.evaluate_conll` alike.

Procedure (deterministic: crfsuite's L-BFGS is deterministic, folds are contiguous, no sampling; retraining
gives a byte-identical model file):
1. pass-1 CRF on the training sentences; dev scores of the CRF alone and with the document-consistency
   post-passes (:mod:`akhbar.entities.tagger`), which is what ships by default;
2. only with ``two_pass=True``: jackknife (the training documents cut into ``folds`` contiguous folds; a
   pass-1 CRF trained on the other folds tags each fold, giving out-of-sample first-pass labels), then a
   pass-2 CRF with document label features from those labels, and its dev score. With the shipped feature
   set it did not beat pass 1 + post-passes on the dev split (see ner_model.json and the report) and costs five more
   trainings, so it is off by default.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from akhbar.entities.crf import CrfModel, Sentence, read_conll, repair_iob2, train_crf
from akhbar.entities.features import FeatureConfig, FeatureExtractor, doc_features
from akhbar.entities.scoring import score
from akhbar.entities.tagger import DocumentTagger, doc_label_counts

__all__ = [
    "DEFAULT_DATA",
    "MODEL_DIR",
    "DOC_SENTENCES",
    "split_dev",
    "pseudo_documents",
    "train_ner",
    "format_scores",
]

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "ner" / "ANERCorp_CamelLab_train.txt"
MODEL_DIR = Path(__file__).resolve().parent / "data"
DOC_SENTENCES = 20
PASS1_FILE = "ner_pass1.crfsuite.gz"
PASS2_FILE = "ner_pass2.crfsuite.gz"
META_FILE = "ner_model.json"


def split_dev(sents: Sequence[Sentence], dev_fraction: float = 0.1) -> tuple[list[Sentence], list[Sentence]]:
    """Split sentences into (train, dev): dev is the last ``dev_fraction`` of them.

    >>> [len(x) for x in split_dev([[("a", "O")]] * 10)]
    [9, 1]
    """
    cut = len(sents) - int(round(len(sents) * dev_fraction))
    return list(sents[:cut]), list(sents[cut:])


def pseudo_documents(sents: Sequence[Sentence], size: int = DOC_SENTENCES) -> list[list[Sentence]]:
    """Cut a sentence list into consecutive blocks of ``size`` sentences (stand-in articles)."""
    return [list(sents[i:i + size]) for i in range(0, len(sents), size)]


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _fit(extractor: FeatureExtractor, docs: Sequence[Sequence[Sentence]], params: dict,
         doc_counts: Sequence[Sequence[list]] | None = None) -> CrfModel:
    xs, ys = [], []
    for d, doc in enumerate(docs):
        for s, sent in enumerate(doc):
            words = [w for w, _ in sent]
            f = extractor.sentence(words)
            if doc_counts is not None:
                f = [fw + doc_features(c) for fw, c in zip(f, doc_counts[d][s])]
            xs.append(f)
            ys.append(repair_iob2([t for _, t in sent]))
    return train_crf(xs, ys, **params)


def _tag_docs(tagger: DocumentTagger, docs: Sequence[Sequence[Sentence]]) -> list[list[str]]:
    out = []
    for doc in docs:
        out.extend(tagger.tag([[w for w, _ in s] for s in doc]))
    return out


def format_scores(result: dict, title: str = "") -> str:
    """Render a :func:`akhbar.entities.scoring.score` result as a small table (percentages)."""
    lines = [title] if title else []
    lines.append(f"{'label':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    for lab, r in result["per_label"].items():
        lines.append(f"{lab:<6} {100 * r['precision']:6.2f} {100 * r['recall']:6.2f} "
                     f"{100 * r['f1']:6.2f} {r['support']:6d}")
    lines.append(f"{'micro':<6} {100 * result['precision']:6.2f} {100 * result['recall']:6.2f} "
                 f"{100 * result['f1']:6.2f} {result['support']:6d}")
    return "\n".join(lines)


def train_ner(out_dir: Path = MODEL_DIR, seed: int = 13, *, data_path: Path = DEFAULT_DATA,
              config: FeatureConfig | None = None, two_pass: bool = False, folds: int = 4,
              c1: float = 0.05, c2: float = 0.01, max_iterations: int = 200,
              verbose: bool = True) -> dict:
    """Train the recogniser's CRF models and write them to ``out_dir``.

    Args:
        out_dir: where ``ner_pass1.crfsuite.gz``, ``ner_pass2.crfsuite.gz`` and ``ner_model.json``
            (parameters and dev scores) are written; default: the shipped model directory.
        seed: recorded for reproducibility; training itself has no random step (contiguous folds,
            deterministic L-BFGS), so any seed gives the same model.
        data_path: ANERcorp training part (CoNLL).
        config: feature groups (default: all).
        two_pass: also train the document-level second pass.
        folds: jackknife folds for the second pass's training labels.
        c1, c2, max_iterations: crfsuite L-BFGS parameters.
        verbose: print progress and the dev scores.
    Returns:
        ``{"dev_crf": score, "dev_pass1": score, "dev": score, "params": {...}, "seconds": float}``
        (scores as from :func:`akhbar.entities.scoring.score`): the pass-1 CRF alone, pass 1 with the
        document-consistency post-passes, and the tagger that ships (two passes + post-passes).
    Raises:
        FileNotFoundError: if ``data_path`` does not exist.
    """
    t0 = time.time()
    config = config or FeatureConfig()
    extractor = FeatureExtractor(config)
    params = {"c1": c1, "c2": c2, "max_iterations": max_iterations}
    sents = read_conll(data_path)
    train, dev = split_dev(sents)
    train_docs = pseudo_documents(train)
    dev_docs = pseudo_documents(dev)
    gold_dev = [repair_iob2([t for _, t in s]) for s in dev]

    def log(msg: str) -> None:
        if verbose:
            print(f"[{time.time() - t0:6.1f}s] {msg}", flush=True)

    log(f"{len(train)} training sentences, {len(dev)} dev sentences")
    pass1 = _fit(extractor, train_docs, params)
    res0 = score(gold_dev, _tag_docs(DocumentTagger(extractor, pass1, propagate=False, complete_orgs=False),
                                     dev_docs))
    log(f"pass 1 (CRF only) dev micro F1 {100 * res0['f1']:.2f}")
    res1 = score(gold_dev, _tag_docs(DocumentTagger(extractor, pass1), dev_docs))
    log(f"pass 1 + document consistency dev micro F1 {100 * res1['f1']:.2f}")
    result: dict = {"dev_crf": res0, "dev_pass1": res1, "dev": res1}
    pass2 = None
    if two_pass:
        n = len(train_docs)
        bounds = [round(n * k / folds) for k in range(folds + 1)]
        counts: list = []
        for k in range(folds):
            held = train_docs[bounds[k]:bounds[k + 1]]
            rest = train_docs[:bounds[k]] + train_docs[bounds[k + 1]:]
            m = _fit(extractor, rest, params)
            tagger = DocumentTagger(extractor, m)
            for doc in held:
                words = [[w for w, _ in s] for s in doc]
                counts.append(doc_label_counts(words, tagger.tag(words)))
            log(f"jackknife fold {k + 1}/{folds}")
        pass2 = _fit(extractor, train_docs, params, counts)
        res2 = score(gold_dev, _tag_docs(DocumentTagger(extractor, pass1, pass2), dev_docs))
        log(f"pass 2 + document consistency dev micro F1 {100 * res2['f1']:.2f}")
        result["dev"] = res2
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PASS1_FILE).write_bytes(_gzip(pass1._data))
    if pass2 is not None:
        (out_dir / PASS2_FILE).write_bytes(_gzip(pass2._data))
    elif (out_dir / PASS2_FILE).exists():
        (out_dir / PASS2_FILE).unlink()
    result["params"] = {**params, "seed": seed, "folds": folds, "two_pass": two_pass,
                        "doc_sentences": DOC_SENTENCES, "features": asdict(config),
                        "train_sentences": len(train), "dev_sentences": len(dev)}
    result["seconds"] = round(time.time() - t0, 1)
    meta = {"params": result["params"], "dev_crf": res0, "dev_pass1": res1, "dev": result["dev"]}
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if verbose:
        print(format_scores(result["dev"], "dev split (last 10% of ANERcorp train), CoNLL exact span"))
    return result
