"""akhbar.sources: contract, the dev corpus, the seeds, encodings and bad inputs."""

from __future__ import annotations

import csv
import hashlib
import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import akhbar.sources as sources
from akhbar.errors import IngestError
from akhbar.schemas import DOCUMENTS, REJECTED_DOCUMENTS
from akhbar.sources import (
    DOCUMENT_COLUMNS,
    DOCUMENT_SCHEMA,
    REJECT_REASONS,
    REJECTED_SCHEMA,
    SourceBatch,
    iter_source_batches,
)
from tests.unit.sources_fixtures import ARTICLE, DEV, REPO, encode_variants, read_all, reasons

# ------------------------------------------------------------------------------------------------ contract


def test_public_api_is_declared():
    assert set(sources.__all__) >= {"iter_source_batches", "SourceBatch", "REJECT_REASONS"}
    for name in sources.__all__:
        assert hasattr(sources, name), name


def test_document_columns_follow_schemas():
    expected = [c for c in DOCUMENTS.column_names if c not in ("n_tokens", "run_id", "ingested_at")]
    assert list(DOCUMENT_COLUMNS) == expected
    assert DOCUMENT_SCHEMA["n_chars"] == pl.Int32
    assert DOCUMENT_SCHEMA["published_date"] == pl.Date
    assert list(REJECTED_SCHEMA) == [c for c in REJECTED_DOCUMENTS.column_names if c != "run_id"]


def test_reject_reasons_documented():
    for code in ("empty", "binary", "undecodable", "too_large", "malformed", "duplicate",
                 "no_text_after_extraction", "unreadable", "mojibake"):
        assert REJECT_REASONS[code].strip()


def test_missing_path_raises_before_reading(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        list(iter_source_batches([tmp_path / "nope.txt"]))
    with pytest.raises(IngestError, match="matches no file"):
        list(iter_source_batches([str(tmp_path / "*.none")]))


def test_bad_arguments():
    with pytest.raises(ValueError):
        list(iter_source_batches([], batch_size_docs=0))
    with pytest.raises(ValueError, match="unknown field"):
        list(iter_source_batches([], field_names={"txt": "x"}))


def test_nothing_to_read_yields_nothing(tmp_path):
    assert list(iter_source_batches([tmp_path])) == []


# ------------------------------------------------------------------------------------------- plain text


def test_plain_text_title_and_raw_text(tmp_path):
    text = "  عنوان الخبر هنا\n\nنص الخبر في القاهرة.\nسطر ثان.\n"
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    docs, rej = read_all([tmp_path / "a.txt"])
    assert rej.height == 0
    row = docs.row(0, named=True)
    assert row["raw_text"] == text
    assert row["title"] == "عنوان الخبر هنا"
    assert row["doc_id"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert row["n_chars"] == len(text)
    assert row["format"] == "plain" and row["encoding"] == "utf-8" and row["language"] == "ar"
    assert row["source_path"] == str(tmp_path / "a.txt")
    assert row["published_date_source"] == "none" and row["published_date"] is None


def test_plain_text_without_blank_line_has_no_title(tmp_path):
    (tmp_path / "a.txt").write_text("سطر أول\nسطر ثان في الخبر نفسه\n", encoding="utf-8")
    docs, _ = read_all([tmp_path])
    assert docs["title"].to_list() == [None]


def test_title_only_is_no_text_after_extraction(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان فقط\n\n \n", encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert docs.height == 0
    assert rej["reason"].to_list() == ["no_text_after_extraction"]


# -------------------------------------------------------------------------------------------------- TREC

TREC_ONE = """<DOC>
<DOCNO>X-1</DOCNO>
<URL>http://example.com/a</URL>
<SRC>example</SRC>
<TITLE>عنوان التقرير</TITLE>
<TIME>Wed, 28 Feb 2018 00:16:06 +0400</TIME>
<TEXT>
قال الوزير إن الاتفاق & التعاون مستمران.
</TEXT>
</DOC>
"""


def test_trec_single_document(tmp_path):
    (tmp_path / "t.txt").write_text(TREC_ONE, encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert rej.height == 0
    row = docs.row(0, named=True)
    assert row["raw_text"] == "عنوان التقرير\n\n\nقال الوزير إن الاتفاق & التعاون مستمران.\n"
    assert row["title"] == "عنوان التقرير"
    assert row["url"] == "http://example.com/a" and row["source"] == "example"
    assert row["published_date"] == date(2018, 2, 28)
    assert row["published_at"] == "2018-02-28T00:16:06+04:00"
    assert row["published_date_source"] == "document"
    assert row["format"] == "trec"
    assert row["source_path"] == str(tmp_path / "t.txt")


def test_trec_tolerant_multi_document(tmp_path):
    # tags in another order, a missing </TITLE>, a missing </DOC>, an empty <TEXT>
    text = (
        "<DOC><TEXT>نص الخبر الأول في القاهرة</TEXT><TITLE>الأول</TITLE><TIME>2018-03-01</TIME></DOC>\n"
        "<DOC><TITLE>الثاني\n<TEXT>نص الخبر الثاني في بيروت</TEXT>\n"
        "<DOC><TITLE>الثالث</TITLE><TEXT>\n\n</TEXT></DOC>\n"
    )
    (tmp_path / "m.trec").write_text(text, encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert docs["source_path"].to_list() == [f"{tmp_path / 'm.trec'}#1", f"{tmp_path / 'm.trec'}#2"]
    assert docs["title"].to_list() == ["الأول", "الثاني"]
    assert docs["raw_text"].to_list() == ["الأول\n\nنص الخبر الأول في القاهرة", "الثاني\n\n\nنص الخبر الثاني في بيروت"]
    assert docs["published_date"].to_list() == [date(2018, 3, 1), None]
    assert rej.rows() == [(f"{tmp_path / 'm.trec'}#3", "no_text_after_extraction",
                          "the document has an empty <TEXT> element (it has a title)")]


# ------------------------------------------------------------------------------------ manifest, --published


def test_manifest_then_cli_date(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان\n\nنص الخبر الأول.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("عنوان\n\nنص الخبر الثاني.", encoding="utf-8")
    (tmp_path / "c.txt").write_text(TREC_ONE, encoding="utf-8")
    with (tmp_path / "MANIFEST.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "source", "original_path", "published_date", "url"])
        w.writerow(["a.txt", "paper", "x/a", "2019-05-06", "http://paper/a"])
        w.writerow(["c.txt", "other", "x/c", "2001-01-01", "http://other/c"])
    docs, rej = read_all([tmp_path], published=date(2020, 1, 1))
    assert rej.height == 0
    got = {Path(p).name: r for p, *r in docs.select(
        "source_path", "source", "url", "published_date", "published_date_source").iter_rows()}
    assert got["a.txt"] == ["paper", "http://paper/a", date(2019, 5, 6), "manifest"]
    assert got["b.txt"] == [None, None, date(2020, 1, 1), "cli"]
    # the document's own metadata wins over the manifest
    assert got["c.txt"] == ["example", "http://example.com/a", date(2018, 2, 28), "document"]


def test_seeds(tmp_path):
    docs, rej = read_all([REPO / "seeds"])
    assert rej.height == 0 and docs.height == 1
    row = docs.row(0, named=True)
    assert row["published_date"] == date(2020, 1, 13) and row["published_date_source"] == "manifest"
    assert row["source"] == "seed"
    assert row["title"] == "محادثات بين السراج وحفتر في موسكو بوساطة روسية تركية"
    assert row["raw_text"] == (REPO / "seeds" / "000_8ac1bda8dfbd2172.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------ encodings


def test_six_encodings_one_document(tmp_path):
    for enc, data in encode_variants(ARTICLE).items():
        (tmp_path / f"{enc}.txt").write_bytes(data)
    docs, rej = read_all([tmp_path])
    assert docs.height == 1
    assert docs["raw_text"].to_list() == [ARTICLE]
    assert rej["reason"].to_list() == ["duplicate"] * 5
    first = docs["source_path"][0]
    assert all(first in d and docs["doc_id"][0] in d for d in rej["detail"])
    # each variant alone decodes to the same text with the right encoding name
    for enc in encode_variants(ARTICLE):
        d, r = read_all([tmp_path / f"{enc}.txt"])
        assert (d["encoding"][0], d["raw_text"][0]) == (enc, ARTICLE)


# ------------------------------------------------------------------------------------------------ bad inputs


def test_bad_inputs_rejected_good_ones_load(tmp_path):
    rng = __import__("random").Random(6)
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "random.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(500)))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "spaces.txt").write_bytes(b" \n\t\r\n  ")
    (tmp_path / "mojibake.txt").write_text(ARTICLE.encode("utf-8").decode("cp1252", errors="replace")
                                           .replace("\ufffd", "?"), encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert docs["source_path"].to_list() == [str(tmp_path / "good.txt")]
    assert reasons(rej) == {
        "random.txt": "binary",
        "image.txt": "binary",
        "empty.txt": "empty",
        "spaces.txt": "empty",
        "mojibake.txt": "mojibake",
    }


def test_dev_and_seeds_batches(tmp_path):
    batches = list(iter_source_batches([REPO / "seeds"], batch_size_docs=1))
    assert all(isinstance(b, SourceBatch) for b in batches)
    assert [b.documents.height for b in batches] == [1]


# ----------------------------------------------------------------------------------------------- dev corpus


@pytest.mark.slow
def test_dev_corpus_loads():
    docs, rej = read_all([DEV], batch_size_docs=500)
    assert docs.height + rej.height == 2002
    assert docs.height == 1995
    assert docs["doc_id"].n_unique() == docs.height
    got = reasons(rej)
    assert got["france24_FR-internationalNews-2077-20180629.txt"] == "no_text_after_extraction"
    assert sorted(got.values()) == ["empty"] * 2 + ["no_text_after_extraction"] * 5
    assert set(docs["format"]) == {"trec", "plain"}
    assert set(docs["encoding"]) == {"utf-8"} and set(docs["language"]) == {"ar"}
    assert docs.filter(pl.col("format") == "trec")["published_date_source"].unique().to_list() == ["document"]
    # every doc_id is the sha256 of raw_text; n_chars is its length in code points
    sample = docs.sample(50, seed=1)
    for raw, doc_id, n in sample.select("raw_text", "doc_id", "n_chars").iter_rows():
        assert hashlib.sha256(raw.encode("utf-8")).hexdigest() == doc_id and len(raw) == n
    # the document's date agrees with the manifest (which converted the same <TIME> tag)
    manifest = pl.read_csv(DEV / "MANIFEST.csv", infer_schema=False)
    joined = docs.with_columns(file=pl.col("source_path").str.split("/").list.last()).join(
        manifest, on="file", how="inner")
    ant = joined.filter(pl.col("format") == "trec")
    assert ant.height == 1501
    assert (ant["published_at"] == ant["published_date_right"]).all()
    assert (joined["url"] == joined["url_right"]).all()
    assert (joined["source"].is_not_null()).all()
    # titles agree with the gold titles of MANIFEST_EXTRA.csv (stripped)
    extra = pl.read_csv(DEV / "MANIFEST_EXTRA.csv", infer_schema=False).select("file", gold="title")
    t = docs.with_columns(file=pl.col("source_path").str.split("/").list.last()).join(extra, on="file")
    assert t.height == 1995
    assert (t["title"] == t["gold"].str.strip_chars()).all()
    # raw_text of a TREC file is TITLE + "\n\n" + TEXT exactly as they stand
    f = DEV / "skynews_SK-technology-69-20180225.txt"
    src = f.read_text(encoding="utf-8")
    body = src.split("<TEXT>", 1)[1].split("</TEXT>", 1)[0]
    title = src.split("<TITLE>", 1)[1].split("</TITLE>", 1)[0]
    assert docs.filter(pl.col("source_path") == str(f))["raw_text"][0] == f"{title}\n\n{body}"
