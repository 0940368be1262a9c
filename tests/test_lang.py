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
