"""ftfy's own test cases, each put inside a real article, and what the pipeline must make of them.

Read at test time from ``../shared/real-world/ftfy-test-cases`` (ftfy's suite at rspeer/python-ftfy
@74dd045, Apache-2.0; never copied into this repository) and ``../shared/corpus/articles``; used by
``tests/detectors/test_mojibake.py`` and ``bench/ftfy_eval.py``.

What "restored" means here, precisely. ftfy's ``fixed`` is what ``ftfy.fix_text`` makes of a case;
``fix_text`` also straightens curly quotes (``uncurl_quotes``), which a cleaner of published text
must not do (``don’t`` stays ``don’t``). So the expected text of a case is
``ftfy.fix_text(original, uncurl_quotes=False)``: ftfy's ``fixed`` before its quote uncurling, and
nothing else of ftfy left out (:func:`expected` checks that uncurling it gives ``fixed`` back).
A case *ftfy passes* is one where ``fix_text`` gives ``fixed`` and ``fix_encoding`` gives
``fixed-encoding``, as ftfy's own test does. Negatives are the cases whose expected text is the
original (most of ``negative.json``, some synthetic ones): the article must come out exactly as it
went in, wherever the case stands. The others are positives; inside an article ftfy itself does not
restore every one of them (a line it sees whole may hold other characters that stop its decoding),
so a positive counts where ``ftfy.fix_text`` of the whole article restores it (:attr:`Trial.ftfy`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FTFY_CASES = Path(__file__).resolve().parents[2] / "shared" / "real-world" / "ftfy-test-cases"
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles"
POSITIVE_FILES = ("in-the-wild.json", "synthetic.json", "language-names.json")
PLACEMENTS = ("paragraph", "sentence")


@dataclass(frozen=True)
class Case:
    file: str
    index: int
    label: str
    original: str
    fixed: str  # ftfy's fixed text before quote uncurling (see the module docstring)
    negative: bool

    @property
    def name(self) -> str:
        return f"{self.file.removesuffix('.json')}[{self.index}]"


def expected(original: str, fixed: str) -> str:
    """ftfy's ``fixed`` before its quote uncurling: ``fix_text`` without ``uncurl_quotes``."""
    import ftfy
    from ftfy.fixes import uncurl_quotes

    out: str = ftfy.fix_text(original, uncurl_quotes=False)
    if uncurl_quotes(out) != fixed:
        msg = f"ftfy's fixed text is not its uncurled text: {original!r}"
        raise AssertionError(msg)
    return out


def _ftfy_passes(case: dict[str, str]) -> bool:
    import ftfy

    fixed = case["fixed"]
    return ftfy.fix_text(case["original"]) == fixed and ftfy.fix_encoding(case["original"]) == case.get(
        "fixed-encoding", fixed)


def cases() -> list[Case]:
    """Every case ftfy passes, as positives and negatives (the known failures are not ftfy's passes)."""
    out = []
    for name in (*POSITIVE_FILES, "negative.json"):
        for i, raw in enumerate(json.loads((FTFY_CASES / name).read_text(encoding="utf-8"))):
            if raw.get("expect") != "pass" or not _ftfy_passes(raw):
                continue
            original = raw["original"]
            fixed = expected(original, raw["fixed"])
            out.append(Case(name, i, raw["label"], original, fixed, fixed == original))
    return out


def known_failures() -> list[dict[str, str]]:
    data: list[dict[str, str]] = json.loads((FTFY_CASES / "known-failures.json").read_text(encoding="utf-8"))
    return data


def articles() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]


def embed(article: str, piece: str, placement: str) -> str:
    """``piece`` inside ``article``: as a paragraph of its own after the first one (``paragraph``), or
    after the first sentence of the first paragraph, between two spaces (``sentence``)."""
    if placement == "paragraph":
        cut = article.find("\n\n")
        cut = len(article.rstrip("\n")) if cut < 0 else cut
        return f"{article[:cut]}\n\n{piece}{article[cut:]}"
    cut = article.find(". ")
    cut = article.find(" ") if cut < 0 else cut + 1
    return f"{article[:cut]} {piece}{article[cut:]}"


@dataclass(frozen=True)
class Trial:
    case: Case
    placement: str
    text: str  # the article with the case inside
    want: str  # the article with the case's expected text inside

    @property
    def ftfy(self) -> bool:
        """Does ftfy itself, given the whole article, restore the case (and change nothing else)?"""
        import ftfy

        return bool(ftfy.fix_text(self.text, uncurl_quotes=False) == self.want)


def trials(placements: tuple[str, ...] = PLACEMENTS) -> Iterator[Trial]:
    """Each case in its own article (the i-th case in the i-th article, round the corpus)."""
    texts = articles()
    for i, case in enumerate(cases()):
        article = texts[i % len(texts)]
        for placement in placements:
            text, want = embed(article, case.original, placement), embed(article, case.fixed, placement)
            yield Trial(case, placement, text, want)


def rebuild(original: str, spans: list[dict[str, object]]) -> str:
    """The cleaned text rebuilt from the annotations alone, without ``cleaner.actions``: every edit's
    ``[edit_start, edit_end)`` of the original replaced by its ``replacement``."""
    edits = sorted((int(s["edit_start"]), int(s["edit_end"]), str(s["replacement"] or ""))  # type: ignore[call-overload]
                   for s in spans if s["action"] in ("remove", "replace"))
    out, pos = [], 0
    for start, end, replacement in edits:
        assert start >= pos, "edits overlap"
        out += [original[pos:start], replacement]
        pos = end
    out.append(original[pos:])
    return "".join(out)
