"""The summary and the review page, built from a run's journals: counts, context of each finding,
escaping, deterministic per-rule samples."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from batchkit import INVISIBLE, MOJIBAKE, lines, write_corpus
from cleaner import Pipeline
from cleaner.batch import RunOptions, run
from cleaner.report import build_report, findings, format_summary, visible
from cleaner.report_page import _json_for_script

EVIL = '</script><script>alert(1)</script> <img src=x onerror="alert(2)"> <!-- \u2028 & done'


def test_findings_show_the_cleaned_context_and_what_was_done() -> None:
    text = f"Start {MOJIBAKE} middle hidden{INVISIBLE}word end."
    rec = Pipeline.default().clean(text).to_dict()
    got = {f["rule"]: f for f in findings(rec)}
    moj, inv = got["encoding.mojibake"], got["encoding.invisible_chars"]
    assert (moj["before"], moj["text"], moj["replacement"], moj["action"]) == (
        "Start caf",
        "Ã©",
        "é",
        "replace",
    )
    assert moj["after"].startswith(" middle hidden")
    assert (inv["before"], inv["text"], inv["after"]) == ("Start café middle hidden", "⟨U+200B⟩", "word end.")
    assert inv["before"] + "" + inv["after"] == rec["text"]  # the context is the cleaned text itself


def test_visible_shows_invisible_characters_by_code_point() -> None:
    assert visible("a\u200bb\u00a0c\td\n") == "a⟨U+200B⟩b⟨U+00A0⟩c\td\n"


def test_json_for_script_cannot_close_the_script_block() -> None:
    out = _json_for_script({"t": EVIL})
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"t": EVIL}


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture
def evil_run(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "evil.txt").write_text(f"Title {MOJIBAKE}\n{EVIL}\nend{INVISIBLE}here\n", encoding="utf-8")
    (src / "feed.jsonl").write_text(json.dumps({"id": "<b>id</b>", "text": f"x {MOJIBAKE} {EVIL}"}) + "\n")
    (src / "empty.txt").write_text("")
    out = tmp_path / "out"
    run(RunOptions(inputs=(str(src),), out=str(out), jobs=1, quiet=True))
    return out


def test_report_page_is_self_contained_and_escapes_document_text(evil_run: Path) -> None:
    page = (evil_run / "report.html").read_text(encoding="utf-8")
    parser = _Attrs()
    parser.feed(page)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "data"}, {}]  # our two blocks, nothing injected
    assert not [t for t, _ in parser.tags if t in ("img", "iframe", "link", "object", "embed", "base")]
    urls = [v for _, a in parser.tags for k, v in a.items() if k in ("src", "href", "action") and v]
    assert all(u.startswith("#") for u in urls)  # nothing is fetched: only in-page links
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv"))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "script-src 'sha256-" in csp
    assert "<script>alert" not in page and "<img src=x" not in page  # document text only as escaped data
    data = json.loads(page.split('<script type="application/json" id="data">')[1].split("</script>")[0])
    shown = "".join(f["before"] + f["text"] + f["after"] for f in data["findings"])
    assert "</script><script>alert(1)</script>" in shown and 'onerror="alert(2)"' in shown


def test_report_counts_match_the_annotations(evil_run: Path) -> None:
    summary = json.loads((evil_run / "summary.json").read_text())
    records = lines(evil_run / "annotations.jsonl")
    assert summary["documents"] == len(records) == 2
    assert summary["rules"] == {"encoding.invisible_chars": 1, "encoding.mojibake": 2}
    assert summary["errors"] == 1 and summary["error_codes"] == {"C103": 1}
    page = (evil_run / "report.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a href="#rule=encoding.mojibake">encoding.mojibake</a></td><td>encoding</td>'
        r'<td class="n">2</td><td>replace 2</td>',
        page,
    )
    assert "empty.txt" in page and "[C103] the file is empty" in page


def test_report_samples_per_rule_deterministically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.report

    monkeypatch.setattr(cleaner.report, "SAMPLE_PER_RULE", 5)
    src = write_corpus(tmp_path / "in", files=10, records=60)
    for jobs, name in ((1, "one"), (2, "two")):
        run(RunOptions(inputs=(str(src),), out=str(tmp_path / name), jobs=jobs, quiet=True))
    pages = [re.sub(r'last run [0-9.]+ s|(?<="run":")[0-9a-f]+', "", (tmp_path / n / "report.html").read_text())
             for n in ("one", "two")]  # the run key is the output folder's: one differs from two
    assert pages[0] == pages[1].replace(str(tmp_path / "two"), str(tmp_path / "one"))
    data = json.loads(pages[0].split('id="data">')[1].split("</script>")[0])
    per_rule: dict[str, int] = {}
    for f in data["findings"]:
        per_rule[f["rule"]] = per_rule.get(f["rule"], 0) + 1
    summary = json.loads((tmp_path / "one" / "summary.json").read_text())
    assert per_rule == {r: min(5, n) for r, n in summary["rules"].items()}
    assert max(summary["rules"].values()) > 5  # the cap was really exercised


def test_build_report_keeps_the_last_runs_timings(evil_run: Path) -> None:
    before = json.loads((evil_run / "summary.json").read_text())["timings"]
    summary = build_report(evil_run)
    assert summary["timings"] == before and before["jobs"] == 1


def test_format_summary_table() -> None:
    s = {
        "documents": 3,
        "errors": 1,
        "verdicts": {"clean": 2, "cleaned": 1},
        "kinds": {"spam": 12},
        "rules": {"spam.a": 2, "spam.b": 10},
        "rule_kinds": {"spam.a": "spam", "spam.b": "spam"},
        "error_codes": {"C103": 1},
        "timings": {"seconds": 1.5, "mb_per_s": 2.0, "documents_this_run": 3, "jobs": 2, "skipped_units": 4},
    }
    assert format_summary(s, "out").splitlines() == [
        "cleaner: 3 documents -> out/",
        "  documents         3",
        "  verdict clean     2",
        "  verdict cleaned   1",
        "  findings spam    12",
        "    spam.b         10",
        "    spam.a          2",
        "  input errors      1  (C103 1)",
        "  this run         3 docs in 1.5 s, 2.0 MB/s, 2 jobs, 4 units already done",
        "  errors: out/errors.jsonl",
        "  review: out/report.html",
    ]


def test_report_survives_lone_surrogates_in_findings(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "feed.jsonl").write_text(json.dumps({"id": "s", "text": f"x \ud800 {MOJIBAKE} \udfff y"}) + "\n")
    run(RunOptions(inputs=(str(src),), out=str(tmp_path / "out"), jobs=1, quiet=True))
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="data">')[1].split("</script>")[0])
    assert "\ud800" in data["findings"][0]["before"]


def test_report_of_a_killed_run_ignores_the_torn_last_line(evil_run: Path) -> None:
    with (evil_run / "annotations.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"source": "half-writ')
    assert build_report(evil_run)["documents"] == 2


def test_a_tally_travels_between_processes_whole(evil_run: Path) -> None:
    """Workers send their tallies to the main process pickled, in a compact form of their own."""
    import pickle

    from cleaner.report import Tally, tally

    counted = tally(evil_run)
    assert counted.rules and counted.rule_actions and counted.samples and counted.error_codes  # all kinds of field
    assert counted.docs and counted.doc_samples
    lines = (evil_run / "annotations.jsonl").read_bytes().splitlines(keepends=True)
    for t in (counted, Tally()):
        back = pickle.loads(pickle.dumps(t))
        assert all(type(getattr(back, k)) is type(v) for k, v in vars(t).items())
        assert {**vars(back), "docs": t.docs} == vars(t)
        assert all(type(c) is Counter for c in back.rule_actions.values())
        # the documents travel as the place of their record among the unit's lines, which the main
        # process has anyway; merged with those lines they are whole again
        assert back.docs == {k: d[0] for k, d in t.docs.items()}  # type: ignore[index]
        merged = Tally()
        merged.merge(back, lines)
        assert merged.docs == t.docs and merged.sampled_docs() == t.sampled_docs()


def _page_data(out: Path) -> dict:
    page = (out / "report.html").read_text(encoding="utf-8")
    return json.loads(page.split('<script type="application/json" id="data">')[1].split("</script>")[0])


def test_report_names_a_pages_title_url_and_id_and_links_nowhere(tmp_path: Path) -> None:
    """An HTML input's file name is often a hash: the card says which page it is, the URL as text."""
    from conftest import ROOT

    src = tmp_path / "in"
    src.mkdir()
    page = (ROOT / "tests" / "fixtures" / "html" / "news_article.html").read_text(encoding="utf-8")
    name = "5f0c2e" * 10 + "ab.html"
    (src / name).write_text(page.replace("in Porthwenna", f"in Porthwenna {MOJIBAKE}", 1), encoding="utf-8")
    run(RunOptions(inputs=(str(src),), out=str(tmp_path / "out"), jobs=1, quiet=True))
    data = _page_data(tmp_path / "out")
    assert data["findings"]
    for f in data["findings"]:
        assert (f["title"], f["url"], f["id"]) == ("Harbour town votes to rebuild its sea wall | The Coastal Courier",
                                                   "https://courier.example/news/2026/harbour-sea-wall", name)
        assert data["docs"][f["d"]]["url"] == f["url"]  # its document is in the page
    html_page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'href="http' not in html_page and "courier.example" not in html_page.split('id="data">')[0]


def test_report_lists_documents_by_verdict_and_rebuilds_their_original_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    texts = {"clean.txt": "A calm day at the harbour.\n",
             "junk.txt": f"Title {MOJIBAKE}\n\nA line.\n爱上海同城419 Startups grew.\n\nend{INVISIBLE}here\r\nlast\n",
             "typo.txt": "The goverment met on Monday.\n"}
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8", newline="")
    run(RunOptions(inputs=(str(src),), out=str(tmp_path / "out"), jobs=1, quiet=True))
    docs = {d["source"]: d for d in _page_data(tmp_path / "out")["docs"]}
    assert {s: d["verdict"] for s, d in docs.items()} == {"clean.txt": "clean", "junk.txt": "cleaned",
                                                         "typo.txt": "flagged"}
    assert {s: d["o"] for s, d in docs.items()} == texts  # the original, rebuilt from the record
    assert docs["junk.txt"]["guessed"] == 1 and docs["clean.txt"]["a"] == []


def test_report_samples_documents_per_verdict_deterministically(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.report

    monkeypatch.setattr(cleaner.report, "DOCS_PER_VERDICT", 3)
    src = write_corpus(tmp_path / "in", files=10, records=60)
    for jobs, name in ((1, "one"), (2, "two")):
        run(RunOptions(inputs=(str(src),), out=str(tmp_path / name), jobs=jobs, quiet=True))
    one, two = _page_data(tmp_path / "one"), _page_data(tmp_path / "two")
    assert one["docs"] == two["docs"]
    with_findings = {f["doc"] for f in one["findings"]}
    sampled = [d for d in one["docs"] if d["k"] not in with_findings]
    assert sampled and all(d["verdict"] == "clean" for d in sampled) and len(sampled) <= 3
    assert one["verdicts"]["clean"] > 3  # the cap was really exercised
