"""akhbar.sources: limits and streaming (huge files are never read whole)."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from tests.unit.sources_fixtures import ARTICLE, read_all, reasons

MB = 1024 * 1024
LINE = json.dumps({"title": "عنوان", "text": ARTICLE}, ensure_ascii=False)


def _write_repeated(path: Path, unit: bytes, total_bytes: int, prefix: bytes = b"", suffix: bytes = b"") -> None:
    block = unit * max(1, MB // len(unit))
    with path.open("wb") as fh:
        fh.write(prefix)
        written = len(prefix)
        while written < total_bytes:
            fh.write(block)
            written += len(block)
        fh.write(suffix)


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.mark.slow
def test_200mb_single_line_file_is_refused_without_reading(tmp_path):
    big = tmp_path / "huge.txt"
    _write_repeated(big, "كلمة ".encode("utf-8"), 200 * MB)
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (docs, rej), peak = _peak_bytes(lambda: read_all([tmp_path]))
    assert docs["source_path"].to_list() == [str(tmp_path / "good.txt")]
    assert reasons(rej) == {"huge.txt": "too_large"}
    assert peak < 20 * MB, peak  # the 200 MB were never loaded


@pytest.mark.slow
def test_200mb_single_line_jsonl_is_streamed(tmp_path):
    # one JSON Lines record of 200 MB between two good ones: streamed line by line, skipped in pieces
    big = tmp_path / "huge.jsonl"
    good = (LINE + "\n").encode("utf-8")
    _write_repeated(big, "كلمة ".encode("utf-8"), 200 * MB, prefix=good + b'{"text": "',
                    suffix=b'"}\n' + json.dumps({"text": ARTICLE + " ٢"}, ensure_ascii=False).encode() + b"\n")
    (docs, rej), peak = _peak_bytes(lambda: read_all([big], max_document_chars=1_000_000))
    assert [p.rsplit("#")[-1] for p in docs["source_path"]] == ["1", "3"]
    assert rej.select("source_path", "reason").rows() == [(f"{big}#2", "too_large")]
    assert peak < 40 * MB, peak


def test_max_file_bytes_refuses_without_opening(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE[:40], encoding="utf-8")
    docs, rej = read_all([tmp_path], max_file_bytes=200)
    assert [Path(p).name for p in docs["source_path"]] == ["b.txt"]
    assert reasons(rej) == {"a.txt": "too_large"}
    assert "max_file_bytes=200" in rej["detail"][0]


def test_max_document_chars(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(LINE + "\n" + json.dumps({"text": "خبر قصير"}, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    docs, rej = read_all([tmp_path], max_document_chars=100)
    assert [Path(p).name for p in docs["source_path"]] == ["b.jsonl#2"]
    assert reasons(rej) == {"a.txt": "too_large", "b.jsonl#1": "too_large"}


def test_streamed_jsonl_with_bad_bytes_keeps_earlier_records(tmp_path):
    lines = [json.dumps({"text": f"{ARTICLE} رقم {i}"}, ensure_ascii=False) for i in range(200)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    assert len(data) > 70_000  # more than the 64 KB sniffed: streamed
    (tmp_path / "a.jsonl").write_bytes(data + b'{"text": "\xff\xfe bad"}\n' + lines[0].encode() + b"\n")
    docs, rej = read_all([tmp_path])
    assert docs.height == 200  # the duplicate of line 1 after the bad line is read too
    assert rej.select("source_path", "reason").rows() == [(f"{tmp_path / 'a.jsonl'}#201", "undecodable"),
                                                          (f"{tmp_path / 'a.jsonl'}#202", "duplicate")]


def test_streamed_trec_many_documents(tmp_path):
    docs_text = "".join(
        f"<DOC>\n<DOCNO>D{i}</DOCNO>\n<TITLE>عنوان {i}</TITLE>\n<TEXT>\n{ARTICLE} رقم {i}\n</TEXT>\n</DOC>\n"
        for i in range(150)
    )
    # one document without </DOC>, then one that is too large, then a good last one without </DOC>
    text = (docs_text + "<DOC><TITLE>بلا نهاية</TITLE><TEXT>نص بلا وسم إغلاق في الخبر</TEXT>\n"
            + "<DOC><TEXT>" + "كلمة " * 30_000 + "</TEXT></DOC>\n"
            + "<DOC><TITLE>الأخير</TITLE><TEXT>نص الخبر الأخير</TEXT>")
    (tmp_path / "many.trec").write_text(text, encoding="utf-8")
    docs, rej = read_all([tmp_path], max_document_chars=50_000)
    assert docs.height == 152
    assert docs["title"][150] == "بلا نهاية" and docs["title"][151] == "الأخير"
    assert docs["source_path"][151].endswith("many.trec#153")
    assert rej.select("reason").to_series().to_list() == ["too_large"]
    assert rej["source_path"][0].endswith("#152")
    # with the default limit the big document loads too
    whole_docs, _ = read_all([tmp_path])
    assert whole_docs.height == 153


def test_streamed_csv(tmp_path):
    rows = "".join(f'"عنوان {i}","{ARTICLE} رقم {i}"\n' for i in range(200))
    (tmp_path / "a.csv").write_text("title,text\n" + rows, encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert docs.height == 200 and rej.height == 0
    assert docs["raw_text"][0] == f"عنوان 0\n\n{ARTICLE} رقم 0"


def test_gzip_bomb_is_stopped(tmp_path):
    payload = (LINE + "\n").encode("utf-8") * 3000  # about 1.5 MB of text, compresses to a few KB
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(payload))
    docs, rej = read_all([tmp_path], max_file_bytes=500_000)
    assert 0 < docs.height < 3000 or docs.height == 1  # records before the limit stand
    assert rej["reason"].to_list()[-1] == "too_large"


def test_small_multi_record_file_with_bad_bytes_loses_only_that_record(tmp_path):
    good = [json.dumps({"text": f"{ARTICLE} رقم {i}"}, ensure_ascii=False).encode() for i in range(3)]
    (tmp_path / "a.jsonl").write_bytes(good[0] + b"\n" + good[1][:40] + b"\xff" + good[1][40:] + b"\n" + good[2])
    docs, rej = read_all([tmp_path])
    assert [p.rsplit("#")[-1] for p in docs["source_path"]] == ["1", "3"]
    assert rej.select("reason").to_series().to_list() == ["undecodable"]
    assert rej["source_path"][0].endswith("a.jsonl#2")
    # a single-document file with a bad byte is refused whole (it is one record)
    (tmp_path / "b.txt").write_bytes(ARTICLE.encode()[:50] + b"\xff" + ARTICLE.encode()[50:])
    _, rej = read_all([tmp_path / "b.txt"])
    assert rej["reason"].to_list() == ["undecodable"]


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be", "utf-8-sig", "cp1256", "iso8859-6"])
def test_streamed_inputs_in_every_encoding(tmp_path, enc):
    from tests.unit.sources_fixtures import encode_variants

    text = "".join(json.dumps({"title": f"عنوان {i}", "text": ARTICLE}, ensure_ascii=False) + "\n"
                   for i in range(300))
    data = encode_variants(text)[enc]
    assert len(data) > 70_000  # streamed, encoding detected on the first 64 KB
    (tmp_path / "a.jsonl").write_bytes(data)
    docs, rej = read_all([tmp_path])
    assert docs.height == 300 and rej.height == 0
    assert set(docs["encoding"]) == {enc}
    assert docs["raw_text"][299] == f"عنوان 299\n\n{ARTICLE}"
