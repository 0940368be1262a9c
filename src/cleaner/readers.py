"""Readers: files → :class:`Document` objects, one :class:`InputError` per bad input, never per batch.

``read_input(path, rel)`` yields Documents and InputErrors in file order. Formats come from
the file name: ``.txt``, ``.html``/``.htm`` (the article's text, see :mod:`cleaner.html`),
``.jsonl`` (one JSON object per line, its text in ``text_field`` or raw HTML in ``html_field``),
each optionally ``.gz``. Bytes are decoded by BOM, then (HTML) the page's declared charset, then
UTF-8, then charset-normalizer's detection; the encoding used is in ``metadata["encoding"]``.
"""

from __future__ import annotations

import codecs
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .document import Document
from .errors import InputError, UsageError
from .html import charset

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read; each default is declared here once."""

    text_field: str = "text"
    id_field: str = "id"
    html_field: str | None = None  # JSONL field holding a raw HTML page (read like an .html file)
    # an HTML page costs ~35x its size in memory while parsed and walked (a 50 MB page of dense
    # markup: 1.8 GB, 54 s); real article pages are under 2 MB, so bigger ones are reported
    max_html_bytes: int = 8 * 1024 * 1024
    max_doc_bytes: int = 64 * 1024 * 1024  # per file after decompression (and per JSONL line)
    # the inputs' encoding (a codec name: gbk, cp1252, shift_jis) when it is not UTF-8 and a file's
    # own bytes do not tell (a BOM, an HTML page's <meta charset>); None: UTF-8, or detected per file
    encoding: str | None = None

    def __post_init__(self) -> None:
        if self.encoding is not None:
            try:
                name = codecs.lookup(self.encoding).name
            except LookupError:
                raise UsageError("C302", f"--encoding {self.encoding!r} is not an encoding Python knows "
                                         "(gbk, cp1252, shift_jis, latin-1...)") from None
            if "\n{}".encode(name, "replace") != b"\n{}":  # JSONL is split into lines as bytes
                raise UsageError("C302", f"--encoding {self.encoding!r} does not write ASCII as ASCII; "
                                         "convert the files to UTF-8 first (iconv -f ... -t utf-8)")


def input_format(path: Path) -> str | None:
    """``txt`` / ``jsonl`` / ``html`` from the file name (``.gz`` looked through), else None."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    return TEXT_SUFFIXES.get(suffix)


def read_bytes(path: Path, rel: str, limit: int, raw: bytes | None = None) -> bytes:
    """The file's bytes, gunzipped when named ``.gz``, never more than ``limit`` bytes; ``raw``
    is the file's bytes as stored when the caller has read them already (to hash them)."""
    gz = path.name.lower().endswith(".gz")
    if raw is not None:
        return _limited(_gunzip(io.BytesIO(raw), rel, limit) if gz else raw, rel, limit)
    try:
        with path.open("rb") as f:
            if gz:
                return _gunzip(f, rel, limit)
            data = f.read(limit + 1)
    except OSError as e:
        raise InputError(rel, "C100", e.strerror or str(e)) from None
    return _limited(data, rel, limit)


def _limited(data: bytes, rel: str, limit: int) -> bytes:
    if len(data) > limit:
        raise InputError(rel, "C108", str(limit))
    return data


def _gunzip(f: Any, rel: str, limit: int) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        while chunk := f.read(1 << 16):
            out += d.decompress(chunk, limit + 1 - len(out))
            if len(out) > limit:
                raise InputError(rel, "C108", str(limit))
            while d.unconsumed_tail:  # output was capped: keep going only while under the limit
                out += d.decompress(d.unconsumed_tail, limit + 1 - len(out))
                if len(out) > limit:
                    raise InputError(rel, "C108", str(limit))
            if d.eof and d.unused_data:  # concatenated gzip members
                rest = d.unused_data
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out += d.decompress(rest, limit + 1 - len(out))
        if not d.eof:
            raise InputError(rel, "C109", "unexpected end of the compressed stream")
    except zlib.error as e:
        raise InputError(rel, "C109", str(e)) from None
    return bytes(out)


def decode_text(data: bytes, rel: str, *, html: bool = False, encoding: str | None = None) -> charset.Decoded:
    """The bytes decoded (:func:`charset.decode`): BOM, the declared charset (HTML only), UTF-8,
    then detection, a few undecodable bytes replaced and counted; or BOM, then the declared
    charset, then ``encoding`` when the user named one.

    Text with NUL bytes and no BOM, or that no encoding fits, is an error (binary data)."""
    if b"\x00" in data[:8192] and not charset.from_bom(data):
        raise InputError(rel, "C102", "NUL bytes")
    if encoding is not None and not charset.from_bom(data) and not (html and charset.declared(data)):
        return charset.Decoded(decode_as(data, rel, encoding), codecs.lookup(encoding).name, "given")
    decoded = charset.decode(data, html=html)
    if decoded is None:
        if _looks_binary(data):
            raise InputError(rel, "C102", "mostly non-text bytes")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(rel, "C101", line=data[: e.start].count(b"\n") + 1) from None
        raise InputError(rel, "C101")
    return decoded


def encoding_facts(decoded: charset.Decoded) -> dict[str, Any]:
    """What the record's ``metadata`` says of the decoding: ``encoding``, and when it applies
    ``encoding_replaced`` (bytes read as U+FFFD) and ``encoding_uncertain`` (a guess, explained)."""
    facts: dict[str, Any] = {"encoding": decoded.codec}
    if decoded.replaced:
        facts["encoding_replaced"] = decoded.replaced
    if decoded.uncertain:
        facts["encoding_uncertain"] = decoded.uncertain
    return facts


def _uncertain(decoded: charset.Decoded, rel: str) -> Iterator[InputError]:
    """An ``errors.jsonl`` line (C120) for a guessed charset; the document is still cleaned."""
    if decoded.uncertain:
        yield InputError(rel, "C120", decoded.uncertain)


def decode_as(data: bytes, rel: str, encoding: str, line: int = 0) -> str:
    """``data`` decoded with the user's ``encoding``; an error names the line that does not fit
    (``line``: the number of the first line in ``data``, for a JSONL line read alone)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        at = line or data[: e.start].count(b"\n") + 1
        raise InputError(rel, "C118", encoding, line=at) from None


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.1


def _check_not_blank(text: str, rel: str, line: int | None = None) -> None:
    if not text:
        raise InputError(rel, "C103", line=line)
    if not text.strip():
        raise InputError(rel, "C104", line=line)


def read_txt(path: Path, rel: str, opts: ReadOptions, raw: bytes | None = None) -> Iterator[Document | InputError]:
    try:
        data = read_bytes(path, rel, opts.max_doc_bytes, raw)
        decoded = decode_text(data, rel, encoding=opts.encoding)
        _check_not_blank(decoded.text, rel)
    except InputError as e:
        yield e
        return
    yield from _uncertain(decoded, rel)
    yield Document(decoded.text, id=rel, source=rel, format="txt", metadata=MappingProxyType(encoding_facts(decoded)))


def html_document(page: str, *, id: str, source: str, metadata: dict[str, Any] | None = None,
                  line: int | None = None, limit: int = ReadOptions.max_html_bytes) -> Document:
    """A Document of an HTML page's article text; ``InputError`` when it holds none.

    ``metadata`` gets the page's ``title``, ``url``, ``html_lang``, the ``hidden`` regions
    (``start``/``end`` into the text, CSS ``locator``, ``technique``) for the ``html_hidden``
    detector and the ``links`` to other sites (``start``/``end`` of their text, ``href``; a block's
    first link the CSS ``locator`` of its element) for the ``link_farm`` detector, and the
    ``page_links`` (visible runs of off-site links outside the article, each with its CSS
    ``locator``, ``text`` and ``links``) that the pipeline judges into the record's
    ``page_findings`` and drops from its metadata, and the ``code`` regions (``[start, end]`` of the
    text of ``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``) that rules about prose leave alone, also
    dropped from the record. Pages over ``limit`` characters are an error:
    memory stays bounded."""
    if len(page) > limit:
        raise InputError(source, "C116", str(limit), line=line)
    from .html.extract import ExtractionError, extract  # lxml and CSS selectors: loaded by HTML runs only

    try:
        got = extract(page)
    except ExtractionError as e:
        raise InputError(source, "C111", str(e), line=line) from None
    if not got.text.strip():
        raise InputError(source, "C114", line=line)
    meta = dict(metadata or {})
    meta.update(got.metadata)
    if got.hidden:
        meta["hidden"] = [h.to_dict() for h in got.hidden]
    if got.links:
        meta["links"] = [{"start": x[0], "end": x[1], "href": x[2], **({"locator": x[3]} if len(x) > 3 else {})}
                         for x in got.links]
    if got.page_links:
        meta["page_links"] = list(got.page_links)
    if got.code:
        meta["code"] = [list(c) for c in got.code]
    return Document(got.text, id=id, source=source, format="html", metadata=MappingProxyType(meta))


def read_html(path: Path, rel: str, opts: ReadOptions, raw: bytes | None = None) -> Iterator[Document | InputError]:
    try:
        data = read_bytes(path, rel, opts.max_doc_bytes, raw)
        if len(data) > opts.max_html_bytes:
            raise InputError(rel, "C116", str(opts.max_html_bytes))
        decoded = decode_text(data, rel, html=True, encoding=opts.encoding)
        _check_not_blank(decoded.text, rel)
        doc = html_document(decoded.text, id=rel, source=rel, metadata=encoding_facts(decoded),
                            limit=opts.max_html_bytes)
        yield from _uncertain(decoded, rel)
        yield doc
    except InputError as e:
        yield e


def read_jsonl(path: Path, rel: str, opts: ReadOptions, raw: bytes | None = None) -> Iterator[Document | InputError]:
    try:
        data = read_bytes(path, rel, opts.max_doc_bytes, raw)
        decoded = decode_text(data, rel, encoding=opts.encoding)
    except InputError as e:
        yield e
        return
    yield from _uncertain(decoded, rel)
    text = decoded.text
    if not text.strip():
        yield InputError(rel, "C103")
        return
    yield from parse_jsonl_lines(text.splitlines(), rel, opts)


def parse_jsonl_lines(
    lines: Any, rel: str, opts: ReadOptions, start: int = 1
) -> Iterator[Document | InputError]:
    """Each non-blank line a JSON object with a string ``text_field``; errors name the line
    (numbered from ``start``: the batch streams big files in chunks)."""
    for n, line in enumerate(lines, start):
        if not line.strip():
            continue
        try:
            yield record_to_document(json.loads(line), rel, n, opts)
        except json.JSONDecodeError as e:
            yield InputError(rel, "C105", f"{e.msg} at column {e.colno}", line=n)
        except InputError as e:
            yield e


def jsonl_line_documents(lines: Iterable[bytes], rel: str, opts: ReadOptions,
                         start: int = 1) -> Iterator[Document | InputError]:
    """Raw JSONL lines (bytes, numbered from ``start``) → Documents or errors, one line at a time:
    a UTF-8 BOM before line 1 is dropped, each line is decoded as UTF-8 or as ``opts.encoding``."""
    for n, line in enumerate(lines, start):
        if n == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        try:
            text = decode_as(line, rel, opts.encoding, n) if opts.encoding else line.decode("utf-8")
            yield from parse_jsonl_lines([text], rel, opts, start=n)
        except InputError as e:
            yield e
        except UnicodeDecodeError:
            yield InputError(rel, "C101", line=n)
        except RecursionError:
            yield InputError(rel, "C105", "nested too deeply", line=n)


def record_to_document(rec: Any, rel: str, line: int, opts: ReadOptions) -> Document:
    """One JSONL record: raw HTML in ``html_field`` when it holds a string, else ``text_field``.

    Every other field is kept in ``metadata`` (and so in the output record)."""
    if not isinstance(rec, dict):
        raise InputError(rel, "C107", line=line)
    rid = rec.get(opts.id_field)
    doc_id = str(rid) if rid is not None and not isinstance(rid, dict | list) else f"{rel}:{line}"
    page = rec.get(opts.html_field) if opts.html_field else None
    used = (opts.text_field, opts.id_field, opts.html_field)
    meta = {k: v for k, v in rec.items() if k not in used}
    meta["line"] = line
    if isinstance(page, str):
        _check_not_blank(page, rel, line)
        return html_document(page, id=doc_id, source=rel, metadata=meta, line=line, limit=opts.max_html_bytes)
    text = rec.get(opts.text_field)
    if opts.text_field not in rec and not isinstance(page, str):
        wanted = repr(opts.text_field) + (f" (or {opts.html_field!r})" if opts.html_field else "")
        names = ", ".join(repr(k) for k in list(rec)[:12]) + (", ..." if len(rec) > 12 else "")
        raise InputError(rel, "C117", f"{wanted}; its fields are {names or 'none'}", line=line)
    if not isinstance(text, str):
        fields = repr(opts.text_field) + (f" (or {opts.html_field!r})" if opts.html_field else "")
        raise InputError(rel, "C106", fields, line=line)
    _check_not_blank(text, rel, line)
    return Document(text, id=doc_id, source=rel, format="jsonl", metadata=MappingProxyType(meta))


READERS = {"txt": read_txt, "jsonl": read_jsonl, "html": read_html}


def read_input(path: Path, rel: str, opts: ReadOptions | None = None,
               raw: bytes | None = None) -> Iterator[Document | InputError]:
    """Documents (or errors) from one input file, by format; ``raw``: its bytes, already read."""
    opts = opts or ReadOptions()
    fmt = input_format(path)
    reader = READERS.get(fmt or "")
    if reader is None:
        yield InputError(rel, "C110", repr(path.suffix or path.name))
        return
    yield from reader(path, rel, opts, raw)

