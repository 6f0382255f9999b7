"""Arabic character classes and per-character normalisation maps (constants only).

Code points and their names come from the Unicode Character Database (Unicode 15.1, blocks Arabic
U+0600-06FF, Arabic Supplement U+0750-077F, Arabic Extended-A U+08A0-08FF, Arabic Presentation Forms-A
U+FB50-FDFF and -B U+FE70-FEFF). Each map is ``{code point: replacement string}``; an empty string deletes.
The presentation-form map is derived at import time from the Unicode compatibility decompositions
(``unicodedata.decomposition``, tags ``<isolated>``, ``<final>``, ``<initial>``, ``<medial>``, ``<compat>``),
applied to one character at a time, never to a whole string.
"""

from __future__ import annotations

import unicodedata

# --- marks -----------------------------------------------------------------------------------------------
#: Harakat, tanween, shadda, sukun (U+064B-0652), maddah/hamza above/below and other combining marks
#: (U+0653-065F), superscript alef (U+0670), Quranic annotation marks (U+0610-061A, U+06D6-06DC,
#: U+06DF-06E4, U+06E7-06E8, U+06EA-06ED) and Arabic Extended-A marks (U+08CA-08E1, U+08E3-08FF).
TASHKEEL_RANGES: tuple[tuple[int, int], ...] = (
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08CA, 0x08E1),
    (0x08E3, 0x08FF),
)
TASHKEEL: frozenset[str] = frozenset(chr(c) for a, b in TASHKEEL_RANGES for c in range(a, b + 1))

TATWEEL = "\u0640"  # ARABIC TATWEEL (kashida)

# --- letters ---------------------------------------------------------------------------------------------
#: Arabic letter ranges (hamza through yeh, extended letters of Persian/Urdu/Kurdish, supplement letters).
LETTER_RANGES: tuple[tuple[int, int], ...] = (
    (0x0620, 0x063F),
    (0x0641, 0x064A),
    (0x066E, 0x066F),
    (0x0671, 0x06D3),
    (0x06D5, 0x06D5),
    (0x06EE, 0x06EF),
    (0x06FA, 0x06FC),
    (0x06FF, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x0887),
    (0x0889, 0x088E),
    (0x08A0, 0x08C9),
)

#: Alef with hamza above/below, alef with madda, alef wasla -> bare alef (CAMeL ``normalize_alef_ar``).
ALEF_MAP: dict[str, str] = {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
                            "\u0672": "\u0627", "\u0673": "\u0627"}
#: Alef maqsura -> yeh.
ALEF_MAQSURA_MAP: dict[str, str] = {"\u0649": "\u064A"}
#: Teh marbuta -> heh (off by default).
TEH_MARBUTA_MAP: dict[str, str] = {"\u0629": "\u0647"}
#: Hamza on waw / on yeh -> bare carrier (off by default).
HAMZA_CARRIER_MAP: dict[str, str] = {"\u0624": "\u0648", "\u0626": "\u064A"}
#: Persian/Urdu/Kurdish look-alikes -> Arabic letters: keheh, farsi yeh, yeh barree, heh with yeh above,
#: ae, heh doachashmee, heh goal, teh marbuta goal, and kaf/yeh variants.
PERSIAN_MAP: dict[str, str] = {
    "\u06A9": "\u0643",  # KEHEH -> KAF
    "\u06AA": "\u0643",  # SWASH KAF
    "\u06CC": "\u064A",  # FARSI YEH -> YEH
    "\u06D2": "\u064A",  # YEH BARREE
    "\u06D0": "\u064A",  # E
    "\u06C0": "\u0629",  # HEH WITH YEH ABOVE -> TEH MARBUTA
    "\u06D5": "\u0647",  # AE -> HEH
    "\u06BE": "\u0647",  # HEH DOACHASHMEE -> HEH
    "\u06C1": "\u0647",  # HEH GOAL -> HEH
    "\u06C3": "\u0629",  # TEH MARBUTA GOAL -> TEH MARBUTA
    "\u06CE": "\u064A",  # YEH WITH SMALL V
}

#: Arabic-Indic (U+0660-0669) and Extended Arabic-Indic (U+06F0-06F9) digits, Arabic decimal/thousands
#: separators and percent sign -> ASCII.
DIGIT_MAP: dict[str, str] = {
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    "\u066B": ".",  # ARABIC DECIMAL SEPARATOR
    "\u066C": ",",  # ARABIC THOUSANDS SEPARATOR
    "\u066A": "%",  # ARABIC PERCENT SIGN
}

#: Invisible format and bidi controls: zero-width space/non-joiner/joiner, LRM, RLM (U+200B-200F),
#: embeddings/overrides (U+202A-202E), isolates (U+2066-2069), Arabic letter mark (U+061C),
#: word joiner (U+2060), BOM/ZWNBSP (U+FEFF), soft hyphen (U+00AD).
INVISIBLE: frozenset[str] = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u061C", "\u2060", "\uFEFF", "\u00AD"]
)

#: Space characters other than U+0020 -> one ASCII space each (NBSP, en/em spaces, thin, narrow NBSP,
#: ideographic space, tab). Line breaks are kept: sentence splitting relies on them.
SPACES: frozenset[str] = frozenset(
    ["\u00A0", "\u1680", "\u202F", "\u205F", "\u3000", "\t", "\u000B", "\u000C"]
    + [chr(c) for c in range(0x2000, 0x200B)]
)
#: Line separators folded to ``\n`` (line separator, paragraph separator, next line).
LINE_BREAKS: dict[str, str] = {"\u2028": "\n", "\u2029": "\n", "\u0085": "\n", "\r": "\n"}

#: Letter + combining maddah/hamza (U+0653, U+0654, U+0655) -> the precomposed letter (the Unicode canonical
#: compositions within Arabic). Applied only inside one grapheme cluster, when the combining mark directly
#: follows the letter and tashkeel removal would otherwise delete it: the hamza is part of the letter, not
#: a diacritic.
HAMZA_COMPOSE: dict[tuple[str, str], str] = {
    ("\u0627", "\u0653"): "\u0622",  # alef + maddah above -> alef with madda
    ("\u0627", "\u0654"): "\u0623",  # alef + hamza above -> alef with hamza above
    ("\u0627", "\u0655"): "\u0625",  # alef + hamza below -> alef with hamza below
    ("\u0648", "\u0654"): "\u0624",  # waw + hamza above -> waw with hamza
    ("\u064A", "\u0654"): "\u0626",  # yeh + hamza above -> yeh with hamza
    ("\u0649", "\u0654"): "\u0626",  # alef maqsura (dotless yeh) + hamza above -> yeh with hamza
    ("\u06D5", "\u0654"): "\u06C0",  # ae + hamza above -> heh with yeh above
    ("\u06C1", "\u0654"): "\u06C2",  # heh goal + hamza above
    ("\u06D2", "\u0654"): "\u06D3",  # yeh barree + hamza above
}

#: Ligatures that expand to words (CAMeL Tools fixes these before Unicode normalisation): U+FDFD BISMILLAH
#: and U+FDFC RIAL SIGN. NFKC would give the vocalised spelled-out forms; akhbar writes bare letters.
WORD_LIGATURES: dict[str, str] = {
    "\uFDFD": "\u0628\u0633\u0645 \u0627\u0644\u0644\u0647 \u0627\u0644\u0631\u062D\u0645\u0646 "
              "\u0627\u0644\u0631\u062D\u064A\u0645",
    "\uFDFC": "\u0631\u064A\u0627\u0644",
    "\uFDFA": "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064A\u0647 \u0648\u0633\u0644\u0645",
    "\uFDFB": "\u062C\u0644 \u062C\u0644\u0627\u0644\u0647",
}


def _presentation_forms() -> dict[str, str]:
    """Map each Arabic presentation form (U+FB50-FDFF, U+FE70-FEFF) to its compatibility decomposition.

    Only characters whose decomposition tag is a positional/compat form are taken; the decomposition is
    applied once, to that character alone.
    """
    out: dict[str, str] = {}
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFEFF)):
        ch = chr(cp)
        dec = unicodedata.decomposition(ch)
        if not dec or not dec.startswith("<"):
            continue
        parts = dec.split()[1:]
        text = "".join(chr(int(p, 16)) for p in parts)
        # Isolated/medial forms of marks (U+FE70-FE7F, U+FC5E-FC63) decompose to space + mark: keep the mark
        # only, so that they vanish with the other tashkeel instead of leaving a space inside a word.
        if text.startswith(" ") and text[1:] and all(c in TASHKEEL for c in text[1:]):
            text = text[1:]
        out[ch] = text
    out.update(WORD_LIGATURES)
    return out


#: Presentation forms -> plain letters (may contain marks, e.g. U+FE72 -> space + dammatan; later rules
#: in the same table then delete the marks).
PRESENTATION_MAP: dict[str, str] = _presentation_forms()

#: Arabic punctuation kept as itself and classed as punctuation by the tokeniser: comma, semicolon,
#: question mark, full stop, date separator, star, ornate parentheses, triple dot punctuation.
ARABIC_PUNCT: frozenset[str] = frozenset("\u060C\u061B\u061F\u06D4\u060D\u066D\uFD3E\uFD3F\u061E\u06DD")

#: Sentence-final punctuation (Latin and Arabic): full stop, ! ?, Arabic question mark and full stop,
#: ellipsis.
SENTENCE_END: frozenset[str] = frozenset(".!?\u061F\u06D4\u2026")
