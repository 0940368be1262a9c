"""``report.html``: one self-contained page to review a run, and to record decisions about it.

What it holds: the counts (server-side, escaped with :func:`html.escape`); the rules of the run
with their descriptions; the sampled findings, each with its document's title, URL (as text) and
id; the sampled documents (see :class:`cleaner.report.Tally`), each as its original text with
every edit marked, so a reviewer reads a finding in its document and marks text the run missed;
and the decisions, kept in the browser's storage per run and exported as JSON for
``cleaner review apply``. The page's script and style are the files in ``assets/``.

Safety: no network (a Content-Security-Policy forbids every fetch and every script but our own,
by hash); the data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``
and ``&`` as ``\\u`` escapes, and the script only ever sets ``textContent``. URLs of documents are
shown as text, never as links.

The original text of a document is rebuilt from its record: the cleaned text with each edit
undone. An edit's range can be wider than its finding (whitespace repair took a line break or a
space with it), and the record does not say which whitespace that was; the page shows it as it
most likely was (line breaks around a removed line, spaces elsewhere) and says so. Every offset,
and so every decision, is exact.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import report
from .report import visible
from .spans import KINDS
from .writers import dumps

MAX_DOC_CHARS = 200_000  # a longer document is listed, but its text is not put in the page
PAGE_TEXT_BUDGET = 16_000_000  # characters of document text in one page, at most
CONNECT = "connect-src 'none'"  # `cleaner review serve` widens it to 'self'


@cache
def asset(name: str) -> str:
    return resources.files("cleaner").joinpath("assets", name).read_text(encoding="utf-8")


def _json_for_script(obj: Any) -> str:
    """JSON that cannot end its <script> block or open a comment: <, > and & as \\u escapes."""
    text = dumps(obj)  # line breaks U+2028/U+2029 and lone surrogates already escaped
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def run_key(out: Path, rule_info: dict[str, Any]) -> str:
    """What the page's stored decisions are kept under: this output folder with this rule set."""
    return hashlib.blake2b(dumps([str(out.resolve()), rule_info]).encode("utf-8", "surrogatepass"),
                           digest_size=12).hexdigest()


def render_html(s: dict[str, Any], sampled: list[dict[str, Any]], docs: list[dict[str, Any]],
                errors: list[dict[str, Any]], out: Path, pages: Sequence[dict[str, Any]] = ()) -> str:
    """The review page as one string (see the module docstring for the escaping rules)."""
    e = html.escape
    page_docs = _page_docs(docs)
    index = {d["k"]: i for i, d in enumerate(page_docs)}
    findings = [{**f, "d": index.get(f["doc"], -1)} for f in sampled]
    info = s.get("rule_info") or {}
    data = {"run": run_key(out, info), "out": str(out), "kinds": list(KINDS), "findings": findings,
            "rules": {rule: meta.get("description", "") for rule, meta in info.items()},
            "docs": page_docs, "verdicts": s["verdicts"], "total": s["rules"], "sample": report.SAMPLE_PER_RULE}
    script = asset("report.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
        f"img-src 'none'; {CONNECT}; form-action 'none'; base-uri 'none'"
    )
    counts = "".join([_table("documents by verdict", s["verdicts"], "verdict"),
                      _table("findings by kind", s["kinds"], "kind"), _table("languages", s["languages"])])
    t = s.get("timings") or {}
    return asset("report.html").format(
        csp=e(csp),
        title=e(str(out)),
        style=asset("report.css"),
        script=script,
        data=_json_for_script(data),
        headline=e(
            f"{s['documents']} documents, {sum(s['rules'].values())} findings, {s['errors']} input "
            f"errors, {s.get('pages_with_findings') or 0} pages with page-level findings"
            + (f"; last run {t['seconds']} s" if t.get("seconds") is not None else "")
        ),
        counts=counts,
        rules=_rules_table(s, info),
        rule_count=len(set(s["rules"]) | set(info)),
        errors=_errors_table(errors, s["errors"]),
        pages=_pages_table(pages, int(s.get("pages_with_findings") or 0)),
        sample=report.SAMPLE_PER_RULE,
        doc_sample=report.DOCS_PER_VERDICT,
    )


def served_page(page: str) -> str:
    """The page as ``cleaner review serve`` sends it: allowed to talk to the server it came from."""
    return page.replace(html.escape(CONNECT), html.escape("connect-src 'self'"), 1)


# -- documents --------------------------------------------------------------------------------------
def _page_docs(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents as the page takes them, in input order; texts past the budget are left out
    (the budget is spent in an order that does not depend on the run: by key hash)."""
    budget = PAGE_TEXT_BUDGET
    fits: set[str] = set()
    for d in sorted(docs, key=lambda d: hashlib.blake2b(d["key"].encode("utf-8", "surrogatepass")).digest()):
        size = d["chars_in"] or len(d["text"])
        if size <= MAX_DOC_CHARS and size <= budget:
            budget -= size
            fits.add(d["key"])
    return [_page_doc(d, d["key"] in fits) for d in docs]


def _page_doc(d: dict[str, Any], fits: bool) -> dict[str, Any]:
    anns = sorted(d["annotations"], key=lambda a: (_edit_range(a)[0], a["start"]))
    rebuilt = original_text(d["text"], anns, d["chars_in"]) if fits else None
    why = "" if rebuilt else "its annotations do not fit its text" if fits else "too long for the page's size budget"
    return {
        "k": d["key"], "source": d["source"], "id": d["id"], "verdict": d["verdict"], "lang": d["lang"],
        "format": d["format"], "title": d["title"], "url": d["url"], "chars": d["chars_in"],
        "o": rebuilt[0] if rebuilt else None, "guessed": rebuilt[1] if rebuilt else 0, "why": why,
        "a": [_page_ann(a) for a in anns],
    }


def _page_ann(a: dict[str, Any]) -> dict[str, Any]:
    es, ee = _edit_range(a)
    rep = a.get("replacement")
    return {"kind": a["kind"], "rule": a["rule"], "action": a["action"], "score": a.get("score"),
            "start": a["start"], "end": a["end"], "es": es, "ee": ee, "text": visible(a.get("text", "")),
            "replacement": visible(rep) if rep else rep, "suggestions": list(a.get("suggestions") or ())[:5],
            "message": a.get("message", "")}


def _edit_range(a: dict[str, Any]) -> tuple[int, int]:
    if a.get("action") == "flag":
        return a["start"], a["end"]
    return a.get("edit_start", a["start"]), a.get("edit_end", a["end"])


def original_text(cleaned: str, annotations: list[dict[str, Any]], length: int) -> tuple[str, int] | None:
    """``(original text, edits whose whitespace was guessed)`` from a record's cleaned text and its
    annotations (sorted by edit position), or None when they do not fit together (``length``:
    the original's length in code points, from the record's stats).

    >>> anns = [{"action": "remove", "start": 3, "end": 7, "text": "SPAM", "replacement": "",
    ...          "edit_start": 3, "edit_end": 9}]
    >>> original_text("A\\n\\nB", anns, 10)
    ('A\\n\\nSPAM\\n\\nB', 1)
    """
    parts: list[str] = []
    pos = done = guessed = 0  # pos: in the cleaned text; done: in the original
    crlf = "\r\n" in cleaned
    for a in annotations:
        if a.get("action") == "flag":
            continue
        es, ee = _edit_range(a)
        start, end, rep = a["start"], a["end"], a.get("replacement") or ""
        if not (done <= es <= start <= end <= ee) or len(a.get("text", "")) != end - start:
            return None
        same = es - done
        parts.append(cleaned[pos:pos + same])
        pos += same
        if cleaned[pos:pos + len(rep)] != rep:
            return None
        after = cleaned[pos + len(rep):]
        # a removed whole line took line breaks; a finding at a line's start, spaces (the line goes on)
        whole_line = (pos == 0 or cleaned[pos - 1] == "\n") and (ee - end > 1 or after[:1] in ("", "\n", "\r"))
        left, right = _gap(start - es, not after.strip(), crlf), _gap(ee - end, whole_line, crlf)
        guessed += bool(left or right)
        parts.append(left + a.get("text", "") + right)
        pos += len(rep)
        done = ee
    parts.append(cleaned[pos:])
    text = "".join(parts)
    return (text, guessed) if len(text) == length or not length else None


def _gap(n: int, line: bool, crlf: bool) -> str:
    """``n`` characters of whitespace an edit took beside its finding: line breaks when the edit
    took a whole line (see :mod:`cleaner.actions`), else spaces."""
    if not n:
        return ""
    if not line:
        return " " * n
    return "\r\n" * (n // 2) + "\n" * (n % 2) if crlf else "\n" * n


# -- tables -------------------------------------------------------------------------------------------
def _table(title: str, counts: dict[str, Any], key: str | None = None) -> str:
    e = html.escape
    rows = []
    for k, v in counts.items():
        label = f'<a href="#{key}={e(quote(k, safe=""))}">{e(k)}</a>' if key else e(k)
        rows.append(f'<tr><td>{label}</td><td class="n">{e(str(v))}</td></tr>')
    return f"<table><caption>{e(title)}</caption>{''.join(rows) or '<tr><td>none</td></tr>'}</table>"


def _rules_table(s: dict[str, Any], info: dict[str, Any]) -> str:
    """Every rule of the run, busiest first, with what it looks for; rules that found nothing too."""
    e = html.escape
    rows = []
    names = set(s["rules"]) | set(info)
    for rule in sorted(names, key=lambda r: (-s["rules"].get(r, 0), r)):
        n = s["rules"].get(rule, 0)
        acts = ", ".join(f"{a} {c}" for a, c in s["rule_actions"].get(rule, {}).items())
        meta = info.get(rule, {})
        kind = meta.get("kind") or s.get("rule_kinds", {}).get(rule, "")
        name = f'<a href="#rule={e(quote(rule, safe=""))}">{e(rule)}</a>' if n else e(rule)
        rows.append(f'<tr><td>{name}</td><td>{e(kind)}</td><td class="n">{n}</td><td>{e(acts)}</td>'
                    f'<td class="desc">{e(meta.get("description", ""))}</td></tr>')
    head = "<tr><th>rule</th><th>kind</th><th>findings</th><th>actions</th><th>what it looks for</th></tr>"
    return f'<table class="wide"><caption>the rules of this run</caption>{head}{"".join(rows)}</table>'


def _pages_table(pages: Sequence[dict[str, Any]], total: int) -> str:
    """The pages whose HTML carries injections anywhere (hidden link lists, visible link farms),
    each finding with where it is (``article`` or elsewhere on the ``page``), its rule, CSS path and
    text: how a reader tells a compromised site from a clean one."""
    if not pages:
        return "<p>No page carries an injection (hidden link lists, link farms) anywhere on it.</p>"
    e = html.escape
    rows = []
    for page in pages:
        for n, f in enumerate(page.get("findings") or ()):
            who = (f"{e(str(page.get('source', '')))}<br><small>{e(str(page.get('url', '')))}</small>"
                   if n == 0 else "")
            how = f" ({e(str(f['technique']))})" if f.get("technique") else ""
            rows.append(f"<tr><td>{who}</td><td>{e(str(f.get('where', '')))}</td><td>{e(str(f.get('rule', '')))}"
                        f"{how}</td><td><code>{e(str(f.get('locator', '')))}</code></td>"
                        f"<td>{e(str(f.get('text', '')))}</td></tr>")
    head = "<tr><th>page</th><th>where</th><th>rule</th><th>CSS path</th><th>text</th></tr>"
    more = (f"<p>Showing the first {len(pages)} of {total} pages; every record's <code>page_findings</code> "
            "is in annotations.jsonl.</p>" if total > len(pages) else "")
    return f'<table class="wide">{head}{"".join(rows)}</table>{more}'


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
