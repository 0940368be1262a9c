"""Input shapes that once made the pipeline's time grow faster than the input (issue 14), as
generators of a text (or an HTML page) of about ``size`` bytes.

One place for both users: ``bench/scaling.py`` times the default pipeline on every shape at sizes up
to 25 MB, and the scaling tests time the loop a shape stresses at n and 8n (:func:`growth`). Prose
comes from ``../shared/corpus/articles`` when it is there (read at run time, never copied), else from
:data:`OWN_PROSE`, written for these tests.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
MB = 10**6

OWN_PROSE = (
    "The council voted on Tuesday to approve a new ferry route linking the north harbour with the centre. "
    "Officials said the first vessels would enter service next spring, weather permitting. Residents can "
    "comment on the timetable at three public meetings before the end of the month. The mayor, who has "
    "backed the plan since her election, said the route would take cars off the bridge. Critics asked "
    "who would pay for the new piers, and the finance office promised a costed answer by June.\n\n"
    "Shipyards on the coast expect orders for four boats. A spokesman for the largest one said it could "
    "deliver the first hull within eighteen months if the contract is signed this year. Unions welcomed "
    "the news, which follows two years of layoffs, and asked for training places for young welders.\n\n"
)


@functools.cache
def corpus_texts() -> tuple[str, ...]:
    """The shared corpus's articles, or the tests' own prose when the corpus is absent."""
    texts = tuple(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))) if CORPUS.is_dir() else ()
    return texts or (OWN_PROSE,)


def fill(unit: str | Callable[[int], str], size: int) -> str:
    """``unit`` repeated (or ``unit(i)`` for i = 0, 1, …) until the text holds ``size`` UTF-8 bytes."""
    if isinstance(unit, str):
        return unit * max(1, -(-size // len(unit.encode())))
    parts, total, i = [], 0, 0
    while total < size:
        part = unit(i)
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts)


def prose(size: int) -> str:
    """Articles joined by blank lines, repeated and cut to about ``size`` bytes (at a space): one long
    document of real text."""
    data = fill("\n\n".join(corpus_texts()) + "\n\n", size).encode()[:size]
    cut = data.rfind(b" ")
    return data[:cut if cut > size // 2 else size].decode("utf-8", "ignore")


def one_line(size: int) -> str:
    """The same prose with every run of white space made one space: no line breaks at all."""
    return " ".join(prose(size).split())


def around_prose(junk: str, size: int, share: float = 0.5) -> str:
    """``junk`` repeated to ``share`` of ``size``, between two halves of prose on their own lines."""
    half = prose(int(size * (1 - share) / 2))
    return f"{half}\n{fill(junk, int(size * share))}\n{half}"


def _hidden_page(size: int) -> str:
    item = '<p>Harbour news in brief.<span style="display:none">cheap pills</span> The ferry runs.</p>\n'
    return f"<html><head><title>t</title></head><body><article>\n{fill(item, size)}</article></body></html>"


def _attribute_page(size: int) -> str:
    attrs = fill(lambda i: f' data-a{i}="v{i}"', size)
    return f"<html><body><article><p{attrs}>The ferry runs on Mondays.</p></article></body></html>"


# Each edit is an annotation (~250 bytes of JSON, a few hundred bytes of objects): 25 MB of one-character
# edits would be 12.5 million of them, gigabytes of output. Shapes made of edits stop at this size.
EDITS_CAP = 5 * MB


@dataclass(frozen=True)
class Shape:
    name: str
    make: Callable[[int], str]
    stresses: str  # the code whose time grew faster than the input
    html: bool = False  # the text is a page, read by the HTML reader
    cap: int | None = None  # largest size worth measuring (see EDITS_CAP)


SHAPES: tuple[Shape, ...] = (
    Shape("corpus_joined", prose, "size alone: every per-document structure"),
    Shape("prose_one_line", one_line, "pattern._near_words, ad_sentence._sentence"),
    Shape("control_edits", lambda n: fill("a\x01", n), "spans.resolve, actions.plan", cap=EDITS_CAP),
    Shape("zwsp_edits", lambda n: fill("a\u200b", n), "spans.resolve, actions.plan", cap=EDITS_CAP),
    Shape("fffd_edits", lambda n: fill("ab\ufffd", n), "spans.resolve, actions.plan", cap=EDITS_CAP),
    Shape("mojibake_edits", lambda n: fill("donâ€™t ", n), "actions.plan (mojibake.py: engineer encoding)",
          cap=EDITS_CAP),
    Shape("mojibake_dense", lambda n: fill("cafÃ© dÃ©jÃ  vu â€œquotedâ€\x9d ", n), "mojibake (engineer encoding)",
          cap=EDITS_CAP),
    Shape("bracket_notes", lambda n: fill("Prices rose. [TN: “规划” literally means “planning”.] ", n),
          "translator_note frame, actions.plan", cap=EDITS_CAP),
    Shape("tld_run", lambda n: "Visit x." + "a" * max(1, n - 8), "LinkFinder._tld_end"),
    Shape("sorry_run", lambda n: fill("sorry i can ", n), "the disclaimer rule's reach scan"),
    Shape("many_links", lambda n: fill(lambda i: f"see a{i}.com ", n), "ad_sentence, contact_drop"),
    Shape("sauna_chain", lambda n: fill("上海桑拿会所", n), "ad_lexicon chains"),
    Shape("shanghai_chain", lambda n: fill("上海", n), "ad_lexicon chains"),
    Shape("feff_run", lambda n: "The run " + fill("\ufeff", n) + " ends here.", "invisible_chars regex"),
    Shape("word_joiner_prefix", lambda n: around_prose("\u2060", n), "invisible_chars regex"),
    Shape("ad_terms_one_line", lambda n: fill("Best casino bonus today, win big at the slots. ", n),
          "ad_sentence units"),
    Shape("handles_and_phones", lambda n: fill(lambda i: f"@user{i} QQ {10000000 + i} 微信 ", n),
          "contact_drop"),
    Shape("cjk_runs_in_prose", lambda n: fill(lambda i: f"The city 上海{'会所' if i % 3 else ''} grew. ", n),
          "foreign_run"),
    Shape("ad_sentences_one_line",
          lambda n: fill("Call +1-808-555-0142 now for cheap pills at rx-shop.com! The vote was close. ", n),
          "ad_segment candidates of one line"),
    Shape("decorated_handles", lambda n: fill("上海外围【薇1358〓8990】资深经纪人，", n), "ad_segment clauses, fold"),
    Shape("glued_glosses", lambda n: fill("academic研究成果(成果)(achievements) and the market【市场】 ", n),
          "mt_gloss, actions.plan", cap=EDITS_CAP),
    Shape("open_brackets", lambda n: fill("( [ （ 【 ", n), "translator_note frame, mt_gloss groups"),
    Shape("short_lines", lambda n: fill("Line.\n", n), "Analysis.paragraphs, line look-ups"),
    Shape("quoted_chatter_one_line", lambda n: fill("“Sure! Here is it,” he said. Let me know! ", n),
          "leftover: quotations and sentences of one line"),
    Shape("chatter_lines", lambda n: fill("Sure! Here is the text you asked for:\n", n), "leftover: findings per line"),
    Shape("unknown_words", lambda n: fill(lambda i: f"wrd{_letters(i)}x ", n), "typos (engineer encoding)"),
    Shape("names_and_nonwords", lambda n: fill(_names_and_nonwords, n), "typos._places, typos._initial"),
    Shape("hidden_elements", _hidden_page, "html_hidden + actions.plan (reader: engineer html)", html=True),
    Shape("element_attributes", _attribute_page, "HTML parser (engineer html)", html=True),
)
BY_NAME = {s.name: s for s in SHAPES}


def _letters(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[r]
        if not i:
            return out


def _names_and_nonwords(i: int) -> str:
    """A sentence with a name and a quoted non-word of its own (each once in the text: cheap to dismiss
    once found), and enough distinct numbers that the non-words stay under the share of unknown words
    at which typos gives up."""
    return (f"In {10_000 + i}, {20_000 + i}, {30_000 + i} and {40_000 + i} the people of Zor{_letters(i)} "
            f"voted for the “qua{_letters(i)}t” plan.\n")


def random_text(seed: int, size: int) -> str:
    """Deterministic token soup of every kind the detectors look at, for fuzzing at large sizes."""
    atoms = ["the", "market", "上海", "龙凤", "419", "会所", "\u200b", "\ufeff", "â€™", "(", ")", "【", "】",
             ".", " ", "\n", "\n\n", "www.", ".com", "qq", "😀", "e\u0301", "Sorry", "I can", "as an AI"]
    rng = random.Random(seed)
    return fill(lambda i: rng.choice(atoms), size)


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` CPU-time measurements of ``fn()`` (load only ever slows a pass)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def growth(run: Callable[[str], object], make: Callable[[int], str], n: int) -> float:
    """How many times longer ``run`` takes on ``make(8n)`` than on ``make(n)``: about 8 for linear
    work, 64 for quadratic. Scaling tests assert it stays well under 64 (generous: timings are noisy)."""
    small, big = make(n), make(8 * n)
    run(small)  # anything loaded on first use is loaded now
    t_small = max(best_time(lambda: run(small)), 1e-4)
    return best_time(lambda: run(big)) / t_small
