"""Word data for typo detection: one :class:`Lexicon` per language, built from installed packages.

Nothing here is copied into the repository. The words come from three packages that ship them:

* ``wordfreq`` (``large`` lists: en, de, fr, es, pt, it): coverage of names, jargon and inflections,
  and the frequency prior (zipf) for ranking;
* ``pyspellchecker`` (all six languages) and ``symspellpy`` (English): curated lists that leave out
  common misspellings;
* ``symspellpy``'s English bigram counts: context for ranking suggestions.

A web frequency list also holds frequent misspellings (``teh``, ``recieve``), so a wordfreq word is
accepted only when a curated list has it too, or when no curated word one edit away is much more
frequent than it (``recieve`` is one transposition from ``receive``, 100× more frequent: not accepted;
``fintech`` has no such neighbour: accepted). That trades a few rare real words next to common ones
(flagged, with low scores) for catching the misspellings that the web repeats.

Building a lexicon takes a few seconds (the neighbour test runs over every wordfreq word), so the
result is cached on first use under the user cache folder (``$CLEANER_CACHE_DIR``, else
``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner``), keyed by the three packages' versions and
this module's ``FORMAT``; loading a cached lexicon takes well under half a second. The fuzzy indexes
(symmetric deletes, anagram keys, bigrams) are sorted ``uint32`` CRC arrays, a few MB each, that are
looked up with :mod:`bisect` and then verified, instead of Python dicts of millions of strings.
"""

from __future__ import annotations

import bisect
import gzip
import importlib.metadata
import importlib.util
import json
import marshal
import math
import os
import tempfile
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import regex

SUPPORTED = ("en", "de", "fr", "es", "pt", "it")
FORMAT = 3  # bump when the build recipe or the cache layout changes
PACKAGES = ("wordfreq", "pyspellchecker", "symspellpy")

WORD = regex.compile(r"[\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)*")
SUSPICIOUS_GAP = 15  # zipf×10: a curated neighbour this much more frequent makes a wordfreq word suspect
SUSPICIOUS_BELOW = 40  # zipf×10: words at least this frequent are never suspect
RUN_TOGETHER_MIN = 53  # zipf×10 both words of a lost-space pair need
STRONG_MIN = 25  # zipf×10: curated words that can make another word suspect
SUGGEST_MIN = 20  # zipf×10: words offered as suggestions (indexed for deletes and anagrams)
PREFIX = 7  # symmetric deletes are taken over the first PREFIX letters (as SymSpell does)
MAX_DELETES = 2


def crc(text: str) -> int:
    """A stable 32-bit hash (Python's ``hash`` changes per process, so it cannot be cached)."""
    return zlib.crc32(text.encode("utf-8"))


def deletes(word: str, depth: int = MAX_DELETES) -> set[str]:
    """``word`` and every string made by deleting up to ``depth`` letters from it.

    >>> sorted(deletes("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    """
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier if len(w) > 1 for i in range(len(w))}
        out |= frontier
    return out


def anagram_key(letters: str) -> str:
    """The sorted letters of a word: words with the same key are anagrams of each other."""
    return "".join(sorted(letters))


class HashIndex:
    """A multimap from strings to small integers stored as two sorted ``uint32`` arrays.

    Keys are CRC-32 hashes, so a lookup may return a few false hits (about one per 16 million
    pairs); callers verify what they get, which they do anyway (edit distance, letters).
    """

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: bytes, values: bytes) -> None:
        self._keys = memoryview(keys).cast("I")
        self._values = memoryview(values).cast("I")

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, int]]) -> HashIndex:
        """Index ``(key, value)`` pairs; packs each row into one int so the sort stays lean."""
        rows = sorted({crc(k) << 32 | v for k, v in pairs})
        keys = array("I", (r >> 32 for r in rows))
        values = array("I", (r & 0xFFFFFFFF for r in rows))
        return cls(keys.tobytes(), values.tobytes())

    def get(self, key: str) -> list[int]:
        h = crc(key)
        lo = bisect.bisect_left(self._keys, h)
        hi = bisect.bisect_right(self._keys, h, lo)
        return list(self._values[lo:hi])

    def __contains__(self, key: str) -> bool:
        h = crc(key)
        i = bisect.bisect_left(self._keys, h)
        return i < len(self._keys) and self._keys[i] == h

    def dump(self) -> tuple[bytes, bytes]:
        return self._keys.tobytes(), self._values.tobytes()


class Lexicon:
    """Accepted words of one language with their frequency, and the indexes suggestions need.

    ``zipf`` maps each accepted (lower-case) word to its wordfreq zipf frequency × 10 (0 for a
    curated word wordfreq does not know); ``suspect`` holds wordfreq words rejected as likely
    misspellings of a more frequent word; ``words`` lists the words that may be suggested (id → word).
    """

    def __init__(self, lang: str, data: dict[str, Any]) -> None:
        self.lang = lang
        self.zipf: dict[str, int] = data["zipf"]
        self.suspect: frozenset[str] = frozenset(data["suspect"])
        self.words: list[str] = data["words"]
        self._deletes = HashIndex(*data["deletes"])
        self._anagrams = HashIndex(*data["anagrams"])
        self._bigrams = HashIndex(*data["bigrams"])

    def __contains__(self, word: str) -> bool:
        return word in self.zipf

    def freq(self, word: str) -> float:
        """Zipf frequency (1 = once per billion words); 0 for unknown words."""
        return self.zipf.get(word, 0) / 10

    def edit_candidates(self, word: str) -> set[str]:
        """Suggestable words that share a deletion variant (up to two) of ``word``'s first letters.

        A superset of the words within two edits (callers measure the real distance)."""
        out: set[str] = set()
        words = self.words
        for d in deletes(word[:PREFIX]):
            out.update(words[i] for i in self._deletes.get(d))
        return out

    def anagrams(self, key: str) -> list[str]:
        """Suggestable words whose sorted letters are ``key``."""
        return [w for w in (self.words[i] for i in self._anagrams.get(key)) if anagram_key(w) == key]

    def has_anagram(self, key: str) -> bool:
        return key in self._anagrams

    def bigram(self, first: str, second: str) -> float:
        """log10 of the count of ``first second`` in the bigram list (0 when absent or no data)."""
        hits = self._bigrams.get(f"{first} {second}")
        return max(hits) / 10 if hits else 0.0

    @cached_property
    def has_bigrams(self) -> bool:
        return len(self._bigrams.dump()[0]) > 0


# -- sources -----------------------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        msg = f"the package {name!r} is not installed; install cleaner's dependencies"
        raise ImportError(msg)
    return Path(next(iter(spec.submodule_search_locations)))


def _wordfreq(lang: str) -> dict[str, int]:
    from wordfreq import get_frequency_dict

    out = {}
    for word, f in get_frequency_dict(lang, "large").items():
        if WORD.fullmatch(word):
            out[word] = max(0, round((math.log10(f) + 9) * 10))
    return out


def _curated(lang: str) -> set[str]:
    path = _package_dir("spellchecker") / "resources" / f"{lang}.json.gz"
    words = {w.lower() for w in json.loads(gzip.decompress(path.read_bytes())) if WORD.fullmatch(w)}
    if lang == "en":
        words |= {w for w, _ in _symspell_rows("frequency_dictionary_en_82_765.txt") if WORD.fullmatch(w)}
    return words


def _symspell_rows(name: str) -> Iterator[tuple[str, int]]:
    with (_package_dir("symspellpy") / name).open(encoding="utf-8") as f:
        for line in f:
            *words, count = line.split()
            yield " ".join(words), int(count)


def _bigram_pairs(lang: str) -> Iterator[tuple[str, int]]:
    if lang != "en":
        return
    for pair, count in _symspell_rows("frequency_bigramdictionary_en_243_342.txt"):
        yield pair, round(math.log10(max(count, 1)) * 10)


# -- building ----------------------------------------------------------------------------------


def osa_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment (restricted Damerau–Levenshtein) distance, capped at ``limit``.

    >>> osa_distance("recieve", "receive"), osa_distance("form", "from"), osa_distance("cat", "dog")
    (1, 1, 3)
    """
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def _suspects(web: dict[str, int], curated: set[str]) -> set[str]:
    """wordfreq words missing from the curated list with a much more frequent curated word one edit away."""
    strong: dict[str, list[str]] = {}
    for c in curated:
        if web.get(c, 0) >= STRONG_MIN:
            for d in deletes(c, 1):
                strong.setdefault(d, []).append(c)
    out = set()
    for w, z in web.items():
        if w in curated or z >= SUSPICIOUS_BELOW or len(w) < 3:
            continue
        near = {c for d in deletes(w, 1) for c in strong.get(d, ())}
        if any(web[c] - z >= SUSPICIOUS_GAP and osa_distance(w, c, 2) == 1 for c in near):
            out.add(w)
    return out


def _run_together(web: dict[str, int], curated: set[str], pairs: set[str]) -> set[str]:
    """wordfreq words that are two very common words with the space lost (``inthe``, ``alot``):
    both parts frequent (zipf ≥ 5.3), the pair in the bigram list, the word much rarer than its
    parts. Compounds with a rarer part (``chipset``, ``rollout``) are left alone."""
    out = set()
    for w, z in web.items():
        if w in curated or z >= SUSPICIOUS_BELOW or len(w) < 4:
            continue
        for i in range(1, len(w)):
            a, b = w[:i], w[i:]
            least = min(web.get(a, 0), web.get(b, 0))
            if least >= RUN_TOGETHER_MIN and z < least - SUSPICIOUS_GAP and f"{a} {b}" in pairs:
                out.add(w)
                break
    return out


def build(lang: str) -> dict[str, Any]:
    """Build the lexicon data of ``lang`` from the installed packages (seconds; cached by :func:`load`)."""
    web = _wordfreq(lang)
    curated = _curated(lang)
    bigrams = dict(_bigram_pairs(lang))
    suspect = _suspects(web, curated) | _run_together(web, curated, set(bigrams))
    zipf = {w: z for w, z in web.items() if w not in suspect}
    for w in curated:
        zipf.setdefault(w, 0)
    words = sorted((w for w, z in zipf.items() if z >= SUGGEST_MIN and "'" not in w), key=lambda w: (-zipf[w], w))
    return {"zipf": zipf, "suspect": sorted(suspect), "words": words,
            "deletes": HashIndex.build((d, i) for i, w in enumerate(words) for d in deletes(w[:PREFIX])).dump(),
            "anagrams": HashIndex.build((anagram_key(w), i) for i, w in enumerate(words)).dump(),
            "bigrams": HashIndex.build(bigrams.items()).dump()}


# -- cache -------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where built lexicons are kept: ``$CLEANER_CACHE_DIR`` or the user cache folder."""
    env = os.environ.get("CLEANER_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cleaner"


def _cache_path(lang: str) -> Path:
    versions = "-".join(f"{p}{importlib.metadata.version(p)}" for p in PACKAGES)
    return cache_dir() / f"lexicon-v{FORMAT}-{versions}" / f"{lang}.marshal"


def _write_cache(path: Path, data: dict[str, Any]) -> None:
    """Atomic (temp file + rename), so parallel workers building the same lexicon never tear it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            marshal.dump(data, f)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache folder only costs the next process another build


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as f:
            data = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


_LOCK = threading.Lock()
_LOADED: dict[str, Lexicon | None] = {}


def load(lang: str) -> Lexicon | None:
    """The lexicon of ``lang`` (``None`` for an unsupported language), built once per machine and
    loaded once per process."""
    if lang in _LOADED:
        return _LOADED[lang]
    with _LOCK:
        if lang not in _LOADED:
            _LOADED[lang] = _load(lang) if lang in SUPPORTED else None
    return _LOADED[lang]


def _load(lang: str) -> Lexicon:
    path = _cache_path(lang)
    data = _read_cache(path)
    if data is None:
        data = build(lang)
        _write_cache(path, data)
    return Lexicon(lang, data)
