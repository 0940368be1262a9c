"""The review page in a real headless browser (Debian's chromium, installed by ``make test``):
it renders the findings, filters them from the URL, runs nothing that came from a document,
and leaves a screenshot (``$CLEANER_SCREENSHOT`` or the test's tmp folder) to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from batchkit import INVISIBLE, MOJIBAKE, article
from cleaner.batch import RunOptions, run

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
# each payload would mark <html> if it ran; in a document they must stay text
PAYLOADS = [
    "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','onerror')\">",
    "</script><script>document.documentElement.setAttribute('data-pwned','breakout')</script>",
    "<svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\"></svg>",
]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (make test installs Debian's chromium where apt-get can)")
    return exe


def _browse(tmp_path: Path, url: str, *extra: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"  # a fresh user-data-dir each time
    done = subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("in")
    for i, payload in enumerate(PAYLOADS):
        (src / f"evil{i}.txt").write_text(f"Headline {MOJIBAKE}\n{payload}\nend{INVISIBLE}here {payload}\n")
    for i in range(120):  # enough findings for several pages
        (src / f"doc{i:03d}.txt").write_text(article(i), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    run(RunOptions(inputs=(str(src),), out=str(out), jobs=2, quiet=True))
    return out / "report.html"


def _cards(dom: str) -> list[str]:
    return dom.split('<div id="list">', 1)[1].split("</div>\n<h2>", 1)[0].split('<div class="f">')[1:]


def test_report_renders_in_chromium_and_runs_nothing_from_documents(report: Path, tmp_path: Path) -> None:
    for url in (report.as_uri(), report.as_uri() + "#q=evil"):
        dom = _browse(tmp_path, url, "--dump-dom", "--virtual-time-budget=3000")
        html_tag = re.search(r"<html[^>]*>", dom)
        assert html_tag is not None
        assert "data-pwned" not in html_tag.group(0)  # no payload ran
        assert "data-rendered=" in html_tag.group(0)  # our script did
    assert 'data-rendered="50"' in _browse(tmp_path, report.as_uri(), "--dump-dom", "--virtual-time-budget=3000")
    evil = _cards(dom)
    assert len(evil) == 2 * len(PAYLOADS)  # one invisible character and one mojibake per evil file
    shown = "".join(evil)
    assert "&lt;/script&gt;&lt;script&gt;document.documentElement" in shown  # the payloads as text
    assert "&lt;img src=x onerror=" in shown and "&lt;svg onload=" in shown


def test_report_filters_and_pages_from_the_url(report: Path, tmp_path: Path) -> None:
    dom = _browse(
        tmp_path,
        report.as_uri() + "#rule=encoding.invisible_chars&q=evil",
        "--dump-dom",
        "--virtual-time-budget=3000",
    )
    cards = _cards(dom)
    assert len(cards) == len(PAYLOADS)
    assert all("encoding.invisible_chars" in c and "evil" in c for c in cards)
    assert '<option value="encoding.invisible_chars" selected="">' in dom
    second = _browse(tmp_path, report.as_uri() + "#page=2", "--dump-dom", "--virtual-time-budget=3000")
    assert "page 2 of" in second and _cards(second) != _cards(
        _browse(tmp_path, report.as_uri(), "--dump-dom", "--virtual-time-budget=3000")
    )


def test_report_screenshot(report: Path, tmp_path: Path) -> None:
    shot = Path(os.environ.get("CLEANER_SCREENSHOT", tmp_path / "report.png"))
    _browse(
        tmp_path,
        report.as_uri() + "#q=evil",
        f"--screenshot={shot}",
        "--window-size=1280,1800",
        "--virtual-time-budget=3000",
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real, non-blank picture
