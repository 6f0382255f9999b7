"""Sentences, tokens (with kinds) and clitic segmentation, with every span in raw code points.

The tokeniser runs on the normalised text (:func:`akhbar.normalise.normalise`) with one compiled regex whose
named alternatives give the token kind, and maps each token back through the alignment, so tashkeel,
tatweel, ligatures and invisible characters never shift or split a token.

Token kinds (``Token.kind``): ``word`` (Arabic letters and their marks, and dotted Arabic abbreviations such
as د.ب.أ), ``number`` (ASCII or Arabic-Indic digits with ``.``/``,``/٫/٬ separators and an optional
percent sign), ``punct``, ``latin`` (Latin-script words and dotted initials), ``url``, ``email``, ``hashtag``
(``#شريف_منير``), ``mention`` (``@name``), ``emoji``, ``other`` (any other non-space character).

Sentences end at a line break of the source, or after sentence-final punctuation (. ! ? ؟ ۔ …) together with
any closing quotes or brackets that follow it. Numbers (3.5), URLs, e-mails and dotted abbreviations are
single tokens, so they never split a sentence; a full stop after a one-letter Arabic word (د. for doctor) does
not end one either.

Clitic segmentation: D3 family (Habash & Sadat 2006; see :mod:`akhbar.lang.ar_clitics`), surface letters
(``prefix + stem + suffix == norm``), lexicon-aware. Counts ``c(.)`` come from ``lang/ar_lexicon.tsv.gz``
(152k word forms counted by ``scripts/build_lexicon.py`` in the 57,895 articles of ``../shared/corpus/scale``).
Layers, outermost first:

1. conjunction و/ف: split when a hamzated alef follows in the raw word (وأضاف, فإن); otherwise only if the
   whole word is not itself a stem (its article/preposition forms, الوحدة, بفيصل, are rare: < 1/50 of it) and
   the remainder is seen at least 3 times and at least 1/5 as often as the whole (1x for a 2-letter
   remainder, 1/20 for an article-initial one: والسراج);
2. preposition ب/ك/ل, future س (before ي ت ن ا only), or ل + article written لل: the remainder must be seen
   at least as often as the whole (1/5 for س) and the whole must not be a stem by the same evidence;
3. article ال: split whenever the key starts with bare-alef ال and leaves 2+ letters, except the listed
   non-articles (الى, الذي, الله, ...); a raw أل/إل (إلغاء) is never the article;
4. one pronominal enclitic (ه ها هم هما هن ك كم كما نا), not after the article, only if the stem (or its
   teh-marbuta form: حكومت -> حكومة) is seen at least 1/5 as often as the whole (as often, for ك/كم/كما and
   for 2-letter stems) and, except for ه, the whole is not seen with the article (الاسهم).

Accuracy on hand-written cases (``lang/ar_segmentation_cases.tsv``): see the test and ``bench/bench_text.py``.

Two implementations give identical rows (tested on the whole dev corpus and by property tests):
:func:`tokenise` (per document, pure Python regex, returns :class:`Token` objects) and :func:`tokenise_frame`
(batch, Polars/numpy, returns a frame; about 3-4x faster per core).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import polars as pl

from akhbar.lang import ar_chars as C
from akhbar.lang import ar_clitics as K
from akhbar.caches import word_cache
from akhbar.normalise import (
    DEFAULT_CONFIG,
    NormaliseConfig,
    Normalised,
    _char_class,
    _plan,
    _pre_normalise,
    _translate_fast,
    fold_alef,
)

__all__ = [
    "document_runs",
    "TOKEN_FRAME_SCHEMA",
    "TOKEN_PATTERN",
    "Token",
    "frame_to_token_lists",
    "lexicon_count",
    "segment_word",
    "sentence_spans",
    "tokenise",
    "tokenise_frame",
    "tokenise_many",
    "tokenise_normalised",
    "tokens_to_frame",
]


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a document; all offsets are raw code points, half-open.

    Attributes:
        token_index: 0-based position in the document.
        sentence_index: 0-based sentence number in the document.
        start_char, end_char: raw span; ``raw[start_char:end_char] == text``.
        text: raw surface form (marks, tatweel and all).
        norm: normalised form (the config passed to :func:`tokenise`).
        kind: word, number, punct, latin, url, email, hashtag, mention, emoji or other.
        prefix, stem, suffix: normalised D3 clitic segmentation, ``prefix + stem + suffix == norm``;
            non-word tokens have ``prefix == suffix == ""`` and ``stem == norm``.
        stem_start, stem_end: raw span of the stem (includes the marks on its letters).
    """

    token_index: int
    sentence_index: int
    start_char: int
    end_char: int
    text: str
    norm: str
    kind: str
    prefix: str
    stem: str
    suffix: str
    stem_start: int
    stem_end: int


# --- character classes -----------------------------------------------------------------------------------
_L = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in C.LETTER_RANGES)
_M = _char_class(set(C.TASHKEEL) | {C.TATWEEL})
_LM = _L + _M
_D = "0-9\u0660-\u0669\u06f0-\u06f9"
_LAT = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
#: Whitespace, written out so that Python ``re`` and Rust ``regex`` (Polars) agree (``\\s`` differs on
#: U+001C-001F).
_WS_CHARS = sorted(set(" \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000")
                   | {chr(c) for c in range(0x2000, 0x200B)})
_WS = _char_class(set(_WS_CHARS))


def _punct_class() -> str:
    chars = set()
    for cp in range(0x10000):
        ch = chr(cp)
        if unicodedata.category(ch)[0] in "PS" and not (0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
                                                        or 0x2300 <= cp <= 0x23FF):
            chars.add(ch)
    return _char_class(chars | C.ARABIC_PUNCT)


_PUNCT = _punct_class()
_URL_STOP = _char_class(set("<>\"'“”«»"))
_URL_END_STOP = _char_class(set("<>\"'“”«».,;:!?)]،؛؟"))

#: The token grammar, as named alternatives tried left to right (leftmost-first in both Python ``re`` and
#: Rust ``regex``; no look-around, so Polars can run it). The group name gives the kind (see ``_KIND``).
TOKEN_PATTERN = (
    f"(?P<url>(?:https?://|ftp://|www\\.)[^{_WS}{_URL_STOP}]*[^{_WS}{_URL_END_STOP}])"
    f"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{{2,}})"
    f"|(?P<hashtag>#[{_LM}{_D}A-Za-z_]+)"
    f"|(?P<mention>@[{_LM}{_D}A-Za-z_]+)"
    f"|(?P<number>[{_D}]+(?:[.,\u066b\u066c][{_D}]+)*[%\u066a]?)"
    f"|(?P<abbr>[{_L}][{_M}]*(?:\\.[{_L}][{_M}]*)+)"
    f"|(?P<word>[{_LM}]+)"
    f"|(?P<latabbr>(?:[A-Za-z]\\.){{2,}})"
    f"|(?P<latin>[{_LAT}][{_LAT}0-9]*(?:['’][{_LAT}]+)*)"
    f"|(?P<emoji>[{_EMOJI}][\ufe0f\U0001f3fb-\U0001f3ff]*)"
    f"|(?P<punct>\\.{{2,}}|[{_PUNCT}])"
    f"|(?P<other>[^{_WS}])"
)
_TOKEN_RE = re.compile(TOKEN_PATTERN)

@lru_cache(maxsize=1)
def _first_char_kinds() -> dict[str, str]:
    """Kind of a token from its first character, for the kinds a first character decides (batch path)."""
    out: dict[str, str] = {}
    for name, cls in (("punct", _PUNCT), ("emoji", _EMOJI), ("latin", _LAT), ("word", _LM), ("number", _D)):
        rx = re.compile(f"[{cls}]")
        for cp in list(range(0x10000)) + list(range(0x1F000, 0x1FB00)):
            ch = chr(cp)
            if rx.match(ch):
                out[ch] = name
    return out


#: Leading whitespace, or a token with the whitespace after it: partitions any text completely (used by
#: the Polars batch path).
_PARTITION_PATTERN = f"[{_WS}]+|(?:{TOKEN_PATTERN})[{_WS}]*"
_WS_STRIP = "".join(_WS_CHARS)
_KIND = {"url": "url", "email": "email", "hashtag": "hashtag", "mention": "mention", "number": "number",
         "abbr": "word", "word": "word", "latabbr": "latin", "latin": "latin", "emoji": "emoji",
         "punct": "punct", "other": "other"}
_SENT_END = frozenset(C.SENTENCE_END)
_ERA_LETTERS = frozenset("مه")  # م (AD) and هـ (AH, tatweel removed) after a year
_CLOSERS = frozenset("\"'”’»)]}›\u201d\ufd3e\ufd3f")


# --- lexicon ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _lexicon() -> dict[str, int]:
    """Word-form counts from ``lang/ar_lexicon.tsv.gz`` (normalised with DEFAULT_CONFIG); loaded once."""
    ref = resources.files("akhbar.lang").joinpath("ar_lexicon.tsv.gz")
    with ref.open("rb") as fb:
        data = gzip.decompress(fb.read())
    table = pl.read_csv(data, separator="\t", has_header=False, comment_prefix="#", quote_char=None,
                        new_columns=["form", "count"], schema_overrides={"form": pl.String, "count": pl.Int64})
    return dict(zip(table.get_column("form").to_list(), table.get_column("count").to_list(), strict=True))


def lexicon_count(norm_word: str) -> int:
    """Corpus count of a normalised word form in the shipped lexicon (0 if unseen).

    Source: ``../shared/corpus/scale`` (57,895 articles), counted by ``scripts/build_lexicon.py``;
    forms seen fewer than 3 times are not stored.

    >>> lexicon_count("موسكو") > lexicon_count("وموسكو") > 0
    True
    """
    return _lexicon().get(norm_word, 0)


_SEG_CODES: dict[str, int] = {}  # key form -> 8 * prefix length + suffix length (batch path memo)
_SEG_MEMO_MAX = 500_000
_MIN_SUPPORT = 3  # a remainder seen fewer times than this is not a plausible word
_STRONG_RATIO = 0.05  # article-initial remainders: enough if seen 1/20 as often as the whole
_HAMZA_ALEF = frozenset("\u0623\u0625\u0622")  # أ إ آ
_STEM_EVIDENCE = 0.02  # _is_stem: article/preposition forms seen at least 1/50 as often as the bare form
_ENCLITIC_RATIO = 0.2  # stem + enclitic: the stem seen 1/5 as often as the whole is enough (نفسه, زميله)
_CONJ_RATIO = 0.2  # conjunction + 3-letter-or-longer remainder: enough if seen 1/5 as often as the whole


def _support(form: str, lex: dict[str, int]) -> int:
    """How often ``form`` occurs alone or with the article (normalised, alef-folded forms)."""
    n = lex.get(form, 0)
    if not form.startswith(K.ARTICLE):
        n += lex.get(K.ARTICLE + form, 0)
    return n


def _suffix_support(form: str, lex: dict[str, int]) -> int:
    """Support of a stem left by an enclitic; a final ت may be a teh marbuta before the enclitic."""
    n = _support(form, lex)
    if form.endswith("ت"):
        n += _support(form[:-1] + "ة", lex)
    return n


def _strong(rest_key: str, rest: str) -> bool:
    """True for remainders that begin with a bare-alef article (or preposition + article, or لل) and leave a
    stem of 2+ letters: after a proclitic these are almost never part of a stem. ``rest`` is ``rest_key``
    alef-folded (the lexicon's form)."""
    if rest_key.startswith(K.ARTICLE):
        return len(rest) >= 4 and rest not in K.AL_NOT_ARTICLE
    if rest_key[:1] in K.PREPOSITIONS and rest_key[1:3] == K.ARTICLE:
        return len(rest) >= 5 and rest[1:] not in K.AL_NOT_ARTICLE
    return rest_key.startswith(K.LAM_ARTICLE) and len(rest) >= 4 and rest != "لله"


def _plausible(rest_key: str, rest: str, whole: str, lex: dict[str, int], ratio: float = 1.0) -> bool:
    """Is it right to split one proclitic letter off ``whole`` leaving ``rest_key`` (folded: ``rest``)?

    The remainder must be seen at least ``_MIN_SUPPORT`` times (alone or with the article) and at least
    ``ratio`` times as often as the whole form; article-initial remainders need far less (``_STRONG_RATIO``).
    """
    s = _support(rest, lex)
    if _strong(rest_key, rest):
        cw = lex.get(whole, 0)
        return cw == 0 or s >= max(1.0, _STRONG_RATIO * cw)
    return s >= _MIN_SUPPORT and s >= ratio * lex.get(whole, 0)


def _is_stem(form: str, lex: dict[str, int], conj: bool) -> bool:
    """Corpus evidence that ``form`` (folded) is itself a stem, whatever its first or last letters look like.

    A stem takes the article and prepositions in front of it (الفكرة, بفيصل, للبنان, الاسهم), a word that
    already carries a proclitic or an enclitic does not (الوقال, بوقال and الكتابه are unseen). ``conj``
    also counts و/ف in front (وواحد, وفيصل): sound when the proclitic in question is itself و/ف, unsound for
    ب/ك/ل, because و + ل + X (ولكرة) is common.
    """
    ev = lex.get(K.ARTICLE + form, 0) + lex.get("ب" + form, 0) + lex.get("ك" + form, 0)
    if not form.startswith("ل"):  # ل + لX is written like ل + article + X (للفيروس): no evidence
        ev += lex.get("ل" + form, 0)
    if conj:
        ev += lex.get("و" + form, 0) + lex.get("ف" + form, 0)
    return ev >= _MIN_SUPPORT and ev >= _STEM_EVIDENCE * lex.get(form, 0)


@lru_cache(maxsize=1)
def _segment_table() -> dict[str, int]:
    """Precomputed codes (8 * prefix length + suffix length) of the lexicon forms that split, from
    ``lang/ar_lexicon_segments.tsv.gz`` (written by ``scripts/build_lexicon.py`` with :func:`_segment_rules`;
    a test checks that it is up to date). Lexicon forms absent from it do not split."""
    ref = resources.files("akhbar.lang").joinpath("ar_lexicon_segments.tsv.gz")
    try:
        with ref.open("rb") as fb:
            data = gzip.decompress(fb.read())
    except FileNotFoundError:
        return {}
    table = pl.read_csv(data, separator="\t", has_header=False, comment_prefix="#", quote_char=None,
                        new_columns=["form", "code"], schema_overrides={"form": pl.String, "code": pl.Int64})
    return dict(zip(table.get_column("form").to_list(), table.get_column("code").to_list(), strict=True))


@word_cache
def _segment_key(key: str) -> tuple[int, int]:
    """(prefix length, suffix length) for one word: the precomputed table for lexicon forms written without
    hamzated alef, :func:`_segment_rules` otherwise."""
    if "\u0671" in key:  # alef wasla is the article's (or a stem's) bare alef, never a hamza
        key = key.replace("\u0671", "\u0627")
    if key in _lexicon() and not _HAMZA_ALEF.intersection(key):
        code = _segment_table().get(key, 0)
        return code >> 3, code & 7
    return _segment_rules(key)


def _segment_rules(key: str) -> tuple[int, int]:
    """(prefix length, suffix length) for one word, computed from the rules and the lexicon counts.

    ``key`` is the normalised word but with hamzated alef forms kept (أ إ آ), so that a word beginning أل/إل
    is never read as carrying the article; it has the same length as the normalised word. ``f`` below is
    its alef-folded form (the lexicon's); folding is per character, so ``f[i:]`` folds ``key[i:]``.
    """
    lex = _lexicon()
    f = fold_alef(key)
    n = len(key)
    pos = 0
    article = False
    # layer 1: conjunction. News prose joins و/ف to verbs so often that وقال outnumbers قال: a remainder of
    # 3+ letters needs only _CONJ_RATIO of the whole form's count; a 2-letter remainder (ولي, وطن) must
    # outnumber it. A hamzated alef (أ إ آ) right after و/ف begins a word (وأضاف, فإن): seen at all is enough.
    if f in K.NEVER_SPLIT:
        return 0, 0
    if n >= 3 and key[0] in K.CONJUNCTIONS:
        if key[1] in _HAMZA_ALEF:
            if _support(f[1:], lex) >= _MIN_SUPPORT or not lex.get(f, 0):
                pos = 1
        elif not _is_stem(f, lex, conj=True) and _plausible(
            key[1:], f[1:], f, lex, _CONJ_RATIO if n >= 4 else 1.0
        ):
            pos = 1
    # layer 2: preposition / future particle / ل + article
    r = key[pos:]
    rf = f[pos:]
    if len(r) >= 3:
        if r.startswith(K.LAM_ARTICLE) and len(r) >= 4 and rf not in K.AL_NOT_ARTICLE:
            if _plausible(K.ARTICLE + r[2:], K.ARTICLE + rf[2:], rf, lex):
                pos += 2
                article = True
        elif r[0] in K.PREPOSITIONS:
            # a hamzated alef after the preposition begins a word (لأن, بأن): the counts alone decide, as
            # the folded form conflates (لان 'soft')
            if _plausible(r[1:], rf[1:], rf, lex) and (
                r[1] in _HAMZA_ALEF or _strong(r[1:], rf[1:]) or not _is_stem(rf, lex, conj=False)
            ):
                pos += 1
        elif r[0] == K.FUTURE and r[1] in K.IMPERFECT_PREFIXES and len(r) >= 4:
            # like و/ف, the future particle is so often written on the verb that سنواصل can outnumber نواصل
            if _plausible(r[1:], rf[1:], rf, lex, _CONJ_RATIO) and not _is_stem(rf, lex, conj=False):
                pos += 1
    # layer 3: article (bare alef in the key: أل/إل is never the article)
    if not article and key.startswith(K.ARTICLE, pos) and n - pos >= 4 and f[pos:] not in K.AL_NOT_ARTICLE:
        pos += 2
        article = True
    # enclitics (definite nouns take none). A form seen with the article is a bare stem, since the article
    # and an enclitic exclude each other (الاسهم) -- except for ه, where الزميله is only a misspelt الزميلة
    slen = 0
    if not article:
        stem = f[pos:]
        cs = lex.get(stem, 0)
        with_article = lex.get(K.ARTICLE + stem, 0) >= max(_MIN_SUPPORT, _STEM_EVIDENCE * cs)
        for suf in K.ENCLITICS:
            if with_article and suf != "ه":
                continue
            # 2nd-person ك is rare in news while final ك is common in short stems (بنك, ملك): 3+ letters
            min_stem = 3 if suf == "ك" else 2
            if len(stem) - len(suf) >= min_stem and stem.endswith(suf):
                sup = _suffix_support(stem[: -len(suf)], lex)
                # 3rd-person and نا enclitics on a 3+ letter stem need 1/5 of the whole form's count; the
                # 2nd-person ك forms (هناك, يشارك, مايك) and 2-letter stems (ابها) must outnumber it
                ratio = _ENCLITIC_RATIO if suf[0] != "ك" and len(stem) - len(suf) >= 3 else 1.0
                if sup >= _MIN_SUPPORT and sup >= ratio * cs:
                    slen = len(suf)
                    break
    return pos, slen


def segment_word(norm_word: str) -> tuple[str, str, str]:
    """Split one normalised Arabic word into (prefix, stem, suffix), D3 scheme, lexicon-aware.

    ``prefix`` concatenates the proclitics in order (conjunction و/ف, then preposition ب/ك/ل or future س,
    then the article ال, with ل + article written لل); ``suffix`` is one pronominal enclitic. A letter is
    split off only when the remainder is a plausible word by the corpus lexicon, so بلجيكا, لبنان, كتاب stay
    whole while وموسكو, ببرلين, لحفتر, والسراج split. ``prefix + stem + suffix == norm_word`` always. Words
    beginning with ال are read as carrying the article unless listed in ``AL_NOT_ARTICLE``; tokenise() also
    checks the raw hamza, which this function cannot see.

    Args:
        norm_word: a word normalised with DEFAULT_CONFIG (the lexicon's normalisation).

    Returns:
        ``(prefix, stem, suffix)``, each a normalised string; the stem is never empty for a non-empty input.

    >>> segment_word("والسراج"), segment_word("لبنان"), segment_word("حكومته")
    (('وال', 'سراج', ''), ('', 'لبنان', ''), ('', 'حكومت', 'ه'))
    """
    if not norm_word:
        return "", "", ""
    p, s = _segment_key(norm_word)
    return norm_word[:p], norm_word[p : len(norm_word) - s], norm_word[len(norm_word) - s :]


# --- tokenisation ----------------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def _key_config(config: NormaliseConfig) -> NormaliseConfig:
    """The config of the segmentation key: ``config`` with hamzated alef forms kept (same length)."""
    return config.replace(alef=False)


def _key_text(pre: str, text: str, config: NormaliseConfig) -> str:
    """The segmentation key of a whole document, aligned character for character with ``text``."""
    return _translate_fast(pre, _plan(_key_config(config))) if config.alef else text


def tokenise_normalised(n: Normalised, config: NormaliseConfig = DEFAULT_CONFIG) -> list[Token]:
    """Tokenise an already-normalised document (see :func:`tokenise`); ``config`` must be the one used.

    Segmentation (tuned on DEFAULT_CONFIG forms) is degraded, not broken, under other configs.

    >>> from akhbar.normalise import normalise
    >>> [t.stem for t in tokenise_normalised(normalise("وَمُوسْكُو"))]
    ['موسكو']
    """
    pre = _pre_normalise(n.raw, _plan(config))[0]
    return _tokenise(n, _key_text(pre, n.text, config))


def _tokenise(n: Normalised, key_text: str) -> list[Token]:
    """The per-document tokeniser. Raw offsets come from a pointer walking the alignment's edits in step with
    the tokens (same arithmetic as :meth:`Normalised.char_to_raw`, without a bisect per token)."""
    text = n.text
    raw = n.raw
    # edits with a sentinel (0, 0, 0, 0) in front: k is the last edit whose norm start <= position
    ns_l = [0, *n.norm_starts]
    ne_l = [0, *n.norm_ends]
    rs_l = [0, *n.raw_starts]
    re_l = [0, *n.raw_ends]
    last = len(ns_l) - 1
    k = 0
    out: list[Token] = []
    append = out.append
    sent = 0
    prev_end = 0
    pending_end = False  # the previous token closed a sentence (waiting for closers)
    prev_norm = ""
    prev_kind = ""
    prev2_kind = ""
    idx = 0
    for m in _TOKEN_RE.finditer(text):
        ns, ne = m.span()
        kind = _KIND[m.lastgroup]  # type: ignore[index]
        norm = m.group()
        if idx:
            if text.find("\n", prev_end, ns) != -1:
                sent += 1
                pending_end = False
            elif pending_end:
                if not (kind == "punct" and (norm in _CLOSERS or norm[0] in _SENT_END)):
                    sent += 1
                    pending_end = False
        if kind == "punct" and norm[0] in _SENT_END:
            # a full stop after a one-letter Arabic word is an abbreviation (د. = doctor)
            # unless it is the era letter after a year (2015م. 1436هـ.), which ends sentences
            if not (norm == "." and prev_kind == "word" and len(prev_norm) == 1 and ns == prev_end
                    and not (prev_norm in _ERA_LETTERS and prev2_kind == "number")):
                pending_end = True
        while k < last and ns_l[k + 1] <= ns:
            k += 1
        ks = k  # edit governing the first character
        rs = rs_l[k] if ns < ne_l[k] else re_l[k] + ns - ne_l[k]
        while k < last and ns_l[k + 1] <= ne - 1:
            k += 1
        re_ = re_l[k] if ne - 1 < ne_l[k] else re_l[k] + ne - ne_l[k]
        if kind == "word":
            p, s = _segment_key(key_text[ns:ne])
            if p or s:
                a, b = ns + p, ne - s  # normalised stem span, inside the token
                j = ks
                while j < last and ns_l[j + 1] <= a:
                    j += 1
                ss = rs_l[j] if a < ne_l[j] else re_l[j] + a - ne_l[j]
                while j < last and ns_l[j + 1] <= b - 1:
                    j += 1
                se = re_l[j] if b - 1 < ne_l[j] else re_l[j] + b - ne_l[j]
                append(Token(idx, sent, rs, re_, raw[rs:re_], norm, kind, norm[:p], norm[p:b - ns],
                             norm[b - ns:], ss, se))
            else:
                append(Token(idx, sent, rs, re_, raw[rs:re_], norm, kind, "", norm, "", rs, re_))
        else:
            append(Token(idx, sent, rs, re_, raw[rs:re_], norm, kind, "", norm, "", rs, re_))
        idx += 1
        prev_end = ne
        prev_norm = norm
        prev2_kind = prev_kind
        prev_kind = kind
    return out


def tokenise(raw: str, config: NormaliseConfig = DEFAULT_CONFIG) -> list[Token]:
    """Split a raw document into tokens with kinds, sentence numbers and clitic segmentation.

    Args:
        raw: the document text exactly as stored (``documents.raw_text``).
        config: normalisation used for ``Token.norm`` and matching; DEFAULT_CONFIG if omitted.

    Returns:
        Tokens in document order; for each, ``raw[t.start_char:t.end_char] == t.text`` and
        ``raw[t.stem_start:t.stem_end]`` is the stem's raw surface.

    Raises:
        TypeError: ``raw`` is not a ``str``.

    >>> [(t.norm, t.kind) for t in tokenise("قَالَ الرَّئِيسُ: ٣٫٥%")]
    [('قال', 'word'), ('الرئيس', 'word'), (':', 'punct'), ('3.5%', 'number')]
    """
    if not isinstance(raw, str):
        raise TypeError(f"tokenise() needs str, got {type(raw).__name__}")
    plan = _plan(config)
    pre, rs, re_, ns, ne = _pre_normalise(raw, plan)
    text = _translate_fast(pre, plan)
    n = Normalised(raw, text, rs, re_, ns, ne) if rs else Normalised(raw, text)
    return _tokenise(n, _key_text(pre, text, config))


def tokenise_many(raw_texts: list[str], config: NormaliseConfig = DEFAULT_CONFIG) -> list[list[Token]]:
    """:func:`tokenise` over a list of documents (shares the per-word segmentation cache).

    >>> [[t.norm for t in ts] for ts in tokenise_many(["قالَ", "ولبنان"])]
    [['قال'], ['ولبنان']]
    """
    return [tokenise(r, config) for r in raw_texts]


def sentence_spans(raw: str, config: NormaliseConfig = DEFAULT_CONFIG) -> list[tuple[int, int]]:
    """Raw spans ``[start, end)`` of the sentences of ``raw`` (first token start to last token end).

    Sentences with no token (blank lines) are not returned. Rules: see the module docstring.

    >>> raw = "وصل الوفد.\\nقال د. محمد إن النمو 3.5 في المئة."
    >>> [raw[a:b] for a, b in sentence_spans(raw)]
    ['وصل الوفد.', 'قال د. محمد إن النمو 3.5 في المئة.']
    """
    return _spans_from_tokens(tokenise(raw, config))


def _spans_from_tokens(tokens: list[Token]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur = -1
    for t in tokens:
        if t.sentence_index != cur:
            spans.append((t.start_char, t.end_char))
            cur = t.sentence_index
        else:
            spans[-1] = (spans[-1][0], t.end_char)
    return spans


TOKEN_FRAME_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "token_index": pl.Int32(),
    "sentence_index": pl.Int32(),
    "start_char": pl.Int32(),
    "end_char": pl.Int32(),
    "text": pl.String(),
    "norm": pl.String(),
    "kind": pl.String(),
    "prefix": pl.String(),
    "stem": pl.String(),
    "suffix": pl.String(),
    "stem_start": pl.Int32(),
    "stem_end": pl.Int32(),
}


def tokenise_frame(docs: pl.DataFrame, config: NormaliseConfig = DEFAULT_CONFIG) -> pl.DataFrame:
    """Tokenise a batch of documents into one row per token (the ``tokens`` table minus run columns).

    Vectorised: per document, Python only finds the irregular units (marks, ligatures, references, see
    :func:`akhbar.normalise.normalise`); the one-for-one folding (Polars ``str.replace_many``), the token
    regex (Polars ``str.extract_all``), kinds, sentence numbers and the raw-offset mapping (numpy
    ``searchsorted`` over the edits of the whole batch) run in Rust/C. Clitic segmentation runs once per
    distinct word form (cached across batches). Gives the same rows as :func:`tokenise` on each document
    (tested on the whole dev corpus).

    Args:
        docs: frame with columns ``doc_id`` (String) and ``raw_text`` (String); other columns are ignored.
            A null ``raw_text`` gives no tokens.
        config: normalisation config; DEFAULT_CONFIG if omitted.

    Returns:
        Frame with columns, in order, :data:`TOKEN_FRAME_SCHEMA`: doc_id, token_index, sentence_index,
        start_char, end_char (raw code points), text, norm, kind, prefix, stem, suffix, stem_start, stem_end.

    Raises:
        KeyError: ``doc_id`` or ``raw_text`` is missing.

    >>> f = tokenise_frame(pl.DataFrame({"doc_id": ["a"], "raw_text": ["وصل حفتر"]}))
    >>> f.select("token_index", "norm").rows()
    [(0, 'وصل'), (1, 'حفتر')]
    """
    for col in ("doc_id", "raw_text"):
        if col not in docs.columns:
            raise KeyError(f"tokenise_frame needs column {col!r}; got {docs.columns}")
    src = docs.select(pl.col("doc_id").cast(pl.String), pl.col("raw_text").cast(pl.String)).filter(
        pl.col("raw_text").is_not_null()
    )
    if src.height == 0:
        return pl.DataFrame(schema=TOKEN_FRAME_SCHEMA)
    plan = _plan(config)
    kplan = _plan(_key_config(config)) if config.alef else plan
    _first_char_kinds()
    raws = src.get_column("raw_text").to_list()
    pres: list[str] = []
    g_rs: list[int] = [0]
    g_re: list[int] = [0]
    g_ns: list[int] = [0]
    g_ne: list[int] = [0]
    raw_off = 0
    norm_off = 0
    raw_offs: list[int] = []
    for raw in raws:
        pre, rs, re_, ns, ne = _pre_normalise(raw, plan)
        pres.append(pre)
        raw_offs.append(raw_off)
        if rs:
            g_rs.extend([x + raw_off for x in rs])
            g_re.extend([x + raw_off for x in re_])
            g_ns.extend([x + norm_off for x in ns])
            g_ne.extend([x + norm_off for x in ne])
        raw_off += len(raw)
        norm_off += len(pre)  # one-for-one folding keeps lengths
    # One regex pass, over the segmentation key (hamzated alef kept); the normalised pieces differ from the
    # key pieces only by the one-for-one alef folding, which keeps the partition and every length.
    alef_keys = [k for k, v in zip(plan.keys, plan.values, strict=True) if k in C.ALEF_MAP and v == C.ALEF_MAP[k]]
    frame = src.with_columns(pl.Series("pre", pres, dtype=pl.String)).with_columns(
        key=pl.col("pre").str.replace_many(kplan.keys, kplan.values) if kplan.keys else pl.col("pre"),
        d=pl.int_range(pl.len(), dtype=pl.Int64),
    )
    fold_key = (
        pl.col("kpiece").str.replace_many(alef_keys, [C.ALEF_MAP[k] for k in alef_keys])
        if config.alef and alef_keys
        else pl.col("kpiece")
    )
    # Each piece is a token with the whitespace after it (or the whitespace that opens a document), so the
    # pieces partition every document; documents are concatenated in order, so a running sum of piece
    # lengths over the whole batch gives positions in the concatenated normalised text (the edits' frame).
    pieces = (
        frame.select("d", full=pl.col("key").str.extract_all(_PARTITION_PATTERN))
        .explode("full")
        .filter(pl.col("full").is_not_null())
        .with_columns(flen=pl.col("full").str.len_chars().cast(pl.Int64))
        .with_columns(
            g_start=pl.col("flen").cum_sum() - pl.col("flen"),
            nl_before=(
                pl.col("full").shift(1).str.contains("\n", literal=True) & (pl.col("d").shift(1) == pl.col("d"))
            ).fill_null(False),
            kpiece=pl.col("full").str.strip_chars_end(_WS_STRIP),
        )
        .filter(pl.col("kpiece") != "")
        .with_columns(
            piece=fold_key,
            plen=pl.col("kpiece").str.len_chars().cast(pl.Int64),
            first=pl.col("kpiece").str.slice(0, 1),
        )
        .with_columns(g_end=pl.col("g_start") + pl.col("plen"))
    )
    kind_map = _first_char_kinds()
    toks = pieces.with_columns(
        kind=pl.when(pl.col("piece").str.contains("^(?:https?://|ftp://|www\\.)"))
        .then(pl.lit("url"))
        .when((pl.col("first") == "#") & (pl.col("plen") > 1))
        .then(pl.lit("hashtag"))
        .when((pl.col("first") == "@") & (pl.col("plen") > 1))
        .then(pl.lit("mention"))
        .when(pl.col("piece").str.contains("@", literal=True) & (pl.col("plen") > 1))
        .then(pl.lit("email"))
        .otherwise(pl.col("first").replace_strict(kind_map, default="other", return_dtype=pl.String)),
    ).with_columns(
        end_punct=(pl.col("kind") == "punct") & pl.col("first").is_in(list(_SENT_END)),
        closer=(pl.col("kind") == "punct") & pl.col("piece").is_in(list(_CLOSERS)),
    )
    n = toks.height
    d = toks.get_column("d").to_numpy()
    plen = toks.get_column("plen").to_numpy()
    g_end = toks.get_column("g_end").to_numpy()
    g_start = toks.get_column("g_start").to_numpy()
    rows = np.arange(n, dtype=np.int64)
    new_doc = np.ones(n, dtype=bool)
    new_doc[1:] = d[1:] != d[:-1]
    doc_first = np.maximum.accumulate(np.where(new_doc, rows, 0))
    token_index = rows - doc_first
    is_word = (toks.get_column("kind") == "word").to_numpy()
    # sentences (same rules as tokenise_normalised): a break before token i when a line break precedes
    # it, or when the run of closers/end marks just before it holds a sentence end
    is_dot = (toks.get_column("piece") == ".").to_numpy()
    prev_word1 = np.zeros(n, dtype=bool)
    prev_word1[1:] = is_word[:-1] & (plen[:-1] == 1) & (g_end[:-1] == g_start[1:]) & ~new_doc[1:]
    era = toks.get_column("piece").is_in(list(_ERA_LETTERS)).to_numpy()
    is_number = (toks.get_column("kind") == "number").to_numpy()
    prev_era_after_number = np.zeros(n, dtype=bool)
    prev_era_after_number[2:] = era[1:-1] & is_number[:-2] & ~new_doc[1:-1]
    prev_word1 &= ~prev_era_after_number
    e = toks.get_column("end_punct").to_numpy() & ~(is_dot & prev_word1)
    c = toks.get_column("end_punct").to_numpy() | toks.get_column("closer").to_numpy()
    nl_before = toks.get_column("nl_before").to_numpy() & ~new_doc
    starts = ~c | nl_before | new_doc
    seg_first = np.maximum.accumulate(np.where(starts, rows, 0))
    ce = np.cumsum(e, dtype=np.int64)
    base = np.where(seg_first > 0, ce[np.maximum(seg_first - 1, 0)], 0)
    pending = (ce - base) > 0
    prev_pending = np.zeros(n, dtype=bool)
    prev_pending[1:] = pending[:-1]
    brk = (nl_before | (~c & prev_pending)) & ~new_doc
    cs = np.cumsum(brk, dtype=np.int64)
    sentence_index = cs - cs[doc_first]

    # clitic segmentation of word tokens; code = 8 * prefix length + suffix length, memoised per key form
    word_rows = np.flatnonzero(is_word)
    memo = _SEG_CODES
    get = memo.get
    keys_w = toks.get_column("kpiece").gather(word_rows).to_list()
    codes_w = [get(k) for k in keys_w]
    for j, v in enumerate(codes_w):
        if v is None:
            p, sfx = _segment_key(keys_w[j])
            v = codes_w[j] = 8 * p + sfx
            if len(memo) < _SEG_MEMO_MAX:
                memo[keys_w[j]] = v
    code = np.zeros(n, dtype=np.int64)
    code[word_rows] = np.asarray(codes_w, dtype=np.int64)
    p_len = code >> 3
    s_len = code & 7

    # raw offsets: vectorised Normalised.char_to_raw over the edits of the whole batch
    ns_a = np.asarray(g_ns, dtype=np.int64)
    ne_a = np.asarray(g_ne, dtype=np.int64)
    rs_a = np.asarray(g_rs, dtype=np.int64)
    re_a = np.asarray(g_re, dtype=np.int64)

    def char_start(pos: np.ndarray) -> np.ndarray:
        k = np.searchsorted(ns_a, pos, side="right") - 1
        return np.where(pos < ne_a[k], rs_a[k], re_a[k] + (pos - ne_a[k]))

    def char_end(pos: np.ndarray) -> np.ndarray:
        k = np.searchsorted(ns_a, pos, side="right") - 1
        return np.where(pos < ne_a[k], re_a[k], re_a[k] + (pos - ne_a[k]) + 1)

    roff = np.asarray(raw_offs, dtype=np.int64)[d]
    start = char_start(g_start) - roff
    end = char_end(g_end - 1) - roff
    stem_start = start.copy()
    stem_end = end.copy()
    segd = np.flatnonzero(code)
    if segd.size:
        stem_start[segd] = char_start(g_start[segd] + p_len[segd]) - roff[segd]
        stem_end[segd] = char_end(g_end[segd] - s_len[segd] - 1) - roff[segd]
    toks = toks.with_columns(
        doc_id=src.get_column("doc_id").gather(pl.Series(d)),
        token_index=pl.Series(token_index, dtype=pl.Int32),
        sentence_index=pl.Series(sentence_index, dtype=pl.Int32),
        start_char=pl.Series(start, dtype=pl.Int32),
        end_char=pl.Series(end, dtype=pl.Int32),
        text=src.get_column("raw_text").gather(pl.Series(d)).str.slice(pl.Series(start), pl.Series(end - start)),
        p=pl.Series(p_len, dtype=pl.Int64),
        s=pl.Series(s_len, dtype=pl.Int64),
        stem_start=pl.Series(stem_start, dtype=pl.Int32),
        stem_end=pl.Series(stem_end, dtype=pl.Int32),
    )
    return toks.select(
        "doc_id",
        "token_index",
        "sentence_index",
        "start_char",
        "end_char",
        "text",
        pl.col("piece").alias("norm"),
        "kind",
        pl.col("piece").str.slice(0, pl.col("p")).alias("prefix"),
        pl.col("piece").str.slice(pl.col("p"), pl.col("plen") - pl.col("p") - pl.col("s")).alias("stem"),
        pl.col("piece").str.slice(pl.col("plen") - pl.col("s")).alias("suffix"),
        "stem_start",
        "stem_end",
    )


def tokens_to_frame(doc_id: str, tokens: list[Token]) -> pl.DataFrame:
    """Rows of :data:`TOKEN_FRAME_SCHEMA` for one document's :class:`Token` list (reference path).

    >>> tokens_to_frame("d1", tokenise("ببرلين")).select("doc_id", "prefix", "stem").rows()
    [('d1', 'ب', 'برلين')]
    """
    cols: dict[str, list] = {k: [] for k in TOKEN_FRAME_SCHEMA}
    cols["doc_id"] = [doc_id] * len(tokens)
    for name in list(TOKEN_FRAME_SCHEMA)[1:]:
        cols[name] = [getattr(t, name) for t in tokens]
    return pl.DataFrame(cols, schema=TOKEN_FRAME_SCHEMA)


def frame_to_token_lists(tokens: pl.DataFrame) -> dict[str, list[Token]]:
    """Group a :func:`tokenise_frame` result back into :class:`Token` lists, one per ``doc_id``.

    Rows of one document must be contiguous and in ``token_index`` order (as ``tokenise_frame`` returns
    them). Builds each Token positionally (no per-row dict), the cheapest way to feed per-document consumers
    (the recogniser) from the batch path.

    Args:
        tokens: frame with the :data:`TOKEN_FRAME_SCHEMA` columns (extra columns are ignored).

    Returns:
        ``{doc_id: [Token, ...]}`` in first-seen document order.

    Raises:
        KeyError: a column of :data:`TOKEN_FRAME_SCHEMA` is missing.

    >>> f = tokenise_frame(pl.DataFrame({"doc_id": ["a", "b"], "raw_text": ["وصل حفتر", "نعم"]}))
    >>> {k: [t.norm for t in v] for k, v in frame_to_token_lists(f).items()}
    {'a': ['وصل', 'حفتر'], 'b': ['نعم']}
    """
    missing = [c for c in TOKEN_FRAME_SCHEMA if c not in tokens.columns]
    if missing:
        raise KeyError(f"frame_to_token_lists needs columns {missing}")
    out: dict[str, list[Token]] = {}
    if tokens.height == 0:
        return out
    rows = tokens.select(list(TOKEN_FRAME_SCHEMA)[1:]).rows()
    make = Token
    for doc, a, b in document_runs(tokens):
        out.setdefault(doc, []).extend([make(*r) for r in rows[a:b]])
    return out


def document_runs(frame: pl.DataFrame) -> list[tuple[str, int, int]]:
    """The runs of equal ``doc_id`` in a frame, in row order: ``(doc_id, start_row, end_row)``, end exclusive.

    >>> document_runs(pl.DataFrame({"doc_id": ["a", "a", "b"]}))
    [('a', 0, 2), ('b', 2, 3)]
    """
    if frame.height == 0:
        return []
    id_col = frame.get_column("doc_id")
    change = (id_col != id_col.shift(1)).fill_null(True).to_numpy()
    bounds = np.flatnonzero(change).tolist() + [frame.height]
    ids = id_col.gather(bounds[:-1]).to_list()
    return list(zip(ids, bounds[:-1], bounds[1:], strict=True))
