"""The shipped model against its recorded dev scores; training reproducibility; the evaluation report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from akhbar.entities.crf import read_conll
from akhbar.entities.evaluate import evaluate_conll, format_report, tag_conll_document
from akhbar.entities.recogniser import DATA_DIR, get_recogniser
from akhbar.entities.train import DOC_SENTENCES, pseudo_documents, split_dev, train_ner

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ANERCORP = SHARED / "data" / "ner" / "ANERCorp_CamelLab_train.txt"
needs_data = pytest.mark.skipif(not ANERCORP.exists(), reason="../shared/data/ner is not present")


def _write_conll(path: Path, sents) -> Path:
    path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sents) + "\n", encoding="utf-8")
    return path


def test_shipped_model_files_and_metadata():
    meta = json.loads((DATA_DIR / "ner_model.json").read_text(encoding="utf-8"))
    assert (DATA_DIR / "ner_pass1.crfsuite.gz").exists()
    assert meta["params"]["doc_sentences"] == DOC_SENTENCES
    assert meta["dev"]["f1"] >= 0.70
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir())
    assert total < 8_000_000


@needs_data
def test_dev_split_is_the_last_tenth():
    sents = read_conll(ANERCORP)
    train, dev = split_dev(sents)
    assert len(sents) == 3973
    assert len(dev) == 397 and train + dev == sents


@needs_data
@pytest.mark.slow
def test_shipped_model_reaches_recorded_dev_f1(tmp_path):
    meta = json.loads((DATA_DIR / "ner_model.json").read_text(encoding="utf-8"))
    _, dev = split_dev(read_conll(ANERCORP))
    result = evaluate_conll(_write_conll(tmp_path / "dev.conll", dev))
    # the pipeline path (raw text -> tokeniser -> recogniser) against the score recorded at training time
    # on the gold tokens; they differ only where the tokeniser splits a CoNLL token
    assert result["f1"] >= meta["dev"]["f1"] - 0.01
    assert result["support"] == meta["dev"]["support"]
    assert set(result["per_label"]) == {"PER", "LOC", "ORG", "MISC"}


def test_tag_conll_document_marks_whole_conll_tokens():
    tags = tag_conll_document(get_recogniser(), [["قال", "صالح", "محمود", "إن"], ["زار", "بلجيكا", "ولبنان"]])
    assert tags == [["O", "B-PER", "I-PER", "O"], ["O", "B-LOC", "B-LOC"]]


def test_format_report_last_line_is_json():
    result = {"precision": 0.5, "recall": 0.25, "f1": 1 / 3, "support": 4, "predicted": 2, "correct": 1,
              "per_label": {"PER": {"precision": 0.5, "recall": 0.25, "f1": 1 / 3, "support": 4,
                                    "predicted": 2, "correct": 1}}}
    text = format_report(result)
    last = json.loads(text.splitlines()[-1])
    assert last == {"precision": 0.5, "recall": 0.25, "f1": 0.3333}
    assert "orphan I-X starts a new entity" in text
    assert "PER" in text and "33.33" in text


def test_evaluate_conll_on_a_small_file(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("قال O\nصالح B-PERS\nمحمود I-PERS\nإن O\n\nزار O\nبلجيكا B-LOC\nولبنان B-LOC\n", encoding="utf-8")
    r = evaluate_conll(p)
    assert (r["support"], r["correct"]) == (3, 3)
    assert r["f1"] == 1.0


@needs_data
def test_training_is_reproducible(tmp_path):
    sents = read_conll(ANERCORP)[:120]
    data = _write_conll(tmp_path / "small.conll", sents)
    a = train_ner(tmp_path / "a", data_path=data, two_pass=True, folds=2, max_iterations=15, verbose=False)
    b = train_ner(tmp_path / "b", data_path=data, two_pass=True, folds=2, max_iterations=15, verbose=False)
    for name in ("ner_pass1.crfsuite.gz", "ner_pass2.crfsuite.gz", "ner_model.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a["dev"]["f1"] == b["dev"]["f1"]
    assert a["params"]["train_sentences"] == 108 and len(pseudo_documents(sents[:108])) == 6
