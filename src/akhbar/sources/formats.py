"""Format detection and per-format record extraction (part of :mod:`akhbar.sources`).

Every parser turns decoded text into :class:`Record` values. One rule holds for every format that carries
the title apart from the body (TREC, JSON, JSON Lines, CSV/TSV, HTML): ``raw_text`` is the title and the
body, each exactly as it stands, joined by ``"\\n\\n"`` (the body alone when there is no title). Plain text
is already laid out that way (SaudiNewsNet files are ``title + "\\n\\n" + content``), so the same article
in a plain file and in a JSON Lines record gets the same ``raw_text`` and the same ``doc_id``.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import regex

__all__ = [
    "DEFAULT_FIELD_NAMES",
    "FORMATS",
    "Record",
    "detect_format",
    "join_title_body",
    "parse_csv",
    "parse_html",
    "parse_json_array",
    "parse_json_record",
    "parse_plain",
    "parse_trec",
    "parse_trec_doc",
    "resolve_field_names",
]

#: Format codes stored in ``documents.format``.
FORMATS: tuple[str, ...] = ("plain", "trec", "jsonl", "json", "csv", "tsv", "html")

#: Field names tried, in order, for each contract field of JSON, JSON Lines, CSV and TSV records.
DEFAULT_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article", "raw_text", "story"),
    "title": ("title", "headline", "heading"),
    "url": ("url", "link", "href"),
    "published": ("published", "date", "published_date", "published_at", "pubdate", "datetime", "time"),
    "source": ("source", "site", "outlet", "publisher", "newspaper"),
}


@dataclass(slots=True)
class Record:
    """One document (or one refused document) found in an input.

    Attributes:
        ordinal: 1-based position of the record in a multi-record input (JSON Lines: its line number;
            CSV/TSV: its data row; JSON array and TREC: its index), None for a single-document input.
        text: the ``raw_text`` (None when refused).
        title, url, source, published: metadata as found in the document (None when absent).
        fmt: format code (one of :data:`FORMATS`).
        reject: ``(reason, detail)`` when the record is refused.
    """

    ordinal: int | None
    text: str | None
    fmt: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    reject: tuple[str, str] | None = None


def resolve_field_names(field_names: Mapping[str, str | Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    """Merge user field names over :data:`DEFAULT_FIELD_NAMES` (user names are tried first).

    Raises:
        ValueError: a key is not one of ``text, title, url, published, source``.

    >>> resolve_field_names({"text": "matn"})["text"][:2]
    ('matn', 'text')
    """
    out = dict(DEFAULT_FIELD_NAMES)
    for key, names in (field_names or {}).items():
        if key not in out:
            raise ValueError(f"unknown field {key!r}; expected one of {sorted(out)}")
        given = (names,) if isinstance(names, str) else tuple(names)
        out[key] = given + tuple(n for n in out[key] if n not in given)
    return out


def join_title_body(title: str | None, body: str) -> str:
    """``title + "\\n\\n" + body`` when the title has any non-space character, else ``body``."""
    if title is not None and title.strip():
        return f"{title}\n\n{body}"
    return body


# ---------------------------------------------------------------------------------------------- detection

_TREC_START = regex.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?<DOC>", regex.IGNORECASE)
_HTML_START = regex.compile(
    r"\A\s*(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+html|<html[\s>]|<head[\s>])", regex.IGNORECASE | regex.DOTALL
)
_HTML_ANY = regex.compile(r"<(?:html|head|body|article|meta)[\s>]", regex.IGNORECASE)


def detect_format(sample: str, name: str) -> str:
    """Guess the format of an input from its first decoded characters, with the file name as a tie-break.

    Content decides first: ``<DOC>`` at the start is TREC; ``<!DOCTYPE html``, ``<html`` or ``<head`` is
    HTML; ``{`` at the start is JSON Lines when the first line parses as a JSON object (but JSON for a
    one-line ``.json`` file), else JSON; ``[``
    is JSON when the name ends in ``.json`` or the sample starts like an array of objects. Then the name:
    ``.csv``, ``.tsv``, ``.jsonl``/``.ndjson``, ``.json``, ``.html``/``.htm``, ``.trec``. Everything else
    is plain text.

    Args:
        sample: the first decoded characters (a few KB are enough), byte-order mark removed.
        name: the input's file name (for archive members the member name; ``.gz`` already removed).

    Returns:
        One of :data:`FORMATS`.

    >>> detect_format("<DOC>\\n<DOCNO>1</DOCNO>", "a.txt")
    'trec'
    >>> detect_format('{"text": "نص"}\\n{"text": "آخر"}', "a.txt")
    'jsonl'
    >>> detect_format("عنوان\\n\\nنص", "a.txt")
    'plain'
    """
    lower = name.lower()
    stripped = sample.lstrip()
    if _TREC_START.match(sample):
        return "trec"
    if _HTML_START.match(sample):
        return "html"
    if stripped.startswith("{"):
        first, _, rest = stripped.partition("\n")
        try:
            if isinstance(json.loads(first), dict):
                return "json" if lower.endswith(".json") and not rest.strip() else "jsonl"
        except ValueError:
            pass
        if lower.endswith((".jsonl", ".ndjson")):
            return "jsonl"
        return "json"
    if stripped.startswith("[") and (
        lower.endswith(".json") or regex.match(r"\[\s*(\{|\]|$)", stripped)
    ):
        return "json"
    if lower.endswith(".tsv") or lower.endswith(".tab"):
        return "tsv"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".html", ".htm", ".xhtml")) or (lower.endswith(".xml") and _HTML_ANY.search(sample)):
        return "html"
    if lower.endswith(".trec") and "<DOC" in sample.upper():
        return "trec"
    return "plain"


# ------------------------------------------------------------------------------------------------- plain

_BLANK = regex.compile(r"[^\S\n]*\n")


def parse_plain(text: str) -> Record:
    """A plain-text article: ``raw_text`` is the whole decoded text; the title is the first non-empty line
    (stripped of surrounding white space) when a blank line follows it.

    Refused: ``empty`` (only white space), ``no_text_after_extraction`` (a title and nothing after it).

    >>> r = parse_plain("  عنوان الخبر\\n\\nنص الخبر.")
    >>> r.title, r.text == "  عنوان الخبر\\n\\nنص الخبر."
    ('عنوان الخبر', True)
    """
    if not text.strip():
        return Record(None, None, "plain", reject=("empty", "the text is only white space"))
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title: str | None = None
    if i + 1 < len(lines) and not lines[i + 1].strip() and lines[i].endswith(("\n", "\r")):
        title = lines[i].strip()
        if not "".join(lines[i + 1 :]).strip():
            return Record(
                None, None, "plain", title=title,
                reject=("no_text_after_extraction", "a title line and a blank line, but no body text"),
            )
    return Record(None, text, "plain", title=title)


# -------------------------------------------------------------------------------------------------- TREC

_TREC_FIELDS = {
    "title": ("TITLE", "HEADLINE", "HEAD", "HL"),
    "text": ("TEXT", "BODY"),
    "published": ("TIME", "DATE", "DATE_TIME", "PUBDATE"),
    "url": ("URL",),
    "source": ("SRC", "SOURCE"),
    "docno": ("DOCNO",),
}
_ANY_OPEN_TAG = regex.compile(r"<([A-Za-z_]+)>")
_DOC_SPLIT = regex.compile(r"<DOC>", regex.IGNORECASE)
_DOC_END = regex.compile(r"</DOC>", regex.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _tag_patterns(tag: str) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    return regex.compile(f"<{tag}>", regex.IGNORECASE), regex.compile(f"</{tag}>", regex.IGNORECASE)


def _trec_field(doc: str, tags: Sequence[str]) -> str | None:
    """Content of the first of ``tags`` present in ``doc``, exactly as it stands, or None.

    A missing closing tag ends the content at the next opening tag or at the end of the document.
    """
    for tag in tags:
        opening, closing = _tag_patterns(tag)
        m = opening.search(doc)
        if m is None:
            continue
        start = m.end()
        close = closing.search(doc, start)
        nxt = _ANY_OPEN_TAG.search(doc, start)
        if close is not None and (nxt is None or close.start() <= nxt.start() or tag in ("TEXT", "BODY")):
            return doc[start : close.start()]
        end = nxt.start() if nxt is not None else len(doc)
        end_doc = _DOC_END.search(doc, start)
        if end_doc is not None and end_doc.start() < end:
            end = end_doc.start()
        return doc[start:end]
    return None


def parse_trec_doc(doc: str, ordinal: int | None) -> Record:
    """One TREC ``<DOC>`` element (its inner text, tags included) as a :class:`Record`.

    Tolerant by design: tags in any order, a missing closing tag (content runs to the next opening tag),
    bare ``&`` and other non-XML content. Entities such as ``&amp;`` are left as written (nothing but the
    markup is removed). ``raw_text`` is the ``<TITLE>`` and ``<TEXT>`` contents as they stand, joined by
    ``"\\n\\n"``. A document whose ``<TEXT>`` is missing or only white space is refused as
    ``no_text_after_extraction``, even when it has a title (a headline is not an article).

    >>> r = parse_trec_doc("<TITLE>عنوان</TITLE><TEXT>\\nنص & بقية\\n</TEXT>", None)
    >>> r.text
    'عنوان\\n\\n\\nنص & بقية\\n'
    """
    title = _trec_field(doc, _TREC_FIELDS["title"])
    body = _trec_field(doc, _TREC_FIELDS["text"])
    meta = {k: _trec_field(doc, _TREC_FIELDS[k]) for k in ("published", "url", "source", "docno")}
    meta = {k: (v.strip() or None) if v is not None else None for k, v in meta.items()}
    title_clean = title.strip() if title is not None and title.strip() else None
    rec = Record(
        ordinal, None, "trec", title=title_clean, url=meta["url"], source=meta["source"], published=meta["published"]
    )
    if body is None or not body.strip():
        what = "has no <TEXT> element" if body is None else "has an empty <TEXT> element"
        label = f"DOCNO {meta['docno']}" if meta["docno"] else "the document"
        rec.reject = ("no_text_after_extraction", f"{label} {what}" + (" (it has a title)" if title_clean else ""))
        return rec
    rec.text = join_title_body(title, body)
    return rec


def split_trec(text: str) -> list[str]:
    """The inner text of every ``<DOC>`` in ``text`` (a missing ``</DOC>`` ends at the next ``<DOC>``)."""
    starts = [m.end() for m in _DOC_SPLIT.finditer(text)]
    docs = []
    for i, s in enumerate(starts):
        limit = starts[i + 1] - len("<DOC>") if i + 1 < len(starts) else len(text)
        end = _DOC_END.search(text, s, limit)
        docs.append(text[s : end.start() if end else limit])
    return docs


def parse_trec(text: str) -> Iterator[Record]:
    """Every ``<DOC>`` of a TREC-style file. A single-document file yields ordinal None; a multi-document
    file yields ordinals 1, 2, ... A file with no ``<DOC>`` at all yields one ``malformed`` record."""
    docs = split_trec(text)
    if not docs:
        yield Record(None, None, "trec", reject=("malformed", "looks like TREC but has no <DOC> element"))
        return
    many = len(docs) > 1
    for i, doc in enumerate(docs, start=1):
        yield parse_trec_doc(doc, i if many else None)


# -------------------------------------------------------------------------------------------- JSON / CSV

def _pick(obj: Mapping[str, object], lowered: Mapping[str, object], names: Sequence[str]) -> object | None:
    """The first non-empty value among ``names`` (exact key first, then case-insensitively)."""
    for n in names:
        v = obj.get(n) if n in obj else lowered.get(n.lower())
        if v is not None and v != "":
            return v
    return None


def _as_str(v: object | None) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return None


def parse_json_record(obj: object, ordinal: int | None, fmt: str, fields: Mapping[str, Sequence[str]]) -> Record:
    """One JSON object (a JSON Lines line, an array element or a CSV row as a dict) as a :class:`Record`.

    The body is the first non-empty field of ``fields["text"]``; ``raw_text`` is title and body joined
    as :func:`join_title_body` does. Refused: ``malformed`` (not an object, or the text field is not a
    string), ``no_text_after_extraction`` (no text field, or only white space in it).
    """
    if not isinstance(obj, Mapping):
        return Record(ordinal, None, fmt, reject=("malformed", f"record is a JSON {type(obj).__name__}, not an object"))
    lowered = {str(k).lower(): v for k, v in obj.items()}
    body = _pick(obj, lowered, fields["text"])
    title = _as_str(_pick(obj, lowered, fields["title"]))
    rec = Record(
        ordinal, None, fmt,
        title=title.strip() or None if title is not None else None,
        url=(_as_str(_pick(obj, lowered, fields["url"])) or "").strip() or None,
        source=(_as_str(_pick(obj, lowered, fields["source"])) or "").strip() or None,
        published=_as_str(_pick(obj, lowered, fields["published"])),
    )
    if body is None:
        rec.reject = ("no_text_after_extraction", f"no non-empty text field (tried {', '.join(fields['text'])})")
        return rec
    if not isinstance(body, str):
        rec.reject = ("malformed", f"the text field holds a JSON {type(body).__name__}, not a string")
        return rec
    if not body.strip():
        rec.reject = ("no_text_after_extraction", "the text field is only white space")
        return rec
    rec.text = join_title_body(title, body)
    return rec


def parse_json_array(text: str, fields: Mapping[str, Sequence[str]]) -> Iterator[Record]:
    """A JSON document: an array of article objects (ordinals 1, 2, ...) or a single object (ordinal
    None). Refused as ``malformed`` when it does not parse or is another JSON type."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        yield Record(None, None, "json", reject=("malformed", f"invalid JSON: {exc}"))
        return
    if isinstance(data, dict):
        yield parse_json_record(data, None, "json", fields)
        return
    if not isinstance(data, list):
        yield Record(None, None, "json",
                     reject=("malformed", f"top-level JSON {type(data).__name__}, expected array or object"))
        return
    if not data:
        yield Record(None, None, "json", reject=("empty", "an empty JSON array"))
        return
    for i, obj in enumerate(data, start=1):
        yield parse_json_record(obj, i, "json", fields)


def parse_csv(lines: Iterator[str], fmt: str, fields: Mapping[str, Sequence[str]]) -> Iterator[Record]:
    """CSV (``fmt="csv"``, comma) or TSV (``fmt="tsv"``, tab) with a header row; one record per data row
    (ordinals 1, 2, ...). Quoted fields may span lines. Refused as ``malformed`` when there is no header
    or no header names a text column (see :data:`DEFAULT_FIELD_NAMES`)."""
    reader = csv.reader(lines, delimiter="\t" if fmt == "tsv" else ",")
    try:
        header = next(reader)
    except StopIteration:
        yield Record(None, None, fmt, reject=("empty", "no header row"))
        return
    except csv.Error as exc:
        yield Record(None, None, fmt, reject=("malformed", f"unreadable header: {exc}"))
        return
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    if not any(n.lower() in lowered for n in fields["text"]):
        yield Record(
            None, None, fmt,
            reject=("malformed", f"no text column in header {header[:10]} (tried {', '.join(fields['text'])})"),
        )
        return
    i = 0
    while True:
        i += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(i, None, fmt, reject=("malformed", f"row {i}: {exc}"))
            return
        if not row or all(not c.strip() for c in row):
            i -= 1
            continue
        if len(row) != len(header):
            yield Record(i, None, fmt, reject=("malformed", f"row {i} has {len(row)} fields, header has {len(header)}"))
            continue
        yield parse_json_record(dict(zip(lowered, row)), i, fmt, fields)


# -------------------------------------------------------------------------------------------------- HTML

def parse_html(text: str) -> Record:
    """An HTML page: main text, title, date, URL and site name by trafilatura (``bare_extraction`` with
    metadata, comments and tables excluded from the text). ``raw_text`` is the extracted title and main
    text joined by ``"\\n\\n"``. Refused as ``no_text_after_extraction`` when trafilatura finds no main
    text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        return Record(None, None, "html",
                      reject=("malformed", f"HTML could not be parsed: {type(exc).__name__}: {exc}"))
    if doc is None:
        return Record(None, None, "html", reject=("no_text_after_extraction", "trafilatura found no main text"))
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    body = get("text") or ""
    title = get("title")
    rec = Record(
        None, None, "html", title=(title or "").strip() or None, url=get("url"),
        source=get("sitename"), published=get("date"),
    )
    if not body.strip():
        rec.reject = ("no_text_after_extraction", "trafilatura found no main text")
        return rec
    stamp = _html_timestamp(text)
    if stamp is not None:
        rec.published = stamp
    # trafilatura keeps the page's <h1> as the first line of the text: do not repeat the title then
    if title is not None and body.lstrip().startswith(title.strip()):
        rec.text = body
    else:
        rec.text = join_title_body(title, body)
    return rec


_META_TAG = regex.compile(r"<meta\b[^>]*>", regex.IGNORECASE)
_META_ATTR = regex.compile(r"""(\w[\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_META_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "dc.date.issued", "dc.date", "date")
_JSONLD_DATE = regex.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def _html_timestamp(html: str) -> str | None:
    """The publication timestamp as the page states it (meta ``article:published_time`` and the like,
    or JSON-LD ``datePublished``), with its time and zone; trafilatura keeps only the day."""
    found: dict[str, str] = {}
    for tag in _META_TAG.findall(html[:200_000]):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _META_ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _META_DATE_KEYS and attrs.get("content"):
            found.setdefault(key, attrs["content"].strip())
    for key in _META_DATE_KEYS:
        if key in found:
            return found[key]
    m = _JSONLD_DATE.search(html[:500_000])
    return m.group(1) if m else None


def iter_lines(text: str) -> Iterator[str]:
    """Lines of ``text`` with their endings (for :func:`parse_csv` on a whole string)."""
    return iter(io.StringIO(text, newline=""))
