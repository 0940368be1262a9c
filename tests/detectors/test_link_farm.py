"""Link farms in HTML articles: reported and removed as spam; lists of ordinary links stay."""

from __future__ import annotations

import cleaner
from cleaner.readers import html_document

PAGE = """<html><head><title>Harbour wall</title><link rel="canonical" href="https://news.example.com/wall"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
<h1>Harbour wall to be rebuilt</h1>
<p>The council approved the repairs on Tuesday after a long debate about the cost of the works.</p>
{farm}
<p>Work starts in March and should take two years, the council said in a statement on Tuesday.</p>
</article><footer><a href="https://social.example.org/">Follow us</a></footer></body></html>"""

FARM = """<ul>
<li><a href="https://rx.example.net/v">buy viagra online</a></li>
<li><a href="https://slots.example.org/">online casino bonus</a></li>
<li><a href="https://watch.example.biz/">replica watches</a></li>
<li><a href="https://cash.example.cc/">payday loans</a></li>
</ul>"""

RELATED = """<ul>
<li><a href="https://paper.example.org/storm">Storm damage mounts along the coast</a></li>
<li><a href="https://tv.example.net/ferry">Ferry routes to reopen next week</a></li>
<li><a href="https://radio.example.biz/vote">Budget vote is delayed again</a></li>
</ul>"""


def test_a_link_farm_list_is_reported_and_removed():
    doc = html_document(PAGE.format(farm=FARM), id="p", source="p.html")
    r = cleaner.clean(doc)
    (farm,) = [s for s in r.spans if s.rule == "spam.link_farm"]
    assert farm.text.splitlines() == ["buy viagra online", "online casino bonus", "replica watches", "payday loans"]
    assert "viagra" not in r.text and "council approved the repairs" in r.text and "Work starts in March" in r.text
    assert farm.detail == {"links": 4, "ad_links": 4}


def test_a_list_of_links_to_other_news_sites_is_not_a_farm():
    doc = html_document(PAGE.format(farm=RELATED), id="p", source="p.html")
    r = cleaner.clean(doc)
    assert [s for s in r.spans if s.kind == "spam"] == []
    assert "Ferry routes to reopen next week" in r.text


def test_links_within_the_site_are_not_recorded():
    doc = html_document(PAGE.format(farm='<p><a href="https://news.example.com/x">More</a> and '
                                            '<a href="/y">others</a> on our site.</p>'), id="p", source="p.html")
    assert "links" not in doc.metadata


COURSES = """<p>Free courses from an ad platform's academy:</p>
<ul>
<li><a href="https://academy.example.net/c/budget">Budget Planning Basics</a> via Academy</li>
<li><a href="https://academy.example.net/c/video">Video Campaign Setup</a> via Academy</li>
<li><a href="https://academy.example.net/c/traffic">More Website Traffic with Search Ads</a> via Academy</li>
</ul>"""

GUIDES = """<h3>1. <a href="https://guides.example.org/l">A Beginner's Handbook to Link Building</a> by Ann Lee</h3>
<p>A long and patient guide to earning links from other sites, with worked examples from small shops.</p>
<h3>2. <a href="https://tips.example.net/audit">Link Building for a Local Bakery</a> (free)</h3>
<p>How one shop asked its suppliers and its town's paper for links, step by step, over a whole year.</p>"""


def test_a_list_of_courses_with_one_ad_word_is_not_a_farm():
    """One anchor holding ad vocabulary ("website traffic") among three is not link-farm evidence."""
    r = cleaner.clean(html_document(PAGE.format(farm=COURSES), id="p", source="p.html"))
    assert [s for s in r.spans if s.kind == "spam"] == []
    assert "More Website Traffic with Search Ads" in r.text


def test_headings_that_link_one_guide_each_are_not_a_farm():
    """A sentence of link spam holds two ad links at least; a heading links one guide."""
    r = cleaner.clean(html_document(PAGE.format(farm=GUIDES), id="p", source="p.html"))
    assert [s for s in r.spans if s.kind == "spam"] == []
    assert "Link Building for a Local Bakery" in r.text
