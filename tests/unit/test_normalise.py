"""Tests of akhbar.normalise: one test per named rule, the composed config, and the public API."""

from __future__ import annotations

import pytest

import akhbar.normalise as N
from akhbar.normalise import DEFAULT_CONFIG, NormaliseConfig, normalise, normalise_text


def test_public_api_is_explicit() -> None:
    assert {"DEFAULT_CONFIG", "NormaliseConfig", "Normalised", "normalise", "normalise_text"} <= set(N.__all__)
    for name in N.__all__:
        assert hasattr(N, name), name
    rule_functions = {n for n in N.__all__ if n.startswith(("fold_", "strip_", "remove_", "decode_"))}
    assert len(rule_functions) == 13  # one named function per rule of NormaliseConfig
    assert len(rule_functions) == len(N.NormaliseConfig.__dataclass_fields__)


@pytest.mark.parametrize(
    ("fn", "raw", "expected"),
    [
        (N.strip_tashkeel, "مُحَمَّدٌ", "محمد"),
        (N.strip_tashkeel, "دايماً", "دايما"),
        (N.strip_tashkeel, "الرَّحْمٰنِ", "الرحمن"),  # superscript alef U+0670
        (N.strip_tashkeel, "قُرْءَانٗ\u06d6", "قرءان"),  # Quranic marks U+06D6, U+08F3-range
        (N.strip_tatweel, "جمـــيل", "جميل"),
        (N.fold_alef, "أإآٱا", "ااااا"),
        (N.fold_alef_maqsura, "مستشفى", "مستشفي"),
        (N.fold_teh_marbuta, "مدرسة", "مدرسه"),
        (N.fold_hamza_carriers, "مسؤول رئيس", "مسوول رييس"),
        (N.fold_persian, "کتاب یوم ۀ ە ھ", "كتاب يوم ة ه ه"),
        (N.fold_presentation_forms, "\ufefb", "لا"),
        (N.fold_presentation_forms, "\ufef7", "لأ"),
        (N.fold_presentation_forms, "\ufdfc", "ريال"),
        (N.fold_presentation_forms, "\ufdfd", "بسم الله الرحمن الرحيم"),
        (N.fold_presentation_forms, "\ufe8d\ufedf\ufed8\ufe8e\ufeeb\ufeae\ufe93", "القاهرة"),
        (N.fold_digits, "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "0123456789 0123456789"),
        (N.fold_digits, "٣٫٥٪ ١٬٠٠٠", "3.5% 1,000"),
        (N.remove_invisible, "a\u200bb\u200cc\u200dd\u200ee\u200ff\u202ag\u202eh\u2066i\u2069j\u061ck\ufeffl\u00adm",
         "abcdefghijklm"),
        (N.fold_spaces, "a\u00a0b\u2009c\u3000d\te", "a b c d e"),
        (N.fold_line_breaks, "a\r\nb\u2029c", "a\n\nb\nc"),
        (N.decode_html_references, "&quot;x&quot; &#8220;y&#8221; &amp; &#x627; &nosuch;", '"x" \u201cy\u201d & ا &nosuch;'),
    ],
)
def test_each_rule(fn, raw: str, expected: str) -> None:
    assert fn(raw) == expected


def test_default_config_values() -> None:
    c = DEFAULT_CONFIG
    on = ["html_references", "presentation_forms", "invisible", "spaces", "line_breaks", "persian", "alef",
          "alef_maqsura", "digits", "tatweel", "tashkeel"]
    assert all(getattr(c, k) for k in on)
    assert not c.teh_marbuta and not c.hamza_carriers


def test_config_replace_and_unknown_rule() -> None:
    c = DEFAULT_CONFIG.replace(teh_marbuta=True)
    assert c.teh_marbuta and DEFAULT_CONFIG.teh_marbuta is False
    with pytest.raises(TypeError):
        DEFAULT_CONFIG.replace(nonsense=True)


@pytest.mark.parametrize(
    ("raw", "config", "expected"),
    [
        ("مدرسة مسؤول", DEFAULT_CONFIG, "مدرسة مسؤول"),
        ("مدرسة مسؤول", NormaliseConfig(teh_marbuta=True, hamza_carriers=True), "مدرسه مسوول"),
        ("مُحَمَّد", NormaliseConfig(tashkeel=False), "مُحَمَّد"),
        ("جمـيل", NormaliseConfig(tatweel=False), "جمـيل"),
        ("إلى", NormaliseConfig(alef=False), "إلي"),
        ("٣", NormaliseConfig(digits=False), "٣"),
        ("&amp;", NormaliseConfig(html_references=False), "&amp;"),
        # presentation form producing hamzated alef still goes through the alef rule
        ("\ufef7", DEFAULT_CONFIG, "لا"),
        ("\ufef7", NormaliseConfig(alef=False), "لأ"),
        # isolated tanween form vanishes with tashkeel instead of leaving a space
        ("كتاب\ufe70", DEFAULT_CONFIG, "كتاب"),
        # HTML reference to a mark is decoded then deleted
        ("ب&#1614;", DEFAULT_CONFIG, "ب"),
    ],
)
def test_configured(raw: str, config: NormaliseConfig, expected: str) -> None:
    assert normalise_text(raw, config) == expected
    assert normalise(raw, config).text == expected


def test_arabic_punctuation_kept() -> None:
    assert normalise_text("نعم، لا؛ لماذا؟") == "نعم، لا؛ لماذا؟"


def test_no_whole_string_nfc() -> None:
    # alef + combining madda must not be merged into U+0622 (NFC would); the mark is simply deleted
    assert normalise_text("\u0627\u0653") == "ا"
    assert normalise_text("\u0627\u0653", NormaliseConfig(tashkeel=False)) == "\u0627\u0653"


@pytest.mark.parametrize(
    ("raw", "config", "expected"),
    [
        ("سو\u0654ال", DEFAULT_CONFIG, "سؤال"),  # waw + combining hamza is the letter ؤ, not waw + a mark
        ("سو\u0654ال", NormaliseConfig(hamza_carriers=True), "سوال"),
        ("ا\u0654حمد", NormaliseConfig(alef=False), "أحمد"),
        ("ا\u0654حمد", DEFAULT_CONFIG, "احمد"),
        ("ا\u0653خر", NormaliseConfig(alef=False), "آخر"),
        ("ا\u064e\u0654", NormaliseConfig(alef=False), "ا"),  # not straight after the letter: just a mark
        ("سو\u0654ال", NormaliseConfig(tashkeel=False), "سو\u0654ال"),  # marks kept: nothing composed
    ],
)
def test_combining_hamza_composes_within_the_cluster(raw: str, config: NormaliseConfig, expected: str) -> None:
    n = normalise(raw, config)
    assert n.text == expected == normalise_text(raw, config)
    if n.text != raw:
        i = n.text.find(expected[1]) if len(expected) > 1 else 0
        a, b = n.char_to_raw(i)
        assert normalise_text(raw[a:b], config) == n.text[i]


def test_type_error_on_bytes() -> None:
    with pytest.raises(TypeError):
        normalise(b"abc")  # type: ignore[arg-type]


def test_must_hold_presentation_and_ligature_spans() -> None:
    raw = "زار \ufe8d\ufedf\ufed8\ufe8e\ufeeb\ufeae\ufe93 و\ufefbعب"
    n = normalise(raw)
    assert n.text == "زار القاهرة ولاعب"
    s, e = n.text.index("القاهرة"), n.text.index("القاهرة") + len("القاهرة")
    assert n.to_raw_span(s, e) == (4, 11)
    s = n.text.index("ولاعب")
    a, b = n.to_raw_span(s, s + 5)
    assert raw[a:b] == "و\ufefbعب"
    # each half of the ligature maps back to the whole ligature
    assert n.char_to_raw(s + 1) == n.char_to_raw(s + 2) == (13, 14)


def test_docstring_examples() -> None:
    import doctest

    import akhbar.align

    for module in (N, akhbar.align):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__
