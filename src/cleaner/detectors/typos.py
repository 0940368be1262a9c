"""``typo``: misspelled words, scrambles and run-together words, with ranked suggestions.

A word is a *candidate* when the language's :class:`~cleaner.dictionary.Lexicon` does not accept
it. Most words never cost more than a set lookup: the text's distinct chunks (:attr:`Analysis.chunks`,
split once per document and shared with language guessing) are filtered by the lexicon's fast set
(common words; capitalised too once a language is in use, see ``Lexicon.uncommon``), leaving a few
dozen per article; names among them are screened out by a substring search. What is left is
protected — or not — by what a copy editor would respect:

* names and terms: a capital letter mid-sentence or before another capitalised word, CamelCase
  (``SenseTime``), ALL CAPS (``FTZ``), a word the document repeats, a word on the allow-list;
* things that are not prose: URLs, e-mail addresses, handles, code, numbers (any chunk holding
  digits or ``@ / \\ _ = # & …``), contractions and possessives;
* word formation: hyphenated and closed compounds of known words (``backglass``), a known word with
  a prefix or suffix from the rule's lists (``uncited``, ``automations``) — unless a one-key slip
  explains the word better (``thees`` → ``these``);
* other languages: a word next to a run of another script (a transliteration glossed in Chinese),
  a word whose neighbours are unknown too (a quotation, a title), an English loanword in a document
  in another language, and documents whose language has no lexicon (no CJK checking at all).

A candidate that survives is flagged only if :func:`cleaner.spelling.suggest` finds a plausible
correction: a word with no near neighbour in the dictionary is more often a name or a foreign word
than a typo, so it is left alone (false negatives on wild misspellings, in exchange for precision).
``score`` is the confidence that the word is wrong *and* that the first suggestion fixes it, so that
fix mode (``--fix-typos``, threshold 0.8 by default) only applies the clear cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from .. import dictionary, spelling
from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector, read_word_list
from .common import CodeRegions, occurrences_of

EDGE = ".,;:!?\"'()[]{}“”‘’«»‹›„‚—–-…·•¡¿"
PROTECTING = frozenset("0123456789@/\\_=#&<>{}|~^*+%$`")
SENTENCE_END = ".!?…"
QUOTES = "\"'“”‘’«»„"
OPENERS = "\"'“‘«([{ \t"
OTHER_SCRIPT = regex.compile(r"[^\p{Latin}\p{Common}\p{Inherited}]")
BASE_SCORE = {"edit1": 0.9, "edit2": 0.7, "anagram": 0.85, "split": 0.85, "merge": 0.8}
INITIAL_MIN = 0.8  # a capitalised word at a sentence start may be a name: flag only clear cases
LIST_SEPARATORS = regex.compile(r"\s[-–—|/•·]\s|[,;|•·]")
# what opens a list item: a number anywhere in a line ("… 9.0, 6. Neurala"), a bullet at its start
LIST_MARKER = regex.compile(r"(?:^|\s)(?:\d{1,3}[.)]|#\d+)\s+\Z|\A\s*[-*•·–]\s+\Z")
LINE_REACH = 400  # characters of a word's line looked at on each side to tell a list from prose
COMMON_SUSPECT = 3.0  # zipf from which the web writes a rejected word too often for it to be a slip
TRIPLED = regex.compile(r"(.)\1\1")
WORD_BEFORE = regex.compile(r"(\p{L}+) \Z")
WORD_AFTER = regex.compile(r" (\p{L}+)")
CODE_BEFORE = frozenset("./\\$_@#<`=([{]")
CODE_AFTER = frozenset("(_/\\=<>`[{)")
LOANWORD_MIN = 3.0  # zipf an English word needs to pass as a loanword in another language
SHORT_SLIP = 7  # a word this short with a neighbouring key or an extra letter…
SLIP_TARGET_MIN = 4.3  # …is fixed only toward a word at least this common (zipf)
SPLIT_HEAD_MIN = 5.8  # zipf of the first word of a lost space the web writes often (of 7.4, a, in, even 5.9)


@dataclass(frozen=True)
class TypoParams:
    languages: tuple[str, ...] = dictionary.SUPPORTED  # languages to check (each needs a lexicon)
    allow: tuple[str, ...] = ()  # sidecar word lists (one word a line) never flagged
    prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per language: un, re…
    suffixes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per language: s, ing…
    function_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per language: foreign runs
    min_length: int = 3  # shorter words are never flagged
    min_score: float = 0.5  # findings below this confidence are not reported
    min_plausibility: float = 1.0  # log10 score the best suggestion needs (frequency + error model)
    max_suggestions: int = 5
    max_unknown_ratio: float = 0.3  # skip a document when this share of its distinct words is unknown
    # what a finding needs to score above unsure_score (and so be fixed by --fix-typos at its default
    # threshold): see TypoDetector._unsure
    unsure_score: float = 0.6
    clear_margin: float = 0.8  # log10 lead of the first suggestion over the second (web-written words)
    foreign_min: float = 2.5  # zipf at which another language's word is that language's, not a typo
    list_words: int = 4  # a line of at most this many words is a list item, a heading or a tag line

    def check(self) -> tuple[str, str] | None:
        unsupported = [lang for lang in self.languages if lang not in dictionary.SUPPORTED]
        if unsupported:
            return "languages", "supported: " + ", ".join(dictionary.SUPPORTED)
        if not 0 <= self.min_score <= 1:
            return "min_score", "a number from 0 to 1"
        return None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place a candidate word stands, and whether it is capitalised at a sentence start."""

    start: int
    end: int
    initial: bool


@register
class TypoDetector(Detector):
    name = "typo"
    Params = TypoParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: TypoParams = self.params
        self.allowed = frozenset(w.lower() for name in p.allow for w in read_word_list(rule, name, "allow"))
        self.foreign = {  # per document language: the other languages' function words, minus its own
            lang: frozenset().union(*(set(ws) for other, ws in p.function_words.items() if other != lang))
            - set(p.function_words.get(lang, ()))
            for lang in dictionary.SUPPORTED
        }

    def warm(self) -> None:
        for lex in dictionary.loaded():  # those the warm-up text loaded: add their capitalised forms
            lex.complete()

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        p: TypoParams = self.params
        if analysis.lang not in p.languages or analysis.script != "Latin":
            return
        lex = dictionary.load(analysis.lang)
        if lex is None:
            return
        text = doc.text
        chunks = analysis.chunks
        rest = lex.uncommon(chunks)  # nearly every word stops here, at C speed
        # numbers never reach the Python-level screen (a fifth of what is left)
        hot, capitalised = lex.hot, lex.capitalised
        screened = {w for c in rest if not c[0].isdigit() and (w := _screen(c, hot, capitalised))}
        lower = {w for w in screened if not w[0].isupper()}
        unknown = lex.unknown({w.lower() for w in screened})
        # a capitalised word that never starts a sentence is a name: looked for among the unknown only
        names = {w for w in screened if w[0].isupper() and w.lower() in unknown}
        unknown &= lower | {w.lower() for w in _initial(text, names)}
        if not unknown or len(unknown) > p.max_unknown_ratio * len(chunks):
            return
        low = analysis.lower
        words = self._candidates(unknown, lex)
        places = _places(low, words)
        family = _family(words, lex)
        code = CodeRegions(doc)  # an HTML page's code elements: a program's names, not words
        for word in checked(sorted(words)):
            if code and any(code.inside(p, p + len(word)) for p in places[word]):
                continue
            yield from self._check(doc, low, word, places[word], lex, word in family)

    # -- which words need a closer look ------------------------------------------------------
    def _candidates(self, unknown: set[str], lex: dictionary.Lexicon) -> set[str]:
        """Plain words (or unknown parts of hyphenated compounds) that no list accepts."""
        out: set[str] = set()
        for chunk in unknown:
            if not PROTECTING.intersection(chunk) and "." not in chunk:
                out.update(self._unknown_parts(chunk, lex))
        return {w for w in out if len(w) >= self.params.min_length and not self._excused(w, lex)}

    def _unknown_parts(self, chunk: str, lex: dictionary.Lexicon) -> list[str]:
        plain = chunk.replace("’", "'").replace("—", "-").replace("–", "-")
        if "'" in plain:  # contractions, possessives, elisions: leave them unless every part is unknown
            parts = [x for x in plain.split("'") if x]
            return [] if any(lex.known(x) for x in parts) or len(parts) != 1 else parts
        parts = [x for x in plain.split("-") if x]
        if not all(x.isalpha() for x in parts):
            return []
        return [x for x in parts if not lex.known(x)]

    def _excused(self, word: str, lex: dictionary.Lexicon) -> bool:
        """Allowed, a contraction stem (``isn`` of ``isn ’t``) or an English loanword abroad."""
        if word in self.allowed or lex.known(word + "'t"):
            return True
        if lex.lang != "en":
            english = dictionary.load("en")
            return english is not None and english.freq(word) >= LOANWORD_MIN
        return False

    # -- one word, every place it stands -----------------------------------------------------
    def _check(self, doc: Document, low: str, word: str, places: list[int], lex: dictionary.Lexicon,
               family: bool) -> Iterator[Span]:
        if len(places) != 1:
            return  # a word the document repeats is a name or a term
        occ = _occurrence(doc.text, low, places[0], places[0] + len(word), lex, self.foreign[lex.lang])
        if occ is not None:
            span = self._finding(doc, low, word, occ, lex, family)
            if span is not None:
                yield span

    def _finding(self, doc: Document, low: str, word: str, occ: Occurrence,
                 lex: dictionary.Lexicon, family: bool = False) -> Span | None:
        p: TypoParams = self.params
        # a known word behind a prefix (defund) or two joined (backglass) is formed on purpose unless a
        # slip explains it; after a suffix (governer) a misspelling by ear may, if the web knows it
        suspect = lex.is_suspect(word) and not (self._prefixed(word, lex) or _compound(word, lex))
        formed = self._prefixed(word, lex) or self._suffixed(word, lex) or _compound(word, lex)
        if formed and not suspect and not spelling.slips(word, lex):
            return None
        prev, nxt = _neighbour_words(low, occ.start, occ.end)
        cands = spelling.suggest(word, lex, prev, nxt, limit=p.max_suggestions)
        if not cands or cands[0].score < p.min_plausibility:
            return None
        best = cands[0]
        if _protected_formation(word, cands, formed, suspect) or _abbreviation_like(word, cands):
            return None
        score = _confidence(word, cands, occ.initial, lex.has_bigrams)
        if score < (INITIAL_MIN if occ.initial else p.min_score):
            return None
        detail: dict[str, str] = {"how": best.how}
        if score > p.unsure_score:
            why = "one of a family" if family else self._unsure(doc.text, word, occ, cands, lex, formed)
            if why:
                score, detail["unsure"] = p.unsure_score, why
        original = doc.text[occ.start:occ.end]
        suggestions = tuple(_recase(c.text, original) for c in cands)
        return self.span(doc, occ.start, occ.end, score=score, suggestions=suggestions, detail=detail)

    def _unsure(self, text: str, word: str, occ: Occurrence, cands: list[spelling.Candidate],
                lex: dictionary.Lexicon, formed: bool) -> str | None:
        """Why replacing the word by the first suggestion could corrupt real text, or ``None``.

        A flag costs a reader a glance; a fix that turns a real word wrong costs the text. So a finding
        scores above ``unsure_score`` (and ``--fix-typos`` replaces it) only when the word is none of:
        a name-like token in a list, heading or tag line (``- yvt``, ``hamdouni Dec 31, 2023``); code
        (``.ini``, ``eval()``); a word another language's lexicon knows (``en masse``, ``Umano
        digitale``); a word whose first suggestion does not win clearly (``boops`` → ``books``: the
        web writes the word, and no common slip makes it of the suggestion)."""
        p: TypoParams = self.params
        if _listed(text, occ.start, occ.end, p.list_words):
            return "listed"
        if _code_like(text, occ.start, occ.end):
            return "code"
        if not occ.initial and _sentence_start(text, occ.start):
            return "lower-case sentence start"  # a name written in lower case (polkit, iPhone-style)
        if text.startswith(("...", "…"), occ.end) or TRIPLED.search(word):
            return "cut or drawn out"  # strateg..., boringgg
        if _split_apart(text, occ.start, occ.end, lex):
            return "part of a word"  # "Adve nture": extraction broke "Adventure"
        other = _other_language(word, lex.lang, p.foreign_min)
        if other:
            return f"word of {other}"
        if not _clear(word, cands, lex, formed or self._suffixed(word, lex, least=2.0), p.clear_margin):
            return "unclear"
        return None

    def _suffixed(self, word: str, lex: dictionary.Lexicon, least: float = 2.5) -> bool:
        """A known word (at least ``least`` zipf) with one of the language's suffixes (``automations``,
        ``boops``)."""
        for suffix in self.params.suffixes.get(lex.lang, ()):
            base = word[: -len(suffix)]
            if word.endswith(suffix) and len(base) >= 3 and max(lex.freq(base), lex.freq(base + "e")) >= least:
                return True
        return False

    def _prefixed(self, word: str, lex: dictionary.Lexicon) -> bool:
        """A known word behind one of the language's prefixes (``uncited``, ``defund``)."""
        return any(word.startswith(prefix) and len(word) - len(prefix) >= 3
                   and lex.freq(word[len(prefix):]) >= 2.5 for prefix in self.params.prefixes.get(lex.lang, ()))


# -- helpers (pure functions over the text) ------------------------------------------------------


def _screen(chunk: str, hot: dict[str, int], capitalised: bool) -> str | None:
    """The chunk as a word worth a closer look, or ``None`` when it is plainly fine: a common word
    with punctuation attached, CamelCase or ALL CAPS. A capitalised word is returned as written: it
    is a name unless it starts a sentence somewhere (:func:`_initial`); others in lower case."""
    word = chunk.strip(EDGE)
    # a chunk left as it was is no hot word as written, nor capitalised once the lexicon is
    # ``capitalised`` (Lexicon.uncommon removed those): only the others need the lookups
    stripped = word is not chunk
    if len(word) < 2 or (stripped and word in hot):
        return None
    if word[0].isupper():
        looked_up = capitalised and not stripped
        if not word[1:].islower() or (not looked_up and word.lower() in hot):
            return None
        return word
    return word if word.islower() else None


def _initial(text: str, words: set[str]) -> set[str]:
    """The ``words`` (case as written) that stand at the start of a sentence or line somewhere."""
    return {w for w, offsets in occurrences_of(text, words).items() if any(_sentence_start(text, i) for i in offsets)}


def _places(low: str, words: set[str]) -> dict[str, list[int]]:
    """``{word: offsets where it stands as a whole word (not inside a longer word) in low}``."""
    out = {}
    for word, offsets in occurrences_of(low, words).items():
        n = len(word)
        out[word] = [i for i in offsets
                     if not ((low[i - 1] if i else " ").isalnum() or (after := low[i + n:i + n + 1] or " ").isalnum()
                             or _is_mark(after))]
    return out


def _is_mark(ch: str) -> bool:
    return ch >= "\u0300" and regex.match(r"\p{M}", ch) is not None


def _occurrence(text: str, low: str, start: int, end: int, lex: dictionary.Lexicon,
                foreign_words: frozenset[str]) -> Occurrence | None:
    """The occurrence, unless it is protected (a name, an acronym, code, a foreign run)."""
    original = text[start:end]
    if any(ch.isupper() for ch in original[1:]):
        return None  # CamelCase, ALL CAPS
    initial = original[0].isupper()
    if initial and (not _sentence_start(text, start) or _name_like(text, end)
                    or lex.is_suspect(original.lower())):
        return None  # a capitalised word mid-sentence, in a run of names, or one the web knows
    if lex.lang == "en" and not original.isascii():
        return None  # accented words in English prose are names or loanwords
    if _in_protected_chunk(text, start, end) or _near_other_script(text, start, end):
        return None
    if _quoted(text, start, end):
        return None
    if _foreign_run(low, start, end, lex, foreign_words) or _broken_word(low, start, end, lex):
        return None
    return Occurrence(start, end, initial)


def _sentence_start(text: str, start: int) -> bool:
    """At the start of the text, of a line, or after a full stop that does not end an initial
    or a short abbreviation (``L. Tays``, ``Gov. Deval``)."""
    i = start - 1
    while i >= 0 and text[i] in OPENERS:
        i -= 1
    if i < 0 or text[i] in "\n\r":
        return True
    if text[i] not in SENTENCE_END:
        return False
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    before = text[j:i]
    return not (before[:1].isupper() and len(before) <= 3)


def _quoted(text: str, start: int, end: int) -> bool:
    """A single word in quotation marks is a term being introduced (“frunk,”), not a typo."""
    before = text[start - 1:start]
    after = text[end:end + 2].lstrip(".,;:!?")[:1]
    return before in QUOTES and after in QUOTES and before != ""


def _name_like(text: str, end: int) -> bool:
    """Followed by another capitalised word or a possessive: part of a name (``Sione Takitaki``)."""
    rest = text[end:end + 3]
    if rest[:1] in ("'", "’"):
        return True
    return rest[:1] == " " and rest[1:2].isupper()


def _in_protected_chunk(text: str, start: int, end: int) -> bool:
    """Is the word part of a whitespace-delimited chunk that is a URL, e-mail, handle, code or number?"""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    chunk = text[left:right].strip(EDGE)
    if PROTECTING.intersection(chunk):
        return True
    return any(chunk[i] == "." and chunk[i - 1].isalnum() and chunk[i + 1].isalnum()
               for i in range(1, len(chunk) - 1))


def _near_other_script(text: str, start: int, end: int, reach: int = 16) -> bool:
    """A word next to CJK, Cyrillic… on its line is a transliteration or a gloss (``nunchi (눈치)``)."""
    window = text[max(0, start - reach):end + reach]
    return OTHER_SCRIPT.search(window) is not None


def _window(low: str, start: int, end: int, reach: int = 48) -> tuple[list[str], list[str]]:
    """Words within ``reach`` characters before and after, on the same line."""
    left = low[max(0, start - reach):start]
    right = low[end:end + reach]
    left = left[left.rfind("\n") + 1:]
    right = right.split("\n", 1)[0]
    before = [w.strip(EDGE) for w in left.split()]
    after = [w.strip(EDGE) for w in right.split()]
    if start - reach > 0 and before:
        before = before[1:]  # the first one may be cut
    if end + reach < len(low) and after:
        after = after[:-1]
    return [w for w in before if w], [w for w in after if w]


def _neighbour_words(low: str, start: int, end: int) -> tuple[str | None, str | None]:
    before, after = _window(low, start, end, 32)
    prev = before[-1] if before and before[-1].isalpha() and low[start - 1] == " " else None
    nxt = after[0] if after and after[0].isalpha() and low[end:end + 1] == " " else None
    return prev, nxt


def _foreign_run(low: str, start: int, end: int, lex: dictionary.Lexicon,
                 foreign_words: frozenset[str]) -> bool:
    """Is the word inside a run of another language or of non-words (a quotation, a title, code)?

    Yes when three of the eight nearby words are unknown too, or two are function words of another
    language and not of this one (``en esta calle durante la noche`` in an English article: many
    Spanish words are also English web words, so unknown words alone would miss it)."""
    before, after = _window(low, start, end)
    near = before[-4:] + after[:4]
    unknown = sum(1 for w in near if w.isalpha() and len(w) > 2 and not lex.known(w))
    foreign = sum(1 for w in near if w in foreign_words)
    return unknown >= 3 or foreign >= 2


def _broken_word(low: str, start: int, end: int, lex: dictionary.Lexicon) -> bool:
    """Next to a stray letter that is not a word (``tre k``, ``m oon``): a word that extraction broke
    apart with spaces, not a typo."""
    before, after = _window(low, start, end, 8)
    stray = [w for w in (before[-1:] + after[:1]) if len(w) == 1 and w.isalpha()]
    return any(lex.freq(w) < 5.5 for w in stray)


def _split_apart(text: str, start: int, end: int, lex: dictionary.Lexicon) -> bool:
    """Is the word one half of a known word split by a space (``Adve nture``, ``recog nition``)?"""
    before = WORD_BEFORE.search(text, max(0, start - 24), start)
    after = WORD_AFTER.match(text, end)
    word = text[start:end].lower()
    return ((before is not None and lex.known(before.group(1).lower() + word))
            or (after is not None and lex.known(word + after.group(1).lower())))


def _listed(text: str, start: int, end: int, most: int) -> bool:
    """Is the word on a line of at most ``most`` words, or an item of a line that lists short items
    (``Tags: stock car, taruma, racing``, ``a - b - c``)? Such lines are names, handles and headings."""
    # the line, or a window of it (a line that long is no short item: the window decides the rest)
    line_start = max(text.rfind("\n", max(0, start - LINE_REACH), start) + 1, start - LINE_REACH, 0)
    line_end = text.find("\n", end, end + LINE_REACH)
    line = text[line_start:min(len(text), end + LINE_REACH) if line_end < 0 else line_end]
    words = line.split()
    head = text[line_start:start]
    short = len(words) <= most and not line.rstrip().endswith(tuple(SENTENCE_END))
    if short or LIST_MARKER.search(head[-12:]) or (not head.strip() and text[end:end + 1] == ":"):
        return True  # a short line, "- yvt", "6. Neurala", "#35 Hotaru no haka", "mickeyf: Using…"
    if sum(1 for w in words if any(c.isdigit() for c in w)) * 3 >= len(words):
        return True  # a listing: titles, years, ratings, prices
    items = [x for x in LIST_SEPARATORS.split(line) if x.strip()]
    return len(items) >= 3 and len(words) <= 3 * len(items) and not line.rstrip().endswith(".")


def _code_like(text: str, start: int, end: int) -> bool:
    """Code, a file type or an option rather than prose: ``.ini``, ``$env``, ``--getsz``, ``eval()``,
    ``isinstance ( x``, ``(e.g. ntpd )``."""
    before = text[max(0, start - 2):start]
    after = text[end:end + 2].lstrip(" ")[:1]
    glued_before = bool(before) and (before[-1] in CODE_BEFORE or before == "--")
    return glued_before or (bool(after) and after in CODE_AFTER)


def _other_language(word: str, lang: str, least: float) -> str | None:
    """The supported language, other than the document's, whose lexicon knows ``word`` at least
    ``least`` zipf (``masse``: fr), or ``None``."""
    for other in dictionary.SUPPORTED:
        vocab = dictionary.vocabulary(other) if other != lang else None
        if vocab is not None and vocab.freq(word) >= least:
            return other
    return None


def _clear(word: str, cands: list[spelling.Candidate], lex: dictionary.Lexicon, formed: bool,
           margin: float) -> bool:
    """Does the first suggestion win clearly? A scrambled merge must be a pair people write. A word
    formed of known parts (``cajons``, ``hardcode``) needs a slip that explains it better: letters
    swapped or doubled, or (when the web never writes it) a neighbouring key. A word the web writes
    (a suspect: ``recieve``, but also ``boops``, ``gunna``, ``tty``) needs more: a lead of ``margin``
    over the second suggestion, an error people make (not ``boops`` → ``books``, a far key), a split
    only as lopsided as the dictionary's own lost spaces (``alot``; not ``inhouse``, which the web
    writes as one word), and to be rare on the web or a slip of a very common word (``teh``)."""
    best = cands[0]
    pair = best.text.split(" ")
    if best.how == "merge" and not spelling.paired(pair[0], pair[-1], lex):
        return False
    kind = spelling.edit_kind(word, best.text) if best.how == "edit1" else best.how
    if kind in ("near", "extra") and len(word) <= SHORT_SLIP and best.freq < SLIP_TARGET_MIN:
        return False  # gitk, muxing, stdout, struct: a short word lies one key from many rarer words
    suspect = lex.is_suspect(word)
    if formed and kind not in (("swap", "double") if suspect else ("swap", "double", "near")):
        return False
    if not suspect:
        return kind != "other"  # a far key or a first letter changed: iconik, semver
    if kind == "split":  # as common as the dictionary's lost spaces (alot, ofcourse), not inhouse, powerup
        # and a lost space after a word that is not a function word: powerup, checkout, backend are
        # words in their own right once the web writes them this often
        return dictionary.run_together(word, pair[0], pair[-1], lex) and lex.freq(pair[0]) >= SPLIT_HEAD_MIN
    if _margin(cands) < margin or kind not in ("swap", "double", "near", "vowel", "missing", "extra"):
        return False
    common = best.freq >= 6.0 and kind in ("swap", "double", "near")
    return (len(word) > 4 or common) and (lex.suspect_freq(word) < COMMON_SUSPECT or common)


def _protected_formation(word: str, cands: list[spelling.Candidate], formed: bool, suspect: bool) -> bool:
    """Does the word look made on purpose more than mistyped?

    A word built from known parts (``uncited``, ``backglass``) needs a one-key slip to count as a
    typo; if the web also uses it often enough to be a suspect, a misspelling by ear will do
    (``governer``). A short word the web uses (``carb``) needs a slip or a clearly better, common
    correction."""
    best = cands[0]
    if formed:
        return not (best.plausible if suspect else best.slip)
    if suspect and len(word) <= 4:
        clear = best.how in ("edit1", "split") and best.freq >= 4.5 and _margin(cands) >= 1.0
        return not (best.slip or clear)
    return False


def _abbreviation_like(word: str, cands: list[spelling.Candidate]) -> bool:
    """Three-letter non-words are mostly abbreviations; only slips on very common words count: a
    swap (teh → the) or a clearly best one-edit fix (wih → with)."""
    best = cands[0]
    swap = best.how == "edit1" and sorted(best.text) == sorted(word) and best.freq >= 5
    clear = best.how == "edit1" and best.freq >= 5.5 and _margin(cands) >= 1.0
    return len(word) == 3 and not (swap or clear)


def _family(words: set[str], lex: dictionary.Lexicon) -> set[str]:
    """The unknown words of a document that share a short known first part with another one, each
    followed by a known word (``onclose``, ``onerror``, ``onopen``; ``getvalue``, ``getname``): a
    naming pattern of code or a product line, not lost spaces, which do not repeat their first word."""
    by_head: dict[str, set[str]] = {}
    for word in words:
        for k in (2, 3):
            if len(word) - k >= 3 and lex.known(word[:k]) and lex.known(word[k:]):
                by_head.setdefault(word[:k], set()).add(word)
    return {w for group in by_head.values() if len(group) >= 2 for w in group}


def _compound(word: str, lex: dictionary.Lexicon) -> bool:
    """Two known words of three letters or more written together (``backglass``, ``earhooks``)."""
    return any(_compound_part(word[:i], lex) and _compound_part(word[i:], lex)
               for i in range(3, len(word) - 2))


def _compound_part(part: str, lex: dictionary.Lexicon) -> bool:
    return lex.freq(part) >= (4.0 if len(part) == 3 else 3.0)


def _confidence(word: str, cands: list[spelling.Candidate], initial: bool, has_context: bool) -> float:
    """Confidence that ``word`` is wrong and that ``cands[0]`` is what was meant."""
    best = cands[0]
    score = BASE_SCORE[best.how]
    if _margin(cands) < 0.5:
        score -= 0.15  # another correction is about as likely
    if best.freq < 3.0:
        score -= 0.1  # a rare word as the fix
    if len(word) <= 4:
        score -= 0.1  # short words have many near neighbours
    if best.how.startswith("edit") and best.text[0] != word[0]:
        score -= 0.15  # people seldom get the first letter wrong
    if initial:
        score -= 0.05
    if not has_context:
        score -= 0.1  # no bigram counts for this language: the ranking is by frequency alone
    return round(max(0.0, min(score, 0.99)), 3)


def _margin(cands: list[spelling.Candidate]) -> float:
    """How far the best correction is ahead of the next (log10; 3 when it stands alone)."""
    return cands[0].score - cands[1].score if len(cands) > 1 else 3.0


def _recase(suggestion: str, original: str) -> str:
    """Give the suggestion the original's capitalisation (``Teh`` → ``The``)."""
    if original[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion
