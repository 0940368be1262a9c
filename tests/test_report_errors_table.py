"""The review page's errors table escapes the source names it shows: a hostile file name (markup and
script in the name, entities that must stay literal) produces an input error, and the page, parsed
by a real HTML parser, shows the name as text and holds no element the name tried to open."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from batchkit import article, lines
from cleaner import cli

# a folder name ending in "<" and a file name starting with "script>": the path closes the tag
FOLDER = "<script>alert(1)<"
FILE = "script> <img src=x onerror=alert(2)> &lt;b&gt; \"quoted' <!--.txt"
HOSTILE = f"{FOLDER}/{FILE}"


def test_a_hostile_source_name_in_the_errors_table_is_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / FOLDER).mkdir(parents=True)
    (src / FOLDER / FILE).write_text("")  # empty: one C103 error, named by its source
    (src / "fine.txt").write_text(article(1), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "-o", str(out), "--jobs", "1", "--quiet"]) == 1
    assert [(e["source"], e["code"]) for e in lines(out / "errors.jsonl")] == [(HOSTILE, "C103")]

    page = BeautifulSoup((out / "report.html").read_bytes(), "lxml")
    heading = next(h for h in page.find_all("h2") if h.get_text() == "Input errors")
    table = heading.find_next_sibling("table")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")]
    assert rows == [[HOSTILE, "", "[C103] the file is empty"]]
    assert not table.find_all(["script", "img"]) and not page.find_all("img")
    scripts = page.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/json", None]  # the page's own two, nothing more
    assert "alert" not in scripts[1].string
    assert isinstance(json.loads(scripts[0].string), dict)  # the data block is whole
