"""Arabic orthographic normalisation with an alignment back to the raw text.

One named function per rule (CAMeL Tools style: ``normalize_alef_ar``, ``dediac_ar``), each acting on single
characters, composed by :class:`NormaliseConfig`. Nothing here applies whole-string NFC/NFKC: NFC would merge
alef + U+0653 into U+0622 across what were separate characters, NFKC would split ligatures without
recording where they came from.

How it runs: the enabled rules are composed once per config into a per-character table (character ->
output string). The raw text is scanned with one compiled regex that finds only the units whose output is
not one character for one character (a letter with deleted marks, a deleted character, an expansion, an HTML
character reference); everything between those units goes through ``str.translate`` in C. See
:mod:`akhbar.align` for the alignment model.

Combining marks belong to the letter before them (one grapheme cluster). When tashkeel removal is on, a
combining maddah/hamza (U+0653-0655) directly after ا و ي ى ە ہ ے is not dropped but composed with that letter
(و + U+0654 -> ؤ), the one canonical composition done, and only inside the cluster
(:data:`akhbar.lang.ar_chars.HAMZA_COMPOSE`).

Default config (:data:`DEFAULT_CONFIG`) is for matching: tashkeel, tatweel, alef forms, alef maqsura -> yeh,
Persian look-alikes, presentation forms, digits to ASCII, invisible/bidi controls removed, spaces to one
ASCII space, line separators to ``\\n``, HTML character references decoded: ON. Teh marbuta -> heh and hamza
carriers (ؤ ئ) -> bare carrier: OFF.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache

from akhbar.align import Normalised
from akhbar.lang import ar_chars as C

__all__ = [
    "DEFAULT_CONFIG",
    "NormaliseConfig",
    "Normalised",
    "decode_html_references",
    "fold_alef",
    "fold_alef_maqsura",
    "fold_digits",
    "fold_hamza_carriers",
    "fold_line_breaks",
    "fold_persian",
    "fold_presentation_forms",
    "fold_spaces",
    "fold_teh_marbuta",
    "normalise",
    "normalise_text",
    "remove_invisible",
    "strip_tashkeel",
    "strip_tatweel",
]


def _table(mapping: dict[str, str]) -> dict[int, str]:
    return {ord(k): v for k, v in mapping.items()}


_T_TASHKEEL = _table({c: "" for c in C.TASHKEEL})
_T_TATWEEL = _table({C.TATWEEL: ""})
_T_ALEF = _table(C.ALEF_MAP)
_T_MAQSURA = _table(C.ALEF_MAQSURA_MAP)
_T_TEH = _table(C.TEH_MARBUTA_MAP)
_T_HAMZA = _table(C.HAMZA_CARRIER_MAP)
_T_PERSIAN = _table(C.PERSIAN_MAP)
_T_PRESENTATION = _table(C.PRESENTATION_MAP)
_T_DIGITS = _table(C.DIGIT_MAP)
_T_INVISIBLE = _table({c: "" for c in C.INVISIBLE})
_T_SPACES = _table({c: " " for c in C.SPACES})
_T_LINES = _table(C.LINE_BREAKS)

_HTML_REF = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_HTML_RE = re.compile(_HTML_REF)


def strip_tashkeel(s: str) -> str:
    """Delete tashkeel: harakat, tanween, shadda, sukun, superscript alef, Quranic and extended marks.

    Marks are listed in :data:`akhbar.lang.ar_chars.TASHKEEL_RANGES` (Unicode 15.1 Arabic blocks).

    >>> strip_tashkeel("مُحَمَّدٌ")
    'محمد'
    """
    return s.translate(_T_TASHKEEL)


def strip_tatweel(s: str) -> str:
    """Delete tatweel (kashida, U+0640).

    >>> strip_tatweel("جمـــيل")
    'جميل'
    """
    return s.translate(_T_TATWEEL)


def fold_alef(s: str) -> str:
    """Alef with hamza above/below (أ إ), with madda (آ), wasla (ٱ) and wavy-hamza forms -> bare alef ا.

    >>> fold_alef("إلى أين آخر")
    'الى اين اخر'
    """
    return s.translate(_T_ALEF)


def fold_alef_maqsura(s: str) -> str:
    """Alef maqsura ى -> yeh ي (the usual search-engine folding; Egyptian spelling writes ى for final ي).

    >>> fold_alef_maqsura("مستشفى")
    'مستشفي'
    """
    return s.translate(_T_MAQSURA)


def fold_teh_marbuta(s: str) -> str:
    """Teh marbuta ة -> heh ه (off by default: it merges feminine nouns with 3rd-person enclitics).

    >>> fold_teh_marbuta("مدرسة")
    'مدرسه'
    """
    return s.translate(_T_TEH)


def fold_hamza_carriers(s: str) -> str:
    """Hamza on waw ؤ -> و and hamza on yeh ئ -> ي (off by default).

    >>> fold_hamza_carriers("مسؤول رئيس")
    'مسوول رييس'
    """
    return s.translate(_T_HAMZA)


def fold_persian(s: str) -> str:
    """Persian/Urdu/Kurdish look-alike letters (ک ی ۀ ە ھ ...) -> the Arabic letters they imitate.

    >>> fold_persian("کتاب یوم")
    'كتاب يوم'
    """
    return s.translate(_T_PERSIAN)


def fold_presentation_forms(s: str) -> str:
    """Arabic presentation forms (U+FB50-FDFF, U+FE70-FEFF) -> plain letters, one character at a time.

    Uses each character's Unicode compatibility decomposition (lam-alef ligatures -> two letters); U+FDFD
    (bismillah), U+FDFC (rial sign), U+FDFA and U+FDFB expand to bare words (CAMeL Tools fixes these before
    NFKC for the same reason).

    >>> fold_presentation_forms("\\ufefb \\ufdfc")
    'لا ريال'
    """
    return s.translate(_T_PRESENTATION)


def fold_digits(s: str) -> str:
    """Arabic-Indic (٠-٩) and extended Arabic-Indic (۰-۹) digits -> ASCII; ٫ -> ``.``, ٬ -> ``,``, ٪ -> ``%``.

    >>> fold_digits("٣٫٥٪ و۱۲")
    '3.5% و12'
    """
    return s.translate(_T_DIGITS)


def remove_invisible(s: str) -> str:
    """Delete zero-width and bidi controls (U+200B-200F, U+202A-202E, U+2066-2069, U+061C, U+2060, U+FEFF)
    and the soft hyphen (U+00AD).

    >>> remove_invisible("م\\u200fصر")
    'مصر'
    """
    return s.translate(_T_INVISIBLE)


def fold_spaces(s: str) -> str:
    """NBSP, tab, en/em/thin and other space characters -> one ASCII space each (runs are not collapsed,
    so every raw space keeps its own position).

    >>> fold_spaces("a\\u00a0b\\tc")
    'a b c'
    """
    return s.translate(_T_SPACES)


def fold_line_breaks(s: str) -> str:
    """Carriage return, U+2028, U+2029 and U+0085 -> ``\\n`` (one for one; ``\\r\\n`` gives two).

    >>> fold_line_breaks("a\\r\\nb")
    'a\\n\\nb'
    """
    return s.translate(_T_LINES)


def decode_html_references(s: str) -> str:
    """Decode HTML character references (``&quot;``, ``&#8220;``, ``&#x627;``, ``&amp;``); each needs its ``;``.

    >>> decode_html_references("&quot;مصر&quot; &amp; &#1604;")
    '"مصر" & ل'
    """
    return _HTML_RE.sub(lambda m: html.unescape(m.group()), s)


@dataclass(frozen=True, slots=True)
class NormaliseConfig:
    """Which named rules :func:`normalise` applies (each a boolean; see the rule functions' docstrings).

    Defaults are for matching (gazetteers, lexicons, the date grammar); :data:`DEFAULT_CONFIG` is the
    instance every stage uses unless told otherwise.
    """

    html_references: bool = True
    presentation_forms: bool = True
    invisible: bool = True
    spaces: bool = True
    line_breaks: bool = True
    persian: bool = True
    alef: bool = True
    alef_maqsura: bool = True
    teh_marbuta: bool = False
    hamza_carriers: bool = False
    digits: bool = True
    tatweel: bool = True
    tashkeel: bool = True

    def replace(self, **changes: bool) -> NormaliseConfig:
        """A copy with some rules switched (``DEFAULT_CONFIG.replace(teh_marbuta=True)``).

        Raises:
            TypeError: an unknown rule name.

        >>> DEFAULT_CONFIG.replace(teh_marbuta=True).teh_marbuta
        True
        """
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for k, v in changes.items():
            if k not in values:
                raise TypeError(f"unknown normalisation rule {k!r}; known: {sorted(values)}")
            values[k] = v
        return NormaliseConfig(**values)


DEFAULT_CONFIG = NormaliseConfig()

#: Order in which per-character rules are composed (presentation forms first, so that the letters they
#: produce go through the letter rules; tashkeel last, so that marks produced by decompositions are removed).
_RULES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("presentation_forms", fold_presentation_forms),
    ("invisible", remove_invisible),
    ("spaces", fold_spaces),
    ("line_breaks", fold_line_breaks),
    ("persian", fold_persian),
    ("alef", fold_alef),
    ("alef_maqsura", fold_alef_maqsura),
    ("teh_marbuta", fold_teh_marbuta),
    ("hamza_carriers", fold_hamza_carriers),
    ("digits", fold_digits),
    ("tatweel", strip_tatweel),
    ("tashkeel", strip_tashkeel),
)

_DOMAIN: frozenset[str] = frozenset(
    list(C.PRESENTATION_MAP) + list(C.INVISIBLE) + list(C.SPACES) + list(C.LINE_BREAKS) + list(C.PERSIAN_MAP)
    + list(C.ALEF_MAP) + list(C.ALEF_MAQSURA_MAP) + list(C.TEH_MARBUTA_MAP) + list(C.HAMZA_CARRIER_MAP)
    + list(C.DIGIT_MAP) + [C.TATWEEL] + list(C.TASHKEEL)
)


def _char_class(chars: set[str] | frozenset[str]) -> str:
    """A regex character class body for ``chars`` (ranges compressed, everything escaped)."""
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        a, b = cps[i], cps[j]
        parts.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
        i = j + 1
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A config compiled for speed.

    ``table``: composed per-character map (only characters that change). ``irregular``: characters whose
    output is not exactly one character (deleted or expanded). ``attach``: deleted marks and tatweel, owned
    by the character before them. ``scan_re``: finds runs of irregular characters and every ``&``.
    ``fix_re``: finds runs of characters that change one for one (the fast ``translate`` path).
    ``all_re``: runs of any changing character (:func:`normalise_text`). ``compose_re``: letter + combining
    hamza/maddah pairs composed when tashkeel removal is on.
    ``keys``/``values``: the one-for-one part of ``table`` as lists, for Polars ``str.replace_many``.
    """

    table: dict[int, str]
    irregular: frozenset[str]
    attach: frozenset[str]
    scan_re: re.Pattern[str] | None
    fix_re: re.Pattern[str] | None
    all_re: re.Pattern[str] | None
    compose_re: re.Pattern[str] | None
    keys: list[str]
    values: list[str]
    html: bool


@lru_cache(maxsize=32)
def _plan(config: NormaliseConfig) -> _Plan:
    """Compose the enabled rules into one per-character table and the regexes that drive it."""
    rules = [fn for name, fn in _RULES if getattr(config, name)]
    table: dict[int, str] = {}
    for ch in _DOMAIN:
        out = ch
        for fn in rules:
            out = fn(out)
        if out != ch:
            table[ord(ch)] = out
    # the composed table must be idempotent: outputs are final (normalise relies on it)
    for v in table.values():
        if v.translate(table) != v:  # pragma: no cover - guards future rule edits
            raise AssertionError(f"normalisation table not idempotent on {v!r}")
    irregular = frozenset(chr(k) for k, v in table.items() if len(v) != 1)
    attach = frozenset(c for c in irregular if table[ord(c)] == "" and (c in C.TASHKEEL or c == C.TATWEEL))
    alts = [f"[{_char_class(irregular)}]+"] if irregular else []
    if config.html_references:
        alts.append("&")
    one_for_one = {chr(k): v for k, v in table.items() if len(v) == 1}
    return _Plan(
        table=table,
        irregular=irregular,
        attach=attach,
        scan_re=re.compile("|".join(alts)) if alts else None,
        fix_re=re.compile(f"[{_char_class(set(one_for_one))}]+") if one_for_one else None,
        all_re=re.compile(f"[{_char_class({chr(k) for k in table})}]+") if table else None,
        compose_re=re.compile("|".join(re.escape(b + m) for b, m in C.HAMZA_COMPOSE if m in attach))
        if any(m in attach for _, m in C.HAMZA_COMPOSE)
        else None,
        keys=list(one_for_one),
        values=list(one_for_one.values()),
        html=config.html_references,
    )


def _pre_normalise(raw: str, plan: _Plan) -> tuple[str, list[int], list[int], list[int], list[int]]:
    """Replace every irregular unit of ``raw`` by its final output and record the edits.

    Returns ``(pre, raw_starts, raw_ends, norm_starts, norm_ends)`` where ``pre`` still holds the regular
    characters untranslated (the one-for-one map is applied afterwards, to the whole string at once; that is
    safe because the composed table is idempotent). Units: an HTML character reference; a run of marks/tatweel
    (owned by the regular character before it when there is one); an irregular character with the marks
    after it.
    """
    rs: list[int] = []
    re_: list[int] = []
    ns: list[int] = []
    ne: list[int] = []
    scan = plan.scan_re
    if scan is None:
        return raw, rs, re_, ns, ne
    table = plan.table
    attach = plan.attach
    pieces: list[str] = []
    prev = 0  # raw position up to which pieces are emitted
    shift = 0  # len(norm) - len(raw) so far
    pos = 0
    n = len(raw)
    while pos < n:
        m = scan.search(raw, pos)
        if m is None:
            break
        a, b = m.span()
        run = m.group()
        if run == "&":
            e = _HTML_RE.match(raw, a)
            pos = a + 1
            if e is None:
                continue
            g = e.group()
            dec = html.unescape(g)
            if dec == g:
                continue
            b = e.end()
            out = dec.translate(table)
            if a > prev:
                pieces.append(raw[prev:a])
            pieces.append(out)
            rs.append(a)
            re_.append(b)
            ns.append(a + shift)
            shift += len(out) - (b - a)
            ne.append(b + shift)
            prev = pos = b
            continue
        pos = b
        # split the run into units: a new unit starts at every non-attach character
        i = 0
        k = len(run)
        while i < k:
            j = i + 1
            while j < k and run[j] in attach:
                j += 1
            ua, ub = a + i, a + j
            out = run[i:j].translate(table)
            if run[i] in attach and ua > prev:
                ua -= 1  # marks belong to the (regular) character before them
                # regular, so folded later with the rest of the one-for-one characters; a combining hamza or
                # maddah straight after it composes with it (و + U+0654 -> ؤ) instead of being dropped
                out = C.HAMZA_COMPOSE.get((raw[ua], run[i]), raw[ua])
            if ua > prev:
                pieces.append(raw[prev:ua])
            pieces.append(out)
            rs.append(ua)
            re_.append(ub)
            ns.append(ua + shift)
            shift += len(out) - (ub - ua)
            ne.append(ub + shift)
            prev = ub
            i = j
    if not rs:
        return raw, rs, re_, ns, ne
    if prev < n:
        pieces.append(raw[prev:])
    return "".join(pieces), rs, re_, ns, ne


def _translate_fast(s: str, plan: _Plan) -> str:
    """Apply the one-for-one part of the table (runs found by regex; ``str.translate`` only on those)."""
    fix = plan.fix_re
    if fix is None:
        return s
    table = plan.table
    return fix.sub(lambda m: m.group().translate(table), s)


def normalise(raw: str, config: NormaliseConfig = DEFAULT_CONFIG) -> Normalised:
    """Normalise ``raw`` and keep the alignment from every normalised character back to raw code points.

    Rules are applied per unit (a grapheme cluster of one base character plus its combining marks and
    tatweel, an HTML character reference, or one other character), never by whole-string Unicode
    normalisation. Deleted marks are owned by the letter they sit on, so a normalised letter maps back to the
    letter and its marks; deleted standalone characters map to nothing; an expanding character maps each
    output to itself.

    Args:
        raw: any text (code points; a ``str``, never bytes).
        config: which rules to apply; :data:`DEFAULT_CONFIG` if omitted.

    Returns:
        :class:`akhbar.align.Normalised` with ``raw`` unchanged and ``text`` normalised.

    Raises:
        TypeError: ``raw`` is not a ``str``.

    >>> n = normalise("وَصَلَ حَفْتَرُ")
    >>> n.text
    'وصل حفتر'
    >>> n.raw[slice(*n.to_raw_span(4, 8))]
    'حَفْتَرُ'
    """
    if not isinstance(raw, str):
        raise TypeError(f"normalise() needs str, got {type(raw).__name__}")
    plan = _plan(config)
    pre, rs, re_, ns, ne = _pre_normalise(raw, plan)
    text = _translate_fast(pre, plan)
    if not rs:
        return Normalised(raw, text)
    return Normalised(raw, text, rs, re_, ns, ne)


def normalise_text(s: str, config: NormaliseConfig = DEFAULT_CONFIG) -> str:
    """The normalised string only (no alignment): the fast path for lexicons, gazetteers and features.

    Always equal to ``normalise(s, config).text``.

    >>> normalise_text("الرَّئِيسُ إلى القاهرة")
    'الرئيس الي القاهرة'
    """
    plan = _plan(config)
    if plan.html and "&" in s:
        if plan.compose_re is not None:
            # a decoded reference must not compose with a combining hamza after it (normalise() keeps the
            # reference as its own unit): take the exact path for this rare case
            return _translate_fast(_pre_normalise(s, plan)[0], plan)
        s = decode_html_references(s)
    if plan.all_re is None:
        return s
    if plan.compose_re is not None and plan.compose_re.search(s):
        s = plan.compose_re.sub(lambda m: C.HAMZA_COMPOSE[(m.group()[0], m.group()[1])], s)
    table = plan.table
    return plan.all_re.sub(lambda m: m.group().translate(table), s)
