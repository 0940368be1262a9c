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
