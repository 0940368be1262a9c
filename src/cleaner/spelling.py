"""Ranked corrections for one misspelled word: edits, scrambles, lost spaces, scrambled merges.

Only words the typo detector has already flagged come here, so this module can afford a few
hundred microseconds per word. Candidates come from four generators over a :class:`Lexicon`:

* **edits** — words within two Damerau (OSA) edits, from the symmetric-delete index;
* **anagrams** — the same letters in another order (``tseag`` → ``stage``);
* **splits** — a lost space (``inthe`` → ``in the``);
* **scrambled merges** — two words run together and scrambled (``crteeaa`` → ``create a``): every
  way to share the letters between two words is looked up in the anagram index.

Each candidate gets a log10-scale score (the same unit as zipf frequencies): its frequency, plus an
error-model cost (a transposition, a doubled letter or a neighbouring key is cheap; a changed first
letter or a second edit is dear; a scramble that keeps the first letter is likelier than one that
does not), plus, where the language has bigram counts, how well it fits the neighbouring words.

>>> from cleaner.dictionary import load
>>> [c.text for c in suggest("recieve", load("en"))][:1]
['receive']
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

from .dictionary import Lexicon, anagram_key, osa_distance, squeeze

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
VOWELS = frozenset("aeiouyàáâäèéêëìíîïòóôöùúûü")
BIGRAM_NORM = 6.4  # log10 count(a b) - zipf(a) - zipf(b) + 6.4 = PMI for the Google Books counts
SLIP_MIN_ZIPF = 30  # zipf×10 a slip must lead to (a reasonably common word)
PAIR_MIN_WITHOUT_BIGRAMS = 4.5  # zipf both words of a split or merge need where no bigram list exists
# the error model of scrambles (log10): any scramble costs SCRAMBLE_COST; one that keeps the first
# letter (most do) gets KEPT_FIRST back, the last letter KEPT_LAST; two words scrambled together cost
# MERGE_COST more, and UNPAIRED_COST more again when people do not write them side by side
SCRAMBLE_COST = 2.2
KEPT_FIRST = 1.2
KEPT_LAST = 0.3
MERGE_COST = 1.3
UNPAIRED_COST = 1.5
CONTEXT_TOP = 12  # candidates that get their neighbours weighed
MERGE_SHORT_MAX = 3  # letters of the shorter word of a scrambled merge
MAX_MERGE_LENGTH = 14  # longer words are not searched for scrambled merges


def _neighbours() -> dict[str, frozenset[str]]:
    pos = {ch: (r, c + 0.5 * r) for r, row in enumerate(KEYBOARD_ROWS) for c, ch in enumerate(row)}
    return {a: frozenset(b for b, (r2, c2) in pos.items()
                         if b != a and abs(r1 - r2) <= 1 and abs(c1 - c2) <= 1)
            for a, (r1, c1) in pos.items()}


NEAR_KEYS = _neighbours()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One correction: ``text`` (one or two words), how it was found, and its log10 score."""

    text: str
    how: str  # edit1 | edit2 | anagram | split | merge
    score: float
    freq: float  # zipf of the (rarest) word
    cost: float  # the error model's part of the score (0 = free, -1 = one plain edit)

    @property
    def slip(self) -> bool:
        """A one-key slip people make all the time: swapped neighbours, a neighbouring key, a doubled
        or undoubled letter — with the first letter kept."""
        return self.how == "edit1" and self.cost >= -0.6

    @property
    def plausible(self) -> bool:
        """A slip, or a misspelling by ear: a vowel written for another, left out or added."""
        return self.how == "edit1" and self.cost >= -0.8


def _edit_cost(typo: str, cand: str, distance: int) -> float:
    """log10 cost of mistyping ``cand`` as ``typo``: cheap for the slips people make most."""
    cost = -1.0 if distance == 1 else -3.5
    if typo[0] != cand[0] and typo[:2] != cand[1::-1]:
        cost -= 0.7  # a changed first letter is rare, except for the first two swapped (ahve)
    if distance == 1:
        cost += _slip_bonus(typo, cand)
    return cost


def _slip_bonus(typo: str, cand: str) -> float:
    """0.4 for a swap of neighbours, a neighbouring key or a doubled/undoubled letter; 0.2 for a vowel
    written for another, left out or added (the spelling-by-ear errors: definately, absolutly)."""
    if len(typo) == len(cand):
        diff = [i for i, (a, b) in enumerate(zip(typo, cand, strict=True)) if a != b]
        if len(diff) == 2:
            return 0.4  # transposition
        a, b = typo[diff[0]], cand[diff[0]]
        if b in NEAR_KEYS.get(a, ()):
            return 0.4
        return 0.2 if a in VOWELS and b in VOWELS else 0.0
    longer, shorter = (typo, cand) if len(typo) > len(cand) else (cand, typo)
    i = next((i for i, (a, b) in enumerate(zip(longer, shorter, strict=False)) if a != b), len(shorter))
    extra = longer[i]
    doubled = (i > 0 and longer[i - 1] == extra) or (i + 1 < len(longer) and longer[i + 1] == extra)
    near = any(extra in NEAR_KEYS.get(longer[j], ()) for j in (i - 1, i + 1) if 0 <= j < len(longer))
    return 0.4 if doubled else 0.2 if near or extra in VOWELS else 0.0


def _scramble_cost(typo: str, letters: str) -> float:
    """Scrambles usually keep the first letter (and often the last): reward both."""
    cost = -SCRAMBLE_COST
    if typo[0] == letters[0]:
        cost += KEPT_FIRST
    if typo[-1] == letters[-1]:
        cost += KEPT_LAST
    return cost


def _context(lex: Lexicon, words: list[str], prev: str | None, nxt: str | None) -> float:
    """How much likelier the candidate's words are next to their neighbours than apart.

    The sum of the positive pointwise mutual information of each adjacent pair (from bigram counts,
    log10), times 0.5; pairs missing from the bigram list count as 0 (the list keeps only frequent
    pairs). PMI, not raw counts, so that context does not count a frequent word's frequency twice."""
    if not lex.has_bigrams:
        return 0.0
    pairs = list(pairwise(words))
    if prev:
        pairs.append((prev, words[0]))
    if nxt:
        pairs.append((words[-1], nxt))
    score = 0.0
    for a, b in pairs:
        count = lex.bigram(a, b)
        if count:
            score += max(0.0, count - lex.freq(a) - lex.freq(b) + BIGRAM_NORM)
    return 0.5 * score


def _edits(word: str, lex: Lexicon) -> Iterator[tuple[str, str, float]]:
    limit = 1 if len(word) <= 4 else 2
    squeezed = squeeze(word)
    for cand in lex.edit_candidates(word):
        if cand == word or abs(len(cand) - len(word)) > limit:
            continue
        d = osa_distance(word, cand, limit + 1)
        if d == 2 and squeeze(cand) == squeezed:
            yield cand, "edit1", -0.6  # only doubled letters wrong (tommorow, accomodate): one slip
        elif d <= limit:
            yield cand, f"edit{d}", _edit_cost(word, cand, d)



def _anagrams(word: str, lex: Lexicon) -> Iterator[tuple[str, str, float]]:
    """Same letters, other order, same first letter (scrambles keep it; a free reordering of the
    letters finds a real word for too many names and foreign words)."""
    for cand in lex.anagrams(anagram_key(word)):
        if cand != word and cand[0] == word[0] and osa_distance(word, cand, 3) > 1:
            yield cand, "anagram", _scramble_cost(word, cand)


def _part_ok(part: str, lex: Lexicon) -> bool:
    """A part of a split must be a common word; one- and two-letter parts only when very common."""
    need = {1: 5.5, 2: 4.5}.get(len(part), 3.0)
    return lex.freq(part) >= need


def paired(a: str, b: str, lex: Lexicon) -> bool:
    """Do people write ``a b``? The bigram list says; without one, both must be very common."""
    if lex.has_bigrams:
        return lex.bigram(a, b) > 0
    return min(lex.freq(a), lex.freq(b)) >= PAIR_MIN_WITHOUT_BIGRAMS


def _splits(word: str, lex: Lexicon) -> Iterator[tuple[str, str, float]]:
    """A lost space: two common words that people write next to each other (the pair must be in the
    bigram list; a language without one needs two very common words, so that its closed compounds,
    ``fallübergreifend``, are not split)."""
    for i in range(1, len(word)):
        a, b = word[:i], word[i:]
        if not (_part_ok(a, lex) and _part_ok(b, lex)):
            continue
        if paired(a, b, lex):
            yield f"{a} {b}", "split", -1.6


def _merges(word: str, lex: Lexicon) -> Iterator[tuple[str, str, float]]:
    """Two words whose letters together are ``word``'s letters, in either order.

    Every way to share the letters out is a sub-multiset of them. Only the shorter word's letters are
    enumerated, up to three letters: scrambled pairs are a word and a short word next to it (``create
    a``, ``found in``, ``drive the``); two long words run together are a lost space, which
    :func:`_splits` finds unscrambled. Both parts are looked up in the anagram index."""
    if len(word) > MAX_MERGE_LENGTH:
        return
    letters = anagram_key(word)
    most = min(len(word) // 2, MERGE_SHORT_MAX)
    shorts = {"".join(c) for k in range(1, most + 1) for c in combinations(letters, k)}
    for key_a in sorted(shorts & _short_keys(lex)):
        rest = list(letters)
        for ch in key_a:
            rest.remove(ch)
        yield from _merge_pairs(word, lex, key_a, "".join(rest))


@functools.cache
def _short_keys(lex: Lexicon) -> frozenset[str]:
    """Anagram keys of the short words a scrambled merge may hold (one set per lexicon, a few hundred
    keys), so the letter subsets are filtered in one set intersection."""
    return frozenset(anagram_key(w) for w in lex.words if len(w) <= MERGE_SHORT_MAX and _part_ok(w, lex))


@functools.lru_cache(maxsize=4096)
def _short_words(lex: Lexicon, key: str) -> list[str]:
    """The short words with these sorted letters that may be part of a scrambled merge: a few
    hundred keys per lexicon, asked again and again, so kept (dictionary data, not documents')."""
    return [w for w in lex.anagrams(key) if _part_ok(w, lex)]


def _merge_pairs(word: str, lex: Lexicon, key_a: str, key_b: str) -> Iterator[tuple[str, str, float]]:
    """Word pairs for two letter sets; the pair must start with ``word``'s first letter, and costs
    more when it is not a pair people write (absent from the bigram list, or two rare words)."""
    if not lex.has_anagram(key_b):  # key_a is one of _short_keys: known to have words
        return
    firsts = _short_words(lex, key_a)
    seconds = [b for b in lex.anagrams(key_b) if _part_ok(b, lex)]
    for a in firsts:
        for b in seconds:
            for first, second in ((a, b), (b, a)):
                if first[0] != word[0]:
                    continue
                unpaired = 0.0 if paired(first, second, lex) else UNPAIRED_COST
                yield f"{first} {second}", "merge", _scramble_cost(word, first + second) - MERGE_COST - unpaired


def slips(word: str, lex: Lexicon) -> list[str]:
    """Common words one slip away, without the full search: swapped neighbours, a doubled or
    undoubled letter, a neighbouring key typed instead or as well (first letter kept). About ten
    strings per letter, all looked up in the fast tier, so it can decide cheaply whether a word
    that looks like word formation (``uncited``) deserves a full :func:`suggest`."""
    out: set[str] = set()
    for i in range(1, len(word)):
        a, b = word[i - 1], word[i]
        out.add(word[:i - 1] + b + a + word[i + 1:])
        out.add(word[:i] + a + word[i:])
        if a == b or b in NEAR_KEYS.get(a, ()):
            out.add(word[:i] + word[i + 1:])
        out.update(word[:i] + k + word[i + 1:] for k in NEAR_KEYS.get(b, ()))
    return sorted(w for w in out if w != word and lex.hot.get(w, 0) >= SLIP_MIN_ZIPF)


def edit_kind(typo: str, word: str) -> str:
    """What one edit turned ``word`` into ``typo``: ``swap`` (neighbours swapped), ``double`` (a
    letter doubled or undoubled, also twice), ``near`` (a neighbouring key typed instead), ``vowel``
    (a vowel for another), ``missing`` or ``extra`` (a letter left out or added), or ``other`` (a
    far key: ``boops`` of ``books``).

    >>> [edit_kind(t, w) for t, w in [("teh", "the"), ("tommorow", "tomorrow"), ("wrod", "word"),
    ...                               ("definately", "definitely"), ("perfomance", "performance"),
    ...                               ("whith", "with"), ("whitr", "white"), ("boops", "books")]]
    ['swap', 'double', 'swap', 'vowel', 'missing', 'extra', 'near', 'other']
    """
    if squeeze(typo) == squeeze(word) and typo != word:
        return "double"
    if len(typo) != len(word):
        longer, shorter = (typo, word) if len(typo) > len(word) else (word, typo)
        i = next((i for i, (a, b) in enumerate(zip(longer, shorter, strict=False)) if a != b), len(shorter))
        if longer[:i] + longer[i + 1:] != shorter:
            return "other"
        return "extra" if longer is typo else "missing"
    diff = [i for i, (a, b) in enumerate(zip(typo, word, strict=True)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and typo[diff[0]] == word[diff[1]] and typo[diff[1]] == word[diff[0]]:
        return "swap"
    if len(diff) != 1:
        return "other"
    a, b = typo[diff[0]], word[diff[0]]
    if b in NEAR_KEYS.get(a, ()):
        return "near"
    return "vowel" if a in VOWELS and b in VOWELS else "other"


def _freq(text: str, lex: Lexicon) -> float:
    return min(lex.freq(w) for w in text.split(" "))


def suggest(word: str, lex: Lexicon, prev: str | None = None, nxt: str | None = None,
            limit: int = 5) -> list[Candidate]:
    """Corrections for the lower-case ``word``, best first; ``prev``/``nxt`` are its neighbours.

    Scrambled merges are searched only when nothing closer (an edit, a split) was found, which keeps
    the common case cheap and stops a merge from out-ranking a plain slip. Context (bigram lookups)
    is weighed for the best few by frequency and error model only: it re-ranks close candidates,
    it does not lift a far one."""
    ranked = [Candidate(text, how, score + _context(lex, text.split(" "), prev, nxt), score - cost, cost)
              for score, text, how, cost in _by_form(word, lex)]
    ranked.sort(key=lambda c: (-c.score, c.text))
    return ranked[:limit]


@functools.lru_cache(maxsize=4096)
def _by_form(word: str, lex: Lexicon) -> tuple[tuple[float, str, str, float], ...]:
    """The best :data:`CONTEXT_TOP` corrections of ``word`` by frequency and error model alone, as
    ``(score, text, how, cost)``: the search, which costs most of a suggestion (~1 ms) and depends
    on the word alone, is kept for the words met again (names, terms and misspellings recur from
    document to document); the neighbours are weighed per occurrence by :func:`suggest`."""
    found: dict[str, tuple[str, float]] = {}
    for gen in (_edits, _anagrams, _splits):
        _collect(found, gen(word, lex))
    if len(word) >= 4 and not any(how in ("edit1", "split") for how, _ in found.values()):
        _collect(found, _merges(word, lex))
    base = sorted(((_freq(text, lex) + cost, text) for text, (_, cost) in found.items()), reverse=True)
    return tuple((score, text, *found[text]) for score, text in base[:CONTEXT_TOP])


def _collect(found: dict[str, tuple[str, float]], cands: Iterator[tuple[str, str, float]]) -> None:
    """Keep each candidate text once, with its cheapest way of being found."""
    for text, how, cost in cands:
        if text not in found or found[text][1] < cost:
            found[text] = (how, cost)
