"""The pipeline's named-entity recogniser: tokens in, mentions with raw spans and canonical names out."""

from __future__ import annotations

import functools
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

__all__ = ["EntityMention", "Recogniser", "TokenColumns", "get_recogniser", "clitic_length"]

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


@dataclass(slots=True)
class TokenColumns:
    """The tokens of one document as parallel lists (the recogniser's input; cheaper than Token objects).

    Attributes:
        sentence_index, start_char, end_char, text, kind, prefix: as the fields of
            :class:`akhbar.tokenise.Token`, one entry per token in document order.
    """

    sentence_index: list[int]
    start_char: list[int]
    end_char: list[int]
    text: list[str]
    kind: list[str]
    prefix: list[str]

    @classmethod
    def from_tokens(cls, tokens: Sequence[TokenLike]) -> TokenColumns:
        """Columns of a sequence of Token-like objects."""
        return cls([t.sentence_index for t in tokens], [t.start_char for t in tokens],
                   [t.end_char for t in tokens], [t.text for t in tokens], [t.kind for t in tokens],
                   [getattr(t, "prefix", "") for t in tokens])


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
        return self.recognise_many([(raw, TokenColumns.from_tokens(tokens))])[0]

    def recognise_many(self, docs: Sequence[tuple[str, TokenColumns]]) -> list[list[EntityMention]]:
        """:meth:`recognise` for a batch of documents given as token columns (the first CRF pass decodes
        the sentences of all of them together).

        Args:
            docs: ``(raw_text, TokenColumns)`` per document, tokens in document order.
        Returns:
            per document, its mentions in text order.
        """
        bounds: list[list[tuple[int, int]]] = []
        for _, cols in docs:
            si = cols.sentence_index
            sb: list[tuple[int, int]] = []
            start = 0
            for i in range(1, len(si)):
                if si[i] != si[i - 1]:
                    sb.append((start, i))
                    start = i
            if si:
                sb.append((start, len(si)))
            bounds.append(sb)
        tags = self.tagger.tag_documents([[cols.text[a:b] for a, b in sb]
                                          for (_, cols), sb in zip(docs, bounds)])
        return [self._mentions(raw, cols, sb, dtags)
                for (raw, cols), sb, dtags in zip(docs, bounds, tags)]

    @staticmethod
    def _mentions(raw: str, cols: TokenColumns, sent_bounds: list[tuple[int, int]],
                  tags: list[list[str]]) -> list[EntityMention]:
        text, kind = cols.text, cols.kind

        def is_punct(i: int) -> bool:
            return kind[i] == "punct" or word_info(text[i])[4] == "pun"

        found: list[tuple[int, int, str, int, bool]] = []
        for (a, _), stags in zip(sent_bounds, tags):
            for label, s, e in chunks(stags):
                s += a
                e += a
                while s < e and is_punct(s):
                    s += 1
                while e > s and is_punct(e - 1):
                    e -= 1
                if s >= e:
                    continue
                n = clitic_length(text[s], cols.prefix[s])
                start = cols.start_char[s] + _raw_offset(text[s], n)
                end = cols.end_char[e - 1]
                if start >= end:
                    continue
                norm_first = word_info(text[s])[0]
                elided = n > 0 and norm_first[n - 1] == "ل" and norm_first[n:n + 1] == "ل" and \
                    not norm_first[n:].startswith("ال")
                found.append((start, end, label, cols.sentence_index[s], elided))
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
