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

The typo rule also asks whether a word belongs to another language (``en masse``); that look-up needs
only the hash tiers of that language's file (:class:`Vocabulary`, :func:`vocabulary`), so the other
languages' files are built on first need too and cost no word list in memory.
"""

from __future__ import annotations

import bisect
import fcntl
import functools
import gzip
import importlib.metadata
import importlib.util
import json
import math
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, filterfalse
from pathlib import Path

import regex
from rapidfuzz.distance import OSA

from .cache import cache_dir, map_sections, write_sections

SUPPORTED = ("en", "de", "fr", "es", "pt", "it")
CAPITALISED_AFTER = 100  # documents of a language before its lexicon adds capitalised forms (see uncommon)
FORMAT = 11  # bump when the build recipe or the cache layout changes
PACKAGES = ("wordfreq", "pyspellchecker", "symspellpy")

WORD = regex.compile(r"[\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)*")
SUSPICIOUS_GAP = 15  # zipf×10: a curated neighbour this much more frequent makes a wordfreq word suspect
SUSPICIOUS_BELOW = 40  # zipf×10: words at least this frequent are never suspect
RUN_TOGETHER_MIN = 53  # zipf×10 both words of a lost-space pair need
RUN_TOGETHER_GAP = 23  # zipf×10 by which the pair must be more frequent than the run-together word
BIGRAM_ZIPF_OFFSET = 26  # log10 count×10 of a Google Books bigram minus this ≈ its zipf×10
STRONG_MIN = 25  # zipf×10: curated words that can make another word suspect
HOT_MIN = 20  # zipf×10: words in the fast tier, also the words offered as suggestions
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
    """A multimap from strings to small integers stored as sorted ``uint32`` arrays.

    Keys are CRC-32 hashes, so a lookup may return a false hit (about one in 5,000 lookups of a
    word that is absent, against the largest index); callers that need certainty verify what they
    get (edit distance, letters), and a false "known word" only costs a missed typo. A third array
    gives where each of the 65,536 top-16-bit buckets starts, so a lookup bisects a handful of
    neighbouring keys instead of the whole array: a few memory reads in one place instead of twenty
    scattered ones, which is what a lookup costs once the arrays are out of the CPU cache.
    """

    __slots__ = ("_keys", "_starts", "_values")
    SHIFT = 16

    def __init__(self, keys: memoryview, values: memoryview, starts: memoryview) -> None:
        self._keys = keys
        self._values = values
        self._starts = starts

    @classmethod
    def pack(cls, pairs: Iterable[tuple[str, int]]) -> tuple[bytes, bytes, bytes]:
        """Sorted key and value arrays for ``(key, value)`` pairs (one packed int per row keeps the
        sort lean), and the bucket starts."""
        rows = sorted(crc(k) << 32 | v for k, v in pairs)
        keys, values = array("I"), array("I")
        last = -1
        for r in rows:
            if r != last:
                keys.append(r >> 32)
                values.append(r & 0xFFFFFFFF)
                last = r
        per_bucket = [0] * (1 << (32 - cls.SHIFT))
        for k in keys:
            per_bucket[k >> cls.SHIFT] += 1
        starts = array("I", [0])
        starts.extend(accumulate(per_bucket))
        return keys.tobytes(), values.tobytes(), starts.tobytes()

    def _find(self, h: int) -> tuple[int, int]:
        """``(first index of h or where it would go, end of h's bucket)``."""
        b = h >> self.SHIFT
        end = self._starts[b + 1]
        return bisect.bisect_left(self._keys, h, self._starts[b], end), end

    def get(self, key: str) -> list[int]:
        h = crc(key)
        lo, end = self._find(h)
        return list(self._values[lo:bisect.bisect_right(self._keys, h, lo, end)])

    def __contains__(self, key: str) -> bool:
        h = crc(key)
        i, end = self._find(h)
        return i < end and self._keys[i] == h

    def __len__(self) -> int:
        return len(self._keys)


class Lexicon:
    """Accepted words of one language with their frequency, and the indexes suggestions need.

    Two tiers keep memory small: ``hot`` is a dict of the words with zipf ≥ 2 (zipf × 10 as value),
    which answers nearly every lookup and is the list of words that may be suggested; the rarer
    accepted words and the rejected web words (``suspect``) sit in hash arrays mapped from the
    cache file, shared by every process that maps it.
    """

    def __init__(self, lang: str, sections: dict[str, memoryview]) -> None:
        self.lang = lang
        self.words: list[str] = bytes(sections["hot"]).decode("utf-8").split("\n")
        self.hot: dict[str, int] = dict(zip(self.words, bytes(sections["hot_z"]), strict=True))
        # what uncommon() subtracts: the dict itself at first (a set difference with a dict runs at
        # set speed), later a set that adds the capitalised forms
        self._common: dict[str, int] | frozenset[str] = self.hot
        self._uses = 0
        table = {name: view.cast("I") for name, view in sections.items() if name not in ("hot", "hot_z")}
        self._cold, self._suspect, self._deletes, self._anagrams, self._bigrams = (
            _index(table, name) for name in ("cold", "suspect", "del", "ana", "big"))
        self.has_bigrams = len(self._bigrams) > 0

    def uncommon(self, chunks: frozenset[str]) -> frozenset[str]:
        """The chunks that are not hot words as written (nor, once :attr:`capitalised`, capitalised
        hot words), at C speed.

        The capitalised forms make a second set as large as the hot tier (30–70 ms to build, per
        language and process), so they are added once a language has been asked about in
        :data:`CAPITALISED_AFTER` documents, or by :meth:`complete`: a language met in a few
        documents of a run does not pay for them, and until then its capitalised words go through
        the typo detector's screen, which looks them up one by one."""
        self._uses += 1
        if self._uses >= CAPITALISED_AFTER and not self.capitalised:
            self.complete()
        return chunks.difference(self._common)

    @property
    def capitalised(self) -> bool:
        """Does :meth:`uncommon` subtract the hot words' capitalised forms too?"""
        return self._common is not self.hot

    def complete(self) -> None:
        """Add the capitalised forms now (a warm-up before the fork, so the workers share them)."""
        if not self.capitalised:
            self._common = frozenset(self.hot).union(map(str.capitalize, self.hot))

    def known(self, word: str) -> bool:
        return word in self.hot or word in self._cold

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words this lexicon does not accept (the hot tier first, at C speed)."""
        return {w for w in filterfalse(self.hot.__contains__, words) if w not in self._cold}

    def freq(self, word: str) -> float:
        """Zipf frequency (1 = once per billion words); 0 for unknown words."""
        z = self.hot.get(word)
        if z is None:
            hits = self._cold.get(word)
            z = hits[0] if hits else 0
        return z / 10

    def is_suspect(self, word: str) -> bool:
        """A web word rejected as a likely misspelling of a more frequent one (``recieve``)."""
        return word in self._suspect

    def suspect_freq(self, word: str) -> float:
        """How often the web writes a rejected word (zipf; 0 if it is not one): ``teh`` 3.0, ``gunna``
        3.1, ``recieve`` 2.5."""
        hits = self._suspect.get(word)
        return hits[0] / 10 if hits else 0.0

    def edit_candidates(self, word: str) -> set[str]:
        """Suggestable words sharing a deletion variant with ``word``'s first letters: every word
        one edit away, and many two edits away (callers measure the real distance)."""
        words = self.words
        depth = 1 if len(word) <= 4 else 2  # short words: one edit (two would reach half the lexicon)
        return {words[i] for d in deletes(word[:PREFIX], depth) for i in self._deletes.get(d)}

    def anagrams(self, key: str) -> list[str]:
        """Suggestable words whose sorted letters are ``key``."""
        return [w for w in (self.words[i] for i in self._anagrams.get(key)) if anagram_key(w) == key]

    def has_anagram(self, key: str) -> bool:
        return key in self._anagrams

    def bigram(self, first: str, second: str) -> float:
        """log10 of the count of ``first second`` in the bigram list (0 when absent or no data)."""
        hits = self._bigrams.get(f"{first} {second}")
        return max(hits) / 10 if hits else 0.0


class Vocabulary:
    """The words a language accepts and their frequency, looked up in the hash tiers of its cache
    file alone: what another language's lexicon is asked (is ``masse`` a French word?) without
    holding its word list in memory (a few MB mapped and shared, against 10-20 MB of dict)."""

    def __init__(self, lang: str, sections: dict[str, memoryview]) -> None:
        self.lang = lang
        table = {name: view.cast("I") for name, view in sections.items() if name not in ("hot", "hot_z")}
        self._hot, self._cold = _index(table, "word"), _index(table, "cold")

    def freq(self, word: str) -> float:
        """Zipf frequency (1 = once per billion words); 0 for words the language does not accept."""
        hits = self._hot.get(word) or self._cold.get(word)
        return hits[0] / 10 if hits else 0.0


def _index(table: dict[str, memoryview], name: str) -> HashIndex:
    return HashIndex(table[f"{name}_k"], table[f"{name}_v"], table[f"{name}_s"])


# -- sources -----------------------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        msg = f"the package {name!r} is not installed; install cleaner's dependencies"
        raise ImportError(msg)
    return Path(next(iter(spec.submodule_search_locations)))


def _wordfreq(lang: str) -> dict[str, int]:
    """wordfreq's ``large`` list as word → zipf × 10, read from its file directly: the package's own
    readers keep the whole list (and a float dict) in a process-wide cache, ~100 MB for German."""
    from wordfreq import available_languages, read_cBpack

    out: dict[str, int] = {}
    for centibels, words in enumerate(read_cBpack(available_languages("large")[lang])):
        zipf = max(0, 90 - round(centibels / 10))  # a bin is -centibels: zipf = 9 - cB/100
        for word in words:
            if word not in out and WORD.fullmatch(word):
                out[word] = zipf
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
    return min(OSA.distance(a, b, score_cutoff=limit), limit)


def _suspects(web: dict[str, int], curated: set[str], lang: str) -> set[str]:
    """wordfreq words missing from the curated list with a much more frequent curated word one edit
    away, or only doubled letters away (``tommorow``).

    Words are taken one length at a time against the curated words one letter shorter, as long or
    one longer, so the deletion index in memory is a fraction of the whole (German: ~80 MB less)."""
    strong: dict[int, list[str]] = {}
    squeezed: dict[str, int] = {}
    for c in curated:
        zc = web.get(c, 0)
        if zc >= STRONG_MIN:
            strong.setdefault(len(c), []).append(c)
            squeezed[squeeze(c)] = max(squeezed.get(squeeze(c), 0), zc)
    by_length: dict[int, list[str]] = {}
    for w, z in web.items():
        if w not in curated and z < SUSPICIOUS_BELOW and len(w) >= 3:
            by_length.setdefault(len(w), []).append(w)
    out = {w for ws in by_length.values() for w in ws
           if squeezed.get(squeeze(w), 0) - web[w] >= SUSPICIOUS_GAP}
    for n, words in by_length.items():
        index: dict[str, list[str]] = {}
        for c in (c for m in (n - 1, n, n + 1) for c in strong.get(m, ())):
            for d in deletes(c, 1):
                index.setdefault(d, []).append(c)
        out.update(w for w in words if _near_much_commoner(w, index, web, lang))
    return out


def _near_much_commoner(word: str, index: dict[str, list[str]], web: dict[str, int], lang: str) -> bool:
    z = web[word]
    near = {c for d in deletes(word, 1) for c in index.get(d, ())}
    return any(web[c] - z >= SUSPICIOUS_GAP and osa_distance(word, c, 2) == 1
               and not _inflected(word, c, lang) for c in near)


def squeeze(word: str) -> str:
    """``word`` with every run of a repeated letter cut to one (``tommorrow`` → ``tomorow``).

    >>> squeeze("accommodate")
    'acomodate'
    """
    return "".join(ch for i, ch in enumerate(word) if i == 0 or word[i - 1] != ch)


def _run_together(web: dict[str, int], curated: set[str], pairs: dict[str, int]) -> set[str]:
    """wordfreq words that are two very common words with the space lost (``inthe``, ``alot``):
    both parts frequent (zipf ≥ 5.3) and the pair far more frequent (bigram counts) than the word.
    Closed compounds that people do write as one word (``offseason``, ``chipset``, ``rollout``) are
    about as frequent as their two-word spelling, so they are left alone."""
    out = set()
    for pair, count in pairs.items():
        a, _, b = pair.partition(" ")
        w = a + b
        z = web.get(w)
        if z is None or w in curated or z >= SUSPICIOUS_BELOW or len(w) < 4:
            continue
        pair_zipf = count - BIGRAM_ZIPF_OFFSET
        if min(web.get(a, 0), web.get(b, 0)) >= RUN_TOGETHER_MIN and z < pair_zipf - RUN_TOGETHER_GAP:
            out.add(w)
    return out


def run_together(word: str, first: str, second: str, lex: Lexicon) -> bool:
    """Is ``word`` ``first second`` with the space lost, by the measure that made :func:`build` reject
    such words (``alot``: ``a lot`` is far more frequent than ``alot``)? Needs bigram counts."""
    count = lex.bigram(first, second)
    common = min(lex.freq(first), lex.freq(second)) >= RUN_TOGETHER_MIN / 10
    lopsided = count - BIGRAM_ZIPF_OFFSET / 10 - lex.suspect_freq(word) >= RUN_TOGETHER_GAP / 10
    return word == first + second and common and count > 0 and lopsided


def _inflected(word: str, base: str, lang: str) -> bool:
    """``word`` differs from ``base`` only where words inflect, so it is a form of it, not a typo:
    in English an added final s, d, r, y or n (``influencer``); elsewhere anything in the last two
    letters (``entrará`` next to ``entrar``), since the curated lists miss many inflected forms."""
    if lang == "en":
        return len(word) == len(base) + 1 and word.startswith(base) and word[-1] in "sdryn"
    stem = min(len(word), len(base)) - 2
    return stem > 0 and word[:stem] == base[:stem]


def build(lang: str) -> dict[str, bytes]:
    """The cache sections of ``lang``'s lexicon, from the installed packages (seconds; run once per
    machine by :func:`load`)."""
    zipf = _wordfreq(lang)
    curated = _curated(lang)
    bigrams = dict(_bigram_pairs(lang))
    suspect = {w: zipf.pop(w) for w in _suspects(zipf, curated, lang) | _run_together(zipf, curated, bigrams)}
    for w in curated:
        zipf.setdefault(w, 0)
    del curated
    hot = sorted((w for w, z in zipf.items() if z >= HOT_MIN), key=lambda w: (-zipf[w], w))
    hot_set = set(hot)
    plain = [w for w in hot if "'" not in w]
    ids = {w: i for i, w in enumerate(hot)}
    sections: dict[str, bytes] = {
        "hot": "\n".join(hot).encode("utf-8"),
        "hot_z": bytes(min(zipf[w], 255) for w in hot),
    }
    packed = {
        "word": HashIndex.pack((w, zipf[w]) for w in hot),
        "cold": HashIndex.pack((w, z) for w, z in zipf.items() if w not in hot_set),
        "suspect": HashIndex.pack(suspect.items()),
        "del": HashIndex.pack((d, ids[w]) for w in plain for d in deletes(w[:PREFIX], 1)),
        "ana": HashIndex.pack((anagram_key(w), ids[w]) for w in plain),
        "big": HashIndex.pack(bigrams.items()),
    }
    for name, (keys, values, starts) in packed.items():
        sections[f"{name}_k"], sections[f"{name}_v"], sections[f"{name}_s"] = keys, values, starts
    return sections


# -- cache -------------------------------------------------------------------------------------


@functools.cache
def _versions() -> str:
    """The word packages' versions, looked up once per process (each lookup scans ``sys.path``)."""
    return "-".join(f"{p}{importlib.metadata.version(p)}" for p in PACKAGES)


def _cache_path(lang: str) -> Path:
    return cache_dir() / f"lexicon-v{FORMAT}-{_versions()}" / f"{lang}.bin"


def _map_cache(path: Path) -> dict[str, memoryview] | None:
    mapped = map_sections(path)
    return None if mapped is None or mapped[0].get("format") != FORMAT else mapped[1]


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


_VOCABULARIES: dict[str, Vocabulary | Lexicon] = {}


def vocabulary(lang: str) -> Vocabulary | Lexicon | None:
    """What ``lang`` accepts, for a frequency look-up: its lexicon when this process has loaded it,
    else its cache file's hash tiers alone (built once per machine like the lexicon)."""
    if lang in _LOADED:
        return _LOADED[lang]
    if lang not in SUPPORTED:
        return None
    if lang not in _VOCABULARIES:
        with _LOCK:
            if lang not in _VOCABULARIES:
                path = _cache_path(lang)
                _VOCABULARIES[lang] = Vocabulary(lang, _map_cache(path) or _build_once(path, lang))
    return _VOCABULARIES[lang]


def loaded() -> list[Lexicon]:
    """The lexicons this process has loaded so far."""
    return [lex for lex in list(_LOADED.values()) if lex is not None]


def _load(lang: str) -> Lexicon:
    path = _cache_path(lang)
    sections = _map_cache(path)
    if sections is None:
        sections = _build_once(path, lang)
    return Lexicon(lang, sections)


def _build_once(path: Path, lang: str) -> dict[str, memoryview]:
    """Build under a lock file, so that parallel workers build a language once, not once each; a
    cache folder that cannot be written only costs a build in every process (one: a build that
    cannot be stored is used from memory, not built again)."""
    built = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with (path.parent / f".{lang}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            sections = _map_cache(path)
            if sections is not None:
                return sections
            built = build(lang)
            write_sections(path, built, {"format": FORMAT})
            sections = _map_cache(path)
            if sections is not None:
                return sections
    except OSError:
        pass
    return {name: memoryview(data) for name, data in (built or build(lang)).items()}
