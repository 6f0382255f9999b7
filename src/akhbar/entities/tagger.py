"""Document tagger: feature extraction + first CRF pass + document-level second pass.

This is the one tagging path shared by the pipeline's recogniser, ``akhbar train ner`` (dev scores) and
``akhbar evaluate ner``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from akhbar.entities.crf import CrfModel, chunks
from akhbar.entities.features import FeatureExtractor, doc_features, word_info

__all__ = ["DocumentTagger", "doc_label_counts", "consistency_key"]


def consistency_key(word: str) -> str | None:
    """Key under which occurrences of a word in one document share label evidence.

    The word without proclitics and article (``والسراج`` and ``السراج`` share ``سراج``); ``None`` for
    non-Arabic-letter words and words of fewer than 3 letters.
    """
    norm, _, _, core, shape = word_info(word)
    if shape != "ar" or len(core) < 3:
        return None
    return core


def doc_label_counts(doc_words: Sequence[Sequence[str]], doc_tags: Sequence[Sequence[str]]
                     ) -> list[list[Counter[str] | None]]:
    """Per word, the labels given to other occurrences of its key elsewhere in the document.

    Args:
        doc_words: sentences (lists of raw words) of one document.
        doc_tags: first-pass IOB2 tags, same shape.
    Returns:
        same shape; for each word a Counter over PER/LOC/ORG/MISC/O of the *other* occurrences of its
        :func:`consistency_key` (the word's own tag excluded), or ``None`` if it has no key or no other
        occurrence.
    """
    keys = [[consistency_key(w) for w in sent] for sent in doc_words]
    labels: list[list[str]] = []
    for tags in doc_tags:
        lab = ["O"] * len(tags)
        for typ, s, e in chunks(tags):
            for i in range(s, e):
                lab[i] = typ
        labels.append(lab)
    total: dict[str, Counter[str]] = {}
    for ks, ls in zip(keys, labels):
        for k, lab in zip(ks, ls):
            if k is not None:
                total.setdefault(k, Counter())[lab] += 1
    out: list[list[Counter[str] | None]] = []
    for ks, ls in zip(keys, labels):
        row: list[Counter[str] | None] = []
        for k, lab in zip(ks, ls):
            if k is None:
                row.append(None)
                continue
            c = total[k].copy()
            c[lab] -= 1
            c = +c
            row.append(c if c else None)
        out.append(row)
    return out


class DocumentTagger:
    """Tags the sentences of one document.

    Args:
        extractor: the feature extractor the models were trained with.
        pass1: first-pass CRF (sentence features only).
        pass2: optional second-pass CRF (sentence features + document label counts of pass 1).
    """

    def __init__(self, extractor: FeatureExtractor, pass1: CrfModel, pass2: CrfModel | None = None):
        self.extractor = extractor
        self.pass1 = pass1
        self.pass2 = pass2

    def tag(self, doc_words: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for every word of every sentence of one document (same shape as the input)."""
        feats = [self.extractor.sentence(s) for s in doc_words]
        tags = [self.pass1.tag(f) for f in feats]
        if self.pass2 is None:
            return tags
        counts = doc_label_counts(doc_words, tags)
        out = []
        for f, row in zip(feats, counts):
            out.append(self.pass2.tag([fw + doc_features(c) for fw, c in zip(f, row)]))
        return out
