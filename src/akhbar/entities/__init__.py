"""Named entities: a CRF recogniser trained on ANERcorp, gazetteers, canonical entities.

Public API (contract in docs/architecture.md):

- :class:`EntityMention`, :class:`Recogniser`, :func:`get_recogniser` (cached per process),
  ``get_recogniser().recognise(raw, tokens) -> list[EntityMention]``;
- :func:`entity_id` (stable hash of label and canonical);
- :func:`recognise_frame` (batch: documents + their tokens -> ``entity_mentions`` rows) and
  :func:`entities_table` (mentions -> ``entities`` rows);
- training and evaluation live in :mod:`akhbar.entities.train` and :mod:`akhbar.entities.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import polars as pl

from akhbar.entities.canonical import entity_id
from akhbar.entities.recogniser import EntityMention, Recogniser, get_recogniser

if TYPE_CHECKING:  # pragma: no cover
    from akhbar.tokenise import Token

__all__ = [
    "EntityMention",
    "Recogniser",
    "get_recogniser",
    "entity_id",
    "recognise_frame",
    "entities_table",
    "MENTION_SCHEMA",
    "ENTITIES_SCHEMA",
]

#: Column order and types of :func:`recognise_frame` (the ``entity_mentions`` table).
MENTION_SCHEMA = pl.Schema({
    "doc_id": pl.String,
    "mention_index": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "text": pl.String,
    "label": pl.String,
    "canonical": pl.String,
    "entity_id": pl.String,
    "sentence_index": pl.Int32,
})

#: Column order and types of :func:`entities_table` (the ``entities`` table).
ENTITIES_SCHEMA = pl.Schema({
    "entity_id": pl.String,
    "canonical": pl.String,
    "label": pl.String,
    "n_mentions": pl.Int64,
    "n_documents": pl.Int64,
})


def recognise_frame(docs: pl.DataFrame, tokens_by_doc: Mapping[str, Sequence[Token]]) -> pl.DataFrame:
    """Recognise the entities of a batch of documents.

    Args:
        docs: at least ``doc_id`` (String) and ``raw_text`` (String) columns.
        tokens_by_doc: ``doc_id -> akhbar.tokenise.tokenise(raw_text)``; a document without an entry is
            skipped (no rows).
    Returns:
        one row per mention, columns of :data:`MENTION_SCHEMA` in that order; ``mention_index`` is 0-based
        in document order; spans are code points of ``raw_text``.
    Raises:
        KeyError: if ``docs`` lacks ``doc_id`` or ``raw_text``.
    """
    rec = get_recogniser()
    rows: dict[str, list] = {k: [] for k in MENTION_SCHEMA}
    for doc_id, raw in zip(docs["doc_id"].to_list(), docs["raw_text"].to_list()):
        toks = tokens_by_doc.get(doc_id)
        if not toks or raw is None:
            continue
        for i, m in enumerate(rec.recognise(raw, toks)):
            rows["doc_id"].append(doc_id)
            rows["mention_index"].append(i)
            rows["start_char"].append(m.start_char)
            rows["end_char"].append(m.end_char)
            rows["text"].append(m.text)
            rows["label"].append(m.label)
            rows["canonical"].append(m.canonical)
            rows["entity_id"].append(entity_id(m.canonical, m.label))
            rows["sentence_index"].append(m.sentence_index)
    return pl.DataFrame(rows, schema=MENTION_SCHEMA)


def entities_table(mentions: pl.DataFrame) -> pl.DataFrame:
    """Aggregate mentions into canonical entities.

    Args:
        mentions: rows as from :func:`recognise_frame` (needs ``entity_id``, ``canonical``, ``label``,
            ``doc_id``).
    Returns:
        one row per ``entity_id``, columns of :data:`ENTITIES_SCHEMA`; sorted by ``n_mentions``
        descending, then ``entity_id``.

    >>> m = pl.DataFrame({"doc_id": ["a", "a", "b"], "entity_id": ["x", "x", "x"],
    ...                   "canonical": ["حفتر"] * 3, "label": ["PER"] * 3})
    >>> entities_table(m).row(0)
    ('x', 'حفتر', 'PER', 3, 2)
    """
    if mentions.height == 0:
        return pl.DataFrame(schema=ENTITIES_SCHEMA)
    out = (
        mentions.group_by("entity_id")
        .agg(
            pl.col("canonical").first(),
            pl.col("label").first(),
            pl.len().cast(pl.Int64).alias("n_mentions"),
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("n_documents"),
        )
        .sort(["n_mentions", "entity_id"], descending=[True, False])
    )
    return out.select(list(ENTITIES_SCHEMA)).cast(dict(ENTITIES_SCHEMA))
