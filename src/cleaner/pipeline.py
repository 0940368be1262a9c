"""Pipeline: rules → detectors → resolve → policy → apply → :class:`Result`.

Build once (``Pipeline.default()`` is cached per process), call ``clean`` many times. A pipeline
holds only compiled, read-only state, so it is safe to share between threads and pickles by
its rule folders and options (workers rebuild it once).
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import regex

from . import actions, registry
from .allow import AllowList, load_allow
from .analysis import Analysis
from .budget import Budget
from .detectors.base import Detector
from .document import Document
from .errors import CleanerError, UsageError
from .page_findings import page_findings
from .rules import Rule, load_rules
from .spans import ACTIONS, KINDS, Span, resolve

VERDICTS = ("clean", "cleaned", "flagged", "rejected")
_LETTERLESS = regex.compile(r"[^A-Za-z0-9]+")  # the matches of a merged stretch (its gaps are ASCII letters, digits)


@dataclass(frozen=True)
class Options:
    """How findings become edits. Each default is declared here and nowhere else.

    ``actions`` overrides the action per kind (e.g. ``{"spam": "flag"}`` for a review-only run);
    ``fix_typos`` turns typo flags whose score is at least ``typo_threshold`` and that carry a
    suggestion into replacements by the first suggestion; a document whose removed spam covers
    more than ``reject_ratio`` of its non-space characters gets verdict ``rejected``;
    ``doc_timeout`` bounds the CPU seconds one document may take (0: no limit), and ``rule_timeout``
    those of one rule on one document, per million characters of it (see :mod:`cleaner.budget`):
    past either, the rules that finished are applied and the record says which did not.
    ``enable`` names rules that ship disabled (``enabled = false``) and should run anyway.
    """

    fix_typos: bool = False
    typo_threshold: float = 0.8
    reject_ratio: float = 0.5
    actions: Mapping[str, str] = field(default_factory=dict)
    rule_timeout: float = 10.0
    doc_timeout: float = 60.0
    enable: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "enable", tuple(sorted(set(self.enable))))
        for name in ("typo_threshold", "reject_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise UsageError("C302", f"{name} must be a number from 0 to 1, not {value!r}")
        for name in ("rule_timeout", "doc_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise UsageError("C302", f"{name} must be a number of seconds >= 0 (0: no limit), not {value!r}")
        for kind, action in self.actions.items():
            if kind not in KINDS or action not in ACTIONS:
                raise UsageError("C302", f"bad action override {kind}={action}; kinds: {', '.join(KINDS)}; "
                                         f"actions: {', '.join(ACTIONS)}")
        object.__setattr__(self, "actions", dict(self.actions))

    @classmethod
    def make(cls, **kwargs: Any) -> Options:
        known = {f.name for f in fields(cls)}
        unknown = set(kwargs) - known
        if unknown:
            msg = f"unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            raise TypeError(msg)
        return cls(**kwargs)


@dataclass(frozen=True)
class Result:
    """What cleaning one document gave: the cleaned ``text``, the kept ``spans`` (with their edits),
    the ``verdict``, the language, per-document ``stats`` and any per-rule ``errors``."""

    document: Document
    text: str
    spans: tuple[Span, ...]
    verdict: str
    lang: str
    stats: dict[str, Any]
    errors: tuple[dict[str, str], ...] = ()
    page_findings: tuple[dict[str, Any], ...] = ()  # injections anywhere on an HTML page (:mod:`.page_findings`)

    @property
    def annotations(self) -> tuple[Span, ...]:
        return self.spans

    def to_dict(self) -> dict[str, Any]:
        """The JSONL record of DESIGN.md §4."""
        doc = self.document
        record: dict[str, Any] = {
            "source": doc.source, "id": doc.id, "format": doc.format, "lang": self.lang,
            "verdict": self.verdict, "text": self.text,
            "annotations": [s.to_dict() for s in self.spans], "stats": self.stats,
        }
        if self.page_findings:
            record["page_findings"] = list(self.page_findings)
        if doc.metadata:  # the reader's candidates for page findings are judged, and its code regions
            # used by the rules, not kept
            record["metadata"] = {k: v for k, v in doc.metadata.items() if k not in READER_HINTS}
        if self.errors:
            record["errors"] = list(self.errors)
        return record


# What Pipeline.warm cleans: English, told by its function words, takes the common path (the
# English typo lexicon) and a scrambled word the suggestion path. langdetect, which under 1 % of
# documents need (short ones), is left to the worker that meets one.
WARM_UP = ("This is the text that the pipeline cleans before it forks, with all of its rules, once; "
           "a scrambled word, dfonuin, takes the suggestion path too.")


class Pipeline:
    """The detectors of a set of rules plus the options that turn their findings into edits."""

    def __init__(self, rules: Sequence[Rule], options: Options | None = None,
                 _origin: tuple[tuple[str, ...], bool] | None = None, allow: AllowList | None = None) -> None:
        self.options = options or Options()
        unknown = set(self.options.enable) - {r.id for r in rules}
        if unknown:
            raise UsageError("C302", f"--enable: no rule {', '.join(sorted(unknown))}; `cleaner rules` lists them")
        self.rules = tuple(r for r in rules if r.enabled or r.id in self.options.enable)
        self.allow = allow or AllowList()  # findings reviewers marked wrong (allow.toml of the rule folders)
        self.detectors: tuple[Detector, ...] = tuple(
            registry.get(r)(r, self.options.rule_timeout) for r in self.rules
        )
        self._origin = _origin
        self._pattern_rules = frozenset(r.id for r in self.rules if r.detector == "pattern")
        self._detector_of = {d.rule.id: d for d in self.detectors}

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Pipeline:
        """The bundled rules with default options; built once per process."""
        return _default()

    @classmethod
    def from_rules(cls, paths: str | Path | Sequence[str | Path] | None = None, *, bundled: bool = True,
                   **options: Any) -> Pipeline:
        """Bundled rules (unless ``bundled=False``) plus the rule files/folders in ``paths``, with
        the allow-lists of those folders."""
        if isinstance(paths, str | Path):
            paths = [paths]
        dirs = tuple(str(p) for p in paths or ())
        return cls(load_rules(dirs, bundled=bundled), Options.make(**options), _origin=(dirs, bundled),
                   allow=load_allow(dirs, bundled=bundled))

    def __reduce__(self) -> tuple[Any, ...]:
        if self._origin is None:
            return (Pipeline, (list(self.rules), self.options, None, self.allow))
        dirs, bundled = self._origin
        return (_rebuild, (dirs, bundled, self.options))

    # -- cleaning ----------------------------------------------------------------------------
    def find(self, doc: Document, analysis: Analysis,
             budget: Budget | None = None) -> tuple[list[Span], list[dict[str, str]]]:
        """Run every detector. A rule that runs past its budget (C113) gives no findings and the
        others still run; once the document is past its own (C119), the rules left do not run. A
        rule's findings count only if it finished: a document is never half-edited by a rule."""
        budget = budget or Budget(None, None, len(doc.text))
        found: list[Span] = []
        errors: list[dict[str, str]] = []
        for i, det in enumerate(self.detectors):
            try:
                budget.start_rule()
                found.extend(_all_findings(det, doc, analysis, budget))
            except TimeoutError:  # the regex module's, or the budget's
                if not budget.spent:
                    errors.append(_timeout_error("C113", det.rule.id, det.rule.id))
                    continue
                left = len(self.detectors) - i - 1
                detail = (f"{_seconds(budget.doc_seconds)} at rule {det.rule.id}"
                          + (f" ({left} more rule{'s' * (left != 1)} did not run)" if left else ""))
                errors.append(_timeout_error("C119", det.rule.id, detail))
                break
        return found, errors

    def _contested_merges_split(self, doc: Document, found: list[Span]) -> list[Span]:
        """A pattern rule's merged finding (``merge_gap``: letterless matches and the ASCII letters or
        digits between them, one replace) that overlaps another rule's finding goes back to its
        matches, each one finding, so that the overlap policy weighs each on its own as it would
        have had they never been merged (a merged stretch is longer than each match, and a
        replacement that loses is dropped whole). Most documents have no merged finding."""
        merged = [i for i, s in enumerate(found) if s.detail.get("merged") and s.rule in self._pattern_rules]
        if not merged:
            return found
        split: set[int] = set()
        for rule in {found[i].rule for i in merged}:
            # the other rules' findings by start, with the furthest end among those up to each
            others = sorted((s.start, s.end) for s in found if s.rule != rule)
            starts = [a for a, _ in others]
            reach = list(itertools.accumulate((b for _, b in others), max))
            for i in merged:
                s = found[i]
                k = bisect.bisect_left(starts, s.end)  # those that start before this one ends…
                if s.rule == rule and k and reach[k - 1] > s.start:  # …and one of them ends after it starts
                    split.add(i)
        if not split:
            return found
        out: list[Span] = []
        for i, s in enumerate(found):
            if i in split:
                det = self._detector_of[s.rule]
                out += [det.span(doc, s.start + m.start(), s.start + m.end()) for m in _LETTERLESS.finditer(s.text)]
            else:
                out.append(s)
        return out

    def _policy(self, span: Span) -> Span:
        action = self.options.actions.get(span.kind)
        if action == "remove" and span.detail.get("merged"):
            action = "replace"  # matches merged with the letters between them: those letters stay
        if action and action != span.action:
            span = span.with_(action=action, replacement="" if action == "remove" else span.replacement)
        if (span.kind == "typo" and self.options.fix_typos and span.action == "flag" and span.suggestions
                and span.score >= self.options.typo_threshold):
            span = span.with_(action="replace", replacement=span.suggestions[0])
        if span.action == "replace" and span.replacement is None:
            span = span.with_(action="flag")
        if span.action == "flag" and span.replacement is not None:  # a flag replaces nothing: null, whatever the kind
            span = span.with_(replacement=None)
        return span

    def warm(self) -> None:
        """Load now what the detectors would load on their first documents (the English typo
        lexicon with its capitalised forms, the scrambled-word keys…): before forking workers,
        so that they share it instead of each loading it."""
        self.clean(WARM_UP)
        for d in self.detectors:
            d.warm()

    @contextmanager
    def shared_with_workers(self) -> Iterator[None]:
        """While forked workers run: :meth:`warm` first, and this process's objects out of the
        garbage collector's sight (:func:`gc.freeze`) until the block ends.

        A worker's first collections otherwise walk the young objects it inherited (the warm-up's
        lexicon sets, the rules): 20-30 ms of collection per worker on the 20 MB bench, and as much
        in the main process, against 4-10 ms frozen. Unfrozen after, so that garbage from before the
        block can still be collected."""
        self.warm()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()

    def clean(self, item: str | Document, *, lang: str | None = None) -> Result:
        """Clean one text or Document."""
        doc = item if isinstance(item, Document) else Document(item)
        budget = Budget(self.options.doc_timeout, self.options.rule_timeout, len(doc.text))
        with budget.active():
            analysis = Analysis(doc, lang=lang)
            found, errors = self.find(doc, analysis, budget)
        found = self._contested_merges_split(doc, found)
        allowed = 0
        if self.allow:
            found, allowed = self.allow.split(found, doc.text)
        kept, dropped = resolve(self._policy(s) for s in found)
        planned = actions.plan(doc.text, kept)
        text = actions.replay(doc.text, planned)
        verdict = _verdict(doc.text, planned, self.options.reject_ratio)
        if verdict == "cleaned" and not text.strip() and doc.text.strip():
            # no rule empties a document: when every character would go, the findings stay as flags
            # for a reviewer and the text is kept as it came (a `rejected` document is spam and goes)
            planned = actions.plan(doc.text, [s.with_(action="flag", replacement=None) for s in kept])
            text, verdict = doc.text, "flagged"
        page = tuple(page_findings(doc, planned, self.detectors)) if doc.format == "html" else ()
        return Result(doc, text, tuple(planned), verdict,
                      analysis.lang, _stats(doc.text, text, planned, dropped, allowed), tuple(errors), page)

    def clean_many(self, items: Iterable[str | Document], jobs: int = 1, chunksize: int = 16) -> Iterator[Result]:
        """Clean many documents, in input order; ``jobs > 1`` uses that many worker processes.

        A text (not a Document) gets its position as id and source, as :meth:`clean_batch` gives a
        record without an id, so results stay told apart."""
        items = (i if isinstance(i, Document) else Document(i, id=str(n), source=str(n)) for n, i in enumerate(items))
        if jobs <= 1:
            yield from (self.clean(i) for i in items)
            return
        from concurrent.futures import ProcessPoolExecutor

        with self.shared_with_workers(), ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(self,)) as pool:
            yield from pool.map(_clean_in_worker, items, chunksize=chunksize)

    def clean_batch(self, records: list[dict[str, Any]], text_field: str = "text",
                    id_field: str = "id") -> list[dict[str, Any]]:
        """Engine-agnostic batch entry point (Ray, Spark, Dask UDFs): records in, JSONL records out.

        One record never fails the batch (an engine would retry or drop the whole batch): a record
        whose text is not a string (C106), or on which the pipeline raises (C112), gives an
        :func:`error_record` in its place. A record without an id gets its position in ``records``."""
        return [self._clean_record(rec, i, text_field, id_field) for i, rec in enumerate(records)]

    def _clean_record(self, rec: dict[str, Any], i: int, text_field: str, id_field: str) -> dict[str, Any]:
        rid = str(i) if rec.get(id_field) is None else str(rec[id_field])
        meta = {k: v for k, v in rec.items() if k not in (text_field, id_field)}
        text = rec.get(text_field)
        if not isinstance(text, str):
            return error_record(rid, CleanerError("C106", repr(text_field)), meta)
        doc = Document(text, id=rid, source=rid, format="record", metadata=MappingProxyType(meta))
        try:
            return self.clean(doc).to_dict()
        except Exception as e:  # a detector bug: this record is reported, the batch goes on
            return error_record(rid, CleanerError("C112", f"{type(e).__name__}: {e}"), meta)


def _all_findings(det: Detector, doc: Document, analysis: Analysis, budget: Budget) -> list[Span]:
    """Every finding of one detector, the budget checked every 64 of them (each costs microseconds);
    a rule that finishes is kept, the next one's start checks the document's deadline."""
    out: list[Span] = []
    for span in det.detect(doc, analysis):
        out.append(span)
        if not len(out) & 63:
            budget.check()
    return out


def _timeout_error(code: str, rule: str, detail: str) -> dict[str, str]:
    return {"rule": rule, "code": code, "reason": CleanerError(code, detail).reason}


def _seconds(value: float) -> str:
    return f"{value:g} s"


READER_HINTS = frozenset({"page_links", "code"})  # reader metadata for the rules, not for the record


def error_record(rid: str, error: CleanerError, metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record of an input that could not be cleaned: the keys of :meth:`Result.to_dict`, with
    verdict ``"error"``, ``text`` and ``lang`` None, and the reason in ``errors`` — so engines keep
    one row per input and a job can filter or count its failures."""
    record: dict[str, Any] = {"source": rid, "id": rid, "format": "record", "lang": None, "verdict": "error",
                              "text": None, "annotations": [], "stats": {}}
    if metadata:
        record["metadata"] = dict(metadata)
    record["errors"] = [{"code": error.code, "reason": error.reason}]
    return record


def _verdict(original: str, spans: Sequence[Span], reject_ratio: float) -> str:
    if not spans:
        return "clean"
    editing = [s for s in spans if s.edits]
    if not editing:
        return "flagged"
    # hidden HTML text is removed but does not make a page spam: real pages hide menus and labels
    spam = sum(len(s.text) - s.text.count(" ") for s in editing if s.kind == "spam")
    total = len(original) - sum(original.count(c) for c in " \n\t\r")
    if total and spam / total > reject_ratio:
        return "rejected"
    return "cleaned"


def _stats(original: str, cleaned: str, spans: Sequence[Span], dropped: Sequence[Span],
           allowed: int = 0) -> dict[str, Any]:
    kinds = Counter(s.kind for s in spans)
    stats = {
        "chars_in": len(original), "chars_out": len(cleaned),
        "findings": {k: kinds[k] for k in KINDS if kinds[k]},
        "edits": sum(1 for s in spans if s.edits), "overlaps_dropped": len(dropped),
    }
    if allowed:  # findings an allow-list entry dropped (see cleaner.allow)
        stats["allowed"] = allowed
    return stats


@functools.cache
def _default() -> Pipeline:
    return Pipeline.from_rules()


def _rebuild(dirs: tuple[str, ...], bundled: bool, options: Options) -> Pipeline:
    if not dirs and bundled and options == Options():
        return _default()
    return Pipeline(load_rules(dirs, bundled=bundled), options, _origin=(dirs, bundled),
                    allow=load_allow(dirs, bundled=bundled))


_WORKER: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _WORKER
    _WORKER = pipeline


def _clean_in_worker(item: str | Document) -> Result:
    assert _WORKER is not None
    return _WORKER.clean(item)
