"""Bytes → text for HTML and plain text: BOM, then the page's own declaration, then detection.

The order is the one browsers use (WHATWG "encoding sniffing"), with one deliberate change: a
declared legacy charset loses to UTF-8 when the bytes are valid UTF-8 and hold non-ASCII text,
because pages that say ``iso-8859-1`` but are UTF-8 are far more common than the reverse (valid
UTF-8 multi-byte sequences almost never arise by chance in cp1252 text). Undeclared non-UTF-8
bytes go to charset-normalizer, a maintained detector that handles GBK, Big5, Shift_JIS, EUC-KR
and the single-byte Latin code pages; its answer is recorded so a reviewer can check it.

>>> decode(b"caf\\xc3\\xa9")
('café', 'utf-8', 'utf-8')
>>> decode(b'<meta charset="windows-1252"><p>caf\\xe9')[1:]
('cp1252', 'declared')
"""

from __future__ import annotations

import codecs

import regex

# the WHATWG label table's supersets: decode a declared charset with the codec browsers really use
SUPERSETS = {
    "ascii": "cp1252", "latin-1": "cp1252", "iso8859-1": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "euc_kr": "cp949", "iso8859-9": "cp1254",
    "iso8859-11": "cp874", "tis-620": "cp874",
}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset=x> and <meta http-equiv="Content-Type" content="text/html; charset=x">
META_CHARSET = regex.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.()+-]+)""", regex.I)
XML_DECL = regex.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", regex.I)
SNIFF_BYTES = 16384  # the spec says 1024; real pages put <meta charset> after long <head> scripts


def codec_name(label: str) -> str | None:
    """Python's codec for an encoding label, widened to the superset browsers decode it with."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    return SUPERSETS.get(name, name)


def from_bom(data: bytes) -> str | None:
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def declared(data: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first bytes, as a Python codec name."""
    head = data[:SNIFF_BYTES]
    m = XML_DECL.match(head) or META_CHARSET.search(head)
    if not m:
        return None
    name = codec_name(m.group(1).decode("ascii", "replace"))
    # a page that reached us as bytes cannot really be UTF-16 without a BOM (the spec's rule too)
    return "utf-8" if name in ("utf-16", "utf-16-le", "utf-16-be") else name


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def detect(data: bytes) -> tuple[str, str] | None:
    """``(text, codec)`` from charset-normalizer, or None when nothing fits (binary data).

    When several code pages read the bytes equally well (French text is as plausible in cp1250
    and cp1257 as in cp1252, though ``û`` differs), the web's commonest one, cp1252, wins."""
    import charset_normalizer  # only for bytes that are not UTF-8 and declare nothing usable

    matches = list(charset_normalizer.from_bytes(data[: 1 << 20]))
    if not matches:
        return None
    best = matches[0]
    tied = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    name = "cp1252" if "cp1252" in tied else (codec_name(best.encoding) or best.encoding)
    try:
        return data.decode(name), name
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, *, html: bool = True) -> tuple[str, str, str] | None:
    """``(text, codec, how)`` with ``how`` one of ``bom``, ``declared``, ``utf-8``, ``detected``;
    None when no encoding fits. A declaration is only looked for when ``html`` is true."""
    bom = from_bom(data)
    if bom:
        try:
            return data.decode(bom), bom.replace("-sig", ""), "bom"
        except UnicodeDecodeError:
            pass
    text = _utf8(data)
    name = declared(data) if html else None
    if name and name != "utf-8" and not (text is not None and not text.isascii()):
        try:
            return data.decode(name), name, "declared"
        except (UnicodeDecodeError, LookupError):
            pass  # a false declaration: fall through to UTF-8 and detection
    if text is not None:
        return text, "utf-8", "declared" if name == "utf-8" else "utf-8"
    found = detect(data)
    if found is None:
        return None
    return found[0], found[1], "detected"
