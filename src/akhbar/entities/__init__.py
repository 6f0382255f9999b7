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
from akhbar.entities.recogniser import EntityMention, Recogniser, TokenColumns, get_recogniser
from akhbar.tokenise import document_runs

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


def recognise_frame(docs: pl.DataFrame,
                    tokens_by_doc: Mapping[str, Sequence[Token]] | pl.DataFrame) -> pl.DataFrame:
    """Recognise the entities of a batch of documents.

    Args:
        docs: at least ``doc_id`` (String) and ``raw_text`` (String) columns.
        tokens_by_doc: the documents' tokens, either a tokens frame (columns ``doc_id``,
            ``sentence_index``, ``start_char``, ``end_char``, ``text``, ``kind``, ``prefix`` as in the
            ``tokens`` table; rows of a document contiguous and in token order, as
            :func:`akhbar.tokenise.tokenise_frame` gives them) or a mapping ``doc_id ->
            akhbar.tokenise.tokenise(raw_text)``. A document without tokens is skipped (no rows).
    Returns:
        one row per mention, columns of :data:`MENTION_SCHEMA` in that order; ``mention_index`` is 0-based
        in document order; spans are code points of ``raw_text``.
    Raises:
        KeyError: if ``docs`` lacks ``doc_id`` or ``raw_text``.
    """
    rec = get_recogniser()
    if isinstance(tokens_by_doc, pl.DataFrame):
        columns = _token_columns(tokens_by_doc)
    else:
        columns = {k: TokenColumns.from_tokens(v) for k, v in tokens_by_doc.items()}
    batch: list[tuple[str, str, TokenColumns]] = []
    for doc_id, raw in zip(docs["doc_id"].to_list(), docs["raw_text"].to_list()):
        cols = columns.get(doc_id)
        if cols is None or not cols.text or raw is None:
            continue
        batch.append((doc_id, raw, cols))
    rows: dict[str, list] = {k: [] for k in MENTION_SCHEMA}
    found = rec.recognise_many([(raw, cols) for _, raw, cols in batch])
    for (doc_id, _, _), mentions in zip(batch, found):
        for i, m in enumerate(mentions):
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


_TOKEN_COLUMNS = ("sentence_index", "start_char", "end_char", "text", "kind", "prefix")


def _token_columns(tokens: pl.DataFrame) -> dict[str, TokenColumns]:
    """doc_id -> TokenColumns of a tokens frame whose documents' rows are contiguous."""
    out: dict[str, TokenColumns] = {}
    runs = document_runs(tokens)
    lists = [tokens.get_column(c).to_list() for c in _TOKEN_COLUMNS] if runs else []
    for doc, a, b in runs:
        if doc in out:
            raise ValueError(f"tokens of document {doc} are not contiguous")
        out[doc] = TokenColumns(*(col[a:b] for col in lists))
    return out


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
