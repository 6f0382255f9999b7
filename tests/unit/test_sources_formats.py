"""akhbar.sources: every input format, archives, standard input, paths; each on a small generated sample."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from akhbar.sources import iter_source_batches
from akhbar.sources.formats import detect_format, parse_plain
from tests.unit.sources_fixtures import ARTICLE, read_all, reasons

BODY_1 = "قال وزير المالية إن الميزانية الجديدة تركز على التعليم والصحة."
BODY_2 = "أعلنت الشركة عن نتائجها المالية للربع الثالث من العام الجاري."


def _jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_jsonl_records_and_rejects(tmp_path):
    lines = (
        _jsonl([{"title": "الميزانية", "text": BODY_1, "url": "http://a/1", "published": "2018-02-18T21:35:43+04:00",
                 "source": "alarabia"}])
        + "\n"  # a blank line is skipped (line numbers still count it)
        + '{"title": "مكسور", "text": \n'
        + _jsonl([{"title": "بلا نص", "id": 7}, {"content": BODY_2, "date": "18/03/2018"}, ["not", "an", "object"]])
    )
    (tmp_path / "a.jsonl").write_text(lines, encoding="utf-8")
    docs, rej = read_all([tmp_path])
    p = str(tmp_path / "a.jsonl")
    assert docs["source_path"].to_list() == [f"{p}#1", f"{p}#5"]
    assert docs["raw_text"].to_list() == [f"الميزانية\n\n{BODY_1}", BODY_2]
    assert docs["format"].to_list() == ["jsonl", "jsonl"]
    assert docs["published_date"].to_list() == [date(2018, 2, 18), date(2018, 3, 18)]
    assert docs["published_at"].to_list() == ["2018-02-18T21:35:43+04:00", None]
    assert docs["source"].to_list() == ["alarabia", None]
    assert reasons(rej) == {"a.jsonl#3": "malformed", "a.jsonl#4": "no_text_after_extraction",
                            "a.jsonl#6": "malformed"}


def test_custom_field_names(tmp_path):
    (tmp_path / "a.jsonl").write_text(_jsonl([{"matn": BODY_1, "unwan": "عنوان", "tarikh": "2020-01-13"}]),
                                      encoding="utf-8")
    docs, rej = read_all([tmp_path], field_names={"text": "matn", "title": ["unwan"], "published": "tarikh"})
    assert rej.height == 0
    assert docs.select("title", "raw_text", "published_date").row(0) == (
        "عنوان", f"عنوان\n\n{BODY_1}", date(2020, 1, 13))


def test_json_array_and_object(tmp_path):
    (tmp_path / "arr.json").write_text(json.dumps([{"body": BODY_1}, 42, {"text": BODY_2, "title": " "}],
                                                  ensure_ascii=False), encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"text": ARTICLE}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bad.json").write_text('[{"text": "نص"', encoding="utf-8")
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    docs, rej = read_all([tmp_path])
    names = [Path(p).name for p in docs["source_path"]]
    assert names == ["arr.json#1", "arr.json#3", "one.json"]
    assert docs["raw_text"].to_list() == [BODY_1, BODY_2, ARTICLE]  # a blank title is no title
    assert set(docs["format"]) == {"json"}
    assert reasons(rej) == {"arr.json#2": "malformed", "bad.json": "malformed", "empty.json": "empty"}


def test_csv_and_tsv(tmp_path):
    (tmp_path / "a.csv").write_text(
        'title,text,url,date\n'
        f'"عنوان, بفاصلة","{BODY_1}\nسطر ثان ""مقتبس""",http://x/1,2019-05-06\n'
        'ناقص,صف\n'
        f'الثاني,{BODY_2},,\n',
        encoding="utf-8",
    )
    (tmp_path / "b.tsv").write_text(f"headline\tcontent\nعنوان\t{BODY_2} في تونس\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    docs, rej = read_all([tmp_path])
    names = [Path(p).name for p in docs["source_path"]]
    assert names == ["a.csv#1", "a.csv#3", "b.tsv#1"]
    assert docs["raw_text"][0] == f'عنوان, بفاصلة\n\n{BODY_1}\nسطر ثان "مقتبس"'
    assert docs["published_date"][0] == date(2019, 5, 6) and docs["url"][0] == "http://x/1"
    assert docs["format"].to_list() == ["csv", "csv", "tsv"]
    assert docs["title"][2] == "عنوان"
    assert reasons(rej) == {"a.csv#2": "malformed", "c.csv": "malformed"}


HTML = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>عنوان الصفحة - موقع الأخبار</title>
<meta property="og:title" content="وزير الخارجية يصل إلى القاهرة">
<meta property="article:published_time" content="2018-02-28T00:16:06+04:00">
<meta property="og:site_name" content="موقع الأخبار">
<link rel="canonical" href="https://news.example/a/1">
</head><body><nav><a href="/">الرئيسية</a> <a href="/x">رياضة</a></nav>
<article><h1>وزير الخارجية يصل إلى القاهرة</h1>
<p>وصل وزير الخارجية إلى القاهرة صباح اليوم في زيارة رسمية تستمر ثلاثة أيام، يلتقي خلالها عدداً من
المسؤولين لبحث العلاقات الثنائية بين البلدين.</p>
<p>وقال مصدر في الوزارة إن الزيارة تأتي في إطار التشاور المستمر حول القضايا الإقليمية والدولية ذات
الاهتمام المشترك.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>
"""


def test_html_page(tmp_path):
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "blank.htm").write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    docs, rej = read_all([tmp_path])
    row = docs.row(0, named=True)
    assert row["format"] == "html"
    assert row["title"] == "وزير الخارجية يصل إلى القاهرة"
    assert row["raw_text"].startswith("وزير الخارجية يصل إلى القاهرة\nوصل وزير الخارجية")
    assert "الرئيسية" not in row["raw_text"] and "<p>" not in row["raw_text"]
    assert "جميع الحقوق" not in row["raw_text"]
    assert row["published_at"] == "2018-02-28T00:16:06+04:00" and row["published_date_source"] == "document"
    assert row["url"] == "https://news.example/a/1" and row["source"] == "موقع الأخبار"
    assert reasons(rej) == {"blank.htm": "no_text_after_extraction"}


def test_format_detected_by_content_not_extension(tmp_path):
    assert detect_format(_jsonl([{"text": "نص"}]), "x.txt") == "jsonl"
    assert detect_format("<DOC><TEXT>نص</TEXT></DOC>", "x.dat") == "trec"
    assert detect_format(HTML, "x.txt") == "html"
    assert detect_format("[فيديو] عنوان\n\nنص", "x.txt") == "plain"
    assert detect_format("text,title\nنص,عنوان\n", "x.csv") == "csv"
    (tmp_path / "records.txt").write_text(_jsonl([{"text": BODY_1}]), encoding="utf-8")
    docs, _ = read_all([tmp_path])
    assert docs["format"].to_list() == ["jsonl"]


def test_gzip_and_zip(tmp_path):
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(_jsonl([{"text": BODY_1}, {"text": BODY_2}]).encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("news/one.txt", f"عنوان\n\n{ARTICLE}".encode("cp1256"))
        zf.writestr("news/two.txt.gz", gzip.compress(f"عنوان ثان\n\n{BODY_2} في الرياض".encode("utf-8")))
        zf.writestr("news/MANIFEST.csv", "file,source,original_path,published_date,url\none.txt,zipped,,2017-07-07,\n")
        zf.writestr("news/.hidden.txt", "مخفي")
        zf.writestr("news/pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "b.zip").write_bytes(buf.getvalue())
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    docs, rej = read_all([tmp_path])
    names = [p.removeprefix(f"{tmp_path}/") for p in docs["source_path"]]
    assert names == ["a.jsonl.gz#1", "a.jsonl.gz#2", "b.zip!news/one.txt", "b.zip!news/two.txt.gz"]
    assert docs["encoding"].to_list() == ["utf-8", "utf-8", "cp1256", "utf-8"]
    assert docs["raw_text"][2] == f"عنوان\n\n{ARTICLE}"
    assert docs.select("source", "published_date_source").row(2) == ("zipped", "manifest")
    assert reasons(rej) == {"pic.txt": "binary", "bad.gz": "unreadable"}
    assert f"{tmp_path}/b.zip!news/pic.txt" in rej["source_path"].to_list()


def test_standard_input(tmp_path, monkeypatch):
    data = f"عنوان\n\n{ARTICLE}".encode("utf-16")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    docs, rej = read_all(["-"], published=date(2021, 3, 4))
    assert rej.height == 0
    assert docs.select("source_path", "encoding", "published_date", "published_date_source").row(0) == (
        "-", "utf-16-le", date(2021, 3, 4), "cli")


def test_folders_globs_order_and_skips(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(f"ز\n\n{BODY_1}", encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"أ\n\n{BODY_2}", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("مخفي جدا", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("مخفي", encoding="utf-8")
    (tmp_path / "SOURCE.md").write_text("# corpus", encoding="utf-8")
    (tmp_path / "MANIFEST_EXTRA.csv").write_text("file,title\n", encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert [p.removeprefix(str(tmp_path)) for p in docs["source_path"]] == ["/a.txt", "/b/z.txt"]
    assert rej.height == 0
    docs, _ = read_all([str(tmp_path / "**" / "*.txt")])
    assert [p.removeprefix(str(tmp_path)) for p in docs["source_path"]] == ["/a.txt", "/b/z.txt"]
    # the same file named twice is read once (so a rejected row is never repeated in one run) ...
    docs, rej = read_all([tmp_path / "a.txt", tmp_path, str(tmp_path / "*.txt")])
    assert docs.height == 2 and rej.height == 0
    (tmp_path / "empty.txt").write_bytes(b"")
    _, rej = read_all([tmp_path / "empty.txt", tmp_path])
    assert rej["source_path"].to_list() == [str(tmp_path / "empty.txt")]
    # ... but another name for it (a symbolic link) is read, and recorded as a duplicate
    os.symlink(tmp_path / "a.txt", tmp_path / "link.txt")
    docs, rej = read_all([tmp_path / "a.txt", tmp_path / "link.txt"])
    assert docs.height == 1 and rej.select("source_path", "reason").rows() == [
        (str(tmp_path / "link.txt"), "duplicate")]


@pytest.mark.parametrize("name", ["with space.txt", "quote's \"x\".txt", "semi;colon.txt", "خبر عربي.txt",
                                  "-leading-dash.txt", "--help.txt", "back\\slash.txt"])
def test_awkward_file_names(tmp_path, name):
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    docs, rej = read_all([tmp_path / name])
    assert docs["source_path"].to_list() == [str(tmp_path / name)]
    docs, rej = read_all([tmp_path])
    assert docs["source_path"].to_list() == [str(tmp_path / name)]


def test_cross_format_duplicate(tmp_path):
    # SaudiNewsNet layout: a plain file is title + "\n\n" + content, the JSON record has both fields
    (tmp_path / "a.txt").write_text(f"عنوان الخبر\n\n{BODY_1}", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(_jsonl([{"title": "عنوان الخبر", "text": BODY_1}]), encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert docs["source_path"].to_list() == [str(tmp_path / "a.txt")]
    assert rej.rows() == [(f"{tmp_path / 'b.jsonl'}#1", "duplicate",
                           f"same text as {tmp_path / 'a.txt'} (doc_id {docs['doc_id'][0]})")]


def test_batches_respect_size_and_carry_rejects(tmp_path):
    (tmp_path / "a.jsonl").write_text(_jsonl([{"text": f"{BODY_1} رقم {i}"} for i in range(7)] + [{"x": 1}]),
                                      encoding="utf-8")
    batches = list(iter_source_batches([tmp_path], batch_size_docs=3))
    assert [b.documents.height for b in batches] == [3, 3, 1]
    assert [b.rejected.height for b in batches] == [0, 0, 1]
    all_docs = pl.concat([b.documents for b in batches])
    assert all_docs["source_path"].str.extract(r"#(\d+)$").cast(pl.Int32).to_list() == list(range(1, 8))


def test_plain_parser_crlf_title():
    r = parse_plain("عنوان\r\n\r\nنص")
    assert r.title == "عنوان" and r.text == "عنوان\r\n\r\nنص"


def test_zip_manifests_per_folder_and_nested_archives(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep.txt", f"عميق\n\n{BODY_1} في الداخل")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("x/a.txt", f"أ\n\n{BODY_1}")
        zf.writestr("x/MANIFEST.csv", "file,source,published_date,url\na.txt,from-x,2011-01-01,\n")
        zf.writestr("y/a.txt", f"ب\n\n{BODY_2}")
        zf.writestr("y/MANIFEST.csv", "file,source,published_date,url\na.txt,from-y,2012-02-02,\n")
        zf.writestr("inner.zip", inner.getvalue())
    (tmp_path / "c.zip").write_bytes(buf.getvalue())
    docs, rej = read_all([tmp_path / "c.zip"])
    assert rej.height == 0
    got = {p.removeprefix(str(tmp_path)): (s, d) for p, s, d in docs.select(
        "source_path", "source", "published_date").iter_rows()}
    assert got == {
        "/c.zip!inner.zip!deep.txt": (None, None),
        "/c.zip!x/a.txt": ("from-x", date(2011, 1, 1)),
        "/c.zip!y/a.txt": ("from-y", date(2012, 2, 2)),
    }
