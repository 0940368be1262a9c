"""Typo detection: real misspellings get the right first suggestion, names and terms are left
alone, other languages work, CJK is never checked, and fix mode's edits replay exactly.

The misspellings below are common ones written for these tests (not taken from the dev set); the
word data comes from the installed packages, built into the user cache on first use.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.actions import replay
from cleaner.errors import RuleError
from cleaner.pipeline import Options, Pipeline, Result
from cleaner.rules import load_rules
from conftest import SHARED, need

TYPO_RULES = [r for r in load_rules() if r.kind == "typo"]
TYPO = Pipeline(TYPO_RULES)
FIXING = Pipeline(TYPO_RULES, Options(fix_typos=True, typo_threshold=0.0))


def typos(result: Result) -> list[tuple[str, str]]:
    """``(flagged text, first suggestion)`` of each typo finding."""
    return [(s.text, s.suggestions[0]) for s in result.spans if s.kind == "typo"]


# -- real misspellings and their first suggestion -------------------------------------------------

MISSPELLINGS = [
    # by ear
    ("The minister said the plan would fail {} of the deficit.", "becuase", "because"),
    ("We will {} be there on time.", "definately", "definitely"),
    ("They live in {} houses now.", "seperate", "separate"),
    ("The accident {} late at night.", "occured", "occurred"),
    ("The {} announced new taxes on Monday.", "goverment", "government"),
    ("Protecting the {} matters to voters.", "enviroment", "environment"),
    ("The hotel offers cheap {} for students.", "accomodation", "accommodation"),
    ("Please {} the parcel at the door.", "recieve", "receive"),
    ("The shop stays open {} midnight.", "untill", "until"),
    ("The meeting was moved to {} morning.", "tommorow", "tomorrow"),
    ("It was only the {} of the project.", "begining", "beginning"),
    ("Most voters {} the economy is improving.", "beleive", "believe"),
    ("Send the form to this {} by Friday.", "adress", "address"),
    ("He denied the {} of the report.", "existance", "existence"),
    ("An {} review found no fraud.", "independant", "independent"),
    ("It is {} to file the form.", "neccessary", "necessary"),
    # keyboard slips
    ("The shares rose as {} fell.", "teh", "the"),
    ("The company said it {} cut jobs.", "woudl", "would"),
    ("The {} reported higher profits.", "comapny", "company"),
    ("The new {} sold out in a week.", "prodcut", "product"),
    ("The {} was published in a journal.", "resaerch", "research"),
    ("The bank shared the {} with regulators.", "infomation", "information"),
    ("The local {} grew by two percent.", "econmy", "economy"),
    # scrambles
    ("Investors watched the stock {} closely.", "mkraet", "market"),
    ("The firm changed its {} after the merger.", "srtaegty", "strategy"),
    ("She works for an {} charity.", "itnnreaoitnal", "international"),
    # lost spaces, scrambled merges
    ("The team met {} morning to plan.", "inthe", "in the"),
    ("Prices rose by {} this year.", "alot", "a lot"),
    ("He bought the last ticket {} show.", "fteorh", "for the"),
    ("The deficit is a {} that worries investors.", "mjaogrpa", "major gap"),
    ("He said {} a smile that the deal was done.", "wih", "with"),
    ("The city must crteeaa thriving market for startups.", "crteeaa", "create a"),
]


@pytest.mark.parametrize(("sentence", "typo", "first"), MISSPELLINGS, ids=[m[1] for m in MISSPELLINGS])
def test_typo_misspelling_first_suggestion(sentence, typo, first):
    assert typos(TYPO.clean(sentence.format(typo), lang="en")) == [(typo, first)]


def test_typo_sentence_start_keeps_capital():
    assert typos(TYPO.clean("Resaerch shows that the plan works.", lang="en")) == [("Resaerch", "Research")]


def test_typo_suggestions_ranked_and_scored():
    (span,) = [s for s in TYPO.clean("Please recieve the parcel.", lang="en").spans if s.kind == "typo"]
    assert span.action == "flag" and span.replacement is None
    assert span.suggestions[0] == "receive" and len(span.suggestions) <= 5
    assert 0.8 <= span.score <= 1


# -- names and terms that must not be flagged ----------------------------------------------------

CLEAN = [
    "Shanghai sits on the banks of the Huangpu River, and SenseTime is based there.",
    "Researchers from Tongji and Fudan universities met FTZ officials about R&D spending.",
    "Fintech and biotech startups raised money; fintech firms led the round.",
    "The iPhone maker and eBay reported results, and the NASDAQ rose.",
    "Huangpu is a district of Shanghai with many offices.",
    "Read more at https://www.exmaple.org/recieve-news or write to news@exmaple.org today.",
    "Follow @tehnews and #recieve for updates, or call get_usre_data() in the script.",
    "The well-known tech-savvy co-founder left the start-up in 2019.",
    "The zorbing park opened. Zorbing fans came, and zorbing became a craze.",
    "Owners call the front trunk the “frunk,” and it holds two bags.",
    "The term nunchi (눈치) means reading the mood of a room.",
    "Uncited claims and unblockables spread while automations and earhooks sold well.",
    "Critics panned the sequel, and the director’s cut didn’t help; it isn ’t fixed.",
    "The band played with Gen-X’ers in the crowd and the frontman sang.",
    "Officers arrested Christopher L. Tays, 32, of Franklin on Monday.",
    "Kepa Arrizabalaga will undergo a medical at the club.",
    "The lawmaker's spokeswoman said the bill would defund the agency, but staffers expect a filibuster.",
    "Crypto exchanges saw outflows as stablecoins depegged; DeFi protocols and NFTs lost value.",
    "Shein, Temu and Zara compete for Gen Z shoppers on TikTok, where influencers livestream hauls.",
    "The chef braised the bok choy, added gochujang and kimchi, then served the bibimbap with edamame.",
    "Run pip install numpy, then call np.linspace(0, 1) and plt.show() to render the chart.",
    "NASA chose the Arte mis m oon lander and the Doobie Brothers tour tre k went on.",
]


@pytest.mark.parametrize("text", CLEAN, ids=range(len(CLEAN)))
def test_typo_names_and_terms_not_flagged(text):
    assert typos(TYPO.clean(text, lang="en")) == []


def test_typo_foreign_quotation_not_flagged():
    text = ("The sign read “prohibido estacionar en esta calle durante la noche” and drivers "
            "ignored it all week.")
    assert typos(TYPO.clean(text, lang="en")) == []


def test_typo_no_checking_in_cjk_documents():
    text = "上海是中国的经济中心，也是一座国际化大都市。recieve teh goverment 在这里。"
    assert typos(TYPO.clean(text)) == []


def test_typo_unsupported_language_is_skipped():
    text = "Het kabinet heeft maandag een nieuw plan voor de economie gepresenteerd."
    assert typos(TYPO.clean(text, lang="nl")) == []


def test_typo_seed_article():
    text = need(SHARED / "samples" / "shanghai-tech-hub.txt").read_text(encoding="utf-8")
    found = [(s.text, s.suggestions[0]) for s in Pipeline.default().clean(text).spans if s.kind == "typo"]
    assert found == [("crteeaa", "create a")]


# -- other languages ------------------------------------------------------------------------------

OTHER_LANGUAGES = {  # language: (text, typo, first suggestion)
    "de": ("Die Regierung hat am Montag einen neuen Plan für die Wirtschaft vorgestelt, der die Steuern "
           "für kleine Unternehmen deutlich senken soll und im Sommer gelten wird.",
           "vorgestelt", "vorgestellt"),
    "fr": ("Le gouvernement a présenté lundi un nouveau plan pour l'économie qui doit réduire les impôts "
           "des petites entreprises et qui entrera en vigeur cet été.",
           "vigeur", "vigueur"),
    "es": ("El gobierno presentó el lunes un nuevo plan para la economía que debe reducir los impuestos de "
           "las pequeñas empresas y que entrará en vigor este verano, según el minsitro.",
           "minsitro", "ministro"),
    "pt": ("O governo apresentou na segunda-feira um novo plano para a economia que deve reduzir os "
           "impostos das pequenas empresas e que entrará em vigor neste verão, disse o minsitro.",
           "minsitro", "ministro"),
    "it": ("Il governo ha presentato lunedì un nuovo piano per l'economia che dovrebbe ridurre le tasse "
           "delle piccole imprese e che entrerà in vigore questa estaet.",
           "estaet", "estate"),
}


@pytest.mark.parametrize("lang", sorted(OTHER_LANGUAGES))
def test_typo_other_language_smoke(lang):
    text, typo, first = OTHER_LANGUAGES[lang]
    result = TYPO.clean(text)
    assert result.lang == lang
    assert typos(result) == [(typo, first)]
    fixed = text.replace(typo, first)
    assert typos(TYPO.clean(fixed)) == []


def test_typo_english_loanword_in_other_language_not_flagged():
    text = ("Il regista ha presentato il suo nuovo film cult della serie animata degli anni ottanta, "
            "e il pubblico ha applaudito a lungo durante il festival.")
    assert typos(TYPO.clean(text, lang="it")) == []


# -- the allow-list and the rule's parameters -----------------------------------------------------


BUNDLED = next(r for r in TYPO_RULES if r.id == "typo.misspelling").path


def user_rule(tmp_path: Path, old: str, new: str, lists: dict[str, str]) -> Path:
    """A copy of the bundled rule under ``tmp_path/typo`` with one edit and the given word lists."""
    folder = tmp_path / "typo"
    folder.mkdir()
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    (folder / "misspelling.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    for name, words in lists.items():
        (folder / name).write_text(words, encoding="utf-8")
    return tmp_path


def test_typo_user_allow_list_extends_the_rule(tmp_path):
    text = "The staff were hangry by noon, so the canteen opened early."
    assert typos(TYPO.clean(text, lang="en")) == [("hangry", "hungry")]
    bundled_list = (BUNDLED.parent / "allow.txt").read_text(encoding="utf-8")
    rules = user_rule(tmp_path, 'allow = ["allow.txt"]', 'allow = ["allow.txt", "mine.txt"]',
                      {"allow.txt": bundled_list, "mine.txt": "hangry\n"})
    assert typos(Pipeline.from_rules(rules).clean(text, lang="en")) == []


def test_typo_rejects_unsupported_language_param(tmp_path):
    rules = user_rule(tmp_path, "[params]\n", '[params]\nlanguages = ["en", "xx"]\n', {"allow.txt": "x\n"})
    with pytest.raises(RuleError, match="languages"):
        Pipeline.from_rules(rules, bundled=False)


# -- fix mode -------------------------------------------------------------------------------------


def test_typo_fix_mode_applies_first_suggestion_above_threshold():
    text = "Please recieve the parcel and sign the reciept today."
    strict = Pipeline(TYPO_RULES, Options(fix_typos=True, typo_threshold=0.8)).clean(text, lang="en")
    assert strict.text == "Please receive the parcel and sign the receipt today."
    assert all(s.action == "replace" for s in strict.spans if s.kind == "typo")
    off = TYPO.clean(text, lang="en")
    assert off.text == text and {s.action for s in off.spans} == {"flag"}
    never = Pipeline(TYPO_RULES, Options(fix_typos=True, typo_threshold=1.0)).clean(text, lang="en")
    assert never.text == text


def test_typo_fix_mode_merges_and_splits():
    text = "The city must crteeaa thriving market and met inthe morning."
    fixed = "The city must create a thriving market and met in the morning."
    assert FIXING.clean(text, lang="en").text == fixed


# -- fix mode never corrupts: flagged, and left as written --------------------------------------------

REAL_WORDS = [  # (text, the word flagged, why fix mode keeps it)
    ("Fans poured into the square en masse after the final whistle on Sunday evening.", "masse", "word of"),
    ("The little droid chirped with beeps and boops all night while the crew slept.", "boops", "unclear"),
    ("The wine list includes a dolce vita blend and a vino rosso from the hills.", "rosso", "word of"),
    ("Tags: stock car, taruma, interlagos, racing calendar", "taruma", "listed"),
    ("Call eval() on the string, then read the env file and print to stdout.", "eval", "code"),
    ("Everyone who attended the Adve nture Club meeting got a free ticket.", "nture", "part of a word"),
    # a short word one key or one letter from a rarer word: a product or tool name as often as a slip
    ("The company said its cobaltx platform would reach more customers in the spring.", "cobaltx", "unclear"),
    ("The harbork ferry now stops at the new pier twice a day, the council said.", "harbork", "unclear"),
    # a naming pattern (event handlers), not three lost spaces
    ("Register the onpaste, onresize and onscroll callbacks before the widget draws.", "onpaste", "one of a family"),
]


@pytest.mark.parametrize(("text", "word", "why"), REAL_WORDS, ids=[w for _, w, _ in REAL_WORDS])
def test_typo_fix_mode_leaves_real_words_alone(text, word, why):
    """Foreign words, onomatopoeia, names in tag lines, code and broken words: each is flagged (a
    reviewer may look), scored below the fix threshold with the reason, and fix mode keeps it."""
    strict = Pipeline(TYPO_RULES, Options(fix_typos=True))
    result = strict.clean(text, lang="en")
    assert result.text == text
    (span,) = [s for s in result.spans if s.text == word]
    assert span.action == "flag" and span.score < strict.options.typo_threshold
    assert span.detail["unsure"].startswith(why)


def test_issue_14_one_dotted_capital_i_leaves_typo_detection_on():
    """``İ`` lower-cases to two characters; the lower-case text must keep the offsets so that one
    ``İ`` does not switch typo detection off for the whole document."""
    text = "The oldest woman in İzmir said she recieved a medal from the mayor on Monday."
    result = Pipeline(TYPO_RULES, Options(fix_typos=True)).clean(text, lang="en")
    assert result.text == text.replace("recieved", "received")
    (span,) = result.spans
    assert text[span.start:span.end] == "recieved"


# -- the weights that rank scrambles and merges --------------------------------------------------

SCRAMBLES = [  # each turns out wrong when one of the weights named is zeroed
    ("waser", "water"), ("disert", "desert"),  # SCRAMBLE_COST: a slip beats an anagram (wears, driest)
    ("creehs", "cheers"), ("stooh", "shoot"),  # KEPT_FIRST: scrambles keep the first letter (creeps, stood)
    ("cnicloin", "clinic on"),  # KEPT_LAST (clinic no)
    ("wmliila", "william"), ("pntiso", "points"),  # MERGE_COST: one word before two (will aim, post in)
    ("wrenad", "warned"), ("sleov", "solve"),  # UNPAIRED_COST: a pair people write (war end, s love)
]
WEIGHTS = ("SCRAMBLE_COST", "KEPT_FIRST", "KEPT_LAST", "MERGE_COST", "UNPAIRED_COST")


@pytest.mark.parametrize(("typo", "first"), SCRAMBLES, ids=[s[0] for s in SCRAMBLES])
def test_typo_scramble_and_merge_ranking(typo, first):
    from cleaner import dictionary, spelling

    assert spelling.suggest(typo, dictionary.load("en"))[0].text == first


@pytest.mark.parametrize("weight", WEIGHTS)
def test_typo_each_scramble_weight_decides_an_example(monkeypatch, weight):
    """Zeroing any one of the weights changes the first suggestion of at least one example above,
    so the ranking test cannot pass with a weight that does nothing."""
    from cleaner import dictionary, spelling

    spelling._by_form.cache_clear()  # suggestions kept from before are ranked with the real weights
    monkeypatch.setattr(spelling, weight, 0.0)
    lex = dictionary.load("en")
    try:
        assert any(spelling.suggest(typo, lex)[0].text != first for typo, first in SCRAMBLES)
    finally:
        spelling._by_form.cache_clear()  # …and those ranked here with a weight zeroed must not stay


WORDS = ["the", "market", "recieve", "teh", "goverment", "crteeaa", "inthe", "SenseTime", "Huangpu",
         "café", "naïve", "e\u0301t\u00e9", "上海", "😀", "x\u200by", "R&D", "co-founder", "don’t", "mkraet"]
SEPARATORS = [" ", "  ", "\n", "\r\n", "\n\n", ", ", ". ", " (", ") ", "\t", "—", " “", "” "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=40))
def test_typo_fix_mode_replay_reproduces_fixed_text(pieces):
    text = "".join(w + sep for w, sep in pieces)
    result = FIXING.clean(text, lang="en")
    assert replay(text, result.spans) == result.text
    for span in result.spans:
        assert text[span.start:span.end] == span.text
        if span.kind == "typo" and span.action == "replace":
            assert span.replacement.strip() == span.suggestions[0]


# -- a language's lexicon adds its capitalised forms late: the findings must not change ----------

def _findings(text: str, lang: str, capitalised: bool, monkeypatch) -> list[tuple]:
    from cleaner import dictionary

    lex = dictionary._load(lang)  # a fresh Lexicon of the same cached data
    if capitalised:
        lex.complete()
    monkeypatch.setitem(dictionary._LOADED, lang, lex)
    assert lex.capitalised is capitalised
    spans = TYPO.clean(text, lang=lang).spans
    assert lex.capitalised is capitalised  # one document does not cross CAPITALISED_AFTER
    return [(s.start, s.end, s.text, s.suggestions, s.score) for s in spans]


SENTENCES = [m[0].format(m[1]) for m in MISSPELLINGS] + CLEAN + [
    "Market makers met. The Market rose, and Frank said Market Street was busy; Recieve it.",
    "Will Smith will smith a Will. Resaerch shows it. Goverment Said so, And the House agreed.",
    "The plan works. Resaerch shows that the Plan works, and Market Research agrees.",
]


@pytest.mark.parametrize("text", SENTENCES[-4:])
def test_typo_findings_with_and_without_capitalised_forms(monkeypatch, text):
    assert _findings(text, "en", False, monkeypatch) == _findings(text, "en", True, monkeypatch)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SENTENCES), st.lists(st.booleans(), min_size=30, max_size=30))
def test_typo_findings_do_not_depend_on_when_capitalised_forms_are_added(monkeypatch, sentence, caps):
    words = sentence.split(" ")
    text = " ".join(w.capitalize() if c else w for w, c in zip(words, caps + [False] * len(words), strict=False))
    assert _findings(text, "en", False, monkeypatch) == _findings(text, "en", True, monkeypatch)


@pytest.mark.parametrize("lang", sorted(OTHER_LANGUAGES))
def test_typo_other_language_findings_before_and_after_capitalised_forms(monkeypatch, lang):
    text = OTHER_LANGUAGES[lang][0] + " Die Die La La Il Il O O Presentato Vigor Governo Gobierno."
    assert _findings(text, lang, False, monkeypatch) == _findings(text, lang, True, monkeypatch)


def test_typo_edit_kinds():
    from cleaner.spelling import edit_kind

    pairs = [("teh", "the", "swap"), ("tommorow", "tomorrow", "double"), ("definately", "definitely", "vowel"),
             ("perfomance", "performance", "missing"), ("whith", "with", "extra"), ("whitr", "white", "near"),
             ("boops", "books", "other"), ("palinha", "galinha", "other")]
    assert [edit_kind(t, w) for t, w, _ in pairs] == [k for _, _, k in pairs]


def test_typo_a_word_in_an_html_code_element_is_a_programs_name():
    """A misspelling-like name inside ``<code>`` (which the HTML reader lists in ``metadata["code"]``)
    is left alone; the same slip in the page's prose is still flagged (old code: both flagged)."""
    from cleaner.document import Document
    from cleaner.readers import html_document

    def page(word_in_code: str, word_in_prose: str) -> Document:
        html = ("<html><body><article><h1>Configuring the importer</h1>"
                f"<p>Before the first run, set <code>{word_in_code}</code> in the configuration file and "
                f"restart the service so that the {word_in_prose} settings take effect.</p></article></body></html>")
        return html_document(html, id="p", source="p", metadata={"lang": "en"})

    assert typos(TYPO.clean(page("enviroment", "network"), lang="en")) == []
    assert [t for t, _ in typos(TYPO.clean(page("timeout", "enviroment"), lang="en"))] == ["enviroment"]
