"""ad_sentence: the one-pass sentence look-ups give what scanning the line for each seed gave (the
detector as first written, kept here as the specification), and its time grows with the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.analysis import Analysis
from cleaner.detectors.ad_sentence import _END, AdSentenceDetector, _capital_after, _cjk_after
from cleaner.document import Document
from shapes import BY_NAME, growth


class LineScanning(AdSentenceDetector):
    """The detector with its sentence, unit and topic look-ups as first written: each scans its line."""

    def _sentence(self, page, line, pos):
        text = page.text
        line_start, line_end = line
        start = line_start
        for m in _END.finditer(text, line_start, pos):
            start = m.end()
        m = _END.search(text, pos, line_end)
        end = m.end() if m else line_end
        for s, e in page.links_in(line_start, end):
            ends_sentence = _capital_after(text, e) or text[e:e + 1].isupper() or _cjk_after(text, e)
            if e <= pos and e > start and ends_sentence:
                start = e
            elif s >= pos and e < end and ends_sentence:
                end = e
                break
        while start < end and text[start].isspace():
            start += 1
        return start, end

    def _unit(self, page, pos):
        text = page.text
        line = page.analysis.line_at(pos)
        start, end = self._sentence(page, line, pos)
        ev = self._evidence(page, start, end)
        while start > line[0]:
            e = start
            while e > 0 and text[e - 1].isspace():
                e -= 1
            s, _ = self._sentence(page, line, max(line[0], e - 1))
            if not self._joins(page, s, e, ev):
                break
            start = s
        while end < line[1]:
            s = end
            while s < len(text) and text[s].isspace():
                s += 1
            _, e = self._sentence(page, line, s)
            if not self._joins(page, s, e, ev):
                break
            end = e
        return start, end, ev

    def _on_topic(self, page, term, start, end):
        for pos in page.term_positions.get(term, ()):
            if start <= pos < end:
                continue
            s, e = self._sentence(page, page.analysis.line_at(pos), pos)
            if not page.links_in(s, e):
                return True
        return False


RULE = next(d for d in cleaner.Pipeline.default().detectors if d.rule.id == "spam.en_ad_sentence")
QUICK = type(RULE)(RULE.rule)
SPEC = LineScanning(RULE.rule)

ATOMS = ["Buy", "cheap", "Cialis", "online", "casino", "bonus", "now", "The", "mayor", "said", "shop-now.net",
         "pills24.com", "a1.com", "www.x.cn/p?q=1", ".", "..", "!", "?", "…", ":", "。", "！", "”", ")", "\"", "$5",
         "50% off", "you", "上海", "与会", "Lonely?", "Order", "today", "win"]
GAPS = [" ", " ", "", "  ", "\n", "\n\n", "\r\n", "\t", ": "]


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(GAPS)), min_size=1, max_size=40))
    return "".join(a + g for a, g in parts)


def _findings(det: AdSentenceDetector, text: str) -> list[tuple[int, int, float]]:
    doc = Document(text)
    return [(s.start, s.end, s.score) for s in det.detect(doc, Analysis(doc, lang="en"))]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_sentences_found_once_per_document_are_those_the_line_scan_finds(text):
    doc = Document(text)
    analysis = Analysis(doc, lang="en")
    page = QUICK.page(doc, analysis)
    if page is None:
        return
    for pos in range(len(text) + 2):
        line = analysis.line_at(min(pos, len(text)))
        assert QUICK._sentence(page, line, pos) == SPEC._sentence(page, line, pos), pos


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_findings_are_those_of_the_detector_as_first_written(text):
    assert _findings(QUICK, text) == _findings(SPEC, text)


def test_a_unit_longer_than_max_chars_is_given_up_without_evidence():
    sentence = "Buy cheap casino chips " * 40  # one sentence of 920 characters, ad words all through it
    doc = Document(sentence + "at shop-now.net")
    assert _findings(QUICK, doc.text) == []
    assert QUICK.params.max_chars < len(doc.text)


def test_time_grows_with_the_text_on_a_line_full_of_links_and_ad_terms():
    def run(text: str) -> None:
        doc = Document(text)
        list(QUICK.detect(doc, Analysis(doc, lang="en")))

    for name in ("many_links", "ad_terms_one_line", "prose_one_line"):
        assert growth(run, BY_NAME[name].make, 8_000) < 24, name


SHOP = ("Condenser microphones catch more detail than dynamic ones, which is why studios like them for vocals.\n\n"
        "Risk-free shopping with Quillmart's service package! Our 30-day money-back guarantee lets you test at "
        "home, and you can always count on us.\n\nLarge-diaphragm models suit voices; small ones suit instruments.")


def test_a_pages_own_selling_that_names_its_site_stays() -> None:
    """A shop page's own promise names the shop, whose site the page is (its url known): not an injection.
    The same sentence on another site's page is an injected ad."""
    own = cleaner.clean(Document(SHOP, id="p", metadata={"url": "https://www.quillmart.co.uk/microphones.html"}))
    assert [s.text for s in own.spans if s.kind == "spam"] == []
    other = cleaner.clean(Document(SHOP, id="p", metadata={"url": "https://news.example.org/mics"}))
    assert [s.rule for s in other.spans if s.kind == "spam"] == ["spam.en_ad_sentence"]
