"""Hidden injections: every technique, inside and around article paragraphs, is absent from the
cleaned text and reported with its text, locator and technique; no article text is lost.

Pages are built at test time: from the self-written fixtures (always) and from the real corpus
pages with their ground truth (when ../shared/corpus is present; never stored in the repo).
"""

from __future__ import annotations

import gzip
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import regex
from bs4 import BeautifulSoup

from cleaner.pipeline import Pipeline, Result
from cleaner.readers import html_document
from cleaner.rules import load_rules
from html_injection import PLACEMENTS, TECHNIQUES, Injection, injected_page, same_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
HIDDEN = Pipeline([r for r in load_rules() if r.kind == "hidden"])


def clean_page(html: str) -> Result:
    return HIDDEN.clean(html_document(html, id="page", source="page.html"))


def outcome(result: Result, injections: list[Injection]) -> tuple[list[Injection], list[Injection]]:
    """``(leaked into the cleaned text, not reported)``."""
    reported = " ".join(s.text for s in result.spans if s.kind == "hidden")
    leaked = [i for i in injections if i.marker in result.text]
    unreported = [i for i in injections if i.marker not in reported]
    return leaked, unreported


def words(text: str) -> Counter[str]:
    return Counter(regex.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


def fixture_truth(name: str) -> str:
    """The fixture's article paragraphs, as the reader extracts them from the clean page."""
    return html_document((FIXTURES / name).read_text(encoding="utf-8"), id="t", source="t").text


@pytest.mark.parametrize("technique", list(TECHNIQUES))
@pytest.mark.parametrize("name", ["news_article.html", "blog_post.html"])
def test_html_hidden_every_technique_every_placement_on_fixtures(name: str, technique: str) -> None:
    page = (FIXTURES / name).read_text(encoding="utf-8")
    built = injected_page(page, fixture_truth(name), [technique], "f")
    assert built is not None
    html, injections = built
    assert len(injections) == len(PLACEMENTS)
    result = clean_page(html)
    leaked, unreported = outcome(result, injections)
    assert leaked == [] and unreported == []
    baseline = clean_page(same_page(page))
    assert result.text == baseline.text  # not one character of the article lost or changed


def test_html_hidden_span_carries_locator_and_technique_that_find_the_element() -> None:
    page = (FIXTURES / "news_article.html").read_text(encoding="utf-8")
    built = injected_page(page, fixture_truth("news_article.html"), ["opacity:0"], "L")
    assert built is not None
    html, _ = built
    result = clean_page(html)
    soup = BeautifulSoup(html, "lxml")
    spans = [s for s in result.spans if s.kind == "hidden"]
    assert len(spans) == len(PLACEMENTS)
    outside = [s for s in spans if (s.detail or {}).get("outside_article")]
    assert len(outside) == 3  # page top, before the footer, page bottom: page-level injections
    for span in spans:
        assert span.detail in ({"technique": "opacity:0"}, {"technique": "opacity:0", "outside_article": True})
        assert span.action == "remove"
        assert ("outside the article" in span.message) == (span in outside)
        found = soup.select(span.locator or "")
        assert len(found) == 1 and " ".join(found[0].get_text().split()) == " ".join(span.text.split())
        assert "opacity:0" in span.message and span.locator in span.message


def test_html_hidden_text_is_in_document_text_and_replays() -> None:
    """Offsets index Document.text, and replaying the annotations gives the cleaned text."""
    from cleaner.actions import replay

    page = (FIXTURES / "blog_post.html").read_text(encoding="utf-8")
    built = injected_page(page, fixture_truth("blog_post.html"), ["display:none", "noscript"], "R")
    assert built is not None
    doc = html_document(built[0], id="p", source="p")
    result = HIDDEN.clean(doc)
    for span in result.spans:
        assert doc.text[span.start:span.end] == span.text
    assert replay(doc.text, result.spans) == result.text


def test_html_hidden_plain_text_documents_have_no_findings() -> None:
    assert HIDDEN.clean("display:none; visibility:hidden — only words here.").spans == ()


def test_html_hidden_legitimately_hidden_chrome_is_not_reported() -> None:
    """Hidden menus and dialogs far from the article are page furniture, not findings."""
    page = (FIXTURES / "news_article.html").read_text(encoding="utf-8").replace(
        '<header class="site-header">',
        '<div class="mobile-menu" style="display:none"><ul><li><a href="/a">Account</a></li></ul></div>'
        '<header class="site-header">')
    assert clean_page(page).spans == ()


@pytest.mark.corpus
def test_html_hidden_on_corpus_pages(corpus_html: Path, corpus_articles: Path) -> None:
    """≥ 97 % of injected strings absent and reported; the article text never shrinks."""
    total = leaked_n = unreported_n = lost_pages = 0
    techniques = list(TECHNIQUES)
    for i, path in enumerate(sorted(corpus_html.glob("*.html.gz"))):
        page = gzip.decompress(path.read_bytes()).decode("utf-8")
        truth = (corpus_articles / path.name.replace(".html.gz", ".txt")).read_text(encoding="utf-8")
        chosen = [techniques[i % len(techniques)], techniques[(i + 5) % len(techniques)]]
        built = injected_page(page, truth, chosen, str(i))
        if built is None:
            continue
        html, injections = built
        result = clean_page(html)
        leaked, unreported = outcome(result, injections)
        total += len(injections)
        leaked_n += len(leaked)
        unreported_n += len(unreported)
        truth_words = words(truth)
        before = words(clean_page(same_page(page)).text) & truth_words
        lost_pages += bool(before - (words(result.text) & truth_words))
    assert total > 1000
    assert (total - max(leaked_n, unreported_n)) / total >= 0.97, (total, leaked_n, unreported_n)
    assert leaked_n / total <= 0.03 and unreported_n / total <= 0.03
    assert lost_pages == 0


def test_a_page_mostly_hidden_is_cleaned_not_rejected() -> None:
    """Hidden text is removed, but it does not make the page spam: a real article whose hidden
    menus and video captions outweigh its visible text (a news site in the corpus did: a hidden
    menu of headline links) keeps its visible article as a cleaned document instead of being dropped."""
    article = " ".join(["The council voted on Tuesday to approve a new ferry route for the harbour."] * 3)
    hidden = "".join(f'<li><a href="/t/{i}">Trending story number {i} about markets, tech, media and video.</a></li>'
                     for i in range(40))
    page = (f"<html><body><article><h1>Ferry route</h1><p>{article}</p>"
            f"<ul style=\"display:none\">{hidden}</ul></article></body></html>")
    result = Pipeline.default().clean(html_document(page, id="p", source="p.html"))
    assert [s.kind for s in result.spans] == ["hidden"]
    assert result.verdict == "cleaned" and "ferry route" in result.text and "Trending" not in result.text


FADE = 'style="opacity:0; transform: translateY(20px)"'
FADE_PROSE = ("<p>The new driver keeps the bass tight and voices clear, on a quiet train or a busy street at rush "
              "hour.</p>")


@pytest.mark.parametrize(("sibling", "hidden"), [
    (f'<h2 {FADE}>Audio performance</h2>', False),  # hidden as its section's prose is: content
    (f'<h2 {FADE}><a href="https://x.example/casino">best casino bonus</a></h2>', True),  # a link: still judged
    ('<h2 style="display:none">cheap replica earbuds</h2>', True),  # hidden another way than the prose
    ('<h2 style="opacity:0">cheap replica earbuds</h2>', True),  # another inline style
])
def test_html_hidden_short_text_hidden_like_its_prose_sibling(sibling: str, hidden: bool) -> None:
    """A short heading that fades in with the paragraph beside it is the page's own content; a
    short text hidden another way, or holding a link, beside that paragraph is still reported."""
    page = (f"<html><body><article><p>Visible words about the earbuds come first, as a standfirst.</p>"
            f"<section>{sibling}<div {FADE}>{FADE_PROSE}</div></section></article></body></html>")
    result = clean_page(page)
    found = " ".join(s.text for s in result.spans if s.kind == "hidden")
    assert ("casino" in found or "replica" in found or "Audio" in found) == hidden
    assert "keeps the bass tight" in result.text


def test_html_hidden_coloured_words_inside_text_coloured_like_the_page_show() -> None:
    """A dark-themed code block (``color:white`` on what the reader takes for a white page, its
    dark background set by a stylesheet it does not read) whose highlighted words set colours of
    their own: those words show and stay; white text of the block's own, and injected white text
    whose words keep the block's colour, are still hidden and reported."""
    code = ('<pre style="color:white"><div><span class="n">1</span><span style="color:#FFA657">pip</span> '
            '<span style="color:#A5D6FF">install harbour-tides</span></div>'
            '<div><span class="n">2</span><span style="color:#C9D1D9">tides --port Leith</span></div></pre>')
    spam = '<div style="color:#fff"><span style="color:#fefefe">cheap pills casino bonus</span></div>'
    page = (f"<html><body><article><p>Install the package first, then ask it for a port's tide table.</p>{code}"
            f"<p>The table lists high and low water for the next seven days.</p>{spam}</article></body></html>")
    result = clean_page(page)
    found = " ".join(s.text for s in result.spans if s.kind == "hidden")
    assert "install harbour-tides" in result.text and "tides --port Leith" in result.text
    assert "cheap pills" in found and "cheap pills" not in result.text
    assert "pip" not in found and "Leith" not in found


@pytest.mark.parametrize(("panel", "hidden"), [
    ('<div class="tab-panel" hidden><a href="https://nodejs.example/">Install Node.</a> Set up a tunnel.</div>', False),
    ('<div class="tab-panel-x" hidden><a href="https://casino.example/">best casino bonus</a></div>', True),
    ('<div hidden><a href="https://casino.example/">best casino bonus</a></div>', True),
])
def test_html_hidden_panel_built_like_the_visible_one(panel: str, hidden: bool) -> None:
    """A closed tab's panel, built like the open one beside it (same tag and class), is content even
    short and with links; a hidden link list built otherwise beside it is still reported."""
    page = ('<html><body><article><p>Pick your language to see the steps for setting up the harbour tides client.</p>'
            '<div class="tabs"><div class="tab-panel"><a href="https://python.example/">Install Python.</a> '
            f'Set up a tunnel.</div>{panel}</div></article></body></html>')
    found = " ".join(s.text for s in clean_page(page).spans if s.kind == "hidden")
    assert bool(found.strip()) == hidden


@pytest.mark.parametrize(("section", "hidden"), [
    ("background: url('hills.jpg') no-repeat; background-position: center; background-size: cover", False),
    ("background: #123 url(&quot;hills.jpg&quot;) center/cover", False),
    ("background-image: linear-gradient(rgba(0,0,0,.6), rgba(0,0,0,.6)), url(hills.jpg)", False),
    ("background-color: rgba(20, 40, 60, 0.85)", False),  # a see-through tint over whatever is behind
    ("background-color: #ffffff", True),
    ("padding: 2em", True),  # no background of its own: the white page
])
def test_html_hidden_white_text_over_a_background_picture_shows(section: str, hidden: bool) -> None:
    """White words in a section painted with a photograph (often under a dark overlay) show: the
    background's colour is unknown, so there is no same-colour verdict. White on white is still
    hidden and reported, and so is white text in a white box inside the pictured section."""
    items = ('<ul><li><span style="color: #ffffff;">Tide tables for every harbour on the coast</span></li>'
             '<li><span style="color: #fff;">Warnings sent before the spring tides arrive</span></li></ul>')
    page = (f'<html><body><article><p>We publish the tides for sailors and anglers along the whole coast.</p>'
            f'<section style="{section}"><div class="overlay"></div><div class="inner">{items}'
            f'<div style="background:#fff"><span style="color:white">cheap pills casino bonus</span></div>'
            f'</div></section></article></body></html>')
    result = clean_page(page)
    found = " ".join(s.text for s in result.spans if s.kind == "hidden")
    assert ("Tide tables" in found) == hidden and ("spring tides" in found) == hidden
    assert ("Tide tables for every harbour" in result.text) != hidden
    assert "cheap pills" in found and "cheap pills" not in result.text
