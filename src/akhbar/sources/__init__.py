"""The only reader of raw input: formats, encodings, metadata, rejects, limits (issue 6, reader side).

:func:`iter_source_batches` turns paths (files, folders, globs, ``-`` for standard input, ``.gz`` and
``.zip`` archives) into batches of ``documents`` rows (:data:`DOCUMENT_COLUMNS`, the columns of
``schemas.DOCUMENTS`` except ``n_tokens``, ``run_id`` and ``ingested_at``) and ``rejected`` rows
(``schemas.REJECTED_DOCUMENTS`` except ``run_id``). A bad input never raises: it becomes a rejected row
with a code from :data:`REJECT_REASONS`. Only a path that does not exist at all raises
:class:`akhbar.errors.IngestError`, before anything is read.

``raw_text`` is the article's own text as decoded, with markup removed and nothing else changed; see
:mod:`akhbar.sources.formats` for the per-format rule and :mod:`akhbar.sources.encoding` for how the
encoding is chosen. ``doc_id`` is the SHA-256 (hex) of ``raw_text`` encoded as UTF-8.

Decisions recorded here:

- ``source_path``: the path as given (folder members as ``folder/member``), ``-`` for standard input,
  ``archive.zip!member`` for archive members, and ``#n`` appended for a record of a multi-record input
  (1-based; JSON Lines: the line number; CSV/TSV: the data row; TREC and JSON arrays: the position).
  A single-document input (plain text, HTML, a one-``<DOC>`` TREC file, a JSON object) has no ``#n``.
- A document with no body text is refused as ``no_text_after_extraction`` even when it has a title: the
  dev corpus's ``france24_FR-internationalNews-2077-20180629.txt`` (empty ``<TEXT>``), four SaudiNewsNet
  files holding a title and a blank line only, and two holding white space only (``empty``).
- Metadata precedence, field by field: the document itself (TREC ``<TIME>``/``<URL>``/``<SRC>``, JSON and
  CSV fields, HTML meta), then the ``MANIFEST.csv`` row for the file name in the file's folder (also
  inside a zip archive; single-document inputs only, since a manifest row describes one file), then
  ``published`` (``published_date_source = "cli"``). A date that does not parse counts as absent.
- Duplicates: within one call, the second and later inputs with an already-seen ``doc_id`` are refused
  as ``duplicate`` naming the first path; duplicates across runs are the warehouse's business.
- Memory: small inputs and single-document formats are read whole (at most ``4 * max_document_chars``
  bytes); TREC, JSON Lines, CSV and TSV inputs over 64 KB are streamed one record at a time.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("عنوان\\n\\nنص الخبر في القاهرة.", encoding="utf-8")
>>> batch = next(iter_source_batches([d]))
>>> batch.documents.select("title", "format", "encoding").row(0)
('عنوان', 'plain', 'utf-8')
"""

from __future__ import annotations

import csv
import glob
import gzip
import hashlib
import io
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

import polars as pl

from akhbar.errors import IngestError
from akhbar.schemas import DOCUMENTS, REJECTED_DOCUMENTS
from akhbar.sources.encoding import (
    SAMPLE_CHARS,
    Decoded,
    DecodeRefused,
    decode_bytes,
    guess_language,
    mojibake_kind,
    not_text,
)
from akhbar.sources.formats import (
    Record,
    detect_format,
    iter_lines,
    parse_csv,
    parse_html,
    parse_json_array,
    parse_json_record,
    parse_plain,
    parse_trec,
    parse_trec_doc,
    resolve_field_names,
)
from akhbar.sources.formats import _DOC_END as _DOC_CLOSE
from akhbar.sources.formats import _DOC_SPLIT as _DOC_OPEN
from akhbar.sources.metadata import MANIFEST_NAMES, ManifestRow, parse_manifest, parse_published, read_manifest

__all__ = [
    "DEFAULT_MAX_DOCUMENT_CHARS",
    "DEFAULT_MAX_FILE_BYTES",
    "DOCUMENT_COLUMNS",
    "DOCUMENT_SCHEMA",
    "REJECTED_COLUMNS",
    "REJECTED_SCHEMA",
    "REJECT_REASONS",
    "SourceBatch",
    "iter_source_batches",
]

#: Reason codes of ``rejected_documents.reason`` and what each means.
REJECT_REASONS: dict[str, str] = {
    "empty": "the input has no bytes, or only white space (or an empty JSON array / CSV without rows)",
    "binary": "the bytes are not text: a known binary signature (PNG, PDF, ...), NUL bytes without a "
    "UTF-16 byte-order mark, or control/unassigned code points after decoding",
    "undecodable": "not valid UTF-8 and no supported encoding (UTF-16/32 with BOM, Windows-1256, "
    "ISO-8859-6, charset-normalizer's guess) gives plausible text; or a decoding error part-way "
    "through a streamed file",
    "mojibake": "decodes, but the text was already mis-decoded once (UTF-8 Arabic shown as Windows-1252 "
    "'Ø§Ù„' or Windows-1256 'ط§ظ„'); loading it would store garbage",
    "too_large": "the file is over max_file_bytes, or the document is over max_document_chars code points",
    "malformed": "the format was recognised but the content breaks it (invalid JSON, a CSV without a "
    "text column or with a ragged row, a TREC file without <DOC>, HTML the parser rejects)",
    "duplicate": "the same raw_text (same doc_id) was already read earlier in this call under another name",
    "no_text_after_extraction": "the format parsed but left no body text (an empty <TEXT>, a missing "
    "text field, a title with no body, an HTML page without main text)",
    "unreadable": "the operating system refused to open or read the input (permissions, I/O error), "
    "or an archive is corrupt",
    "unsupported": "an archive member or stream kind akhbar does not read (e.g. encrypted zip members)",
}

#: Default per-file limit (bytes): the same as ``AkhbarSettings.max_file_bytes``.
DEFAULT_MAX_FILE_BYTES = 2 * 1024**3
#: Default per-document limit (code points): a news article is rarely over 100 KB.
DEFAULT_MAX_DOCUMENT_CHARS = 10_000_000

_EXCLUDED = {"n_tokens", "run_id", "ingested_at"}
#: ``documents`` columns produced here, in ``schemas.DOCUMENTS`` order.
DOCUMENT_COLUMNS: tuple[str, ...] = tuple(c for c in DOCUMENTS.column_names if c not in _EXCLUDED)
#: Their Polars dtypes.
DOCUMENT_SCHEMA: pl.Schema = pl.Schema({c: DOCUMENTS.polars_schema[c] for c in DOCUMENT_COLUMNS})
#: ``rejected`` columns produced here, in ``schemas.REJECTED_DOCUMENTS`` order.
REJECTED_COLUMNS: tuple[str, ...] = tuple(c for c in REJECTED_DOCUMENTS.column_names if c != "run_id")
#: Their Polars dtypes.
REJECTED_SCHEMA: pl.Schema = pl.Schema({c: REJECTED_DOCUMENTS.polars_schema[c] for c in REJECTED_COLUMNS})

_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_PENDING_REJECTS = 10_000
_HEAD_BYTES = 1 << 16
_CHUNK_BYTES = 1 << 20
_STREAMED = ("trec", "jsonl", "csv", "tsv")
_SINGLE_DOCUMENT = ("plain", "html")


@dataclass(frozen=True)
class SourceBatch:
    """One batch read from the inputs.

    Attributes:
        documents: frame with :data:`DOCUMENT_SCHEMA` (one row per new document; at most
            ``batch_size_docs`` rows).
        rejected: frame with :data:`REJECTED_SCHEMA` (the refusals met while reading this batch).
    """

    documents: pl.DataFrame
    rejected: pl.DataFrame


@dataclass
class _Unit:
    """One input to read: a file, standard input, or an archive member."""

    display: str
    name: str
    open: Callable[[], BinaryIO]
    size: int | None
    manifest: ManifestRow | None = None


@dataclass
class _State:
    published: date | None
    max_file_bytes: int
    max_document_chars: int
    fields: dict[str, tuple[str, ...]]
    seen: dict[str, str] = field(default_factory=dict)
    manifests: dict[Path, dict[str, ManifestRow]] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------- path expansion

_GLOB_CHARS = set("*?[")


def _is_skipped(rel_parts: Sequence[str]) -> bool:
    return any(p.startswith(".") for p in rel_parts) or (bool(rel_parts) and rel_parts[-1] in MANIFEST_NAMES)


@dataclass(frozen=True)
class _Unreadable:
    """A folder that could not be listed (reported as ``unreadable``, never silently skipped)."""

    path: Path
    detail: str


def _walk(folder: Path) -> list[Path | _Unreadable]:
    """Files under ``folder`` in sorted order (by path components), hidden entries and corpus
    description files skipped. Symbolic links to folders are not followed (no cycles); a broken
    symbolic link is kept, so that it is reported as ``unreadable`` rather than silently missed, and so
    is a sub-folder that cannot be listed."""
    found: list[Path | _Unreadable] = []

    def on_error(exc: OSError) -> None:
        found.append(_Unreadable(Path(exc.filename or folder), f"cannot list folder: {exc.strerror or exc}"))

    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(root)
        for name in names:
            p = base / name
            if _is_skipped((name,)):
                continue
            if p.is_file() or (p.is_symlink() and not p.exists()):
                found.append(p)

    def key(item: Path | _Unreadable) -> tuple[str, ...]:
        p = item.path if isinstance(item, _Unreadable) else item
        try:
            return p.relative_to(folder).parts
        except ValueError:
            return p.parts

    return sorted(found, key=key)


def _expand(paths: Sequence[str | Path]) -> list[Path | _Unreadable | None]:
    """Files to read, in order (None stands for standard input). Raises IngestError for a missing path."""
    out: list[Path | _Unreadable | None] = []
    for raw in paths:
        s = str(raw)
        if s == "-":
            out.append(None)
            continue
        p = Path(s)
        if p.is_dir():
            out.extend(_walk(p))
        elif p.exists() or p.is_symlink():  # a dangling link is reported as unreadable
            out.append(p)
        elif _GLOB_CHARS & set(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                raise IngestError(f"the pattern {s!r} matches no file; check the path and quote the pattern")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    out.extend(_walk(mp))
                elif not _is_skipped((mp.name,)):
                    out.append(mp)
        else:
            raise IngestError(f"no such file or folder: {s!r}; check the path (use '-' for standard input)")
    # an input named twice (a file and its folder, overlapping globs, "-" twice) is read once; another
    # name for the same file (a symbolic link, a hard link) is read, and its documents are duplicates
    seen: set[str | None] = set()
    unique: list[Path | _Unreadable | None] = []
    for f in out:
        key = None if f is None else os.path.abspath(f.path if isinstance(f, _Unreadable) else f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


# --------------------------------------------------------------------------------------------- the driver

def _manifest_for(state: _State, path: Path) -> ManifestRow | None:
    folder = path.parent
    if folder not in state.manifests:
        mf = folder / "MANIFEST.csv"
        state.manifests[folder] = read_manifest(mf) if mf.is_file() else {}
    return state.manifests[folder].get(path.name)


def _file_unit(state: _State, path: Path) -> _Unit:
    try:
        size = path.stat().st_size
    except OSError:
        size = None
    return _Unit(str(path), path.name, lambda: path.open("rb"), size, _manifest_for(state, path))


def _stdin_unit() -> _Unit:
    return _Unit("-", "-", lambda: sys.stdin.buffer, None)


_Item = tuple[str, dict | None, tuple[str, str] | None]


def _reject(path: str, reason: str, detail: str) -> _Item:
    return path, None, (reason, detail)


def _read_up_to(stream: BinaryIO, n: int) -> bytes:
    parts = []
    left = n
    while left > 0:
        b = stream.read(min(left, _CHUNK_BYTES))
        if not b:
            break
        parts.append(b)
        left -= len(b)
    return b"".join(parts)


def _read_unit(state: _State, unit: _Unit) -> Iterator[_Item]:
    """Every document or refusal found in one input."""
    if unit.size is not None and unit.size > state.max_file_bytes:
        yield _reject(unit.display, "too_large", f"{unit.size:,} bytes is over max_file_bytes={state.max_file_bytes:,}")
        return
    try:
        stream = unit.open()
    except OSError as exc:
        yield _reject(unit.display, "unreadable", f"cannot open: {exc.strerror or exc}")
        return
    try:
        yield from _read_stream(state, unit, stream)
    except OSError as exc:
        yield _reject(unit.display, "unreadable", f"read failed: {exc.strerror or exc}")
    except (EOFError, zipfile.BadZipFile, gzip.BadGzipFile, zlib.error) as exc:
        yield _reject(unit.display, "unreadable", f"corrupt compressed data: {exc}")
    except _StreamFault as exc:
        yield _reject(unit.display, exc.reason, exc.detail)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _read_stream(state: _State, unit: _Unit, stream: BinaryIO) -> Iterator[_Item]:
    """Sniff the first block; then read the input whole (small, or a single-document format) or stream
    it (record formats), so that memory stays bounded by the limits, not by the file."""
    head = _read_up_to(stream, _HEAD_BYTES)
    if not head:
        yield _reject(unit.display, "empty", "0 bytes")
        return
    if head.startswith(b"\x1f\x8b"):
        yield from _read_gzip(state, unit, head, stream)
        return
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        yield from _read_zip(state, unit, head, stream)
        return
    if len(head) < _HEAD_BYTES:  # the whole input is in hand
        yield from _read_whole(state, unit, head)
        return
    try:
        decoded = decode_bytes(head, final=False, what="the file's first 64 KB")
    except DecodeRefused as exc:
        yield _reject(unit.display, exc.reason, exc.detail)
        return
    fmt = detect_format(decoded.text[:8192], unit.name)
    if fmt in _STREAMED:
        yield from _read_streamed(state, unit, fmt, decoded, head, stream)
        return
    whole_limit = max(4 * state.max_document_chars + 8, _HEAD_BYTES)
    too_large = (
        f"a {fmt} input is read whole and this one is over {whole_limit:,} bytes, so over "
        f"max_document_chars={state.max_document_chars:,} code points whatever its encoding; not read"
    )
    if unit.size is not None and unit.size > whole_limit:
        yield _reject(unit.display, "too_large", too_large)
        return
    data = head + _read_up_to(stream, whole_limit + 1 - len(head))
    if len(data) > whole_limit:
        yield _reject(unit.display, "too_large", too_large)
        return
    yield from _read_whole(state, unit, data)


def _read_whole(state: _State, unit: _Unit, data: bytes) -> Iterator[_Item]:
    try:
        decoded = decode_bytes(data, what="the file")
    except DecodeRefused as exc:
        salvaged = _salvage_utf8(data) if exc.reason == "undecodable" else None
        if salvaged is None or detect_format(salvaged[:8192], unit.name) in _SINGLE_DOCUMENT:
            yield _reject(unit.display, exc.reason, exc.detail)
            return
        # a multi-record file that is UTF-8 but for a few bad bytes: refuse only the records holding them
        fmt = detect_format(salvaged[:8192], unit.name)
        yield from _emit(state, unit, "utf-8", _parse_text(state, fmt, salvaged), False)
        return
    text = decoded.text
    if not text.strip():
        yield _reject(unit.display, "empty", f"{len(data):,} bytes of white space only")
        return
    fmt = detect_format(text[:8192], unit.name)
    # decode_bytes already checked the first SAMPLE_CHARS code points for garbage and mojibake
    checked = len(text) <= SAMPLE_CHARS
    yield from _emit(state, unit, decoded.encoding, _parse_text(state, fmt, text), checked)


def _salvage_utf8(data: bytes) -> str | None:
    """``data`` decoded as UTF-8 with bad bytes as lone surrogates, when under 1 % of it is bad."""
    text = data.decode("utf-8", "surrogateescape")
    bad = len(_SURROGATE.findall(text))
    if bad == 0 or bad > 0.01 * len(text):
        return None
    return text


def _parse_text(state: _State, fmt: str, text: str) -> Iterator[Record]:
    if fmt == "plain":
        yield parse_plain(text)
    elif fmt == "trec":
        yield from parse_trec(text)
    elif fmt == "html":
        yield parse_html(text)
    elif fmt == "json":
        yield from parse_json_array(text, state.fields)
    elif fmt in ("csv", "tsv"):
        yield from parse_csv(iter_lines(text), fmt, state.fields)
    elif fmt == "jsonl":
        yield from _parse_jsonl_lines(state, iter_lines(text))


def _parse_jsonl_lines(state: _State, lines: Iterable[str | None]) -> Iterator[Record]:
    import json

    for lineno, line in enumerate(lines, start=1):
        if line is None:
            yield Record(lineno, None, "jsonl", reject=(
                "too_large", f"line {lineno} is over {_jsonl_line_limit(state.max_document_chars):,} code "
                f"points (twice max_document_chars={state.max_document_chars:,}, plus 1 MiB); not read"))
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield Record(lineno, None, "jsonl", reject=("malformed", f"line {lineno}: invalid JSON: {exc}"))
            continue
        yield parse_json_record(obj, lineno, "jsonl", state.fields)


def _emit(state: _State, unit: _Unit, encoding: str, records: Iterable[Record], checked: bool = False
          ) -> Iterator[_Item]:
    for rec in records:
        path = unit.display if rec.ordinal is None else f"{unit.display}#{rec.ordinal}"
        if rec.reject is not None:
            yield _reject(path, *rec.reject)
            continue
        text = rec.text
        assert text is not None
        if len(text) > state.max_document_chars:
            yield _reject(path, "too_large",
                          f"{len(text):,} code points is over max_document_chars={state.max_document_chars:,}")
            continue
        why = None if checked or _SURROGATE.search(text) else not_text(text)
        if why is not None:
            yield _reject(path, "binary", why)
            continue
        kind = None if checked else mojibake_kind(text)
        if kind is not None:
            yield _reject(path, "mojibake", f"the text shows {kind}; re-save it from the original UTF-8 source")
            continue
        try:
            doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
        except UnicodeEncodeError as exc:  # lone surrogates: bytes a streamed decode could not read
            yield _reject(path, "undecodable", f"invalid {encoding} bytes inside this record (at code point "
                          f"{exc.start:,}); the records around it were read")
            continue
        first = state.seen.get(doc_id)
        if first is not None:
            yield _reject(path, "duplicate", f"same text as {first} (doc_id {doc_id})")
            continue
        state.seen[doc_id] = path
        yield path, _row(state, unit, rec, doc_id, text, encoding), None


def _row(state: _State, unit: _Unit, rec: Record, doc_id: str, text: str, encoding: str) -> dict:
    manifest = unit.manifest if rec.ordinal is None else None
    source, url = rec.source, rec.url
    pub_date, pub_at, pub_src = None, None, "none"
    parsed = parse_published(rec.published)
    if parsed is not None:
        (pub_date, pub_at), pub_src = parsed, "document"
    if manifest is not None:
        source = source or manifest.source
        url = url or manifest.url
        if pub_src == "none":
            parsed = parse_published(manifest.published)
            if parsed is not None:
                (pub_date, pub_at), pub_src = parsed, "manifest"
    if pub_src == "none" and state.published is not None:
        pub_date, pub_src = state.published, "cli"
    return {
        "doc_id": doc_id,
        "source_path": unit.display if rec.ordinal is None else f"{unit.display}#{rec.ordinal}",
        "source": source,
        "url": url,
        "title": rec.title,
        "published_date": pub_date,
        "published_at": pub_at,
        "published_date_source": pub_src,
        "language": guess_language(text),
        "encoding": encoding,
        "format": rec.fmt,
        "raw_text": text,
        "n_chars": len(text),
    }


# -------------------------------------------------------------------------------------------------- streams

class _StreamFault(Exception):
    """A fault part-way through a streamed input; the records before it stand."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class _Counted(io.RawIOBase):
    """A raw stream that replays ``head``, then reads ``rest``, counting bytes against a limit."""

    def __init__(self, head: bytes, rest: BinaryIO, limit: int) -> None:
        self._head = head
        self._rest = rest
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            data = self._rest.read(len(b))
            n = len(data)
            b[:n] = data
        self.count += n
        if self.count > self._limit:
            raise _StreamFault("too_large", f"more than max_file_bytes={self._limit:,} bytes; "
                               "the records before the limit were read")
        return n


def _text_stream(decoded: Decoded, head: bytes, rest: BinaryIO, limit: int) -> tuple[io.TextIOWrapper, _Counted]:
    """A strict text stream over ``head + rest`` in the encoding detected on ``head``."""
    codec = {"utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32", "utf-32-be": "utf-32"}.get(
        decoded.encoding, decoded.encoding) if decoded.bom_bytes else decoded.encoding
    raw = _Counted(head, rest, limit)
    # surrogateescape: a bad byte becomes a lone surrogate inside its record only, which _emit then
    # refuses as undecodable; the records around it are read normally (strict decoding would lose the
    # whole 8 KB block around the fault)
    text = io.TextIOWrapper(io.BufferedReader(raw, _CHUNK_BYTES), encoding=codec, errors="surrogateescape",
                            newline="")
    return text, raw


def _bounded_lines(text: io.TextIOWrapper, max_chars: int) -> Iterator[str | None]:
    """Lines (with their endings) of ``text``; a line longer than ``max_chars`` is skipped in pieces,
    never held whole, and yields None in its place."""
    while True:
        line = text.readline(max_chars + 1)
        if not line:
            return
        if len(line) <= max_chars or line.endswith("\n"):
            yield line
            continue
        while True:  # the rest of an over-long line
            piece = text.readline(_CHUNK_BYTES)
            if not piece or piece.endswith("\n"):
                break
        yield None


def _stream_trec(text: io.TextIOWrapper, max_chars: int) -> Iterator[Record]:
    """TREC documents read 1 MiB of text at a time (ordinals 1, 2, ...); a ``<DOC>`` longer than
    ``max_chars`` is refused as ``too_large`` and skipped without being held whole."""
    buf = ""
    n = 0
    skipping = False
    while True:
        chunk = text.read(_CHUNK_BYTES)
        buf += chunk
        pos = 0
        while True:
            if skipping:
                nxt = _DOC_OPEN.search(buf, pos)
                if nxt is None:
                    pos = max(pos, len(buf) - 8)
                    break
                skipping = False
                pos = nxt.start()
            start = _DOC_OPEN.search(buf, pos)
            if start is None:
                pos = max(pos, len(buf) - 8)
                break
            end = _DOC_CLOSE.search(buf, start.end())
            nxt = _DOC_OPEN.search(buf, start.end())
            if end is not None and (nxt is None or end.start() < nxt.start()):
                n += 1
                yield parse_trec_doc(buf[start.end() : end.start()], n)
                pos = end.end()
            elif nxt is not None:  # a missing </DOC>: the next <DOC> ends this one
                n += 1
                yield parse_trec_doc(buf[start.end() : nxt.start()], n)
                pos = nxt.start()
            elif len(buf) - start.start() > max_chars + 64:
                n += 1
                yield Record(n, None, "trec", reject=("too_large", f"<DOC> number {n} is over "
                                                      f"max_document_chars={max_chars:,} code points"))
                skipping = True
                pos = len(buf) - 8
                break
            else:
                pos = start.start()
                break
        buf = buf[pos:]
        if not chunk:
            break
    start = _DOC_OPEN.search(buf)
    if start is not None and not skipping:  # a last document without </DOC>
        n += 1
        yield parse_trec_doc(buf[start.end() :], n)


def _jsonl_line_limit(max_document_chars: int) -> int:
    return 2 * max_document_chars + _CHUNK_BYTES


def _read_streamed(state: _State, unit: _Unit, fmt: str, decoded: Decoded, head: bytes,
                   rest: BinaryIO) -> Iterator[_Item]:
    """A record-format input (TREC, JSON Lines, CSV, TSV) read as a stream: encoding and format come
    from its first 64 KB; memory holds one record (bounded by the document limit) at a time."""
    text, raw = _text_stream(decoded, head, rest, state.max_file_bytes)
    limit = state.max_document_chars
    if fmt == "trec":
        records: Iterator[Record] = _stream_trec(text, limit)
    elif fmt == "jsonl":
        # a line may hold more than its text (other fields, escapes): allow twice the document limit
        # plus 1 MiB. A line over that is refused unread (ASCII-escaped JSON, 6 characters per Arabic
        # letter, then tops out near a third of max_document_chars: news articles are far below it)
        records = _parse_jsonl_lines(state, _bounded_lines(text, _jsonl_line_limit(limit)))
    else:
        if csv.field_size_limit() < limit:
            csv.field_size_limit(limit)
        records = parse_csv(
            (ln if ln is not None else "\n" for ln in _bounded_lines(text, limit)), fmt, state.fields)
    n = 0
    try:
        for item in _emit(state, unit, decoded.encoding, records):
            n += 1
            yield item
    except UnicodeDecodeError as exc:
        yield _reject(unit.display, "undecodable",
                      f"invalid {decoded.encoding} bytes at about byte {raw.count:,} ({exc.reason}); "
                      f"the {n:,} records before it were read")
        return
    except _StreamFault as exc:
        yield _reject(unit.display, exc.reason, exc.detail)
        return
    if n == 0:
        yield _reject(unit.display, "no_text_after_extraction", f"a {fmt} stream with no record in it")


# ------------------------------------------------------------------------------------------------ archives

def _read_gzip(state: _State, unit: _Unit, head: bytes, stream: BinaryIO) -> Iterator[_Item]:
    raw = io.BufferedReader(_Counted(head, stream, state.max_file_bytes))
    gz = gzip.GzipFile(fileobj=raw, mode="rb")
    name = unit.name[:-3] if unit.name.lower().endswith(".gz") else unit.name
    inner = _Unit(unit.display, name, lambda: gz, None, unit.manifest)  # type: ignore[arg-type, return-value]
    yield from _read_stream(state, inner, gz)  # type: ignore[arg-type]


def _read_zip(state: _State, unit: _Unit, head: bytes, stream: BinaryIO) -> Iterator[_Item]:
    if not stream.seekable():
        data = head + _read_up_to(stream, state.max_file_bytes + 1 - len(head))
        if len(data) > state.max_file_bytes:
            yield _reject(unit.display, "too_large", f"a zip archive over max_file_bytes={state.max_file_bytes:,}")
            return
        fh: BinaryIO = io.BytesIO(data)
    else:
        stream.seek(0)
        fh = stream
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        yield _reject(unit.display, "unreadable", f"corrupt zip archive: {exc}")
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        # a MANIFEST.csv inside the archive describes the members of its own folder
        manifests: dict[str, dict[str, ManifestRow]] = {}
        for info in infos:
            folder, _, base = info.filename.rpartition("/")
            if base == "MANIFEST.csv" and info.file_size <= state.max_file_bytes:
                with zf.open(info) as mf:
                    manifests[folder] = parse_manifest(mf.read())
        for info in sorted(infos, key=lambda i: i.filename):
            parts = tuple(info.filename.split("/"))
            if _is_skipped(parts):
                continue
            display = f"{unit.display}!{info.filename}"
            if info.flag_bits & 0x1:
                yield _reject(display, "unsupported", "encrypted zip member")
                continue
            folder = info.filename.rpartition("/")[0]
            member = _Unit(display, parts[-1], lambda info=info: zf.open(info), info.file_size,
                           manifests.get(folder, {}).get(parts[-1]))
            yield from _read_unit(state, member)


# ---------------------------------------------------------------------------------------------- public API

def _frame(rows: list[dict], schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame({name: [r[name] for r in rows] for name in schema}, schema=schema)


def _frames(docs: list[dict], rejects: list[dict]) -> SourceBatch:
    return SourceBatch(documents=_frame(docs, DOCUMENT_SCHEMA), rejected=_frame(rejects, REJECTED_SCHEMA))


def iter_source_batches(
    paths: Sequence[str | Path],
    *,
    batch_size_docs: int = 500,
    published: date | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS,
    field_names: Mapping[str, str | Sequence[str]] | None = None,
) -> Iterator[SourceBatch]:
    """Read every input and yield batches of documents and rejects.

    Args:
        paths: files, folders (read recursively in sorted order, skipping hidden entries and
            ``MANIFEST.csv``, ``MANIFEST_EXTRA.csv``, ``SOURCE.md``; symbolic links to folders are not
            followed), glob patterns (``**`` recursive), and ``"-"`` for standard input. An input named
            twice is read once. ``.gz`` and ``.zip`` inputs are opened and their contents read.
        batch_size_docs: documents per batch (each batch has at most this many document rows).
        published: publication date for documents that give none themselves and have no manifest row
            (``published_date_source = "cli"``).
        max_file_bytes: a file (or archive member, or decompressed stream) larger than this many bytes is
            refused as ``too_large`` without being read.
        max_document_chars: a document of more than this many code points is refused as ``too_large``.
            Single-document inputs of more than ``4 * max_document_chars`` bytes are refused without
            being read (UTF-8 needs at most 4 bytes per code point); record formats (TREC, JSON Lines,
            CSV, TSV) are streamed, so a huge file is never held whole in memory.
        field_names: for JSON, JSON Lines, CSV and TSV: ``{"text" | "title" | "url" | "published" |
            "source": name or names}`` tried before :data:`formats.DEFAULT_FIELD_NAMES`.

    Yields:
        :class:`SourceBatch` values, each with at most ``batch_size_docs`` documents (a batch is also
        yielded early when 10,000 rejected rows are pending); nothing when the inputs hold no document and
        no reject. A document
        whose ``doc_id`` was already read in this call is not emitted again; it is rejected as
        ``duplicate`` with the first path and the ``doc_id`` in its detail.

    Raises:
        IngestError: a path does not exist or a pattern matches nothing (raised before any batch).
        ValueError: ``batch_size_docs`` < 1, a limit < 1, or an unknown ``field_names`` key.
    """
    if batch_size_docs < 1 or max_file_bytes < 1 or max_document_chars < 1:
        raise ValueError("batch_size_docs, max_file_bytes and max_document_chars must be at least 1")
    state = _State(published, max_file_bytes, max_document_chars, resolve_field_names(field_names))
    files = _expand(paths)
    docs: list[dict] = []
    rejects: list[dict] = []
    for f in files:
        if isinstance(f, _Unreadable):
            rejects.append({"source_path": str(f.path), "reason": "unreadable", "detail": f.detail})
            continue
        unit = _stdin_unit() if f is None else _file_unit(state, f)
        for path, row, rej in _read_unit(state, unit):
            if rej is not None:
                rejects.append({"source_path": path, "reason": rej[0], "detail": rej[1]})
                if len(rejects) >= max(batch_size_docs, _MAX_PENDING_REJECTS):  # bound memory
                    yield _frames(docs, rejects)
                    docs, rejects = [], []
            else:
                docs.append(row)  # type: ignore[arg-type]
                if len(docs) >= batch_size_docs:
                    yield _frames(docs, rejects)
                    docs, rejects = [], []
    if docs or rejects:
        yield _frames(docs, rejects)
