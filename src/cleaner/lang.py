"""Language of a document: script first (``regex``, exact and fast), then function words, then
``langdetect`` (seeded, ~5 ms a call) only where neither can decide.

>>> guess_language("The cat sat on the mat and the dog was in the house with the children.")[0]
'en'
>>> guess_language("上海是中国的经济中心，也是一座国际化大都市。")[0]
'zh'
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from array import array
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path

import regex

from . import cache

# Script of each letter run; Latin is counted separately and cheaply (ASCII fast path).
SCRIPT_RUN = regex.compile(
    r"(?P<Han>[\p{Han}々〆〇]+)|(?P<Kana>[\p{Hiragana}\p{Katakana}ー]+)|(?P<Hangul>\p{Hangul}+)"
    r"|(?P<Cyrillic>\p{Cyrillic}+)|(?P<Greek>\p{Greek}+)|(?P<Arabic>\p{Arabic}+)|(?P<Hebrew>\p{Hebrew}+)"
    r"|(?P<Thai>\p{Thai}+)|(?P<Devanagari>\p{Devanagari}+)|(?P<Latin>\p{Latin}+)"
)
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))

# A few dozen of the most frequent function words per language (short, unambiguous where possible).
_FUNCTION_WORDS: dict[str, set[str]] = {
    lang: set(words.split())
    for lang, words in {
        "en": "the and of to in is that for it with was on as are be by this have from at not but "
              "they his her which were been has had would their will there what about who said",
        "de": "der die und den das ist nicht mit sich des auf für ein eine dem zu im auch als "
              "wird bei werden sind oder aus noch nach wie einem einer vom über hat",
        "fr": "le la les et des est une pour dans qui que pas sur au du avec ce sont il elle "
              "mais ou nous vous leur cette été aux par plus ont",
        "es": "el la los las y que del en por con una para es se su al lo como más pero sus "
              "fue este esta ha son entre cuando muy sin sobre también",
        "pt": "o a os as e que do da em um uma para com não no na por mais dos das se ao ou "
              "foi são pelo pela como mas sua seu também está",
        "it": "il lo la gli le e che di della del un una per con non nel nella sono è alla "
              "anche come più ma dei delle ha questo questa",
        "nl": "de het een en van in is dat op te zijn met voor niet aan er die ook als maar "
              "bij door wordt naar om nog werd",
        "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada oleh "
              "karena bisa saat mereka atau sudah kami kita",
        "ru": "и в не на что я с он как по это но из к у за от так же все она было его для "
              "мы бы уже или был были только",
        "sv": "och att det som en på är av för med till den har inte om ett de var jag men",
        "pl": "i w na z że się do nie jest to o jak ale po co od za przez dla tak są",
        "tr": "ve bir bu da de için ile çok daha olarak gibi olan en ama kadar sonra",
    }.items()
}
# keep only the words that tell languages apart ("a", "de", "to" are in several lists)
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(w for w in words if sum(w in other for other in _FUNCTION_WORDS.values()) == 1)
    for lang, words in _FUNCTION_WORDS.items()
}
WORD_LANG = {w: lang for lang, words in FUNCTION_WORDS.items() for w in words}
_CASED_FUNCTION_WORDS = frozenset(WORD_LANG).union(w.capitalize() for w in WORD_LANG)
WORD = re.compile(r"\w+")  # stdlib re, plain \w: the fastest tokeniser; digits never match a function word


# UTF-8 lead bytes (or two-byte prefixes) of each script's block: counting them in the encoded text
# is a handful of C-speed bytes.count calls, whatever the language, instead of a pass per character.
_LEADS: dict[str, tuple[bytes, ...]] = {
    "Latin": tuple(bytes([b]) for b in range(0xC3, 0xCA)),  # U+00C0-U+024F (accented letters)
    "Greek": (b"\xce", b"\xcf"),  # U+0380-U+03FF
    "Cyrillic": (b"\xd0", b"\xd1", b"\xd2", b"\xd3"),  # U+0400-U+04FF
    "Hebrew": (b"\xd7",),  # U+05C0-U+05FF
    "Arabic": (b"\xd8", b"\xd9", b"\xda", b"\xdb"),  # U+0600-U+06FF
    "Devanagari": (b"\xe0\xa4", b"\xe0\xa5"),  # U+0900-U+097F
    "Thai": (b"\xe0\xb8", b"\xe0\xb9"),  # U+0E00-U+0E7F
    "Kana": (b"\xe3\x81", b"\xe3\x82", b"\xe3\x83"),  # U+3040-U+30FF
    "Han": tuple(bytes([b]) for b in range(0xE4, 0xEA)),  # U+4000-U+9FFF
    "Hangul": (b"\xea\xb0", *(bytes([b]) for b in (0xEB, 0xEC)), b"\xed\x80", b"\xed\x9e"),  # ~U+AC00-U+D7A3
}


def script_counts(text: str, chars: frozenset[str] | None = None, data: bytes | None = None) -> Counter[str]:
    """Letters per script, from the UTF-8 bytes: ASCII letters by one ``bytes.translate``, other
    scripts by counting the lead bytes of their Unicode blocks. Exact for the scripts listed in
    ``_LEADS`` up to the edges of their blocks (a few symbols share them); good enough to tell a
    document's main script and whether another script occurs at all. With the text's distinct
    non-ASCII characters (``chars``) at hand, only the scripts that occur are counted; ``data`` is
    the text in UTF-8 if the caller has it."""
    data = text.encode("utf-8", "surrogatepass") if data is None else data
    counts: Counter[str] = Counter()
    ascii_latin = len(data.translate(None, _NOT_ASCII_LETTER))
    if ascii_latin:
        counts["Latin"] = ascii_latin
    if len(data) == len(text):
        return counts
    present = _LEADS.keys() if chars is None else {_script_of(c) for c in chars if c > "\xbf" and c.isalpha()}
    for script, leads in _LEADS.items():
        if script not in present:
            continue
        n = sum(data.count(lead) for lead in leads)
        if n:
            counts[script] += n
    return counts


@functools.lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    m = SCRIPT_RUN.match(ch)
    return (m.lastgroup or "Other") if m else "Other"


def main_script(counts: Counter[str]) -> str:
    """``Latin``, ``Chinese``, ``Japanese``, ``Korean``, ``Cyrillic``… or ``None`` for no letters.

    Kana marks Japanese even when Han outnumbers it; Hangul marks Korean."""
    if not counts:
        return "None"
    total = sum(counts.values())
    if counts["Kana"] >= 0.1 * total or (counts["Kana"] and counts["Kana"] + counts["Han"] > total / 2):
        return "Japanese"
    if counts["Hangul"] >= 0.2 * total:
        return "Korean"
    script, _ = counts.most_common(1)[0]
    if script == "Han":
        return "Chinese"
    return "Japanese" if script == "Kana" else script


SCRIPT_LANG = {"Chinese": "zh", "Japanese": "ja", "Korean": "ko", "Greek": "el", "Hebrew": "he",
               "Thai": "th", "Arabic": "ar", "Devanagari": "hi"}


def guess_language(text: str, counts: Counter[str] | None = None,
                   chunks: Callable[[], AbstractSet[str]] | None = None) -> tuple[str, str]:
    """``(language code, method)``; method is ``script``, ``words``, ``langdetect`` or ``none``.

    ``chunks`` gives the text's distinct words, case kept (:attr:`cleaner.analysis.Analysis.chunks`,
    which typo detection shares); without it they are found here. The language whose distinctive
    function words the text uses most (distinct words, in lower case or capitalised) wins when it
    uses at least four and twice as many as any other; otherwise langdetect decides."""
    counts = script_counts(text) if counts is None else counts
    script = main_script(counts)
    if script in SCRIPT_LANG:
        return SCRIPT_LANG[script], "script"
    if script == "None":
        return "und", "none"
    vocab = chunks() if chunks is not None else frozenset(WORD.findall(text))
    used = {w.lower() for w in _CASED_FUNCTION_WORDS.intersection(vocab)}
    ranked = Counter(map(WORD_LANG.__getitem__, used)).most_common(2) + [("und", 0)] * 2
    (best, n1), (_, n2) = ranked[:2]
    if n1 >= 4 and n1 >= 2 * n2:
        return best, "words"
    lang = _langdetect(text[:1000])  # ~2 ms whatever the length; a longer sample buys little
    return lang, "langdetect"


# langdetect's languages written in Latin or Cyrillic: only such text gets this far (CJK, Greek, Arabic,
# Hebrew, Thai and Devanagari are decided by script). Loading these 35 profiles instead of all 55 takes
# 0.05 s instead of 0.23 s and a third of the memory; on 1,151 samples of the corpus and the dev set
# the answers were the same.
_LANGDETECT_LANGS = ("af", "bg", "ca", "cs", "cy", "da", "de", "en", "es", "et", "fi", "fr", "hr", "hu", "id", "it",
                     "lt", "lv", "mk", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sv", "sw", "tl",
                     "tr", "uk", "vi")


@functools.cache
def _factory() -> object:
    """A private, seeded langdetect factory (deterministic, no global state touched) holding
    :data:`_LANGDETECT_LANGS`. langdetect builds its n-gram table from JSON profiles, a Python loop
    over every n-gram of every language (0.06–0.1 s, in every process that meets a document the
    function words leave undecided); the table is kept in the user cache as one float64 array,
    mapped, and handed to the factory in the form its detectors read (``ngram → row``)."""
    from langdetect.detector_factory import DetectorFactory

    factory = DetectorFactory()
    table = _cached_profiles()
    if table is None:
        factory.load_json_profile(_profiles())
        _store_profiles(factory.langlist, factory.word_lang_prob_map)
    else:
        factory.langlist, factory.word_lang_prob_map = table
    factory.seed = 0
    return factory


def _profiles() -> list[str]:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    return [(Path(PROFILES_DIRECTORY) / lang).read_text(encoding="utf-8") for lang in _LANGDETECT_LANGS]


def _profiles_path() -> Path:
    langs = hashlib.blake2b(" ".join(_LANGDETECT_LANGS).encode(), digest_size=4).hexdigest()
    return cache.cache_dir() / f"langdetect{importlib.metadata.version('langdetect')}-{langs}.bin"


def _store_profiles(langs: list[str], table: dict[str, list[float]]) -> None:
    ngrams = list(table)
    probs = array("d", (p for g in ngrams for p in table[g]))
    try:
        cache.write_sections(_profiles_path(), {"probs": probs.tobytes()}, {"langs": langs, "ngrams": ngrams})
    except OSError:
        pass  # a cache that cannot be written only costs the JSON load next time


def _cached_profiles() -> tuple[list[str], dict[str, memoryview[float]]] | None:
    mapped = cache.map_sections(_profiles_path())
    if mapped is None:
        return None
    header, sections = mapped
    langs, ngrams = header.get("langs"), header.get("ngrams")
    if langs != list(_LANGDETECT_LANGS) or not isinstance(ngrams, list):
        return None
    n = len(langs)
    probs: memoryview[float] = sections.get("probs", memoryview(b"")).cast("d")
    if len(probs) != n * len(ngrams):
        return None
    return langs, {g: probs[i * n:(i + 1) * n] for i, g in enumerate(ngrams)}


def _langdetect(text: str) -> str:
    from langdetect.lang_detect_exception import LangDetectException

    try:
        detector = _factory().create()  # type: ignore[attr-defined]
        detector.n_trial = 3  # of langdetect's 7 random trials; on a 1,000-character sample 3 agree
        detector.append(text)
        lang: str = detector.detect()
    except LangDetectException:
        return "und"
    return lang.split("-")[0]
