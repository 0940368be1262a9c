"""Run summary and the human review page, both rebuilt from ``OUT/annotations.jsonl`` + ``errors.jsonl``.

``build_report(OUT, timings)`` streams the two journals once (memory bounded by the sample size,
not by the run), writes ``summary.json`` and ``report.html``, and returns the summary; ``cleaner
report OUT`` calls it by hand. A batch run does not read its journals again at the end: each
worker tallies the records it makes (:class:`Tally`), the main process merges those tallies in
input order and reads back only the units an earlier run finished, so the report covers
everything in OUT, equals the one rebuilt from the journals, and costs nothing at the end of a
10 GB run.

The page is one self-contained file: no network (a Content-Security-Policy forbids every fetch and
every script but our own, by hash), all document text escaped — the counts tables are escaped on
the server with :func:`html.escape`, the findings travel as JSON inside a ``<script
type="application/json">`` block with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc., and the
page's script only ever sets ``textContent``. For big runs each rule keeps a deterministic sample
of :data:`SAMPLE_PER_RULE` findings (the smallest hashes of ``source, id, start``: the same
sample whatever ``--jobs`` or the order of a resumed run), and the list is paginated.

Documents travel too, for the page's per-document view: those of the sampled findings, and per
verdict a sample of :data:`DOCS_PER_VERDICT` (the smallest hashes of ``source, id``), clean ones
included. A worker's tally keeps its documents' records by reference and sends only their place
among the unit's lines (:meth:`Tally.merge` parses the few it keeps from those lines), so the
records do not cross the pipe twice. The page itself is :mod:`cleaner.report_page`.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .writers import atomic_write_json, atomic_write_text, refuse_links

if TYPE_CHECKING:
    from .rules import Rule

SAMPLE_PER_RULE = 200
DOCS_PER_VERDICT = 100  # documents of each verdict the page lists (a deterministic sample)
CONTEXT = 80  # characters of cleaned text shown on each side of a finding
MAX_ERRORS_SHOWN = 1000
MAX_PAGES_SHOWN = 200  # pages with page-level findings the report lists (the first, in input order)


def mb_per_s(text_bytes: int, seconds: float) -> float:
    """The run's throughput as the summary and the progress bar both show it: MB (10^6 bytes) of
    document text (UTF-8) per second, three significant digits."""
    rate = text_bytes / 1e6 / max(seconds, 1e-9)
    return float(f"{rate:.3g}")


def error_text(e: dict[str, Any]) -> str:
    """One errors.jsonl record as a person reads it: ``source:line: [C1xx] reason``."""
    where = e.get("source", "?") + (f":{e['line']}" if e.get("line") else "")
    return f"{where}: {e.get('reason', '')}"


# -- accumulating ---------------------------------------------------------------------------------
@dataclass
class Tally:
    """Counts and per-rule samples over a stream of annotation records and error records."""

    documents: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    rule_kind: dict[str, str] = field(default_factory=dict)
    rule_actions: dict[str, Counter[str]] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    errors: int = 0
    error_codes: Counter[str] = field(default_factory=Counter)
    error_sample: list[dict[str, Any]] = field(default_factory=list)
    samples: dict[str, list[tuple[int, int, dict[str, Any]]]] = field(default_factory=dict)
    doc_samples: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # per verdict
    # the documents the samples point at, by doc_key: (their place in the run, their record), or,
    # in a tally that crossed from a worker, the place of their line among the unit's records (from 1)
    docs: dict[str, tuple[int, dict[str, Any]] | int] = field(default_factory=dict)
    refs: Counter[str] = field(default_factory=Counter)  # sample entries pointing at each document
    # pages with page-level findings (injections anywhere on an HTML page), their findings by rule
    # and where, and the first MAX_PAGES_SHOWN of them in input order
    pages_with_findings: int = 0
    page_findings: Counter[str] = field(default_factory=Counter)
    page_sample: list[dict[str, Any]] = field(default_factory=list)

    def add(self, rec: dict[str, Any]) -> None:
        self.documents += 1
        self.verdicts[rec.get("verdict", "?")] += 1
        self.languages[rec.get("lang", "?")] += 1
        stats = rec.get("stats") or {}
        self.chars_in += int(stats.get("chars_in", 0))
        self.chars_out += int(stats.get("chars_out", 0))
        key = doc_key(rec)
        for finding in findings(rec, key):
            rule = finding["rule"]
            self.kinds[finding["kind"]] += 1
            self.rules[rule] += 1
            self.rule_kind.setdefault(rule, finding["kind"])
            self.rule_actions.setdefault(rule, Counter())[finding["action"]] += 1
            self._sample(rule, finding)
        page = rec.get("page_findings")
        if page:
            self.pages_with_findings += 1
            self.page_findings.update(f"{f.get('rule', '?')} ({f.get('where', '?')})" for f in page)
            if len(self.page_sample) < MAX_PAGES_SHOWN:
                meta = rec.get("metadata") or {}
                meta = meta if isinstance(meta, dict) else {}
                self.page_sample.append({"source": rec.get("source", ""), "id": rec.get("id", ""),
                                         "url": _text_field(meta, "url"), "findings": page})
        self._keep_doc(rec.get("verdict", "?"), (-_hash(key), self.documents, key))
        if self.refs[key] and key not in self.docs:
            self.docs[key] = (self.documents, rec)  # the record itself: made into the page's form if it stays

    def _sample(self, rule: str, finding: dict[str, Any]) -> None:
        h = _hash(f"{finding['source']}\0{finding['id']}\0{finding['start']}")
        self._keep(rule, (-h, self.documents, finding))  # max-heap on the hash: keep the smallest hashes

    def _keep(self, rule: str, item: tuple[int, int, dict[str, Any]]) -> bool:
        """Push ``item`` into the rule's sample; False when it did not make it."""
        gone = _push(self.samples.setdefault(rule, []), item, SAMPLE_PER_RULE)
        if gone is item:
            return False
        self.refs[item[2]["doc"]] += 1
        if gone is not None:
            self._unref(gone[2]["doc"])
        return True

    def _keep_doc(self, verdict: str, item: tuple[int, int, str]) -> bool:
        gone = _push(self.doc_samples.setdefault(verdict, []), item, DOCS_PER_VERDICT)
        if gone is item:
            return False
        self.refs[item[2]] += 1
        if gone is not None:
            self._unref(gone[2])
        return True

    def _unref(self, key: str) -> None:
        self.refs[key] -= 1
        if self.refs[key] <= 0:
            del self.refs[key]
            self.docs.pop(key, None)

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickle only the fields that hold something, as plain values: a worker sends one tally per
        unit, mostly one document with no findings, and the dataclass's default pickling sent seven
        ``Counter``s, each rebuilt by the main process (10 → 7 µs a unit, dumps and loads). The
        documents go as the place of their record among the unit's lines, which travel anyway."""
        fields = {name: _plain(value) for name, value in vars(self).items() if value}
        if self.docs:
            fields["docs"] = {k: v if isinstance(v, int) else v[0] for k, v in self.docs.items()}
        return _restore_tally, (fields,)

    def merge(self, other: Tally, lines: Sequence[bytes | str] = ()) -> None:
        """Add a tally of the records that come after this one's (a unit's, made by the worker
        that cleaned it): the same counts and samples as adding those records here. ``lines``:
        the unit's records, where a tally that crossed from a worker finds its documents."""
        for rule, heap in other.samples.items():
            for neg_h, doc, finding in heap:
                if self._keep(rule, (neg_h, self.documents + doc, finding)):
                    self._take_doc(finding["doc"], other, lines)
        for verdict, dheap in other.doc_samples.items():
            for neg_h, doc, key in dheap:
                if self._keep_doc(verdict, (neg_h, self.documents + doc, key)):
                    self._take_doc(key, other, lines)
        self.documents += other.documents
        for mine, theirs in ((self.verdicts, other.verdicts), (self.kinds, other.kinds), (self.rules, other.rules),
                             (self.languages, other.languages), (self.error_codes, other.error_codes)):
            mine.update(theirs)
        for rule, kind in other.rule_kind.items():
            self.rule_kind.setdefault(rule, kind)
        for rule, actions in other.rule_actions.items():
            self.rule_actions.setdefault(rule, Counter()).update(actions)
        self.chars_in += other.chars_in
        self.chars_out += other.chars_out
        self.errors += other.errors
        self.error_sample.extend(other.error_sample[: MAX_ERRORS_SHOWN - len(self.error_sample)])
        self.pages_with_findings += other.pages_with_findings
        self.page_findings.update(other.page_findings)
        self.page_sample.extend(other.page_sample[: MAX_PAGES_SHOWN - len(self.page_sample)])

    def _take_doc(self, key: str, other: Tally, lines: Sequence[bytes | str]) -> None:
        if key in self.docs or key not in self.refs:
            return
        mine = other.docs[key]
        n, rec = (mine, json.loads(lines[mine - 1])) if isinstance(mine, int) else mine  # parsed once kept
        self.docs[key] = (self.documents + n, rec)

    def sampled_docs(self) -> list[dict[str, Any]]:
        """The documents the page shows, in input order, as the page takes them."""
        kept = sorted((d for d in self.docs.values() if isinstance(d, tuple)), key=lambda d: d[0])
        return [doc_record(rec, n) for n, rec in kept]

    def add_lines(self, annotations: Iterable[str], errors: Iterable[str]) -> None:
        """Add journal lines: records of ``annotations.jsonl`` and of ``errors.jsonl``."""
        for line in annotations:
            if line.strip():
                self.add(json.loads(line))
        for line in errors:
            if line.strip():
                self.add_error(json.loads(line))

    def add_error(self, e: dict[str, Any]) -> None:
        self.errors += 1
        self.error_codes[str(e.get("code", "?"))] += 1
        if len(self.error_sample) < MAX_ERRORS_SHOWN:
            self.error_sample.append(e)

    def summary(self, timings: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "errors": self.errors,
            "verdicts": dict(sorted(self.verdicts.items())),
            "kinds": dict(sorted(self.kinds.items())),
            "rules": dict(sorted(self.rules.items())),
            "rule_kinds": dict(sorted(self.rule_kind.items())),
            "rule_actions": {r: dict(sorted(c.items())) for r, c in sorted(self.rule_actions.items())},
            "languages": dict(sorted(self.languages.items())),
            "error_codes": dict(sorted(self.error_codes.items())),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "pages_with_findings": self.pages_with_findings,
            "page_findings": dict(sorted(self.page_findings.items())),
            "timings": timings or {},
        }

    def sampled(self) -> list[dict[str, Any]]:
        """All sampled findings, in document order then position (deterministic)."""
        items = [(doc, f) for heap in self.samples.values() for _h, doc, f in heap]
        items.sort(key=lambda x: (x[0], x[1]["start"], x[1]["rule"]))
        return [f for _doc, f in items]


def _push(heap: list[Any], item: Any, size: int) -> Any:
    """Keep the ``size`` largest items (by their first field): push ``item``; return what left
    the heap (``item`` itself when it did not make it, None when nothing left)."""
    if len(heap) < size:
        heapq.heappush(heap, item)
        return None
    if item[0] > heap[0][0]:
        return heapq.heapreplace(heap, item)
    return item


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def doc_key(rec: dict[str, Any]) -> str:
    """What tells a document apart in a run: its source, id and (JSONL) line."""
    meta = rec.get("metadata") or {}
    return f"{rec.get('source', '')}\0{rec.get('id', '')}\0{meta.get('line', '') if isinstance(meta, dict) else ''}"


def doc_record(rec: dict[str, Any], n: int = 0) -> dict[str, Any]:
    """What the page needs of a document's record: who it is, its cleaned text and annotations.
    ``n`` (set when it is kept) orders the documents as the input did."""
    meta = rec.get("metadata") or {}
    meta = meta if isinstance(meta, dict) else {}
    return {
        "n": n, "key": doc_key(rec), "source": rec.get("source", ""), "id": rec.get("id", ""),
        "verdict": rec.get("verdict", ""),
        "lang": rec.get("lang", ""), "format": rec.get("format", ""), "title": _text_field(meta, "title"),
        "url": _text_field(meta, "url"), "text": rec.get("text") or "", "annotations": rec.get("annotations") or [],
        "chars_in": int((rec.get("stats") or {}).get("chars_in", 0)),
    }


def _text_field(meta: dict[str, Any], name: str) -> str:
    value = meta.get(name)
    return value if isinstance(value, str) else ""


def _plain(value: Any) -> Any:
    if isinstance(value, Counter):
        return dict(value)
    if isinstance(value, dict) and any(isinstance(v, Counter) for v in value.values()):
        return {k: dict(v) for k, v in value.items()}
    return value


def _restore_tally(fields: dict[str, Any]) -> Tally:
    t = Tally()
    for name, value in fields.items():
        mine = getattr(t, name)
        if name == "rule_actions":
            setattr(t, name, {k: Counter(v) for k, v in value.items()})
        elif isinstance(mine, Counter):
            mine.update(value)
        else:
            setattr(t, name, value)
    return t


def findings(rec: dict[str, Any], key: str | None = None) -> Iterator[dict[str, Any]]:
    """Each annotation of a record with the context a reviewer needs: the cleaned text around
    where it was (earlier edits already applied), what was done, and the replacement; ``key``:
    the record's :func:`doc_key`, when the caller has it."""
    text = rec.get("text") or ""
    shift = 0  # cleaned position minus original position, from the edits before this one
    meta = rec.get("metadata") or {}
    meta = meta if isinstance(meta, dict) else {}
    key = doc_key(rec) if key is None else key
    for a in rec.get("annotations") or ():
        edits = a.get("action") in ("remove", "replace")
        at = a.get("edit_start", a["start"]) + shift
        new = (a.get("replacement") or "") if edits else a.get("text", "")
        after = at + len(new)
        raw = a.get("text", "")
        shown = visible(raw)
        yield {
            "source": rec.get("source", ""),
            "id": rec.get("id", ""),
            "doc": key,
            "title": _text_field(meta, "title"),
            "url": _text_field(meta, "url"),
            "verdict": rec.get("verdict", ""),
            "lang": rec.get("lang", ""),
            "kind": a["kind"],
            "rule": a["rule"],
            "action": a["action"],
            "score": a.get("score"),
            "start": a["start"],
            "end": a["end"],
            "text": shown,
            **({"raw": raw} if shown != raw else {}),
            "replacement": visible(a.get("replacement") or "") if a.get("replacement") else a.get("replacement"),
            "suggestions": list(a.get("suggestions") or ())[:5],
            "message": a.get("message", ""),
            "before": text[max(0, at - CONTEXT) : at],
            "after": text[after : after + CONTEXT],
        }
        if edits:
            shift += len(new) - (a.get("edit_end", a["end"]) - a.get("edit_start", a["start"]))


def visible(text: str) -> str:
    """``text`` with invisible characters (format, control, odd spaces) shown as ``⟨U+200B⟩``, so a
    reviewer sees what an encoding rule removed.

    >>> visible("a\u200bb")
    'a⟨U+200B⟩b'
    """
    return "".join(
        c if c in "\n\t " or unicodedata.category(c) not in _INVISIBLE else f"⟨U+{ord(c):04X}⟩" for c in text
    )


_INVISIBLE = {"Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn", "Cs"}


def _lines(path: Path) -> Iterator[str]:
    """The lines of a journal; a last line without its newline (a run killed mid-write, not yet
    cut back by a resume) is not a record and is left out."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        yield from (line for line in f if line.endswith("\n"))


def tally(out: Path) -> Tally:
    t = Tally()
    t.add_lines(_lines(out / "annotations.jsonl"), _lines(out / "errors.jsonl"))
    return t


def build_report(out: Path, timings: dict[str, Any] | None = None, counted: Tally | None = None,
                 rules: Sequence[Rule] | None = None) -> dict[str, Any]:
    """Write ``summary.json`` and ``report.html`` for the run in ``out``; return the summary.

    Without ``timings`` and ``rules`` (``cleaner report OUT``) the last run's timings and rules
    (ids, kinds, actions, descriptions) are kept from summary.json. ``counted``: the tally of
    everything in ``out``, kept by the run as it went (the batch does, so the end of a big run does
    not read its journals again); without it the journals are read."""
    from .report_page import render_html

    if not (out / "annotations.jsonl").exists():
        raise UsageError("C301", f"{out} holds no annotations.jsonl; run `cleaner run INPUT -o {out}` first")
    refuse_links(out)  # nothing read or written through a link planted in OUT (C305)
    old_path = out / "summary.json"
    old = json.loads(old_path.read_text(encoding="utf-8")) if old_path.exists() and None in (timings, rules) else {}
    t = counted if counted is not None else tally(out)
    summary = t.summary(timings if timings is not None else old.get("timings", {}))
    summary["rule_info"] = rule_info(rules) if rules is not None else old.get("rule_info") or _bundled_info(t)
    atomic_write_json(out / "summary.json", summary)
    page = render_html(summary, t.sampled(), t.sampled_docs(), t.error_sample, out, t.page_sample)
    atomic_write_text(out / "report.html", page)
    return summary


def rule_info(rules: Iterable[Rule]) -> dict[str, dict[str, Any]]:
    """What the report says of each rule of a run: kind, action, version, description."""
    return {r.id: {"kind": r.kind, "action": r.action, "version": r.version,
                   "description": " ".join(r.description.split())} for r in sorted(rules, key=lambda r: r.id)}


def _bundled_info(t: Tally) -> dict[str, dict[str, Any]]:
    """For a run made before summaries listed their rules: the bundled rules it found with."""
    from .rules import load_rules

    return rule_info(r for r in load_rules() if r.id in t.rules)


# -- the summary table (terminal) ------------------------------------------------------------------
def format_summary(s: dict[str, Any], out: str, top: int = 8) -> str:
    """The end-of-run table: documents, verdicts, findings per kind with their busiest rules,
    errors by code, this run's throughput, where to look next."""
    rows: list[tuple[str, str]] = [("documents", str(s["documents"]))]
    rows += [(f"verdict {k}", str(v)) for k, v in s["verdicts"].items()]
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for rule, n in s["rules"].items():
        by_kind.setdefault(s.get("rule_kinds", {}).get(rule, "?"), []).append((rule, n))
    for kind, n in s["kinds"].items():
        rows.append((f"findings {kind}", str(n)))
        ranked = sorted(by_kind.get(kind, []), key=lambda rn: (-rn[1], rn[0]))
        rows += [(f"  {rule}", str(k)) for rule, k in ranked[:top]]
        if len(ranked) > top:
            rows.append((f"  … {len(ranked) - top} more rules", ""))
    if s.get("pages_with_findings"):
        rows.append(("pages with page findings", str(s["pages_with_findings"])))
    codes = ", ".join(f"{c} {n}" for c, n in s.get("error_codes", {}).items())
    rows.append(("input errors", str(s["errors"]) + (f"  ({codes})" if codes else "")))
    t = s.get("timings") or {}
    if t.get("seconds") is not None:
        rate = f", {t['mb_per_s']} MB/s" if t.get("mb_per_s") else ""
        skipped = f", {t['skipped_units']} units already done" if t.get("skipped_units") else ""
        rows.append(
            (
                "this run",
                f"{t.get('documents_this_run', 0)} docs in {t['seconds']} s{rate}, {t.get('jobs', 1)} jobs{skipped}",
            )
        )
    width = max(len(k) for k, _ in rows)
    numw = max(len(v.partition("  ")[0]) for _k, v in rows if v.partition("  ")[0].isdigit())
    lines = [f"cleaner: {s['documents']} documents -> {out}/"]
    for k, v in rows:
        head, _, tail = v.partition("  ")
        v = f"{head:>{numw}}" + (f"  {tail}" if tail else "") if head.isdigit() else v
        lines.append(f"  {k:<{width}}  {v}".rstrip())
    if s["errors"]:
        lines.append(f"  errors: {out}/errors.jsonl")
    lines.append(f"  review: {out}/report.html")
    return "\n".join(lines)
