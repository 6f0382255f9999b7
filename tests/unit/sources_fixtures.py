"""Generated inputs for the tests of akhbar.sources (nothing large is committed)."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl

from akhbar.sources import REJECTED_SCHEMA, DOCUMENT_SCHEMA, iter_source_batches

#: <repo>/../shared, where the corpus lives (read-only).
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEV = SHARED / "corpus" / "dev"
REPO = Path(__file__).resolve().parents[2]

#: A short Arabic news paragraph (written for these tests) that every Arabic code page can encode.
ARTICLE = (
    "وزير الخارجية يصل إلى القاهرة\n\n"
    "وصل وزير الخارجية إلى القاهرة صباح اليوم في زيارة رسمية تستمر ثلاثة أيام، "
    "يلتقي خلالها عدداً من المسؤولين لبحث العلاقات الثنائية بين البلدين. "
    "وقال مصدر في الوزارة إن الزيارة تأتي في إطار التشاور المستمر حول القضايا الإقليمية.\n"
)


def encode_variants(text: str) -> dict[str, bytes]:
    """The same text in the six encodings the issue names, keyed by the expected ``encoding`` value."""
    return {
        "utf-8": text.encode("utf-8"),
        "utf-8-sig": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-16-le": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "cp1256": text.encode("cp1256"),
        "iso8859-6": text.encode("iso8859-6"),
    }


def read_all(paths, **kwargs) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Concatenate every batch: (documents, rejected)."""
    batches = list(iter_source_batches(paths, **kwargs))
    docs = pl.concat([b.documents for b in batches]) if batches else pl.DataFrame(schema=DOCUMENT_SCHEMA)
    rej = pl.concat([b.rejected for b in batches]) if batches else pl.DataFrame(schema=REJECTED_SCHEMA)
    return docs, rej


def reasons(rejected: pl.DataFrame) -> dict[str, str]:
    """``{last part of source_path: reason}`` (e.g. ``"a.txt"``, ``"b.jsonl#3"``, ``"c.zip!d.txt"``)."""
    return {p.rsplit("/", 1)[-1]: r for p, r in rejected.select("source_path", "reason").iter_rows()}
