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
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError
from .writers import atomic_write_json, atomic_write_text, dumps, refuse_links

SAMPLE_PER_RULE = 200
CONTEXT = 80  # characters of cleaned text shown on each side of a finding
MAX_ERRORS_SHOWN = 1000


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

    def add(self, rec: dict[str, Any]) -> None:
        self.documents += 1
        self.verdicts[rec.get("verdict", "?")] += 1
        self.languages[rec.get("lang", "?")] += 1
        stats = rec.get("stats") or {}
        self.chars_in += int(stats.get("chars_in", 0))
        self.chars_out += int(stats.get("chars_out", 0))
        for finding in findings(rec):
            rule = finding["rule"]
            self.kinds[finding["kind"]] += 1
            self.rules[rule] += 1
            self.rule_kind.setdefault(rule, finding["kind"])
            self.rule_actions.setdefault(rule, Counter())[finding["action"]] += 1
            self._sample(rule, finding)

    def _sample(self, rule: str, finding: dict[str, Any]) -> None:
        key = f"{finding['source']}\0{finding['id']}\0{finding['start']}".encode("utf-8", "surrogatepass")
        h = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        self._keep(rule, (-h, self.documents, finding))  # max-heap on the hash: keep the smallest hashes

    def _keep(self, rule: str, item: tuple[int, int, dict[str, Any]]) -> None:
        heap = self.samples.setdefault(rule, [])
        if len(heap) < SAMPLE_PER_RULE:
            heapq.heappush(heap, item)
        elif item[0] > heap[0][0]:
            heapq.heapreplace(heap, item)

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickle only the fields that hold something, as plain values: a worker sends one tally per
        unit, mostly one document with no findings, and the dataclass's default pickling sent seven
        ``Counter``s, each rebuilt by the main process (10 → 7 µs a unit, dumps and loads)."""
        return _restore_tally, ({name: _plain(value) for name, value in vars(self).items() if value},)

    def merge(self, other: Tally) -> None:
        """Add a tally of the records that come after this one's (a unit's, made by the worker
        that cleaned it): the same counts and samples as adding those records here."""
        for rule, heap in other.samples.items():
            for neg_h, doc, finding in heap:
                self._keep(rule, (neg_h, self.documents + doc, finding))
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
            "timings": timings or {},
        }

    def sampled(self) -> list[dict[str, Any]]:
        """All sampled findings, in document order then position (deterministic)."""
        items = [(doc, f) for heap in self.samples.values() for _h, doc, f in heap]
        items.sort(key=lambda x: (x[0], x[1]["start"], x[1]["rule"]))
        return [f for _doc, f in items]


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


def findings(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each annotation of a record with the context a reviewer needs: the cleaned text around
    where it was (earlier edits already applied), what was done, and the replacement."""
    text = rec.get("text") or ""
    shift = 0  # cleaned position minus original position, from the edits before this one
    for a in rec.get("annotations") or ():
        edits = a.get("action") in ("remove", "replace")
        at = a.get("edit_start", a["start"]) + shift
        new = (a.get("replacement") or "") if edits else a.get("text", "")
        after = at + len(new)
        yield {
            "source": rec.get("source", ""),
            "id": rec.get("id", ""),
            "verdict": rec.get("verdict", ""),
            "kind": a["kind"],
            "rule": a["rule"],
            "action": a["action"],
            "score": a.get("score"),
            "start": a["start"],
            "text": visible(a.get("text", "")),
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


def build_report(out: Path, timings: dict[str, Any] | None = None, counted: Tally | None = None) -> dict[str, Any]:
    """Write ``summary.json`` and ``report.html`` for the run in ``out``; return the summary.

    Without ``timings`` (``cleaner report OUT``) the last run's timings are kept from summary.json.
    ``counted``: the tally of everything in ``out``, kept by the run as it went (the batch does,
    so the end of a big run does not read its journals again); without it the journals are read."""
    if not (out / "annotations.jsonl").exists():
        raise UsageError("C301", f"{out} holds no annotations.jsonl; run `cleaner run INPUT -o {out}` first")
    refuse_links(out)  # nothing read or written through a link planted in OUT (C305)
    if timings is None:
        old = out / "summary.json"
        timings = json.loads(old.read_text(encoding="utf-8")).get("timings", {}) if old.exists() else {}
    t = counted if counted is not None else tally(out)
    summary = t.summary(timings)
    atomic_write_json(out / "summary.json", summary)
    atomic_write_text(out / "report.html", render_html(summary, t.sampled(), t.error_sample, str(out)))
    return summary


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


# -- the review page -------------------------------------------------------------------------------
def _json_for_script(obj: Any) -> str:
    """JSON that cannot end its <script> block or open a comment: <, > and & as \\u escapes."""
    text = dumps(obj)  # line breaks U+2028/U+2029 and lone surrogates already escaped
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _table(title: str, counts: dict[str, Any], key: str | None = None) -> str:
    e = html.escape
    rows = []
    for k, v in counts.items():
        label = f'<a href="#{key}={e(_hash_value(k))}">{e(k)}</a>' if key else e(k)
        rows.append(f'<tr><td>{label}</td><td class="n">{e(str(v))}</td></tr>')
    return f"<table><caption>{e(title)}</caption>{''.join(rows) or '<tr><td>none</td></tr>'}</table>"


def _hash_value(v: str) -> str:
    from urllib.parse import quote

    return quote(v, safe="")


def _rules_table(s: dict[str, Any], kinds: dict[str, str]) -> str:
    e = html.escape
    rows = []
    for rule, n in sorted(s["rules"].items(), key=lambda kv: (-kv[1], kv[0])):
        acts = ", ".join(f"{a} {c}" for a, c in s["rule_actions"].get(rule, {}).items())
        rows.append(
            f'<tr><td><a href="#rule={e(_hash_value(rule))}">{e(rule)}</a></td>'
            f'<td>{e(kinds.get(rule, ""))}</td><td class="n">{n}</td><td>{e(acts)}</td></tr>'
        )
    head = "<tr><th>rule</th><th>kind</th><th>findings</th><th>actions</th></tr>"
    return f'<table class="wide"><caption>findings per rule</caption>{head}{"".join(rows)}</table>'


def _errors_table(errors: list[dict[str, Any]], total: int) -> str:
    if not errors:
        return "<p>No input errors.</p>"
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(str(x.get('source', '')))}</td><td>{e(str(x.get('line') or ''))}</td>"
        f"<td>{e(str(x.get('reason', '')))}</td></tr>"
        for x in errors
    )
    more = f"<p>Showing {len(errors)} of {total}; all are in errors.jsonl.</p>" if total > len(errors) else ""
    return f'<table class="wide"><tr><th>input</th><th>line</th><th>reason</th></tr>{rows}</table>{more}'


def render_html(s: dict[str, Any], sampled: list[dict[str, Any]], errors: list[dict[str, Any]], title: str) -> str:
    """The review page as one string (see the module docstring for the escaping rules)."""
    e = html.escape
    kinds = {f["rule"]: f["kind"] for f in sampled}
    data = {"findings": sampled, "total": s["rules"], "sample": SAMPLE_PER_RULE}
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
        "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    counts = "".join(
        [
            _table("documents by verdict", s["verdicts"], "verdict"),
            _table("findings by kind", s["kinds"], "kind"),
            _table("languages", s["languages"]),
        ]
    )
    t = s.get("timings") or {}
    return _PAGE.format(
        csp=e(csp),
        title=e(title),
        style=_STYLE,
        script=_SCRIPT,
        data=_json_for_script(data),
        headline=e(
            f"{s['documents']} documents, {sum(s['rules'].values())} findings, {s['errors']} input "
            f"errors" + (f"; last run {t['seconds']} s" if t.get("seconds") is not None else "")
        ),
        counts=counts,
        rules=_rules_table(s, kinds),
        errors=_errors_table(errors, s["errors"]),
        sample=SAMPLE_PER_RULE,
    )


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 2em 3em;color:#222;background:#fafafa}
h1{font-size:1.5em;margin:.8em 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em}
.counts{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse;background:#fff}caption{text-align:left;font-weight:600;padding:.3em 0}
td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}td.n{text-align:right}
table.wide{width:100%}
#filters{position:sticky;top:0;background:#fafafa;padding:.6em 0;border-bottom:1px solid #ddd}
#filters label{margin-right:1em}
.f{background:#fff;border:1px solid #ddd;border-radius:4px;margin:.5em 0;padding:.5em .8em}
.f .meta{color:#555;font-size:.9em}.f .ctx{font-family:ui-monospace,monospace;white-space:pre-wrap;
word-break:break-word;margin:.3em 0}.hit{background:#fdd;text-decoration:line-through}
.hit.flag{background:#ffe9a8;text-decoration:none}.hit.replace{background:#fdd}
.new{background:#cfc}
.tag{display:inline-block;border-radius:3px;padding:0 .4em;margin-right:.4em;background:#eee}
.k-spam{background:#f8c9c9}.k-artifact{background:#d9ccf5}.k-encoding{background:#cde4f7}
.k-hidden{background:#f5d9b8}.k-typo{background:#f7f0b8}#pager button{margin:0 .3em}
"""

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var PAGE = 50;
  var all = data.findings;
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    return n;
  }
  function state() {
    var s = {kind: "", rule: "", verdict: "", q: "", page: 1};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { s[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); }
    });
    s.page = Math.max(1, parseInt(s.page, 10) || 1);
    return s;
  }
  function setState(s) {
    var parts = [];
    ["kind", "rule", "verdict", "q"].forEach(function (k) {
      if (s[k]) { parts.push(k + "=" + encodeURIComponent(s[k])); }
    });
    if (s.page > 1) { parts.push("page=" + s.page); }
    location.hash = parts.join("&");
  }
  function options(select, values, current) {
    select.textContent = "";
    select.appendChild(el("option", null, "all")).value = "";
    values.forEach(function (v) {
      var o = select.appendChild(el("option", null, v));
      o.value = v;
      if (v === current) { o.setAttribute("selected", ""); }
    });
  }
  function uniq(key) {
    var seen = {};
    all.forEach(function (f) { seen[f[key]] = true; });
    return Object.keys(seen).sort();
  }
  function matches(f, s) {
    if (s.kind && f.kind !== s.kind) { return false; }
    if (s.rule && f.rule !== s.rule) { return false; }
    if (s.verdict && f.verdict !== s.verdict) { return false; }
    if (s.q) {
      var q = s.q.toLowerCase();
      return (f.text + " " + f.source + " " + f.message).toLowerCase().indexOf(q) >= 0;
    }
    return true;
  }
  function what(f) {
    if (f.action === "remove") { return "removed"; }
    if (f.action === "replace") { return "replaced"; }
    return "flagged";
  }
  function card(f) {
    var c = el("div", "f");
    var meta = c.appendChild(el("div", "meta"));
    meta.appendChild(el("span", "tag k-" + f.kind, f.kind));
    meta.appendChild(el("b", null, f.rule));
    meta.appendChild(document.createTextNode("  " + what(f) + " \\u00b7 score " + f.score +
      " \\u00b7 " + f.source + (f.id !== f.source ? " #" + f.id : "") + " \\u00b7 verdict " + f.verdict));
    var ctx = c.appendChild(el("div", "ctx"));
    ctx.appendChild(document.createTextNode((f.before.length >= 80 ? "\\u2026" : "") + f.before));
    ctx.appendChild(el("span", "hit " + f.action, f.text));
    if (f.action === "replace") { ctx.appendChild(el("span", "new", f.replacement)); }
    ctx.appendChild(document.createTextNode(f.after + (f.after.length >= 80 ? "\\u2026" : "")));
    var msg = f.message;
    if (f.suggestions && f.suggestions.length) { msg += "  (suggestions: " + f.suggestions.join(", ") + ")"; }
    c.appendChild(el("div", "meta", msg));
    return c;
  }
  function render() {
    var s = state();
    options(document.getElementById("kind"), uniq("kind"), s.kind);
    options(document.getElementById("rule"), uniq("rule"), s.rule);
    options(document.getElementById("verdict"), uniq("verdict"), s.verdict);
    document.getElementById("q").value = s.q;
    var shown = all.filter(function (f) { return matches(f, s); });
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    var page = Math.min(s.page, pages);
    var list = document.getElementById("list");
    list.textContent = "";
    shown.slice((page - 1) * PAGE, page * PAGE).forEach(function (f) { list.appendChild(card(f)); });
    var total = s.rule ? (data.total[s.rule] || 0) : null;
    var note = shown.length + " findings shown" + (total !== null && total > shown.length ?
      " (a sample of " + total + "; at most " + data.sample + " per rule are kept)" : "");
    document.getElementById("status").textContent = note + " \\u00b7 page " + page + " of " + pages;
    var pager = document.getElementById("pager");
    pager.textContent = "";
    [["\\u2190 previous", page - 1], ["next \\u2192", page + 1]].forEach(function (b) {
      var btn = pager.appendChild(el("button", null, b[0]));
      btn.disabled = b[1] < 1 || b[1] > pages;
      btn.addEventListener("click", function () { s.page = b[1]; setState(s); });
    });
    document.documentElement.setAttribute("data-rendered", String(list.childNodes.length));
  }
  ["kind", "rule", "verdict"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function (ev) {
      var s = state(); s[id] = ev.target.value; s.page = 1; setState(s);
    });
  });
  document.getElementById("q").addEventListener("change", function (ev) {
    var s = state(); s.q = ev.target.value; s.page = 1; setState(s);
  });
  window.addEventListener("hashchange", render);
  render();
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cleaner review: {title}</title>
<style>{style}</style></head>
<body>
<h1>cleaner review</h1>
<p>{headline}</p>
<div class="counts">{counts}</div>
<h2>Rules</h2>
{rules}
<h2>Findings</h2>
<div id="filters">
<label>kind <select id="kind"></select></label>
<label>rule <select id="rule"></select></label>
<label>verdict <select id="verdict"></select></label>
<label>text <input id="q" type="search" placeholder="filter by text"></label>
<span id="status"></span> <span id="pager"></span>
</div>
<noscript><p>The findings list needs JavaScript;
the counts above and annotations.jsonl have everything.</p></noscript>
<p class="meta">Each finding shows the cleaned text around it: what was removed is struck through, a
replacement follows in green, flags are yellow. At most {sample} findings per rule are kept (a
deterministic sample); annotations.jsonl has them all.</p>
<div id="list"></div>
<h2>Input errors</h2>
{errors}
<script type="application/json" id="data">{data}</script>
<script>{script}</script>
</body></html>
"""
