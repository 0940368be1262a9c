"""Rule files: ``rules/<kind>/<name>.toml`` → validated :class:`Rule` objects.

One rule per file; the id is the path (``rules/spam/cjk_seo_injection.toml`` →
``spam.cjk_seo_injection``), and the folder is the rule's ``kind``. Common keys are checked here;
``[params]`` is checked by the detector's ``Params`` dataclass. Every error names the file, the
line, the bad value and the valid choices. Nothing in a rule file is executed.

A user's folder can also hold, under the same path as a rule of an earlier folder (the bundled
rules, or an earlier ``--rules``), a file of ``[[examples]]`` only: they are added to that rule's
own (say, a false positive found in review, as a negative example), and ``cleaner check-rules``
runs them. ``allow.toml`` at the top of a folder is not a rule: see :mod:`cleaner.allow`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RuleError
from .spans import ACTIONS, KINDS

COMMON_KEYS = {
    "detector": "name of a detector kind (see `cleaner rules --detectors`)",
    "kind": "one of " + ", ".join(KINDS),
    "description": "one sentence: what it finds and why",
    "message": "shown per finding; {match} is the found text",
    "action": "one of " + ", ".join(ACTIONS),
    "score": "confidence 0..1 for findings that carry none of their own",
    "version": "integer, bump when behaviour changes",
    "enabled": "true or false",
    "params": "table of detector parameters",
    "examples": "array of tables: text, and cleaned and/or found",
}
REQUIRED = ("detector", "kind", "description", "message", "action")
EXAMPLE_KEYS = {"text", "cleaned", "found", "lang", "expect", "note", "format"}
EXAMPLE_FORMATS = ("txt", "html")  # html: `text` is a page, read as the HTML reader reads it
MESSAGE_FIELDS = {"match"}
ALLOW_FILE = "allow.toml"  # at the top of a rule folder: findings reviewers marked wrong (cleaner.allow)


@dataclass(frozen=True)
class Example:
    text: str
    cleaned: str | None
    found: tuple[str, ...] | None
    lang: str | None
    expect_fail: bool
    note: str = ""
    format: str = "txt"
    path: Path | None = None  # the file it was written in (a user's examples for a bundled rule: theirs)
    number: int = 0  # its place among that file's examples, from 1

    @property
    def positive(self) -> bool:
        if self.format == "html":  # the page's markup always differs from its text: `found` decides
            return bool(self.found)
        return bool(self.found) or (self.cleaned is not None and self.cleaned != self.text)


@dataclass(frozen=True)
class Rule:
    """A validated rule file. ``params`` is the raw table; the detector turns it into typed Params."""

    id: str
    path: Path
    detector: str
    kind: str
    description: str
    message: str
    action: str
    score: float = 0.9
    version: int = 1
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()

    def line_of(self, key: str, table: str | None = None) -> int | None:
        """The 1-based line where ``key`` is set (inside ``[table]`` when given), for error messages."""
        return find_line(self.path, key, table)

    def error(self, code: str, detail: str, key: str | None = None, hint: str = "") -> RuleError:
        line = self.line_of(key, "params") if key else None
        return RuleError(self.path, code, detail, line=line, hint=hint)

    def sidecar(self, name: str) -> Path:
        """A word-list file named in ``[params]``, relative to the rule file."""
        return self.path.parent / name

    def format_message(self, match: str) -> str:
        return self.message.replace("{match}", match)


def find_line(path: Path, key: str, table: str | None = None) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    current: str | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.startswith("["):
            current = line.strip("[] ")
            continue
        if current == table and (line.startswith(key + " ") or line.startswith(key + "=")):
            return n
    return None


def bundled_rules_dir() -> Path:
    """The rules shipped with the package (inside the wheel), or the checkout's ``rules/``."""
    packaged = Path(str(resources.files("cleaner"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _check_type(path: Path, key: str, value: Any, want: type | tuple[type, ...], hint: str) -> None:
    if isinstance(value, bool) and want is not bool and bool not in (want if isinstance(want, tuple) else ()):
        raise RuleError(path, "C202", f"{key}: {value!r}", line=find_line(path, key), hint=hint)
    if not isinstance(value, want):
        raise RuleError(path, "C202", f"{key}: {value!r}", line=find_line(path, key), hint=hint)


def _examples(path: Path, raw: Any) -> tuple[Example, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError(path, "C202", "examples", hint="use [[examples]] tables")
    out = []
    for i, ex in enumerate(raw, 1):
        if not isinstance(ex, dict):
            raise RuleError(path, "C202", f"examples[{i}]", hint="each example is a table")
        unknown = set(ex) - EXAMPLE_KEYS
        if unknown:
            raise RuleError(
                path, "C201", f"{sorted(unknown)[0]!r} in examples[{i}]",
                hint="allowed keys: " + ", ".join(sorted(EXAMPLE_KEYS)),
            )
        if not isinstance(ex.get("text"), str) or ("cleaned" not in ex and "found" not in ex):
            raise RuleError(path, "C203", f"text and cleaned/found in examples[{i}]")
        found = ex.get("found")
        if found is not None and not (isinstance(found, list) and all(isinstance(f, str) for f in found)):
            raise RuleError(path, "C202", f"examples[{i}].found", hint="a list of strings")
        expect = ex.get("expect", "pass")
        if expect not in ("pass", "fail"):
            raise RuleError(path, "C202", f"examples[{i}].expect: {expect!r}", hint="one of pass, fail")
        fmt = ex.get("format", "txt")
        if fmt not in EXAMPLE_FORMATS:
            raise RuleError(path, "C202", f"examples[{i}].format: {fmt!r}", hint="one of " + ", ".join(EXAMPLE_FORMATS))
        if fmt == "html" and found is None:
            raise RuleError(path, "C203", f"found in examples[{i}] (an html example lists what it finds)")
        out.append(Example(ex["text"], ex.get("cleaned"), tuple(found) if found is not None else None,
                           ex.get("lang"), expect == "fail", str(ex.get("note", "")), fmt, path, i))
    return tuple(out)


@dataclass(frozen=True)
class Examples:
    """A file of ``[[examples]]`` only: more examples for the rule of the same id in an earlier folder."""

    id: str
    path: Path
    examples: tuple[Example, ...]


def _kind_folder(root: Path, path: Path, kind: str | None) -> str:
    """The rule id of ``path``, checking that the file sits in a folder named after its kind."""
    parts = path.relative_to(root).with_suffix("").parts
    if len(parts) < 2:
        raise RuleError(path, "C209", hint=f"move it to {root / (kind or '<kind>') / path.name}")
    if kind is not None and parts[0] != kind:
        raise RuleError(path, "C210", f"{kind!r}, but it sits in the folder {parts[0]!r}",
                        line=find_line(path, "kind"), hint=f"move it to {root / kind} or correct its kind")
    return ".".join(parts)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise RuleError(path, "C200", str(e)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(path, "C200", f"cannot read: {e}") from None


def load_rule(root: Path, path: Path) -> Rule | Examples:
    """Read and validate one rule file (common keys only), or a file of examples for an earlier rule."""
    data = read_toml(path)
    if set(data) == {"examples"}:
        return Examples(_kind_folder(root, path, None), path, _examples(path, data["examples"]))
    for key in data:
        if key not in COMMON_KEYS:
            raise RuleError(path, "C201", repr(key), line=find_line(path, key),
                            hint="allowed keys: " + ", ".join(COMMON_KEYS))
    for key in REQUIRED:
        if key not in data:
            raise RuleError(path, "C203", repr(key), hint=f"{key} is {COMMON_KEYS[key]}")
    for key in ("detector", "description", "message"):
        _check_type(path, key, data[key], str, "a string")
    if data["kind"] not in KINDS:
        raise RuleError(path, "C202", f"kind: {data['kind']!r}", line=find_line(path, "kind"),
                        hint="allowed: " + ", ".join(KINDS))
    if data["action"] not in ACTIONS:
        raise RuleError(path, "C202", f"action: {data['action']!r}", line=find_line(path, "action"),
                        hint="allowed: " + ", ".join(ACTIONS))
    score = data.get("score", 0.9)
    _check_type(path, "score", score, (int, float), "a number from 0 to 1")
    if not 0 <= score <= 1:
        raise RuleError(path, "C202", f"score: {score!r}", line=find_line(path, "score"), hint="0 to 1")
    version = data.get("version", 1)
    _check_type(path, "version", version, int, "a positive integer")
    enabled = data.get("enabled", True)
    _check_type(path, "enabled", enabled, bool, "true or false")
    params = data.get("params", {})
    _check_type(path, "params", params, dict, "a [params] table")
    message = data["message"]
    for name in _placeholders(message):
        if name not in MESSAGE_FIELDS:
            raise RuleError(path, "C202", f"message placeholder {{{name}}}", line=find_line(path, "message"),
                            hint="allowed: {match}")
    return Rule(
        id=_kind_folder(root, path, data["kind"]), path=path, detector=data["detector"], kind=data["kind"],
        description=data["description"].strip(), message=message, action=data["action"],
        score=float(score), version=version, enabled=enabled, params=params,
        examples=_examples(path, data.get("examples")),
    )


def _placeholders(message: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(message) if name]


def iter_rule_files(root: Path) -> Iterable[Path]:
    return sorted(p for p in root.rglob("*.toml") if p.is_file() and p != root / ALLOW_FILE)


def rule_roots(dirs: Sequence[str | Path] | str | Path | None = None, *, bundled: bool = True) -> list[Path]:
    """The folders (or single files) rules are read from, in order: the bundled ones first."""
    if isinstance(dirs, str | Path):
        dirs = [dirs]
    return ([bundled_rules_dir()] if bundled else []) + [Path(d) for d in dirs or ()]


def load_rules(dirs: Sequence[str | Path] | str | Path | None = None, *, bundled: bool = True) -> list[Rule]:
    """Load the bundled rules, then each folder in ``dirs``; a later rule with the same id replaces
    the earlier one (so a user can override a bundled rule by path)."""
    by_id: dict[str, Rule] = {}
    for root in rule_roots(dirs, bundled=bundled):
        if root.is_file():  # a single rule file: its folder is its kind's
            loaded = [load_rule(root.parent.parent, root)]
        elif root.is_dir():
            loaded = [load_rule(root, p) for p in iter_rule_files(root)]
        else:
            raise RuleError(root, "C208")
        for item in loaded:
            if isinstance(item, Rule):
                by_id[item.id] = item
            elif item.id in by_id:
                rule = by_id[item.id]
                by_id[item.id] = dataclasses.replace(rule, examples=rule.examples + item.examples)
            else:
                raise RuleError(item.path, "C211", repr(item.id),
                                hint="a file of [[examples]] only adds to the rule of the same path in an "
                                     "earlier folder (the bundled rules or an earlier --rules)")
    return sorted(by_id.values(), key=lambda r: r.id)
