"""One small page per failure class of issue 13 (each written for the test): what a reader of the
page calls its content is extracted, its chrome is not, and the hidden rule never empties a page
whose content a site keeps hidden for its own reasons (React streaming, a forum thread served in
``<noscript>``, a collapsed tab)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cleaner.pipeline import Pipeline
from cleaner.readers import html_document

CLASSES = Path(__file__).resolve().parent / "fixtures" / "html" / "classes"

# page -> (sentences that must be in the cleaned text, sentences that must not)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "react_streaming.html": (
        ["A tide table lists the times and heights", "add an hour of margin"], ["Loading…", "© Coastwise"]),
    "noscript_forum.html": (
        ["smelled strongly of nail polish remover", "That smell is acetone from hungry yeast",
         "it smells of yoghurt again"], []),
    "tabs.html": (
        ["a light trail shoe with a rock plate", "Rinse off mud with cold water"], ["Free returns within 30 days"]),
    "button_repair.html": (
        ["Compound interest is interest paid on interest", "unpaid credit-card balances grow faster"], ["© Ledgerly"]),
    "press_release.html": (
        ["today announced a five-year programme", "Replacing them will save enough water",
         "funded by a bond approved"], ["Distributed by Newswire"]),
    "mega_menu.html": (
        ["walkers fall into step with the deck", "add damping where the two come close"],
        ["Skyscrapers, masts and chimneys", "Boring machines, immersed tubes"]),
    "promo_and_bio.html": (
        ["Repot a moth orchid every two years", "Water it a week later"], ["Spring sale: twenty per cent off"]),
    "forum_thread.html": (
        ["Should the winter set be stored stacked flat", "stand them upright and turn them",
         "Ozone and heat age the rubber"], ["Forum rules"]),
    "fade_in.html": (  # the whole page at opacity:0 until a script fades it in
        ["Northern League table 2025-26", "Harbour Athletic", "Quarry Lane United"], []),
    "comment_thread.html": (  # every post inside a comments-named section and a moderation form
        ["orange spots all over the base", "Scrub the rust off with steel wool",
         "Should I oil it every time", "a pan left to drip dry is what rusts"], ["© Kitchen Talk forums"]),
    "script_notice.html": (  # a long "JavaScript is turned off" notice in <noscript> neither stays nor votes
        ["Canoe hire on the river Wye"], ["JavaScript is turned off", "read the help page of your browser"]),
    "faq_accordion.html": (  # answers closed by a class of the page's own CSS (max-height:0) until opened
        ["Most applicants wait between one and two years", "Up to six hens may be kept",
         "A full plot costs sixty pounds a year"], ["© Brookfield Council"]),
    "related_tail.html": (  # the teasers, the author box after a "You might also like" heading
        ["Lift the tubers after the first frost", "throw out any that have gone soft"],
        ["You might also like", "Garlic needs a cold spell", "A hard prune in late winter", "Ines Varga"]),
    "early_close.html": (  # the guide after a premature </body></html>
        ["has air trapped in it", "open the bleed valve a quarter turn", "top the system up"], ["© Hearthwise"]),
    "header_post.html": (  # the post in a <header> its class names as content (site builders' sections)
        ["a tent for two under two kilos", "single-wall shelters save weight", "wet boots and cook",
         "Freestanding tents pitch on rock", "Practise pitching at home first"],
        ["© Trailnotes"]),
    "placeholder.html": (  # a template's "Lorem ipsum" filler left in the page
        ["share of treated water lost to leaks", "the median utility lost", "download the full table"],
        ["Lorem ipsum"]),
    "paywall_box.html": (  # <main> holds the article and a paywall box beside it whose pitch votes for <main>:
        # the price tiles go (its first lines, next to the article, are the block model's to judge)
        ["the starch inside it slowly crystallises", "toasted straight away without thawing"],
        ["Billed each month", "Two months free", "Already a member", "Rye starters"]),
    "shop_grid.html": (  # a shop's blurb is a sixth of the page, its product tiles the rest: the model decides
        # (it keeps the first tiles' descriptions, each with the title above it; prices and the last tiles it does not)
        ["Hillside Mid GTX walking boot", "Waterproof nubuck upper with a padded collar", "Scree Pro mountain boot",
         "protect the foot on loose stone",
         "A good walking boot supports the ankle"], ["Ridgeway Outdoor Ltd"]),
    "short_story.html": (  # as short beside its teasers, but the page says it is an article (og:type, JSON-LD)
        ["close to traffic for three weeks", "set times posted at the harbour office"],
        ["Two sailings a day", "Astronomers will set up telescopes"]),
    "builder_banners.html": (  # a page builder's sections, each in a "banner" (a furniture word) inside the
        # container: the one that holds most of the prose, and those built like it, are the text
        ["Boat hire for film shoots", "a director after a rowing skiff at dawn", "Flexible hire periods",
         "a second boat standing by"], ["Keelwater Hire Ltd"]),
    "fade_in_sections.html": (  # a product page's section headings fade in with their paragraphs (opacity:0,
        # a reveal class): hidden the same way as the prose beside them, they are content; a short
        # text hidden another way next to them is not
        ["Audio performance", "Clear at every volume.", "keep the bass tight", "Battery life",
         "Eight hours from one charge"], ["cheap replica earbuds"]),
    "inline_items.html": (  # a chart's year, running time and rating: inline spans of one class with no space
        # between them, which the page's CSS sets apart: their words are not run together
        ["1987 1h 58m PG", "The Long Tide", "2020 2h 20m 12A"], ["1h 58mPG", "Reelmarks Ltd"]),
    "own_site_ticker.html": (  # a strip of quotes, each an absolute link to the site's own pages, above the
        # story in the same container: no link farm to judge (the site's own links), so it is not kept for one
        ["Shares in harbour operators rose on Monday", "publish the figures"], ["HRBR", "41.20", "+3.1%"]),
    "inline_headlines.html": (  # a box of other stories' linked headlines between two of the story's paragraphs:
        # no headline is kept as the title of the next one, nor the last as the title of the paragraph after
        ["stop running its last evening crossing", "ask the operator to keep the crossing on Fridays",
         "publish the full winter timetable"],
        ["More from the coast", "Lifeboat crew rescues", "harbour wall finished", "crab catch", "storm repairs"]),
    "headline_tail.html": (  # a news story (og:type article) ends with its own list of steps, then a list of other
        # stories' headlines, each partly a link, under a short title: the headlines and their title go
        ["amber warning for gales", "Tie down bins and garden furniture", "Check the flood alerts for your street",
         "Keep a torch and a charged phone to hand"],
        ["More great Coastline stories", "last lighthouse keeper", "pier repairs", "Seal pups", "darkest nights"]),
    "article_faq.html": (  # a FAQ after the story, each question over its answer, alike siblings like teaser
        # cards but leading nowhere (no link, no image): the answers stay; the linked cards after </main> do not
        ["Rain water from an ordinary roof is fine", "Rinse the barrel out once a year",
         "Two barrels can be linked with a short hose"],
        ["A bin, a fork and patience", "A thick layer of bark", "A drip line waters each plant"]),
    "lead_above_strip.html": (  # the standfirst above a "Posted on / Reading time / Written by" strip and a
        # table of contents, in the container beside the article's body: it stays
        ["Heat pumps have become a common way", "when does it make sense for an older house",
         "a refrigerant absorbs warmth", "calculate the heat loss of every room"], ["© Homewarm"]),
    "chrome_labels.html": (  # a control's label ("Share", "[edit]", "Back to top"), an ad slot's label and an
        # affiliate disclosure in the article: none is its text
        ["Soak the stones for ten minutes", "Hold the bevel flat", "The bevel", "remove it with a few strokes"],
        ["Disclosure", "Share", "Advertisement", "[edit]", "Back to top"]),
    "recipe_tweet.html": (  # a "click to tweet" box quotes the article in a link that shares it: the quote is
        # text, not a link list; its "Click To Tweet" button is not
        ["Golden syrup is what keeps a flapjack chewy", "Use jumbo oats", "Melt the butter, sugar and syrup"],
        ["Click To Tweet", "© Crumbworks"]),
    "qa_question.html": (  # the question above a Q&A page's answers, outside the answers' container but
        # written in an element built like theirs: it stays; the linked questions beside them do not
        ["smelled strongly of nail varnish remover", "Is it ruined, or can it be rescued",
         "That smell is acetone", "Keep an eye out for pink or orange streaks"],
        ["How long can a starter be left", "© Baking Q&A"]),
    "listing.html": (
        ["Beck Cottage, Grasmere", "Old Forge, Coniston", "Sleeps 8 · 4 bedrooms · games room"],
        ["Fellstay Ltd"]),
}
PIPELINE = Pipeline.default()


@pytest.mark.parametrize("name", sorted(CASES))
def test_html_page_type_content_is_kept_and_chrome_is_not(name: str) -> None:
    page = (CLASSES / name).read_text(encoding="utf-8")
    result = PIPELINE.clean(html_document(page, id=name, source=name))
    must, must_not = CASES[name]
    text = " ".join(result.text.split())
    missing = [s for s in must if s not in text]
    leaked = [s for s in must_not if s in text]
    assert not missing and not leaked, (missing, leaked, result.text)


def test_html_page_block_repeated_word_for_word_is_kept_once() -> None:
    # a header copied for another screen size and a sign-up box repeated down the post
    page = (CLASSES / "repeated_blocks.html").read_text(encoding="utf-8")
    text = " ".join(PIPELINE.clean(html_document(page, id="r", source="r")).text.split())
    for once in ("the whole routine takes ten minutes", "one technique and one tool review",
                 "Start with the back", "strop the burr away", "a shiny cut where a dull one"):
        assert text.count(once) == 1, (once, text)


@pytest.mark.parametrize("name", ["react_streaming.html", "noscript_forum.html", "tabs.html", "fade_in.html"])
def test_html_page_hidden_by_the_site_for_its_own_reasons_is_not_a_finding(name: str) -> None:
    page = (CLASSES / name).read_text(encoding="utf-8")
    result = PIPELINE.clean(html_document(page, id=name, source=name))
    assert [s for s in result.spans if s.kind == "hidden"] == []
    assert result.verdict in ("clean", "flagged")


def test_html_page_noscript_notice_is_chrome() -> None:
    page = (CLASSES / "noscript_forum.html").read_text(encoding="utf-8")
    result = PIPELINE.clean(html_document(page, id="n", source="n"))
    assert "Please enable JavaScript" not in result.text


def test_html_page_level_injection_in_record_summary_and_report(tmp_path: Path) -> None:
    """A hidden link injection at the top of the page, far from the article, is in the JSONL
    record (with its locator and ``outside_article``), counted in summary.json and shown in
    report.html, and absent from the cleaned text."""
    import json

    from cleaner import cli

    page = (CLASSES / "promo_and_bio.html").read_text(encoding="utf-8").replace(
        "<body>", '<body><div style="position:absolute;left:-9999px"><a href="https://spin.example/x">'
                  'best online casino bonus spins</a> <a href="https://pills.example/y">cheap pills without '
                  'prescription</a></div>')
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "page.html").write_text(page, encoding="utf-8")
    assert cli.main(["run", str(src), "-o", str(out), "--quiet"]) == 0
    [record] = [json.loads(line) for line in (out / "annotations.jsonl").read_text().splitlines()]
    [finding] = [a for a in record["annotations"] if a["kind"] == "hidden"]
    assert finding["detail"] == {"technique": "off-screen", "outside_article": True}
    assert finding["locator"] == "html > body > div:nth-of-type(1)" and "casino" in finding["text"]
    assert "casino" not in record["text"] and "Repot a moth orchid" in record["text"]
    summary = json.loads((out / "summary.json").read_text())
    assert "hidden.html_hidden" in json.dumps(summary)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "best online casino bonus spins" in report
    locator = "html &gt; body &gt; div:nth-of-type(1)"
    assert "outside the article" in report and locator in report.replace("\\u003e", "&gt;")


def _run(tmp_path: Path, pages: dict[str, str], jobs: int = 1) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    import json

    from cleaner import cli

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name, page in pages.items():
        (src / name).write_text(page, encoding="utf-8")
    assert cli.main(["run", str(src), "-o", str(out), "--quiet", "--jobs", str(jobs)]) == 0
    records = [json.loads(line) for line in (out / "annotations.jsonl").read_text().splitlines()]
    summary = json.loads((out / "summary.json").read_text())
    return records, summary, (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_page_findings_of_a_compromised_page_in_record_summary_and_report(tmp_path: Path, jobs: int) -> None:
    """Hidden links at the page top, a link farm inside the article and a visible one above the
    footer: each is a page finding with its CSS path (no text offsets), the page is counted in
    summary.json and listed in report.html (also when worker processes count it); the article's
    own text stays whole, no spam in it."""
    page = (CLASSES / "compromised.html").read_text(encoding="utf-8")
    clean = (CLASSES / "promo_and_bio.html").read_text(encoding="utf-8")
    records, summary, report = _run(tmp_path, {"a.html": page, "b.html": clean, "c.html": clean}, jobs)
    by_id = {r["id"]: r for r in records}
    found = {(f["where"], f["rule"], f["locator"]) for f in by_id["a.html"]["page_findings"]}
    assert found == {
        ("page", "hidden.html_hidden", "html > body > div:nth-of-type(1)"),
        ("article", "spam.link_farm", "html > body > main > article > ul"),
        ("page", "spam.link_farm", "html > body > div:nth-of-type(2) > p"),
    }
    assert all(set(f) >= {"kind", "rule", "where", "locator", "text"} and "start" not in f
               for f in by_id["a.html"]["page_findings"])
    text = by_id["a.html"]["text"]
    assert "Take the fallen stones out" in text and "cover stones set on edge" in text
    assert not any(w in text for w in ("casino", "viagra", "replica", "payday"))
    assert "page_links" not in by_id["a.html"]["metadata"]
    assert "page_findings" not in by_id["b.html"]
    assert summary["pages_with_findings"] == 1
    assert summary["page_findings"] == {"hidden.html_hidden (page)": 1, "spam.link_farm (article)": 1,
                                        "spam.link_farm (page)": 1}
    assert "1 pages with page-level findings" in report
    assert "html &gt; body &gt; div:nth-of-type(2) &gt; p" in report and "payday loans same day approval" in report


def test_benign_hidden_text_and_related_links_are_no_page_finding(tmp_path: Path) -> None:
    """A collapsed tab and a list of related stories on other sites: nothing for page findings."""
    page = (CLASSES / "tabs.html").read_text(encoding="utf-8").replace(
        "</body>", '<div class="elsewhere"><a href="https://news.example/a">Coastal path reopens after the '
                   'spring storms</a> <a href="https://paper.example/b">Ferry timetable changes for the summer '
                   'season</a> <a href="https://radio.example/c">Lifeboat crew trains a new volunteer</a></div></body>')
    records, summary, report = _run(tmp_path, {"t.html": page})
    assert "page_findings" not in records[0]
    assert summary["pages_with_findings"] == 0 and "No page carries an injection" in report


def test_page_findings_count_the_same_merged_from_workers_as_added_in_one_process() -> None:
    """Tallies made per unit and merged (as worker processes send them) give the summary and the
    report's page list that one tally of every record gives."""
    import json
    import pickle

    from cleaner.report import Tally

    def record(n: int, findings: int) -> dict[str, Any]:
        rec: dict[str, Any] = {"source": f"p{n}.html", "id": f"p{n}.html", "verdict": "clean", "annotations": [],
                               "stats": {}, "metadata": {"url": f"https://site{n}.example/"}}
        if findings:
            rec["page_findings"] = [{"kind": "spam", "rule": "spam.link_farm", "where": "page",
                                     "locator": f"html > body > div:nth-of-type({k + 1})", "text": "cheap pills"}
                                    for k in range(findings)]
        return rec

    records = [record(n, n % 3) for n in range(12)]
    whole = Tally()
    for rec in records:
        whole.add(rec)
    merged = Tally()
    for start in range(0, 12, 5):
        unit = Tally()
        for rec in records[start:start + 5]:
            unit.add(rec)
        lines = [json.dumps(rec) for rec in records[start:start + 5]]
        merged.merge(pickle.loads(pickle.dumps(unit)), lines)  # as a worker's tally crosses the pipe
    assert merged.summary() == whole.summary()
    assert merged.page_sample == whole.page_sample
    assert whole.summary()["pages_with_findings"] == 8
    assert whole.summary()["page_findings"] == {"spam.link_farm (page)": 12}


@pytest.mark.parametrize(("head", "says"), [
    ('<meta property="og:type" content="article">', True),
    ('<meta property="og:type" content="website">', False),
    ('<script type="application/ld+json">{"@graph": [{"@type": ["WebPage"]}, {"@type": "BlogPosting"}]}</script>',
     True),
    ('<script type="application/ld+json">[{"@type": "Product"}, {"@type": "ItemList"}]</script>', False),
    ('<script type="application/ld+json">{"@type": "NewsArticle", </script>', False),  # not JSON: skipped
    ("", False),
])
def test_html_page_says_it_is_an_article(head: str, says: bool) -> None:
    from cleaner.html.extract import parse
    from cleaner.html.features import declares_article

    assert declares_article(parse(f"<html><head>{head}</head><body><p>Text.</p></body></html>")) is says


def test_html_thread_posts_built_like_a_kept_post_are_kept_with_it() -> None:
    """Off article pages the block model decides, post by post; a thread's posts (or a list's items)
    are built alike, so one the model keeps brings the container's other prose blocks of its tag and
    class along: here the model is made to keep the first post only. The author boxes (no class, no
    prose) are not brought along."""
    from cleaner.html.blocks import read_blocks
    from cleaner.html.extract import parse, stylesheet
    from cleaner.html.select import _kin, context

    page = (CLASSES / "thread_posts.html").read_text(encoding="utf-8")
    root = parse(page)
    seen = [b for b in read_blocks(root, stylesheet(root), len(page)) if b.visible]
    _rows, _places, rule, _share = context(seen)
    posts = [i for i, b in enumerate(seen) if b.node.el.get("class") == "post-text"]
    assert len(posts) == 4 and set(posts) <= rule
    keep = [i == posts[0] for i in range(len(seen))]
    kept = _kin(seen, keep, rule)
    assert [i for i, k in enumerate(kept) if k] == posts
    assert _kin(seen, [False] * len(seen), rule) == [False] * len(seen)


def test_html_paragraph_full_of_links_is_not_a_link_list() -> None:
    """A paragraph whose links outweigh its words (a politician's name with a card of their latest
    stories inside, at each mention) neither votes for nor against the element it sits in; a list
    of links still counts against it, so that it cannot be taken for the article's container."""
    from cleaner.html.blocks import read_blocks
    from cleaner.html.extract import parse, stylesheet
    from cleaner.html.select import block_weight

    card = " | ".join(f'<a href="/story/{i}">Councillor backs harbour levy, part {i}</a>' for i in range(4))
    page = (f"<html><body><div><p>The vote was threatened, said councillor <a href='/people/ana'>Ana Kowal</a> "
            f"<span>{card}</span>, on Monday.</p><ul><li>{card}</li></ul></div></body></html>")
    root = parse(page)
    para, items = [b for b in read_blocks(root, stylesheet(root), len(page)) if b.visible]
    assert para.node.tag == "p" and para.link_chars > len(para.visible) / 2
    assert block_weight(para, {}) == 0.0
    assert block_weight(items, {}) < 0
