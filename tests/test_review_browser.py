"""The reviewer's loop in a real browser (Debian's chromium, driven by Playwright): the report of a
run over ``samples/`` plus a document of script payloads; two findings marked and one missed span
added in the page; the decisions exported; ``cleaner review apply`` on them; a rerun with the rule
folder no longer makes the marked mistake and finds the added span. Also: CJK text is drawn with
a CJK font (installed by ``make test``), checked by the font Chromium used for it and by a
screenshot (``$CLEANER_SCREENSHOT_DIR`` or the test's tmp folder) for a person to look at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batchkit import lines
from cleaner import cli
from conftest import SAMPLES

playwright = pytest.importorskip("playwright.sync_api", reason="playwright comes with the dev extra")

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # nothing leaves this machine
PAYLOADS = [
    "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','onerror')\">",
    "</script><script>document.documentElement.setAttribute('data-pwned','breakout')</script>",
    "<svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\"></svg>",
]
MISSED = "Ferry coupons every week at harbour-savings dot example, just ask the kiosk"
EVIL = ("Harbour notes\n\nThe council met on Tuesday " + PAYLOADS[0] + " and agreed the caf\u00c3\u00a9 may stay.\n\n"
        + MISSED + "\n\n" + " ".join(PAYLOADS[1:]) + "\n\nThe meeting closed at nine.\n")


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (make test installs Debian's chromium where apt-get can)")
    return exe


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium as this machine needs it started; Playwright gives every launch a fresh profile."""
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    src = tmp_path_factory.mktemp("in")
    for f in SAMPLES.iterdir():
        shutil.copy(f, src / f.name)
    (src / "evil.txt").write_text(EVIL, encoding="utf-8")
    out = tmp_path_factory.mktemp("run") / "out"
    assert cli.main(["run", str(src), "-o", str(out), "--jobs", "2", "--quiet"]) == 0
    return src, out


def _page(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(url)
    page.wait_for_selector("html[data-rendered]")
    return page


def _pwned(page: Any) -> str | None:
    value: str | None = page.evaluate("document.documentElement.getAttribute('data-pwned')")
    return value


def _select(page: Any, text: str) -> None:
    """Select ``text`` in the document view as a mouse would: a range over the text node holding it."""
    page.evaluate(
        """(text) => {
          const box = document.getElementById("doctext");
          const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const i = n.data.indexOf(text);
            if (i >= 0) {
              const r = document.createRange();
              r.setStart(n, i);
              r.setEnd(n, i + text.length);
              const sel = window.getSelection();
              sel.removeAllRanges();
              sel.addRange(r);
              return;
            }
          }
          throw new Error("not in the document view: " + text);
        }""",
        text,
    )


def _findings(out: Path, rule: str) -> list[tuple[str, str]]:
    records = lines(out / "annotations.jsonl")
    return [(r["id"], a["text"]) for r in records for a in r["annotations"] if a["rule"] == rule]


def test_review_loop_marks_exports_applies_and_the_rerun_learns(browser: Any, first_run: tuple[Path, Path],
                                                                tmp_path: Path) -> None:
    src, out = first_run
    assert ("shanghai-tech-hub.txt", "crteeaa") in _findings(out, "typo.misspelling")
    assert not [t for _, t in _findings(out, "spam.reviewed")]
    page = _page(browser, (out / "report.html").as_uri())

    # 1. a finding marked wrong, from the findings list: the typo flag on "crteeaa"
    page.evaluate("location.hash = 'rule=typo.misspelling'")
    card = page.locator(".f", has_text="crteeaa").first
    assert "shanghai-tech-hub.txt" in card.inner_text() and "id shanghai-tech-hub.txt" in card.inner_text()
    card.locator("button.wrong").click()
    assert page.locator(".f.d-wrong", has_text="crteeaa").count() == 1

    # 2. a finding marked correct, in its document: the Chinese ad line of rec-001 (its URL shown as text)
    page.evaluate("location.hash = 'view=docs'")
    page.locator("a", has_text="rec-001").first.click()
    page.wait_for_selector("#doctext")
    assert page.locator("#doc-view .who .url").first.inner_text() == "https://example.org/markets/asia-close"
    assert page.locator("#doc-view a[href^='https://']").count() == 0  # a URL is text, never a link
    assert page.locator("#doctext del", has_text="深圳桑拿会所").count() == 1
    page.locator("#doc-view .f", has_text="深圳桑拿会所").locator("button.correct").click()

    # 3. a span the run missed, selected in the document with the script payloads
    page.evaluate("location.hash = 'view=docs'")
    page.locator("a", has_text="evil.txt").first.click()
    page.wait_for_selector("#doctext")
    assert _pwned(page) is None  # the payloads are on the screen as text, and none ran
    assert all(p in page.locator("#doctext").inner_text() for p in PAYLOADS)
    _select(page, MISSED)
    page.locator("#missbar button.miss", has_text="spam").click()
    assert page.locator("#doctext .missed").inner_text() == MISSED
    assert page.get_attribute("html", "data-decisions") == "3"

    # the decisions outlive the page (localStorage, keyed by run)
    page.reload()
    page.wait_for_selector("html[data-rendered]")
    assert page.get_attribute("html", "data-decisions") == "3"
    page.evaluate("location.hash = 'view=decisions'")
    assert "1 correct, 1 wrong, 1 missed" in page.locator("#decisionlist").inner_text()

    # 4. exported as a file
    with page.expect_download() as got:
        page.locator("#export").click()
    exported = tmp_path / "decisions.json"
    got.value.save_as(exported)
    assert page.errors == [] and _pwned(page) is None
    page.close()
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["format"] == "cleaner-review" and len(data["decisions"]) == 3
    wrong = next(d for d in data["decisions"] if d["decision"] == "wrong")
    assert (wrong["rule"], wrong["text"], wrong["source"]) == ("typo.misspelling", "crteeaa", "shanghai-tech-hub.txt")
    original = (SAMPLES / "shanghai-tech-hub.txt").read_text(encoding="utf-8")
    assert original[wrong["start"] - len(wrong["before"]):wrong["end"] + len(wrong["after"])] == (
        wrong["before"] + "crteeaa" + wrong["after"])  # exact offsets, and the original text around it
    assert wrong["before"].endswith("to drive sustainable growth and ") and len(wrong["before"]) == 200
    missed = next(d for d in data["decisions"] if d["decision"] == "missed")
    assert (missed["kind"], missed["text"], missed["source"]) == ("spam", MISSED, "evil.txt")
    assert EVIL[missed["start"]:missed["end"]] == MISSED  # code-point offsets into the original

    # 5. into a rule folder, checked, and used by the next run
    rules = tmp_path / "my_rules"
    assert cli.main(["review", "apply", str(exported), "--rules", str(rules)]) == 0
    assert (rules / "allow.toml").exists() and (rules / "spam" / "reviewed.toml").exists()
    done = subprocess.run([str(Path(os.sys.executable).with_name("cleaner")), "check-rules", str(rules)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("2 rules, ")  # typo.misspelling (+1 example), spam.reviewed
    out2 = tmp_path / "out2"
    assert cli.main(["run", str(src), "-o", str(out2), "--jobs", "2", "--quiet", "--rules", str(rules)]) == 0
    assert ("shanghai-tech-hub.txt", "crteeaa") not in _findings(out2, "typo.misspelling")  # the mistake is gone
    assert _findings(out2, "spam.reviewed") == [("evil.txt", MISSED)]  # the missed span is found
    assert _findings(out2, "spam.cjk_seo_injection") == _findings(out, "spam.cjk_seo_injection")  # nothing else moved
    evil = next(r for r in lines(out2 / "annotations.jsonl") if r["id"] == "evil.txt")
    assert MISSED not in evil["text"] and "The meeting closed at nine." in evil["text"]
    shanghai = next(r for r in lines(out2 / "annotations.jsonl") if r["id"] == "shanghai-tech-hub.txt")
    assert shanghai["stats"]["allowed"] == 1


def _cjk_fonts() -> list[str]:
    try:
        done = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return []
    return [line for line in done.stdout.splitlines() if line.strip()]


def test_review_page_draws_chinese_with_a_cjk_font(browser: Any, first_run: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    if not _cjk_fonts():
        pytest.skip("no CJK font on this machine (make test installs Debian's fonts-wqy-microhei)")
    _, out = first_run
    shots = Path(os.environ.get("CLEANER_SCREENSHOT_DIR", tmp_path))
    page = _page(browser, (out / "report.html").as_uri())
    page.evaluate("location.hash = 'view=docs'")
    page.locator("a", has_text="shanghai-tech-hub.txt").first.click()
    page.wait_for_selector("#doctext")
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    cdp.send("CSS.enable")
    for selector, sample in (("#doctext del", "爱上海同城419"), ("#doctext ins", "achievements")):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert page.locator(selector).first.inner_text().strip().startswith(sample)
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        if selector.endswith("del"):  # the Han characters were drawn from a font that has them
            cjk = [f for f in fonts if any(name in f["familyName"] for name in ("WenQuanYi", "CJK", "Han", "Hei"))]
            assert cjk and sum(f["glyphCount"] for f in cjk) >= 5, fonts
    # tofu would draw every character as the same empty box: two different Han strings must differ
    glyphs = page.locator("#doctext del").first
    glyphs.scroll_into_view_if_needed()
    one = glyphs.screenshot(path=str(shots / "cjk-del.png"))
    other = page.locator("#doctext del").nth(1).screenshot()
    assert one != other
    page.screenshot(path=str(shots / "review-document.png"))
    page.evaluate("location.hash = 'q=419'")
    page.screenshot(path=str(shots / "review-findings.png"))
    assert page.errors == []
    page.close()


def test_served_page_saves_each_decision_to_review_jsonl(browser: Any, first_run: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    import threading

    from cleaner.review import load_decisions
    from cleaner.review_server import make_server

    _, first = first_run
    out = tmp_path / "out"
    shutil.copytree(first, out)
    server = make_server(out, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = _page(browser, server.url + "#rule=encoding.mojibake")
        page.locator(".f").first.locator("button.wrong").click()
        # (expect polls from outside: the page's CSP forbids evaluating strings inside it)
        playwright.expect(page.locator("#save")).to_have_text("saved to review.jsonl")
        [saved] = load_decisions(out / "review.jsonl")
        assert (saved.decision, saved.rule, saved.source) == ("wrong", "encoding.mojibake", "evil.txt")
        page.close()
        # a new browser profile (nothing in its storage) gets the decisions back from the server
        fresh = browser.new_context()
        again = fresh.new_page()
        again.goto(server.url + "#view=decisions")
        playwright.expect(again.locator("html")).to_have_attribute("data-decisions", "1")
        assert "0 correct, 1 wrong, 0 missed" in again.locator("#decisionlist").inner_text()
        fresh.close()
    finally:
        server.shutdown()
        server.server_close()
