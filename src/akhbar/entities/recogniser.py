"""The pipeline's named-entity recogniser: tokens in, mentions with raw spans and canonical names out."""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from akhbar.entities.canonical import canonical_form, unify_document
from akhbar.entities.crf import CrfModel, chunks
from akhbar.entities.features import FeatureConfig, FeatureExtractor, word_info
from akhbar.entities.tagger import DocumentTagger
from akhbar.entities.text import clitic_length, feature_norm

if TYPE_CHECKING:  # pragma: no cover
    from akhbar.tokenise import Token

__all__ = ["EntityMention", "Recogniser", "get_recogniser", "clitic_length"]

DATA_DIR = Path(__file__).resolve().parent / "data"


class TokenLike(Protocol):  # the fields of akhbar.tokenise.Token the recogniser reads
    sentence_index: int
    start_char: int
    end_char: int
    text: str
    kind: str
    prefix: str
    stem_start: int


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One named-entity mention.

    Attributes:
        start_char, end_char: ``[start, end)`` in code points of the raw document text; proclitics
            (و ف ب ك ل) are outside the span, the article ال inside.
        text: ``raw[start_char:end_char]``.
        label: PER, LOC, ORG or MISC.
        canonical: document-unified canonical name (:mod:`akhbar.entities.canonical`).
        sentence_index: sentence of the mention's first token.
    """

    start_char: int
    end_char: int
    text: str
    label: str
    canonical: str
    sentence_index: int


def _raw_offset(raw_word: str, n_letters: int) -> int:
    """Raw code-point offset in ``raw_word`` after ``n_letters`` normalised letters and their marks."""
    if n_letters <= 0:
        return 0
    seen = 0
    i = 0
    while i < len(raw_word) and seen < n_letters:
        if feature_norm(raw_word[i]):
            seen += 1
        i += 1
    while i < len(raw_word) and not feature_norm(raw_word[i]):
        i += 1
    return i


def _is_punct(tok: TokenLike) -> bool:
    return tok.kind == "punct" or word_info(tok.text)[4] == "pun"


class Recogniser:
    """CRF named-entity recogniser: sentence CRF (optionally a document-level second CRF), then the
    document-consistency post-passes of :class:`akhbar.entities.tagger.DocumentTagger`.

    Args:
        tagger: the document tagger (features + models). Use :func:`get_recogniser` for the shipped one.
    """

    def __init__(self, tagger: DocumentTagger):
        self.tagger = tagger

    @classmethod
    def from_dir(cls, model_dir: Path = DATA_DIR) -> Recogniser:
        """Load ``ner_pass1.crfsuite.gz`` (and ``ner_pass2.crfsuite.gz`` if present) from ``model_dir``.

        Raises:
            FileNotFoundError: if the first-pass model is missing (run ``akhbar train ner``).
        """
        model_dir = Path(model_dir)
        p1 = model_dir / "ner_pass1.crfsuite.gz"
        if not p1.exists():
            raise FileNotFoundError(f"{p1} is missing: run `akhbar train ner` to build the NER model")
        p2 = model_dir / "ner_pass2.crfsuite.gz"
        pass2 = CrfModel.load(p2) if p2.exists() else None
        config = FeatureConfig()
        meta = model_dir / "ner_model.json"
        if meta.exists():  # the feature groups the model was trained with
            feats = json.loads(meta.read_text(encoding="utf-8")).get("params", {}).get("features", {})
            # a group the metadata does not name did not exist when the model was trained: off
            config = FeatureConfig(**{f.name: feats.get(f.name, False if f.type in (bool, "bool") else f.default)
                                      for f in fields(FeatureConfig)})
        return cls(DocumentTagger(FeatureExtractor(config), CrfModel.load(p1), pass2))

    def tag_words(self, doc_words: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags of pre-tokenised sentences of one document (same shape as the input)."""
        return self.tagger.tag(doc_words)

    def recognise(self, raw: str, tokens: Sequence[Token]) -> list[EntityMention]:
        """Named-entity mentions of one document.

        Args:
            raw: the document's raw text.
            tokens: ``akhbar.tokenise.tokenise(raw)``, in order.
        Returns:
            mentions in text order; ``raw[m.start_char:m.end_char] == m.text`` for each.

        >>> from akhbar.tokenise import tokenise
        >>> raw = "زار بلجيكا ولبنان"
        >>> [(m.text, m.label) for m in get_recogniser().recognise(raw, tokenise(raw))]
        [('بلجيكا', 'LOC'), ('لبنان', 'LOC')]
        """
        sents: list[list[TokenLike]] = []
        last = None
        for tok in tokens:
            if tok.sentence_index != last:
                sents.append([])
                last = tok.sentence_index
            sents[-1].append(tok)
        if not sents:
            return []
        tags = self.tagger.tag([[t.text for t in s] for s in sents])
        found: list[tuple[int, int, str, int, bool]] = []
        for sent, stags in zip(sents, tags):
            for label, s, e in chunks(stags):
                while s < e and _is_punct(sent[s]):
                    s += 1
                while e > s and _is_punct(sent[e - 1]):
                    e -= 1
                if s >= e:
                    continue
                first = sent[s]
                n = clitic_length(first.text, getattr(first, "prefix", ""))
                start = first.start_char + _raw_offset(first.text, n)
                end = sent[e - 1].end_char
                if start >= end:
                    continue
                norm_first = word_info(first.text)[0]
                elided = n > 0 and norm_first[n - 1] == "ل" and norm_first[n:n + 1] == "ل" and \
                    not norm_first[n:].startswith("ال")
                found.append((start, end, label, first.sentence_index, elided))
        cans = []
        for start, end, label, _, elided in found:
            can = canonical_form(raw[start:end])
            if elided:  # لل + name: the article's alef is not written
                can = "ا" + can
            cans.append((can, label))
        unified = unify_document(cans)
        return [EntityMention(start, end, raw[start:end], label, can, si)
                for (start, end, label, si, _), can in zip(found, unified) if can]


@functools.lru_cache(maxsize=1)
def get_recogniser() -> Recogniser:
    """The shipped recogniser, loaded once per process.

    Raises:
        FileNotFoundError: if the shipped model files are missing.
    """
    return Recogniser.from_dir(DATA_DIR)
