"""akhbar.sources.encoding and .metadata: decoding decisions, mojibake, dates, manifests, doctests."""

from __future__ import annotations

import codecs
import doctest
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import akhbar.sources
import akhbar.sources.encoding as encoding
import akhbar.sources.formats as formats
import akhbar.sources.metadata as metadata
from akhbar.sources.encoding import DecodeRefused, arabic_score, decode_bytes, guess_language, mojibake_kind
from akhbar.sources.metadata import parse_published, read_manifest
from tests.unit.sources_fixtures import ARTICLE, encode_variants


@pytest.mark.parametrize("module", [akhbar.sources, encoding, formats, metadata])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("enc", list(encode_variants(ARTICLE)))
def test_each_encoding_detected(enc):
    d = decode_bytes(encode_variants(ARTICLE)[enc])
    assert (d.encoding, d.text) == (enc, ARTICLE)


def test_bomless_utf16_arabic_is_read():
    d = decode_bytes(ARTICLE.encode("utf-16-be"))
    assert (d.encoding, d.text) == ("utf-16-be", ARTICLE)


def test_code_pages_are_told_apart_by_arabic_score():
    right = ARTICLE.encode("cp1256").decode("cp1256")
    wrong = ARTICLE.encode("iso8859-6").decode("cp1256", errors="replace")
    assert arabic_score(right) > 0.3
    assert arabic_score(wrong) < 0.2
    assert encoding._plausibility(wrong) == 0.0  # Latin-1 letters inside Arabic words
    assert encoding._plausibility(right) == arabic_score(right)
    with pytest.raises(UnicodeDecodeError):  # ف, ق, ك of Windows-1256 are unassigned in ISO-8859-6
        ARTICLE.encode("cp1256").decode("iso8859-6")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary"),
        (b"abc\x00def\x00" * 10, "binary"),
        (bytes(range(128, 256)) * 8, "undecodable"),
        (("Le ministre des Affaires étrangères est arrivé. " * 4).encode("latin-1"), "undecodable"),
        (ARTICLE.encode("utf-8").decode("cp1256").encode("utf-8"), "mojibake"),
        (ARTICLE.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"), "mojibake"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "undecodable"),  # a lone high surrogate
        ("".join(chr(c) for c in range(0xE000, 0xE100)).encode("utf-8"), "binary"),  # private use
    ],
)
def test_refusals(data, reason):
    with pytest.raises(DecodeRefused) as info:
        decode_bytes(data)
    assert info.value.reason == reason
    assert info.value.detail


def test_mojibake_is_density_not_a_single_match():
    assert mojibake_kind("قال فقط، ثم خرج. " * 50) is None  # genuine ط before an Arabic comma
    assert mojibake_kind("Ø§Ù„ ") is None  # too short to call
    assert mojibake_kind(ARTICLE.encode("utf-8").decode("cp1256")) == "utf-8 read as cp1256"


def test_prefix_decoding_tolerates_a_cut_character():
    data = ARTICLE.encode("utf-8")
    cut = data[:101] if data[100] & 0xC0 == 0x80 else data[:102]
    d = decode_bytes(cut[: len(cut) - 1] if cut[-1] & 0xC0 == 0xC0 else cut, final=False)
    assert ARTICLE.startswith(d.text) and d.encoding == "utf-8"


def test_guess_language():
    assert guess_language(ARTICLE) == "ar"
    assert guess_language("The minister arrived in Cairo this morning.") == "und"
    assert guess_language("") == "und"


arabic_words = st.lists(
    st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى", min_size=2, max_size=8), min_size=6, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(arabic_words)
def test_roundtrip_property(words):
    # every Arabic text of a few words comes back unchanged from each encoding the issue names
    text = "ال" + " في ال".join(words) + "\n"
    for enc, data in encode_variants(text).items():
        d = decode_bytes(data)
        assert d.text == text, enc
        assert d.encoding == enc


# --------------------------------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 26 Feb 2018 02:20:10 GMT", (date(2018, 2, 26), "2018-02-26T02:20:10+00:00")),
        ("Wed, 28 Feb 2018 00:16:06 +0400", (date(2018, 2, 28), "2018-02-28T00:16:06+04:00")),
        ("28 Feb 2018 23:30:00 -0500", (date(2018, 2, 28), "2018-02-28T23:30:00-05:00")),
        ("2018-02-28T00:16:06+04:00", (date(2018, 2, 28), "2018-02-28T00:16:06+04:00")),
        ("2018-02-28T00:16:06Z", (date(2018, 2, 28), "2018-02-28T00:16:06+00:00")),
        ("2015-07-24 15:38:40", (date(2015, 7, 24), "2015-07-24T15:38:40")),
        ("2018-02-28", (date(2018, 2, 28), None)),
        ("28/02/2018", (date(2018, 2, 28), None)),
        ("28-02-2018 14:30", (date(2018, 2, 28), "2018-02-28T14:30:00")),
        ("28.02.2018 14:30:05 +03:00", (date(2018, 2, 28), "2018-02-28T14:30:05+03:00")),
        ("٢٨/٠٢/٢٠١٨", (date(2018, 2, 28), None)),
        ("2018/02/28", (date(2018, 2, 28), None)),
        ("الأربعاء ٢٨ فبراير ٢٠١٨", (date(2018, 2, 28), None)),
        ("28 شباط/فبراير 2018", (date(2018, 2, 28), None)),
        ("1 كانون الثاني 2019 - 10:30", (date(2019, 1, 1), None)),
        ("15 أيلول، 2017", (date(2017, 9, 15), None)),
        ("31/02/2018", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


def test_read_manifest_tolerates_bad_files(tmp_path):
    good = tmp_path / "MANIFEST.csv"
    good.write_text("\ufefffile,source,published_date,url,extra\na.txt, paper ,2019-01-02,,x\n,skipped,,,\n",
                    encoding="utf-8")
    rows = read_manifest(good)
    assert list(rows) == ["a.txt"]
    assert (rows["a.txt"].source, rows["a.txt"].published, rows["a.txt"].url) == ("paper", "2019-01-02", None)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    assert read_manifest(bad) == {}
    (tmp_path / "nofile.csv").write_text("name,source\na,b\n", encoding="utf-8")
    assert read_manifest(tmp_path / "nofile.csv") == {}
