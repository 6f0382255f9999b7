"""Byte-level checks and encoding detection for raw input (part of :mod:`akhbar.sources`).

Order of decisions for one input's bytes (a whole file, or the first block of a streamed one):

1. A byte-order mark decides: UTF-8 (``utf-8-sig``), UTF-16 LE/BE, UTF-32 LE/BE.
2. Known binary signatures (PNG, JPEG, GIF, PDF, ELF, ...) and NUL bytes mean ``binary``
   (BOM-less UTF-16 is accepted only when it decodes to plausible Arabic).
3. Strict UTF-8 is tried first: valid UTF-8 of non-trivial length is almost never another encoding.
4. Otherwise the Arabic code pages Windows-1256 and ISO-8859-6 and charset-normalizer's best guess are
   decoded strictly and scored by :func:`arabic_score` (with a penalty for Latin letters inside Arabic
   words); the best one wins if it reads as Arabic. Non-UTF-8 text that does not read as Arabic is
   refused (``undecodable``): it cannot be told from mojibake with confidence.
5. Whatever was chosen is checked by :func:`mojibake_kind` (UTF-8 Arabic that was once decoded as
   Windows-1252/Latin-1 or Windows-1256 and saved again, e.g. ``Ø§Ù„`` or ``ط§ظ„`` for ``ال``) and by
   :func:`garbage_ratio` (control, unassigned and private-use code points); such text is refused, never
   loaded.

Encodings are reported by Python codec names in lower case with hyphens: ``utf-8``, ``utf-8-sig``,
``utf-16-le``, ``utf-16-be``, ``utf-32-le``, ``utf-32-be``, ``cp1256``, ``iso8859-6`` (or another
Arabic code page charset-normalizer proposes, such as ``cp864`` or ``cp720``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import regex

__all__ = [
    "DecodeRefused",
    "Decoded",
    "arabic_score",
    "binary_signature",
    "decode_bytes",
    "detect_bom",
    "garbage_ratio",
    "guess_language",
    "mojibake_kind",
    "not_text",
]

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: File signatures ("magic numbers") of common binary formats that turn up misnamed as text.
#: Source: each format's specification (PNG 1.2 section 3.1, JFIF, GIF89a, PDF 1.7 section 7.5.2, ELF,
#: ZIP APPNOTE 4.3.7 (handled as an archive before this check), gzip RFC 1952 (likewise)).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"RIFF", "RIFF media (WAV/AVI/WebP)"),
    (b"\x00\x00\x00\x18ftyp", "MP4/MOV media"),
    (b"\x00\x00\x00\x20ftyp", "MP4/MOV media"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 (legacy MS Office) document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"PAR1", "Parquet file"),
)

#: Very frequent Arabic function words (by any frequency list of Modern Standard Arabic news text,
#: e.g. the Arabic Gigaword counts reported by Parkinson 2013). Used only to score decodings.
_FUNCTION_WORDS = frozenset(
    "في من على إلى الى أن ان عن مع التي الذي هذا هذه كان قد لا ما بين أو او بعد قبل حتى كما وفي ومن"
    " وعلى وأن ذلك تلك لم لن عند منذ خلال إن كل".split()
)

_ARABIC_WORD = regex.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_ARABIC_LETTER = regex.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]")
_ANY_LETTER = regex.compile(r"\p{L}")
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_LATIN1_LETTER = regex.compile(r"[\u00C0-\u00FF]")
#: Code points no real text contains: controls other than TAB, LF, VT, FF, CR; unassigned; private use;
#: surrogates; U+FFFD REPLACEMENT CHARACTER.
_GARBAGE = regex.compile(r"[[\p{Cc}\p{Cn}\p{Co}\p{Cs}\uFFFD]--[\t\n\x0b\x0c\r]]", regex.V1)

#: Characters that Windows-1252 (and Latin-1) shows for the continuation bytes 0x80-0xBF of UTF-8.
_CP1252_CONT = (
    "\u0080-\u00BF\u20AC\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u017D"
    "\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u017E\u0178"
)
#: Characters that Windows-1256 shows for the bytes 0x80-0xBF.
_CP1256_CONT = bytes(range(0x80, 0xC0)).decode("cp1256")
_MOJIBAKE_LATIN = regex.compile(f"[\u00D8\u00D9\u00DA\u00DB][{_CP1252_CONT}]")
_MOJIBAKE_CP1256 = regex.compile(f"[\u0637\u0638][{regex.escape(_CP1256_CONT)}]")

#: Code points examined by the text checks (the whole of any normal article).
SAMPLE_CHARS = _SAMPLE_CHARS = 200_000


class DecodeRefused(Exception):
    """Raised by :func:`decode_bytes` when the bytes are not text that can be loaded.

    Attributes:
        reason: a code of :data:`akhbar.sources.REJECT_REASONS` (binary, undecodable, mojibake).
        detail: a human-readable explanation.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the codec that produced it.

    Attributes:
        text: the decoded text, byte-order mark removed.
        encoding: codec name as stored in ``documents.encoding``.
        bom_bytes: length of the byte-order mark that was skipped (0 when none).
    """

    text: str
    encoding: str
    bom_bytes: int = 0


def detect_bom(data: bytes) -> tuple[str, int] | None:
    """The encoding announced by a byte-order mark at the start of ``data``, and the mark's length.

    >>> detect_bom(b"\\xef\\xbb\\xbfabc")
    ('utf-8-sig', 3)
    >>> detect_bom(b"abc") is None
    True
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def binary_signature(data: bytes) -> str | None:
    """Name of the binary format whose signature starts ``data``, else None.

    >>> binary_signature(b"\\x89PNG\\r\\n\\x1a\\n....")
    'PNG image'
    """
    for sig, name in _SIGNATURES:
        if data.startswith(sig):
            return name
    return None


def arabic_score(text: str) -> float:
    """How much ``text`` reads like real Arabic, in [0, 1]; 0.0 when it has fewer than 3 Arabic words.

    The share of Arabic-script words (in the first 200,000 code points) that are very frequent function
    words or carry the definite article ``ال`` (or ``وال``, ``بال``, ``لل``, ``فال``). Genuine news text
    scores about 0.4-0.6; ISO-8859-6 bytes read as Windows-1256 score about 0.1 (the two code pages agree
    on the letters 0xC1-0xD6 only, and ``ل`` is 0xE1 in one, 0xE4 in the other), and the decoder's
    plausibility test then zeroes them for the Latin letters (``è``, ``ç``, ``â``) inside Arabic words.

    >>> arabic_score("ذهب الوزير إلى القاهرة في زيارة رسمية") > 0.4
    True
    """
    words = _ARABIC_WORD.findall(text[:_SAMPLE_CHARS])
    if len(words) < 3:
        return 0.0
    hits = sum(1 for w in words if w in _FUNCTION_WORDS or w.startswith(("ال", "وال", "بال", "لل", "فال")))
    return hits / len(words)


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if b not in _ASCII_LETTERS)
_LEAD_BYTES = bytes(range(0xC0, 0x100))
_NOT_LEAD_BYTES = bytes(range(0xC0))


def guess_language(text: str) -> str:
    """``"ar"`` when Arabic script makes up at least half of the text's letters, else ``"und"`` (BCP 47
    undetermined).

    Counted on the UTF-8 bytes of the first 200,000 code points, at C speed: Arabic-block characters
    (U+0600-U+06FF, lead bytes 0xD8-0xDB; this includes Arabic punctuation, digits and tashkeel),
    ASCII letters, and every other non-ASCII character (its lead byte).

    >>> guess_language("قال الوزير إن Apple ستفتح متجراً")
    'ar'
    >>> guess_language("12345")
    'und'
    """
    b = text[:_SAMPLE_CHARS].encode("utf-8", "surrogatepass")
    arabic = b.count(0xD8) + b.count(0xD9) + b.count(0xDA) + b.count(0xDB)
    ascii_letters = len(b.translate(None, _NOT_ASCII_LETTERS))
    other = len(b.translate(None, _NOT_LEAD_BYTES)) - arabic
    total = arabic + ascii_letters + other
    if total == 0 or arabic * 2 < total:
        return "und"
    return "ar"


def garbage_ratio(text: str) -> float:
    """Share of code points (in the first 200,000) that no real text contains: C0/C1 controls other than
    tab, line feed, vertical tab, form feed and carriage return, unassigned code points, private-use
    code points, surrogates and U+FFFD REPLACEMENT CHARACTER.

    >>> garbage_ratio("نص عادي\\n")
    0.0
    """
    sample = text[:_SAMPLE_CHARS]
    if not sample:
        return 0.0
    if "".join(sample.split()).isprintable():  # fast path: no control, format, unassigned, private use
        return 0.0
    return len(_GARBAGE.findall(sample)) / len(sample)


def mojibake_kind(text: str) -> str | None:
    """Name the mis-decoding ``text`` shows, or None when it looks clean.

    Detects UTF-8 Arabic that was decoded once as Windows-1252/Latin-1 (``Ø§Ù„`` for ``ال``) or as
    Windows-1256 (``ط§ظ„``) and saved again. The test is a density, not a single match: at least 8
    lead-byte/continuation pairs and they make up at least 20 % of the letters, so a genuine word ending
    in ``ط`` before a comma (``فقط،``) does not trigger it.

    Returns:
        ``"utf-8 read as cp1252"``, ``"utf-8 read as cp1256"`` or None.

    >>> mojibake_kind("Ø§Ù„Ø¹Ø±Ø¨ÙŠØ© Ø§Ù„Ø¹Ø±Ø¨ÙŠØ© Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©")
    'utf-8 read as cp1252'
    >>> mojibake_kind("ذهب الوزير فقط، إلى القاهرة") is None
    True
    """
    sample = text[:_SAMPLE_CHARS]
    n = len(sample) or 1
    # Cheap gates first (str.count runs at C speed): mojibake needs many lead-byte look-alikes.
    leads_latin = sample.count("\u00D8") + sample.count("\u00D9") + sample.count("\u00DA") + sample.count("\u00DB")
    leads_1256 = sample.count("\u0637") + sample.count("\u0638")
    if leads_latin < 8 and leads_1256 < 8:
        return None
    if leads_latin / n < 0.04 and leads_1256 / n < 0.04:
        return None
    letters = len(_ANY_LETTER.findall(sample)) or 1
    latin = len(_MOJIBAKE_LATIN.findall(sample))
    if latin >= 8 and 2 * latin / letters >= 0.2:
        return "utf-8 read as cp1252"
    cp1256 = len(_MOJIBAKE_CP1256.findall(sample))
    if cp1256 >= 8 and 2 * cp1256 / letters >= 0.2:
        return "utf-8 read as cp1256"
    return None


def _strict(data: bytes, encoding: str, final: bool) -> str | None:
    """Decode strictly; with ``final=False`` a multi-byte sequence cut at the end is tolerated."""
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return None


def _canonical_name(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        return name.lower().replace("_", "-")
    canon = info.name.replace("_", "-")
    return {"iso8859-6": "iso8859-6", "windows-1256": "cp1256", "cp1256": "cp1256"}.get(canon, canon)


def not_text(text: str) -> str | None:
    """Why ``text`` is not text worth loading, or None when it is.

    Refused: over 10 % of its code points are garbage (see :func:`garbage_ratio`), or over 1 % while it
    does not read as Arabic (:func:`arabic_score` below 0.2). Real articles may carry a few stray
    controls and must still load: SaudiNewsNet has articles whose paragraphs start with U+001A SUBSTITUTE
    (1.2 % of the code points of ``saudinewsnet_2015.jsonl.gz`` line 8507).

    >>> not_text("نص عادي في القاهرة\x1a مع رمز تحكم واحد في الخبر") is None
    True
    """
    ratio = garbage_ratio(text)
    if ratio <= 0.01:
        return None
    if ratio <= 0.10 and arabic_score(text) >= 0.2:
        return None
    return (f"{ratio:.1%} of its code points are control, unassigned or private-use characters"
            f"{'' if ratio > 0.10 else ' and it does not read as Arabic'}; it is not text")


def _check_text(text: str, encoding: str, what: str) -> None:
    why = not_text(text)
    if why is not None:
        raise DecodeRefused(
            "binary" if encoding.startswith("utf-8") else "undecodable", f"{what} decodes as {encoding} but {why}"
        )
    kind = mojibake_kind(text)
    if kind is not None:
        raise DecodeRefused(
            "mojibake",
            f"{what} decodes as {encoding} but shows {kind} (text like 'Ø§Ù„' or 'ط§ظ„' for 'ال'); "
            "re-save it from the original UTF-8 source",
        )


def decode_bytes(data: bytes, *, final: bool = True, what: str = "the input") -> Decoded:
    """Detect the encoding of ``data`` and decode it strictly.

    Args:
        data: the bytes of a whole input, or (``final=False``) its first block.
        final: False when ``data`` is only a prefix; a multi-byte sequence cut at its end is then allowed
            and the returned text stops before it.
        what: how to name the input in refusal details.

    Returns:
        A :class:`Decoded` (text without the byte-order mark, the codec name, the mark's length).

    Raises:
        DecodeRefused: reason ``empty`` (no bytes), ``binary`` (a binary signature, NUL bytes, or control
            and unassigned code points), ``undecodable`` (no candidate decodes to plausible text) or
            ``mojibake`` (decodes, but the text was already mis-decoded once).

    >>> decode_bytes("مرحبا بالعالم".encode("cp1256")).encoding
    'cp1256'
    >>> decode_bytes(codecs.BOM_UTF16_LE + "نص".encode("utf-16-le")).text
    'نص'
    """
    if not data:
        raise DecodeRefused("empty", f"{what} has no bytes")
    bom = detect_bom(data)
    if bom is not None:
        name, n = bom
        text = _strict(data[n:], name, final)
        if text is None:
            raise DecodeRefused("undecodable", f"{what} starts with a {name} byte-order mark but is not valid {name}")
        _check_text(text, name, what)
        return Decoded(text, name, n)
    sig = binary_signature(data)
    if sig is not None:
        raise DecodeRefused("binary", f"{what} is a {sig} (by its signature bytes), not text")
    if b"\x00" in data[:65536]:
        for name in ("utf-16-le", "utf-16-be"):
            text = _strict(data, name, final)
            if text is not None and arabic_score(text) >= 0.2 and not_text(text) is None:
                return Decoded(text, name, 0)
        raise DecodeRefused("binary", f"{what} contains NUL bytes and no byte-order mark; it is not text")
    text = _strict(data, "utf-8", final)
    if text is not None:
        _check_text(text, "utf-8", what)
        return Decoded(text, "utf-8", 0)
    return _decode_legacy(data, final, what)


def _plausibility(text: str) -> float:
    """:func:`arabic_score`, except 0.0 when Latin-1 letters sit inside Arabic words (what Windows-1256
    shows for ISO-8859-6 bytes 0xE0-0xEF: ``à``, ``ç``, ``è``...), and 0.5 for a text too short to score
    (fewer than 3 Arabic words) that has Arabic letters and no such mixing."""
    sample = text[:_SAMPLE_CHARS]
    words = _WORD.findall(sample)
    if not words:
        return 0.0
    mixed = sum(1 for w in words if _LATIN1_LETTER.search(w) and _ARABIC_LETTER.search(w))
    if mixed / len(words) > 0.02:
        return 0.0
    score = arabic_score(sample)
    if score == 0.0 and len(_ARABIC_WORD.findall(sample)) < 3 and _ARABIC_LETTER.search(sample):
        return 0.5
    return score


def _decode_legacy(data: bytes, final: bool, what: str) -> Decoded:
    """Pick among the Arabic code pages and charset-normalizer's guess (the bytes are not UTF-8).

    Only a decoding that reads as Arabic is accepted: this reader is for Arabic news, and a legacy
    single-byte file in another language cannot be told from mojibake with confidence (charset-normalizer
    reads a short Latin-1 French text as Windows-1250, for example), so it is refused for conversion to
    UTF-8 rather than loaded wrong. On a tie (texts too short to score) Windows-1256 wins, being the more
    common of the two code pages.
    """
    candidates: list[tuple[float, int, str, str]] = []
    names = ["cp1256", "iso8859-6"]
    guess = _charset_normalizer_guess(data)
    if guess is not None and guess not in names:
        names.append(guess)
    for rank, name in enumerate(names):
        text = _strict(data, name, final)
        if text is not None and garbage_ratio(text) <= 0.10:
            candidates.append((_plausibility(text), rank, name, text))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    if candidates and candidates[0][0] >= 0.2:
        _, _, name, text = candidates[0]
        _check_text(text, name, what)
        return Decoded(text, name, 0)
    tried = ", ".join(f"{n} (score {s:.2f})" for s, _, n, _ in candidates) or "none decoded strictly"
    raise DecodeRefused(
        "undecodable",
        f"{what} is not valid UTF-8 and no Arabic code page gives plausible Arabic text (tried {tried}); "
        "convert it to UTF-8 and load it again",
    )


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    return _canonical_name(best.encoding)
