"""Bytes → text for HTML and plain text: BOM, then the page's own declaration, then detection.

The order is the one browsers use (WHATWG "encoding sniffing"), with one deliberate change: a
declared legacy charset loses to UTF-8 when the bytes are valid UTF-8 and hold non-ASCII text,
because pages that say ``iso-8859-1`` but are UTF-8 are far more common than the reverse (valid
UTF-8 multi-byte sequences almost never arise by chance in cp1252 text). Undeclared non-UTF-8
bytes go to charset-normalizer, a maintained detector that handles GBK, Big5, Shift_JIS, EUC-KR
and the single-byte Latin code pages; its answer is recorded so a reviewer can check it.

>>> decode(b"caf\\xc3\\xa9")[:3]
('café', 'utf-8', 'utf-8')
>>> decode(b'<meta charset="windows-1252"><p>caf\\xe9')[1:3]
('cp1252', 'declared')
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

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


class Decoded(NamedTuple):
    """Decoded bytes: the text, the codec, how it was chosen (``bom``, ``declared``, ``utf-8``,
    ``detected``, or ``given`` by the user's ``--encoding``), how many undecodable bytes were
    replaced by U+FFFD, and, when the choice of codec was a guess between readings that differ, a
    note saying so (for the record and ``errors.jsonl``)."""

    text: str
    codec: str
    how: str
    replaced: int = 0
    uncertain: str | None = None


# A page or file in a known charset with a few undecodable bytes (a truncated multi-byte
# character, one byte of another charset pasted in) is read as browsers read it: each bad byte
# becomes U+FFFD, which the encoding rules report. More than this share of its non-ASCII text
# bad, and the charset is wrong rather than the bytes.
MAX_BAD_SHARE = 0.01
MAX_BAD_FLOOR = 2  # ...but a short text may always have this many
# Code pages a page or file without a usable declaration may be guessed as: the web's own
# (WHATWG's legacy single-byte and CJK encodings). charset-normalizer also knows ptcp154, mac_*,
# cp775 and the like, which read short Latin text as plausibly as cp1252 does and then win ties.
LIKELY = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "koi8_r",
          "koi8_u", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_15", "cp874", "gb18030", "big5", "cp932",
          "euc_jp", "cp949", "shift_jis", "euc_kr", "gbk", "gb2312", "big5hkscs", "tis_620", "iso8859_9")
# languages whose words tell a single-byte code page's reading from another's (wordfreq's lists)
WORD_LANGS = {
    "cp1252": ("en", "fr", "de", "es", "pt", "it", "nl", "sv", "da", "nb", "fi", "ca", "is"),
    "iso8859_15": ("fr", "de", "fi", "et"), "cp1250": ("pl", "cs", "sk", "hu", "ro", "sl", "sh"),
    "iso8859_2": ("pl", "cs", "sk", "hu", "ro", "sl", "sh"), "cp1251": ("ru", "uk", "bg", "mk"),
    "koi8_r": ("ru",), "koi8_u": ("uk",), "iso8859_5": ("ru", "bg"), "cp1253": ("el",), "iso8859_7": ("el",),
    "cp1254": ("tr",), "iso8859_9": ("tr",), "cp1257": ("lt", "lv"), "cp1255": ("he",), "cp1256": ("ar", "fa"),
}
# a whitespace-separated token holding a non-ASCII character, ASCII punctuation around it left out:
# a wrong code page's symbols inside a word (``za¿ó³æ``) keep it one unknown token
NON_ASCII_WORD = regex.compile(r"""(?<![^\s"'(\[])[^\s"'(\[]*[^\x00-\x7f\s][^\s]*?(?=[.,;:!?"')\]]*(?:\s|$))""")
CJK_MIN_BYTES = 32  # fewer non-ASCII bytes than this read as CJK only if no single-byte reading does better
WORDS_CHECKED = 200  # distinct non-ASCII words looked up per reading
CLOSE = 1.0  # readings whose words' mean Zipf frequencies differ by less than this are a toss-up
WORDLIKE = 1.5  # ...and a winner under this mean frequency is a guess too


def _lenient(data: bytes, codec: str) -> tuple[str, int] | None:
    """``(text, bad bytes)`` decoding with replacement, when the bad bytes are few; else None."""
    try:
        text = data.decode(codec, "replace")
    except LookupError:
        return None
    bad = text.count("\ufffd") - data.count("\ufffd".encode(codec, "ignore") or b"\xef\xbf\xbd")
    if bad <= 0:
        return text, 0
    non_ascii = sum(1 for c in text if ord(c) > 127) - bad
    return (text, bad) if bad <= max(MAX_BAD_FLOOR, MAX_BAD_SHARE * non_ascii) else None


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def plausibility(text: str, codec: str, common: frozenset[str] = frozenset()) -> float:
    """How word-like a reading's distinct non-ASCII words are (less the ``common`` ones, which
    every reading has): their mean Zipf frequency (wordfreq: 0 unknown, 3 a word seen once per
    million, 7 ``à`` in French) in the languages written in ``codec``; 0 when the codec has no
    word lists or the text no such word. Frequencies, not a known/unknown count: one-letter
    readings of a wrong code page (``ŕ``) exist in some list, but are rare."""
    langs = WORD_LANGS.get(codec)
    words = [w for w in dict.fromkeys(w.lower() for w in NON_ASCII_WORD.findall(text)) if w not in common]
    words = words[:WORDS_CHECKED]
    if not langs or not words:
        return 0.0
    from wordfreq import zipf_frequency

    return sum(max(zipf_frequency(w, lang) for lang in langs) for w in words) / len(words)


def _readings(data: bytes, names: list[str]) -> list[tuple[str, str]]:
    """Distinct texts of ``data`` under the codecs ``names`` (first codec of each text kept)."""
    out: dict[str, str] = {}
    for name in names:
        codec = codec_name(name) or name
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        out.setdefault(text, codec)
    return [(codec, text) for text, codec in out.items()]


def detect(data: bytes) -> Decoded | None:
    """The likeliest reading of undeclared, non-UTF-8 bytes, or None when nothing fits (binary).

    charset-normalizer (limited to the web's code pages, :data:`LIKELY`) proposes; when its best
    candidates read the bytes differently (short Latin text is as plausible to it in cp1250 or
    cp1257 as in cp1252), the reading with the most real words wins (wordfreq's lists of the
    languages each code page serves), cp1252 first on a tie. A close call is noted as uncertain."""
    import charset_normalizer  # only for bytes that are not UTF-8 and declare nothing usable

    sample = data[: 1 << 20]
    matches = list(charset_normalizer.from_bytes(sample, cp_isolation=list(LIKELY)))
    if not matches:
        return None
    best = matches[0]
    high = sum(1 for b in sample if b > 127)
    if (codec_name(best.encoding) or best.encoding) not in WORD_LANGS and high >= CJK_MIN_BYTES:
        readings = _readings(data, [best.encoding])  # CJK multi-byte over enough bytes: the detector is sure
        return Decoded(readings[0][1], readings[0][0], "detected") if readings else None
    tied = [m.encoding for m in matches if m.chaos <= best.chaos + 0.1]
    readings = _readings(data, ["cp1252", *tied])  # a text cp1252 reads like another code page is cp1252
    if not readings:
        return None
    if len(readings) == 1:
        return Decoded(readings[0][1], readings[0][0], "detected")
    vocab = [{w.lower() for w in NON_ASCII_WORD.findall(text)} for _c, text in readings]
    common = frozenset(set.intersection(*vocab))
    scores = {codec: plausibility(text, codec, common) for codec, text in readings}
    texts = dict(readings)
    # most word-like first; on a tie cp1252 (the web's default for undeclared pages), then the
    # detector's order
    order = sorted(texts, key=lambda c: (-scores[c], c != "cp1252"))
    codec = order[0]
    share = scores[codec]
    other = order[1]
    uncertain = None
    if share - scores[other] < CLOSE or share < WORDLIKE:
        uncertain = (f"guessed {codec} for undeclared bytes; {other} reads them differently "
                     f"(word frequency {share:.1f} against {scores[other]:.1f})")
    text = texts[codec]
    return Decoded(text, codec, "detected", 0, uncertain)


def _mostly_valid(text: str, bad: int) -> bool:
    """UTF-8 with a few bad bytes: well-formed multi-byte characters outnumber the bad bytes
    (by four to one, and at least three), which chance does not produce in another charset."""
    valid = sum(1 for c in text if ord(c) > 127) - text.count("\ufffd")
    return valid >= max(3, 4 * bad)


def decode(data: bytes, *, html: bool = True) -> Decoded | None:
    """The bytes as text, with how the codec was chosen (:class:`Decoded`); None when no encoding
    fits. A declaration is only looked for when ``html`` is true. Order: BOM, the declaration
    (unless the bytes are valid UTF-8 with non-ASCII text), UTF-8, then detection; a declared or
    UTF-8 reading with a few bad bytes is kept, the bad bytes replaced and counted."""
    bom = from_bom(data)
    if bom:
        try:
            return Decoded(data.decode(bom), bom.replace("-sig", ""), "bom")
        except UnicodeDecodeError:
            pass
    text = _utf8(data)
    name = declared(data) if html else None
    if name and name != "utf-8" and not (text is not None and not text.isascii()):
        lenient = _lenient(data, name)
        if lenient is not None:
            return Decoded(lenient[0], name, "declared", lenient[1])
    if text is not None:
        return Decoded(text, "utf-8", "declared" if name == "utf-8" else "utf-8")
    lenient = _lenient(data, "utf-8")
    if lenient is not None and _mostly_valid(lenient[0], lenient[1]):
        return Decoded(lenient[0], "utf-8", "declared" if name == "utf-8" else "utf-8", lenient[1])
    return detect(data)
