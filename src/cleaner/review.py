"""The reviewer's decisions, back into rules: ``cleaner review apply|labels|serve``.

The review page (:mod:`cleaner.report`) lets a person mark each finding ``correct`` or ``wrong``
and add a span the run ``missed``; it exports the decisions as one JSON file (``serve`` saves
them to ``OUT/review.jsonl`` instead). :func:`apply` turns them into a user's rule folder:

- a **wrong** finding becomes an ``allow.toml`` entry (its exact text where the same words stand
  around it on its line; when :data:`AGREE` or more wrong findings of one rule, from more than
  one document, read the same up to case, spacing and digits, one pattern instead) and a
  negative example for its rule (a file of ``[[examples]]`` under the rule's own path, or the
  user's rule file itself);
- a **missed** span becomes a literal pattern of the rule ``<kind>.reviewed`` in that folder
  (created on first use) with the span's line as a positive example; a decision that names a
  rule also gives that rule a positive example marked ``expect = "fail"``, a known gap that
  ``cleaner check-rules`` lists until the rule finds it;
- a **correct** finding changes no rule; like the others it is a labelled example in
  :func:`labels`, JSONL for training the learned scorers.

Every file written is loaded back and validated; one that would not load is left as it was.
Applying the same decisions twice writes nothing the second time.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import tomli_w

from .allow import read_allow_file
from .errors import CleanerError, UsageError
from .rules import ALLOW_FILE, Rule, load_rules, read_toml
from .spans import KINDS

DECISIONS = ("correct", "wrong", "missed")
AGREE = 3  # wrong findings of one rule that read alike (from >1 document) become one pattern
CONTEXT = 40  # characters of the finding's line kept around it in an allow entry
REVIEWED = "reviewed"  # <kind>/reviewed.toml: the literal rule of missed spans
ACTION = {"spam": "remove", "artifact": "remove", "encoding": "remove", "hidden": "remove", "typo": "flag"}
FILE_FORMAT = "cleaner-review"


@dataclass(frozen=True)
class Decision:
    """One decision of a reviewer about one span of one document (offsets in code points into
    the original text; ``before``/``after``: the original text around it)."""

    decision: str
    kind: str
    text: str
    source: str = ""
    id: str = ""
    rule: str = ""
    start: int = 0
    end: int = 0
    before: str = ""
    after: str = ""
    lang: str = ""
    url: str = ""
    title: str = ""
    note: str = ""

    @property
    def line(self) -> tuple[str, str]:
        """The rest of the span's line before and after it (the whole line around the span)."""
        return self.before.rpartition("\n")[2], self.after.partition("\n")[0]

    @property
    def where(self) -> str:
        return f"{self.source}" + (f" #{self.id}" if self.id and self.id != self.source else "")


def load_decisions(path: Path) -> list[Decision]:
    """The page's export (one JSON object with ``decisions``) or ``serve``'s ``review.jsonl``."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError("C310", f"{path}: cannot read it ({e})") from None
    items: Any
    try:
        if path.suffix == ".jsonl":
            items = [json.loads(line) for line in raw.splitlines() if line.strip()]
        else:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
                raise UsageError("C310", f"{path}: not a decisions file of the review page (no \"format\": "
                                         f"\"{FILE_FORMAT}\")")
            items = data.get("decisions")
    except json.JSONDecodeError as e:
        raise UsageError("C310", f"{path}: malformed JSON at line {e.lineno}: {e.msg}") from None
    return decisions_from(items, str(path))


def decisions_from(items: Any, where: str) -> list[Decision]:
    """Validated decisions from a list of JSON objects; an error names ``where`` and the item."""
    if not isinstance(items, list):
        raise UsageError("C310", f"{where}: \"decisions\" is not a list")
    return [_decision(where, i, item) for i, item in enumerate(items, 1)]


def _decision(where: str, i: int, item: Any) -> Decision:
    def bad(what: str) -> UsageError:
        return UsageError("C310", f"{where}: decision {i}: {what}")

    if not isinstance(item, dict):
        raise bad("not a JSON object")
    known = {f: item[f] for f in Decision.__dataclass_fields__ if f in item and item[f] is not None}
    if known.get("decision") not in DECISIONS:
        raise bad(f"decision {item.get('decision')!r}; one of {', '.join(DECISIONS)}")
    if known.get("kind") not in KINDS:
        raise bad(f"kind {item.get('kind')!r}; one of {', '.join(KINDS)}")
    if not isinstance(known.get("text"), str) or not known["text"].strip():
        raise bad("no text")
    if known["decision"] != "missed" and not known.get("rule"):
        raise bad(f"a {known['decision']} finding names no rule")
    for name, value in known.items():
        want = int if name in ("start", "end") else str
        if not isinstance(value, want) or isinstance(value, bool):
            raise bad(f"{name} is not a {'number' if want is int else 'string'}")
    return Decision(**known)


# -- apply -----------------------------------------------------------------------------------------
@dataclass
class Applied:
    """What :func:`apply` wrote, for the command's report."""

    allow: int = 0
    patterns: int = 0
    examples: int = 0
    missed: int = 0
    correct: int = 0
    files: set[Path] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def text(self, folder: Path) -> str:
        lines = [f"cleaner: {self.allow} allow entries ({self.patterns} patterns), {self.missed} missed spans, "
                 f"{self.examples} examples written into {folder}; {self.correct} correct findings need nothing"]
        lines += [f"  {p}" for p in sorted(self.files)]
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(f"next: cleaner check-rules {folder}   then: cleaner run ... --rules {folder}")
        return "\n".join(lines)


def apply(decisions: Iterable[Decision], folder: Path) -> Applied:
    """Write the decisions into the rule folder ``folder`` (created when missing)."""
    decisions = list(decisions)
    folder.mkdir(parents=True, exist_ok=True)
    rules = {r.id: r for r in load_rules([folder])}
    done = Applied(correct=sum(d.decision == "correct" for d in decisions))
    wrong = [d for d in decisions if d.decision == "wrong"]
    _write_allow(folder, _allow_entries(wrong), done)
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in wrong:
        text, _ = _example_text(d)
        examples[d.rule].append(_example(text, cleaned=text, lang=d.lang, note=f"review: wrong in {d.where}"))
    missed = [d for d in decisions if d.decision == "missed"]
    for d in missed:
        if d.rule:
            text, _ = _example_text(d)
            examples[d.rule].append(_example(text, found=[d.text], lang=d.lang, expect="fail",
                                             note=f"review: missed in {d.where}"))
    for rule_id, new in sorted(examples.items()):
        _write_examples(folder, rules.get(rule_id), rule_id, new, done)
    by_kind: dict[str, list[Decision]] = defaultdict(list)
    for d in missed:
        by_kind[d.kind].append(d)
    for kind, spans in sorted(by_kind.items()):
        _write_reviewed_rule(folder, kind, spans, done)
    load_rules([folder])  # the folder as a whole still loads
    return done


def _example_text(d: Decision) -> tuple[str, tuple[int, int]]:
    """The span's whole line, and where the span is in it."""
    left, right = d.line
    return left + d.text + right, (len(left), len(left) + len(d.text))


def _neighbour(d: Decision) -> str:
    """Text the reviewer left alone next to a missed span, for the literal rule's negative example:
    the rest of its line, else the nearest line around it, else a sentence of our own."""
    left, right = d.line
    rest = (left.rstrip() + " " + right.lstrip()).strip()
    around = [line.strip() for line in d.before.split("\n")[-2::-1] + d.after.split("\n")[1:] if line.strip()]
    return rest or (around[0] if around else "A sentence of the article that nobody marked.")


def _example(text: str, **keys: Any) -> dict[str, Any]:
    return {"text": text, **{k: v for k, v in keys.items() if v}}


def _norm(text: str) -> str:
    return re.sub(r"\d+", "0", " ".join(text.casefold().split()))


def _pattern(text: str) -> str:
    """A case-insensitive pattern for ``text`` that lets spacing and digits vary."""
    parts = regex.split(r"(\s+|\d+)", text.strip())
    out = "".join(r"\s+" if p.isspace() else r"\d+" if p.isdigit() else regex.escape(p) for p in parts if p)
    return "(?i)" + out


def _allow_entries(wrong: list[Decision]) -> list[dict[str, str]]:
    groups: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in wrong:
        groups[(d.rule, _norm(d.text))].append(d)
    entries = []
    for (rule, _), items in sorted(groups.items()):
        if len(items) >= AGREE and len({(d.source, d.id) for d in items}) > 1:
            entries.append({"rule": rule, "pattern": _pattern(items[0].text),
                            "note": f"review: {len(items)} findings marked wrong, e.g. in {items[0].where}"})
            continue
        for d in items:
            left, right = d.line
            entry = {"rule": rule, "text": d.text, "before": left[-CONTEXT:], "after": right[:CONTEXT],
                     "note": f"review: marked wrong in {d.where}"}
            entries.append({k: v for k, v in entry.items() if v})
    return entries


HEADER = {
    ALLOW_FILE: "# Findings reviewers marked wrong: a finding an entry matches is dropped (see `cleaner review`).\n"
                "# Written by `cleaner review apply`; edit or delete entries freely.\n",
    "examples": "# More examples for the rule of the same path (from `cleaner review apply`): a wrong finding\n"
                "# is a negative example, a missed span a positive one. `cleaner check-rules DIR` runs them.\n",
    REVIEWED: "# Spans reviewers marked as missed, matched literally (from `cleaner review apply`, which\n"
              "# rewrites this file: comments here are not kept).\n",
}


def _write_allow(folder: Path, entries: list[dict[str, str]], done: Applied) -> None:
    path = folder / ALLOW_FILE
    old = read_allow_file(path) if path.exists() else []
    have = {(a.rule, a.kind, a.text, a.pattern, a.before, a.after) for a in old}
    new = [e for e in entries if (e["rule"], "", e.get("text"), e.get("pattern"), e.get("before", ""),
                                  e.get("after", "")) not in have]
    if not new:
        return
    _append(path, "".join("\n[[allow]]\n" + tomli_w.dumps(e) for e in new), HEADER[ALLOW_FILE],
            lambda: read_allow_file(path))
    done.allow += len(new)
    done.patterns += sum("pattern" in e for e in new)
    done.files.add(path)


def _write_examples(folder: Path, rule: Rule | None, rule_id: str, items: list[dict[str, Any]],
                    done: Applied) -> None:
    if rule is None:
        done.notes.append(f"{rule_id} is neither bundled nor in {folder}: its {len(items)} examples were not "
                          "written (the allow entries were)")
        return
    path = folder.joinpath(*rule_id.split(".")).with_suffix(".toml")
    have = {(ex.text, ex.cleaned, ex.found) for ex in rule.examples}
    new = [ex for ex in items if (ex["text"], ex.get("cleaned"), tuple(ex["found"]) if "found" in ex else None)
           not in have]
    new = list({json.dumps(ex, sort_keys=True): ex for ex in new}.values())
    if not new:
        return
    _append(path, "".join("\n[[examples]]\n" + tomli_w.dumps(ex) for ex in new), HEADER["examples"],
            lambda: load_rules([folder]))
    done.examples += len(new)
    done.files.add(path)


def _write_reviewed_rule(folder: Path, kind: str, items: list[Decision], done: Applied) -> None:
    path = folder / kind / f"{REVIEWED}.toml"
    data: dict[str, Any] = read_toml(path) if path.exists() else {
        "detector": "pattern", "kind": kind,
        "description": "Strings reviewers marked as missed in the review page, matched literally "
                       "(spacing may vary).",
        "message": "Marked as missed in review: {match}", "action": ACTION[kind], "params": {"patterns": []},
    }
    patterns: list[str] = data.setdefault("params", {}).setdefault("patterns", [])
    examples: list[dict[str, Any]] = data.setdefault("examples", [])
    added = written = 0
    for d in items:
        literal = r"\s+".join(regex.escape(w) for w in d.text.split())
        if literal in patterns:
            continue
        patterns.append(literal)
        text, _ = _example_text(d)
        examples.append(_example(text, found=[d.text], lang=d.lang, note=f"review: missed in {d.where}"))
        near = _neighbour(d)
        examples.append(_example(near, cleaned=near, lang=d.lang, note=f"review: next to a missed span in {d.where}"))
        added += 1
        written += 2
    if not added:
        return
    body = {k: v for k, v in data.items() if k not in ("params", "examples")}
    text = (HEADER[REVIEWED] + tomli_w.dumps(body) + "\n[params]\n" + tomli_w.dumps(data["params"])
            + "".join("\n[[examples]]\n" + tomli_w.dumps(ex) for ex in examples))
    _replace(path, text, lambda: load_rules([folder]))
    done.missed += added
    done.examples += written
    done.files.add(path)


def _append(path: Path, text: str, header: str, check: Any) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else header
    _replace(path, old.rstrip("\n") + "\n" + text, check)


def _replace(path: Path, text: str, check: Any) -> None:
    """Write ``text`` to ``path``; when the folder no longer loads, put the old content back."""
    from .writers import atomic_write_text

    old = path.read_text(encoding="utf-8") if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    try:
        check()
    except CleanerError as e:
        if old is None:
            path.unlink()
        else:
            atomic_write_text(path, old)
        raise UsageError("C310", f"{path} would not load after the change, so it was left as it was: "
                                 f"{e.text}") from None


# -- labels ----------------------------------------------------------------------------------------
def labels(decisions: Iterable[Decision]) -> Iterator[dict[str, Any]]:
    """Each decision as a labelled example: the span's line as ``text``, the span's code-point
    ``start``/``end`` in it, ``label`` 1 (a real finding: correct, or missed) or 0 (wrong)."""
    for d in decisions:
        text, (start, end) = _example_text(d)
        yield {"text": text, "start": start, "end": end, "span": d.text, "label": int(d.decision != "wrong"),
               "decision": d.decision, "kind": d.kind, "rule": d.rule or None, "lang": d.lang or None,
               "source": d.source, "id": d.id, "url": d.url or None}
