"""``cleaner review``: decisions back into a user's rule folder (allow entries, examples, a literal rule
of missed spans), as labelled JSONL, and through the local server. The page side is in
tests/test_review_browser.py; here the decisions are made as the page makes them, from real runs."""

from __future__ import annotations

import html
import json
import threading
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner import Pipeline
from cleaner.cli import main
from cleaner.review import labels, load_decisions
from cleaner.review_server import make_server

ARTICLE = ("Harbour council votes on sea wall\n\n"
           "The council met on Tuesday, officials said. abcd520.vip\n\n"
           "Ferry coupons each week from harbour-savings dot example at the kiosk\n\n"
           "Work starts in spring.\n")
MISSED = "Ferry coupons each week from harbour-savings dot example at the kiosk"


def decision(text: str, verdict: str, rule: str | None = None, kind: str = "spam", span: str | None = None,
             source: str = "news/a.txt") -> dict[str, Any]:
    """A decision as the page exports it: offsets and the original text around the span."""
    if verdict == "missed":
        assert span is not None
        start = text.index(span)
        end = start + len(span)
    else:
        s = next(s for s in Pipeline.default().clean(text).spans if s.rule == rule)
        start, end, kind, span = s.start, s.end, s.kind, s.text
    return {"decision": verdict, "kind": kind, "rule": rule or "", "source": source, "id": source,
            "start": start, "end": end, "text": span, "before": text[max(0, start - 200):start],
            "after": text[end:end + 200], "lang": "en", "url": "https://news.example/a", "title": "Sea wall"}


def export(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"format": "cleaner-review", "version": 1, "run": "r", "decisions": items}),
                    encoding="utf-8")
    return path


def spans(p: Pipeline, text: str) -> list[tuple[str, str]]:
    return [(s.rule, s.text) for s in p.clean(text).spans]


def test_apply_turns_a_wrong_finding_and_a_missed_span_into_rules(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert spans(Pipeline.default(), ARTICLE) == [("spam.contact_drop", "abcd520.vip")]
    decisions = export(tmp_path / "d.json", [decision(ARTICLE, "wrong", "spam.contact_drop"),
                                             decision(ARTICLE, "missed", span=MISSED)])
    rules = tmp_path / "my_rules"
    assert main(["review", "apply", str(decisions), "--rules", str(rules)]) == 0
    out = capsys.readouterr().out
    assert "1 allow entries (0 patterns), 1 missed spans, 3 examples" in out
    allow = tomllib.loads((rules / "allow.toml").read_text(encoding="utf-8"))["allow"]
    assert allow == [{"rule": "spam.contact_drop", "text": "abcd520.vip", "before": "council met on Tuesday, "
                      "officials said. ", "note": "review: marked wrong in news/a.txt"}]
    examples = tomllib.loads((rules / "spam" / "contact_drop.toml").read_text(encoding="utf-8"))
    assert examples == {"examples": [{"text": "The council met on Tuesday, officials said. abcd520.vip",
                                      "cleaned": "The council met on Tuesday, officials said. abcd520.vip",
                                      "lang": "en", "note": "review: wrong in news/a.txt"}]}
    reviewed = tomllib.loads((rules / "spam" / "reviewed.toml").read_text(encoding="utf-8"))
    assert reviewed["params"]["patterns"] == [r"Ferry\s+coupons\s+each\s+week\s+from\s+harbour\-savings\s+dot\s+"
                                              r"example\s+at\s+the\s+kiosk"]
    assert [ex.get("found") for ex in reviewed["examples"]] == [[MISSED], None]
    # check-rules: the folder on top of the bundled rules; the negative example holds only through allow.toml
    assert main(["check-rules", str(rules)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{rules / 'spam' / 'contact_drop.toml'}: example 1 passes only through allow.toml",
                     "2 rules, 3 examples passed (1 only through allow.toml)"]
    # the next run: the mistake is not repeated, the missed span is found, the rest is as it was
    p = Pipeline.from_rules(rules)
    assert spans(p, ARTICLE) == [("spam.reviewed", MISSED)]
    assert p.clean(ARTICLE).text == ARTICLE.replace(MISSED + "\n\n", "")
    other = "Ferries ran late on Tuesday, the operator said. abcd520.vip\n"
    assert spans(p, other) == [("spam.contact_drop", "abcd520.vip")]  # the same string elsewhere is still found
    # applying the same decisions again writes nothing
    before = {f: f.read_bytes() for f in rules.rglob("*") if f.is_file()}
    assert main(["review", "apply", str(decisions), "--rules", str(rules)]) == 0
    assert "0 allow entries (0 patterns), 0 missed spans, 0 examples" in capsys.readouterr().out
    assert {f: f.read_bytes() for f in rules.rglob("*") if f.is_file()} == before


def test_apply_writes_a_pattern_where_many_wrong_findings_agree(tmp_path: Path) -> None:
    texts = [f"The port reopened on Monday after the storm, officials said. abcd{n}.vip\nMore soon." for n in
             (520, 77, 9001)]
    items = [decision(t, "wrong", "spam.contact_drop", source=f"news/{i}.txt") for i, t in enumerate(texts)]
    from cleaner.review import apply

    done = apply(load_decisions(export(tmp_path / "d.json", items)), tmp_path / "r")
    assert (done.allow, done.patterns, done.examples) == (1, 1, 3)
    allow = tomllib.loads((tmp_path / "r" / "allow.toml").read_text(encoding="utf-8"))["allow"]
    assert [a["pattern"] for a in allow] == [r"(?i)abcd\d+\.vip"]
    p = Pipeline.from_rules(tmp_path / "r")
    assert spans(p, "Ferries ran late, the operator said. ABCD31337.vip\nMore.") == []  # the pattern, anywhere
    assert spans(p, "Ferries ran late, the operator said. qrst520.vip\nMore.") == [("spam.contact_drop", "qrst520.vip")]


def test_a_missed_span_that_names_a_rule_is_a_known_gap_of_that_rule(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    d = decision(ARTICLE, "missed", span=MISSED)
    d["rule"] = "spam.en_ad_sentence"
    rules = tmp_path / "r"
    assert main(["review", "apply", str(export(tmp_path / "d.json", [d])), "--rules", str(rules)]) == 0
    capsys.readouterr()
    assert main(["check-rules", str(rules)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{rules / 'spam' / 'en_ad_sentence.toml'}: example 1 fails, as marked: found []")
    assert out[-1] == "2 rules, 2 examples passed (1 known gaps (expect = \"fail\"))"


def test_examples_for_a_rule_no_folder_defines_are_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "spam" / "no_such_rule.toml"
    path.parent.mkdir()
    path.write_text('[[examples]]\ntext = "a"\ncleaned = "a"\n', encoding="utf-8")
    from cleaner.errors import RuleError

    with pytest.raises(RuleError) as err:
        Pipeline.from_rules(tmp_path)
    assert str(err.value).startswith(f"{path}: [C211] examples for the rule 'spam.no_such_rule', which no "
                                     "earlier rule folder defines")


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "malformed JSON at line 1: Expecting value"),
    ('{"decisions": []}', 'not a decisions file of the review page (no "format": "cleaner-review")'),
    ('{"format": "cleaner-review", "decisions": [{"decision": "maybe", "kind": "spam", "text": "x"}]}',
     "decision 1: decision 'maybe'; one of correct, wrong, missed"),
    ('{"format": "cleaner-review", "decisions": [{"decision": "wrong", "kind": "spam", "text": "x"}]}',
     "decision 1: a wrong finding names no rule"),
    ('{"format": "cleaner-review", "decisions": [{"decision": "missed", "kind": "spam", "text": "x", "start": "1"}]}',
     "decision 1: start is not a number"),
])
def test_bad_decisions_are_exit_2_naming_the_file_and_the_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   content: str, message: str) -> None:
    path = tmp_path / "d.json"
    path.write_text(content, encoding="utf-8")
    assert main(["review", "apply", str(path), "--rules", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err == f"cleaner: [C310] review: {path}: {message}\n"
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_labels_are_one_labelled_span_per_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "d.json", [decision(ARTICLE, "wrong", "spam.contact_drop"),
                                        decision(ARTICLE, "missed", span=MISSED)])
    assert main(["review", "labels", str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["label"], r["decision"], r["kind"], r["rule"]) for r in rows] == [
        (0, "wrong", "spam", "spam.contact_drop"), (1, "missed", "spam", None)]
    assert all(r["text"][r["start"]:r["end"]] == r["span"] for r in rows)
    assert rows[1]["text"] == MISSED and rows[0]["text"] == "The council met on Tuesday, officials said. abcd520.vip"
    assert labels(load_decisions(path)) is not None


# -- the server -------------------------------------------------------------------------------------
@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(src), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    server = make_server(out, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url, out
    server.shutdown()
    server.server_close()


def _request(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serve_sends_the_page_and_saves_decisions_from_it_only(served: tuple[str, Path]) -> None:
    url, out = served
    status, page = _request(url)
    csp = html.unescape(page.decode()).split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert status == 200 and "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert page.replace(b"connect-src &#x27;self&#x27;", b"connect-src &#x27;none&#x27;") == (
        out / "report.html").read_bytes()  # nothing else differs from the file
    body = json.dumps({"format": "cleaner-review", "decisions": [decision(ARTICLE, "wrong", "spam.contact_drop",
                                                                          source="a.txt")]}).encode()
    origin = url.rstrip("/")
    assert _request(url + "review.jsonl", body, {"Content-Type": "application/json"})[0] == 403  # no Origin
    assert _request(url + "review.jsonl", body, {"Content-Type": "application/json",
                                                  "Origin": "https://evil.example"})[0] == 403
    assert _request(url + "review.jsonl", body, {"Content-Type": "text/plain", "Origin": origin})[0] == 415
    bad = json.dumps({"decisions": [{"decision": "wrong"}]}).encode()
    assert _request(url + "review.jsonl", bad, {"Content-Type": "application/json", "Origin": origin})[0] == 400
    assert not (out / "review.jsonl").exists()
    assert _request(url + "review.jsonl", body, {"Content-Type": "application/json", "Origin": origin})[0] == 204
    assert _request(url + "review.jsonl") == (200, (out / "review.jsonl").read_bytes())
    [saved] = load_decisions(out / "review.jsonl")
    assert (saved.decision, saved.rule, saved.text) == ("wrong", "spam.contact_drop", "abcd520.vip")
    assert _request(url + "../annotations.jsonl")[0] == 404  # nothing else of OUT is served
