"""Linear-chain CRF (python-crfsuite) training and tagging, CoNLL reading and BIO chunking.

Tags are IOB2 over the labels PER, LOC, ORG, MISC (ANERcorp's PERS is mapped to PER on reading).
"""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycrfsuite

__all__ = [
    "LABELS",
    "read_conll",
    "repair_iob2",
    "chunks",
    "CrfModel",
    "train_crf",
]

LABELS = ("PER", "LOC", "ORG", "MISC")
_LABEL_MAP = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

Sentence = list[tuple[str, str]]


def _map_tag(tag: str) -> str:
    if tag == "O" or "-" not in tag:
        return "O"
    bio, _, lab = tag.partition("-")
    lab = lab.lstrip("-").rstrip("`")
    # AQMAR: MIS0..MIS3 (and noisy MIS, MISS, MIS-1, ENGLISH, SPANISH) are MISC
    if lab.startswith("MIS") or lab in ("ENGLISH", "SPANISH"):
        lab = "MISC"
    lab = _LABEL_MAP.get(lab)
    if lab is None or bio not in ("B", "I"):
        return "O"
    return f"{bio}-{lab}"


def read_conll(path: str | Path) -> list[Sentence]:
    """Read a CoNLL file: one ``token TAG`` per line, blank line between sentences.

    The tag is the last whitespace-separated field (so ``token POS TAG`` files work too); ``PERS`` is
    mapped to ``PER``; AQMAR's ``MIS0``-``MIS3`` (and its noisy ``MIS``, ``MISS``, ``MIS-1``, ``ENGLISH``,
    ``SPANISH``) to ``MISC``, ``I--ORG`` to ``I-ORG`` (the usual AQMAR normalisation); other labels (``IO``,
    ``OO``) become ``O``. Tags are returned as written otherwise (orphan ``I-`` kept).

    Args:
        path: UTF-8 text file.
    Returns:
        list of sentences, each a list of ``(token, tag)``.
    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if a non-blank line has fewer than two fields.
    """
    sents: list[Sentence] = []
    cur: Sentence = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            parts = line.split()
            if len(parts) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'token TAG', got {line!r}")
            cur.append((parts[0], _map_tag(parts[-1])))
    if cur:
        sents.append(cur)
    return sents


def repair_iob2(tags: Sequence[str]) -> list[str]:
    """Turn orphan ``I-X`` tags (after ``O`` or a different label) into ``B-X`` (IOB2 repair).

    This is the same chunking conlleval and seqeval's default mode apply (an orphan ``I-X`` starts a new
    entity), written back into the tags so the CRF is trained on valid IOB2.

    >>> repair_iob2(["O", "I-PER", "I-PER", "I-LOC"])
    ['O', 'B-PER', 'I-PER', 'B-LOC']
    """
    out: list[str] = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def chunks(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entity chunks of one IOB2 tag sequence, conlleval/seqeval (default mode) definition.

    A chunk starts at ``B-X``, or at ``I-X`` whose predecessor is ``O`` or of another label (orphan
    ``I-`` starts a new entity); it continues over ``I-X`` of the same label.

    Returns:
        ``(label, start, end)`` token spans, ``end`` exclusive.

    >>> chunks(["B-PER", "I-PER", "O", "I-LOC", "B-LOC"])
    [('PER', 0, 2), ('LOC', 3, 4), ('LOC', 4, 5)]
    """
    out: list[tuple[str, int, int]] = []
    if isinstance(tags, (list, tuple)) and tags.count("O") == len(tags):  # no entity (counted at C speed)
        return out
    lab: str | None = None
    start = 0
    for i, t in enumerate(tags):
        if t == "O":
            if lab is not None:
                out.append((lab, start, i))
                lab = None
            continue
        bio, typ = t[:1], t[2:]
        if bio == "B" or (bio == "I" and typ != lab):
            if lab is not None:
                out.append((lab, start, i))
            lab, start = typ, i
    if lab is not None:
        out.append((lab, start, len(tags)))
    return out


class CrfModel:
    """A trained crfsuite model held in memory.

    Args:
        data: the crfsuite model file bytes (optionally gzip-compressed).
    """

    def __init__(self, data: bytes):
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        self._data = data
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(data)

    @classmethod
    def load(cls, path: str | Path) -> CrfModel:
        """Load a model file (``.crfsuite`` or ``.crfsuite.gz``)."""
        return cls(Path(path).read_bytes())

    def tag(self, xseq: Sequence[Sequence[str]]) -> list[str]:
        """IOB2 tags of one sequence of feature lists (empty sequence -> empty list)."""
        if not xseq:
            return []
        return list(self._tagger.tag(xseq))

    def tag_with_marginals(self, xseq: Sequence[Sequence[str]]) -> tuple[list[str], list[float]]:
        """Tags plus the marginal probability of each chosen tag."""
        if not xseq:
            return [], []
        tags = list(self._tagger.tag(xseq))
        probs = [self._tagger.marginal(t, i) for i, t in enumerate(tags)]
        return tags, probs

    def labels(self) -> list[str]:
        return list(self._tagger.labels())


def train_crf(xseqs: Iterable[Sequence[Sequence[str]]], yseqs: Iterable[Sequence[str]], *,
              c1: float = 0.05, c2: float = 0.01, max_iterations: int = 200,
              min_freq: int = 1, verbose: bool = False) -> CrfModel:
    """Train a linear-chain CRF (L-BFGS, elastic-net: c1 L1, c2 L2).

    crfsuite's L-BFGS training is deterministic for a given input order, so the same data and
    parameters give the same model bytes.

    Returns:
        the trained :class:`CrfModel` (its bytes are ``model._data``).
    """
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for x, y in zip(xseqs, yseqs):
        trainer.append(x, y)
    trainer.set_params({
        "c1": c1,
        "c2": c2,
        "max_iterations": max_iterations,
        "feature.possible_transitions": True,
        "feature.minfreq": min_freq,
    })
    fd, tmp = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(tmp)
        data = Path(tmp).read_bytes()
    finally:
        os.unlink(tmp)
    return CrfModel(data)
