"""Tests of akhbar.align: the raw <-> normalised offset maps, with hypothesis property tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.errors import AlignmentError
from akhbar.normalise import NormaliseConfig, normalise, normalise_text

# An alphabet that exercises every rule: letters, marks, tatweel, alef forms, Persian look-alikes,
# presentation forms and ligatures (including expanding ones), digits, invisible/bidi, odd spaces,
# line breaks, HTML references, Latin, punctuation.
_PIECES = list("قالرئيسحفتموكوبلجيا ") + [
    "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0670", "\u06d6", "\u0640",
    "أ", "إ", "آ", "ٱ", "ى", "ة", "ؤ", "ئ", "ک", "ی", "ۀ", "ھ",
    "\ufefb", "\ufef7", "\ufdfd", "\ufdfc", "\ufe8d", "\ufedf", "\ufe70", "\ufc60",
    "٣", "۴", "٫", "٬", "٪", "5", "\u200b", "\u200f", "\u202b", "\u2066", "\ufeff", "\u00ad",
    "\u00a0", "\t", "\n", "\r", "\u2029", "&quot;", "&#8220;", "&amp;", "&#1614;", "&bogus;", "&", ";",
    "&#1575;", "\u0654", "\u0653", "\u0655", "و", "ي",
    "a", "Z", ".", "،", "؟", "#", "@",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
configs = st.sampled_from([
    NormaliseConfig(),
    NormaliseConfig(tashkeel=False),
    NormaliseConfig(tatweel=False, tashkeel=False),
    NormaliseConfig(teh_marbuta=True, hamza_carriers=True),
    NormaliseConfig(html_references=False, presentation_forms=False),
])


@settings(max_examples=300, deadline=None)
@given(texts, configs, st.data())
def test_span_round_trip(raw: str, config: NormaliseConfig, data: st.DataObject) -> None:
    """Mapping any normalised span back gives a raw span whose normalisation covers exactly that span
    (widened only where the span cuts an expansion such as a lam-alef ligature)."""
    n = normalise(raw, config)
    assert n.raw == raw
    assert n.text == normalise_text(raw, config)
    if not n.text:
        return
    s = data.draw(st.integers(0, len(n.text) - 1))
    e = data.draw(st.integers(s + 1, len(n.text)))
    a, b = n.to_raw_span(s, e)
    assert 0 <= a < b <= len(raw)
    ws, we = n.to_norm_span(a, b)
    assert ws <= s and we >= e
    assert normalise_text(raw[a:b], config) == n.text[ws:we]


@settings(max_examples=200, deadline=None)
@given(texts, configs)
def test_every_char_maps_to_a_raw_range_in_order(raw: str, config: NormaliseConfig) -> None:
    n = normalise(raw, config)
    prev_end = 0
    for i in range(len(n.text)):
        a, b = n.char_to_raw(i)
        assert 0 <= a < b <= len(raw)
        assert a >= prev_end or (a, b) == n.char_to_raw(i - 1)  # monotone; expansions repeat their range
        prev_end = b if (i + 1 == len(n.text) or n.char_to_raw(i + 1) != (a, b)) else prev_end


@settings(max_examples=200, deadline=None)
@given(texts, configs, st.data())
def test_raw_span_forward(raw: str, config: NormaliseConfig, data: st.DataObject) -> None:
    n = normalise(raw, config)
    a = data.draw(st.integers(0, len(raw)))
    b = data.draw(st.integers(a, len(raw)))
    s, e = n.to_norm_span(a, b)
    assert 0 <= s <= e <= len(n.text)
    # every normalised character inside [s, e) came from raw characters overlapping [a, b)
    for i in range(s, e):
        x, y = n.char_to_raw(i)
        assert x < b and y > a


def test_marks_belong_to_their_letter() -> None:
    raw = "وَصَلَ حَفْتَرُ إلى مُوسْكُو"
    n = normalise(raw)
    assert n.text == "وصل حفتر الي موسكو"
    for word, surface in (("حفتر", "حَفْتَرُ"), ("موسكو", "مُوسْكُو")):
        s = n.text.index(word)
        a, b = n.to_raw_span(s, s + len(word))
        assert raw[a:b] == surface


def test_deleted_characters_map_to_nothing() -> None:
    raw = "م\u200fصـر"
    n = normalise(raw)
    assert n.text == "مصر"
    assert n.to_norm_span(1, 2) == (1, 1)  # the RLM alone produces nothing
    assert n.char_to_raw(0) == (0, 1)
    assert n.char_to_raw(1) == (2, 4)  # ص owns the tatweel after it
    assert n.to_raw_span(0, 3) == (0, 5)


def test_expansion_maps_each_output_to_itself() -> None:
    raw = "x\ufdfdy"
    n = normalise(raw)
    assert n.text == "xبسم الله الرحمن الرحيمy"
    for i in range(1, len(n.text) - 1):
        assert n.char_to_raw(i) == (1, 2)
    assert n.to_norm_span(1, 2) == (1, len(n.text) - 1)
    assert n.char_to_raw(len(n.text) - 1) == (2, 3)


def test_html_reference_maps_to_whole_reference() -> None:
    raw = "قال &quot;نعم&quot;"
    n = normalise(raw)
    assert n.text == 'قال "نعم"'
    assert n.char_to_raw(4) == (4, 10)
    assert n.to_raw_span(5, 8) == (10, 13)
    assert n.to_norm_span(10, 13) == (5, 8)


def test_identity_text_has_no_edits() -> None:
    n = normalise("زار الوزير مصر")
    assert n.n_edits == 0 and n.to_raw_span(4, 10) == (4, 10) and n.to_norm_span(4, 10) == (4, 10)


@pytest.mark.parametrize("span", [(-1, 2), (2, 1), (0, 99)])
def test_bad_spans_raise(span: tuple[int, int]) -> None:
    n = normalise("قَالَ")
    with pytest.raises(AlignmentError):
        n.to_raw_span(*span)
    with pytest.raises(AlignmentError):
        n.to_norm_span(*span)
    with pytest.raises(AlignmentError):
        n.char_to_raw(5)
