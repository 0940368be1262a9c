"""lang.py: a document's language from its script, then its function words, then langdetect.

Paragraphs written for these tests; each must be told apart by function words alone (no langdetect),
fed either the analysis' shared chunks or found by ``guess_language`` itself."""

from __future__ import annotations

import pytest

from cleaner.analysis import Analysis
from cleaner.document import Document
from cleaner.lang import guess_language

PARAGRAPHS = {
    "en": "The ferry was late again on Monday, and the passengers who had been waiting at the pier "
          "said they would write to the council about it.",
    "de": "Die Fähre kam am Montag wieder zu spät, und die Fahrgäste, die auf dem Steg gewartet hatten, "
          "sagten, dass sie sich bei der Stadt beschweren werden.",
    "fr": "Le bac est encore arrivé en retard lundi, et les passagers qui attendaient sur le quai ont dit "
          "qu'ils écriraient à la mairie pour se plaindre avec leurs voisins.",
    "es": "El transbordador llegó tarde otra vez el lunes, y los pasajeros que esperaban en el muelle "
          "dijeron que escribirán al ayuntamiento para quejarse con sus vecinos.",
    "pt": "A balsa chegou atrasada outra vez na segunda-feira, e os passageiros que esperavam no cais "
          "disseram que vão escrever para a prefeitura, pois não foi a primeira vez.",
    "it": "Il traghetto è arrivato di nuovo in ritardo lunedì, e i passeggeri che aspettavano sul molo "
          "hanno detto che scriveranno al comune, perché non è la prima volta, come sa anche il sindaco.",
    "nl": "De veerboot was maandag weer te laat, en de passagiers die op de steiger wachtten zeiden dat "
          "ze de gemeente een brief zullen schrijven, want het is niet de eerste keer.",
}


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_function_words_tell_the_language(lang):
    text = PARAGRAPHS[lang]
    assert guess_language(text) == (lang, "words")
    assert Analysis(Document(text)).lang_and_method == (lang, "words")


def test_capitalised_function_words_count_and_a_table_does_not_outvote_prose():
    """Sentence-initial function words are capitalised; a page of English names and numbers with a
    Portuguese sentence around it is Portuguese."""
    table = "\n".join(f"{i} Kyle Larson Chevrolet {40 - i} Wins Poles Top" for i in range(1, 30))
    text = (f"Nesta página você terá sempre a classificação da corrida.\n\n{table}\n\n"
            "Coloque nos seus favoritos e venha conferir a classificação, mas também os resultados.")
    assert Analysis(Document(text)).lang_and_method == ("pt", "words")


def test_scripts_decide_before_words_and_short_texts_fall_back():
    assert guess_language("上海是中国的经济中心，也是一座国际化大都市。") == ("zh", "script")
    assert guess_language("Das ist gut.")[1] == "langdetect"  # two function words: not enough
    assert guess_language("2024 — 17:30") == ("und", "none")


LANGDETECT_SAMPLES = [
    "GIRLS BASKETBALL Palm Bay d. Rockledge 70-44, Rockledge 14 11 6 15",
    "Dies ist ein kurzer Satz über nichts",
    "Ceci est une phrase courte",
    "Una frase corta sobre el tiempo",
    "Krótkie zdanie o pogodzie",
    "Короткое предложение о погоде",
    "Kort zin over het weer vandaag",
    "Lyhyt lause säästä",
    "Rövid mondat az időjárásról",
    "Kısa bir cümle",
]


def test_langdetect_table_from_the_cache_answers_as_the_json_profiles_do(tmp_path, monkeypatch):
    from cleaner import lang

    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    try:
        lang._factory.cache_clear()
        built = lang._factory()  # from the JSON profiles; stores the table
        fresh = [lang._langdetect(t) for t in LANGDETECT_SAMPLES]
        assert any(tmp_path.glob("langdetect*.bin"))
        lang._factory.cache_clear()
        cached = lang._factory()  # from the mapped table
        assert cached is not built and cached.langlist == built.langlist  # type: ignore[attr-defined]
        old, new = built.word_lang_prob_map, cached.word_lang_prob_map  # type: ignore[attr-defined]
        assert old.keys() == new.keys() and all(list(new[g]) == old[g] for g in old)
        assert [lang._langdetect(t) for t in LANGDETECT_SAMPLES] == fresh
        assert len(set(fresh)) >= 8  # the samples really exercise the table
    finally:
        lang._factory.cache_clear()


def test_a_damaged_langdetect_cache_is_rebuilt(tmp_path, monkeypatch):
    from cleaner import lang

    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    try:
        lang._factory.cache_clear()
        lang._factory()
        (path,) = tmp_path.glob("langdetect*.bin")
        path.write_bytes(path.read_bytes()[:-8])
        assert lang._cached_profiles() is None
        lang._factory.cache_clear()
        assert lang._langdetect(LANGDETECT_SAMPLES[1]) == "de"
        assert lang._cached_profiles() is not None  # written again
    finally:
        lang._factory.cache_clear()
