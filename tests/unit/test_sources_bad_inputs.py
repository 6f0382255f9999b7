"""Every bad-input kind beside good files: the right reason, and no good document lost.

The table in the ingestion note is this test's parameter list: kind, what is written, expected reason.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import zipfile
from pathlib import Path

import pytest

from tests.unit.sources_fixtures import ARTICLE, read_all

GOOD = {
    "good_utf8.txt": ARTICLE.encode("utf-8"),
    "good_cp1256.txt": ("عنوان آخر\n\n" + ARTICLE).encode("cp1256"),
    "good.jsonl": (json.dumps({"title": "ثالث", "text": ARTICLE}, ensure_ascii=False) + "\n").encode(),
}
_rng = random.Random(20261129)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


#: kind -> (file name, bytes, expected reason, expected rejected source_path suffix)
BAD: dict[str, tuple[str, bytes, str, str]] = {
    "empty file": ("empty.txt", b"", "empty", "empty.txt"),
    "whitespace only": ("blank.txt", b"  \n\t\r\n \xc2\xa0\n", "empty", "blank.txt"),
    "random bytes named .txt": ("random.txt", bytes(_rng.randrange(256) for _ in range(8192)), "binary", "random.txt"),
    "random high bytes, no NUL": ("high.txt", bytes(_rng.randrange(128, 256) for _ in range(8192)), "undecodable",
                                  "high.txt"),
    "PNG renamed .txt": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "binary", "photo.txt"),
    "PDF renamed .txt": ("doc.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary", "doc.txt"),
    "UTF-8 shown as cp1252 (mojibake)": ("moji1252.txt",
                                         ARTICLE.encode().decode("cp1252", "replace").encode(), "mojibake",
                                         "moji1252.txt"),
    "UTF-8 shown as cp1256 (mojibake)": ("moji1256.txt", ARTICLE.encode().decode("cp1256").encode(), "mojibake",
                                         "moji1256.txt"),
    "Latin-1 French (not Arabic, not UTF-8)": ("french.txt", ("Le ministre est arrivé à l'été. " * 9)
                                               .encode("latin-1"), "undecodable", "french.txt"),
    "UTF-16 BOM, odd length": ("odd16.txt", codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le") + b"\x00",
                               "undecodable", "odd16.txt"),
    "title only": ("title_only.txt", "عنوان بلا نص\n\n".encode(), "no_text_after_extraction", "title_only.txt"),
    "TREC with empty TEXT": ("empty_text.txt", "<DOC><TITLE>عنوان</TITLE><TEXT>\n</TEXT></DOC>".encode(),
                             "no_text_after_extraction", "empty_text.txt"),
    "invalid JSON array": ("broken.json", b'[{"text": "x"', "malformed", "broken.json"),
    "JSON Lines bad line": ("bad.jsonl", b'{"text": \n', "malformed", "bad.jsonl#1"),
    "CSV without text column": ("nocol.csv", b"a,b\n1,2\n", "malformed", "nocol.csv"),
    "HTML without main text": ("blank.html", b"<html><head><title>t</title></head><body></body></html>",
                               "no_text_after_extraction", "blank.html"),
    "corrupt gzip": ("bad.txt.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00garbage", "unreadable", "bad.txt.gz"),
    "corrupt zip": ("bad.zip", b"PK\x03\x04" + bytes(40), "unreadable", "bad.zip"),
    "PNG inside a zip": ("pics.zip", _zip({"p.txt": b"\x89PNG\r\n\x1a\n" + bytes(20)}), "binary", "pics.zip!p.txt"),
    "document over max_document_chars": ("long.txt", ("كلمة " * 5000).encode(), "too_large", "long.txt"),
    "same article, other name": ("zz_copy.txt", ARTICLE.encode("utf-8"), "duplicate", "zz_copy.txt"),
    "same article, UTF-16": ("zz_copy16.txt", codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "duplicate",
                             "zz_copy16.txt"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_input_beside_good_files(tmp_path, kind):
    name, data, reason, suffix = BAD[kind]
    for good_name, good_data in GOOD.items():
        (tmp_path / good_name).write_bytes(good_data)
    (tmp_path / name).write_bytes(data)
    docs, rej = read_all([tmp_path], max_document_chars=20_000)
    assert sorted(Path(p).name.split("#")[0] for p in docs["source_path"]) == sorted(GOOD), kind
    assert rej.select("reason").to_series().to_list() == [reason], (kind, rej.rows())
    assert rej["source_path"][0] == f"{tmp_path}/{suffix}"
    assert rej["detail"][0].strip()


def test_broken_symlink_in_folder_is_unreadable(tmp_path):
    (tmp_path / "good_utf8.txt").write_bytes(GOOD["good_utf8.txt"])
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    docs, rej = read_all([tmp_path])
    assert docs.height == 1
    assert rej.select("source_path", "reason").rows() == [(str(tmp_path / "dangling.txt"), "unreadable")]


def test_all_bad_kinds_together_lose_nothing(tmp_path):
    """Every kind at once: each input ends as exactly one document or one rejected row."""
    for good_name, good_data in GOOD.items():
        (tmp_path / good_name).write_bytes(good_data)
    for name, data, _, _ in BAD.values():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "also_good.txt.gz").write_bytes(gzip.compress(("خبر مضغوط\n\n" + ARTICLE[30:]).encode()))
    docs, rej = read_all([tmp_path], max_document_chars=20_000)
    assert docs.height == len(GOOD) + 1
    assert rej.height == len(BAD)
    assert sorted(rej["reason"]) == sorted(r for _, _, r, _ in BAD.values())


def test_stray_controls_in_a_real_article_still_load(tmp_path):
    # SaudiNewsNet writes U+001A before paragraphs in some articles (scale corpus, e.g. line 8507)
    text = "".join(f" \x1a\x1a {line}\n" for line in ARTICLE.splitlines() if line)
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    docs, rej = read_all([tmp_path])
    assert docs["raw_text"].to_list() == [text] and rej["reason"].to_list() == ["duplicate"]
    # but text that is mostly control characters is not an article
    (tmp_path / "c.txt").write_text("\x1a" * 30 + ARTICLE, encoding="utf-8")
    (tmp_path / "d.txt").write_text("abc \x07\x07 def " * 30, encoding="utf-8")
    _, rej = read_all([tmp_path / "c.txt", tmp_path / "d.txt"])
    assert rej["reason"].to_list() == ["binary", "binary"]


@pytest.mark.slow
def test_scale_corpus_loses_nothing():
    from tests.unit.sources_fixtures import SHARED

    files = sorted((SHARED / "corpus" / "scale").glob("*.jsonl.gz"))
    n_docs = n_rej = 0
    from akhbar.sources import iter_source_batches

    for b in iter_source_batches(files, batch_size_docs=5000):
        n_docs += b.documents.height
        n_rej += b.rejected.height
    assert (n_docs, n_rej) == (30_033 + 27_862, 0)  # counts from scale/SOURCE.md


def test_unlistable_folder_and_unopenable_file_are_reported(tmp_path, monkeypatch):
    import akhbar.sources as sources

    (tmp_path / "sub").mkdir()
    (tmp_path / "good_utf8.txt").write_bytes(GOOD["good_utf8.txt"])
    (tmp_path / "locked.txt").write_bytes(GOOD["good_cp1256.txt"])
    real_walk, real_open = os.walk, Path.open

    def walk(top, onerror=None, followlinks=False):  # as if sub/ had mode 000 (tests run as root)
        for root, dirs, names in real_walk(top, onerror=onerror, followlinks=followlinks):
            if Path(root).name == "sub":
                onerror(PermissionError(13, "Permission denied", root))
                continue
            yield root, dirs, names

    def open_(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(sources.os, "walk", walk)
    monkeypatch.setattr(Path, "open", open_)
    docs, rej = read_all([tmp_path])
    assert docs["source_path"].to_list() == [str(tmp_path / "good_utf8.txt")]
    assert rej.select("source_path", "reason").rows() == [
        (str(tmp_path / "locked.txt"), "unreadable"), (str(tmp_path / "sub"), "unreadable")]
    assert "Permission denied" in rej["detail"][0] and "cannot list folder" in rej["detail"][1]
