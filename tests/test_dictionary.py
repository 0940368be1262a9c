"""Typo lexicons: the cache file round-trips, the hash index finds what was packed, the built
English lexicon rejects the misspellings web lists hold and keeps the names and terms they know."""

from __future__ import annotations

import pytest

from cleaner import dictionary
from cleaner.dictionary import HashIndex, anagram_key, deletes, osa_distance, squeeze


def index(pairs: list[tuple[str, int]]) -> HashIndex:
    keys, values, starts = HashIndex.pack(pairs)
    return HashIndex(*(memoryview(a).cast("I") for a in (keys, values, starts)))


def test_hash_index_multimap():
    idx = index([("cat", 1), ("cat", 2), ("dog", 3), ("cat", 1)])
    assert sorted(idx.get("cat")) == [1, 2]
    assert idx.get("dog") == [3] and idx.get("eel") == []
    assert "dog" in idx and "eel" not in idx and len(idx) == 3


def test_hash_index_finds_every_key_and_no_absent_one_across_buckets():
    """Keys spread over the buckets, some sharing one: each is found with all its values."""
    pairs = [(f"w{i}", i % 7) for i in range(20_000)] + [(f"w{i}", 100) for i in range(0, 20_000, 97)]
    idx = index(pairs)
    expected: dict[str, set[int]] = {}
    for k, v in pairs:
        expected.setdefault(k, set()).add(v)
    assert all(set(idx.get(k)) == vs and k in idx for k, vs in expected.items())
    absent = [f"x{i}" for i in range(2_000)]
    false_hits = sum(k in idx for k in absent)  # CRC collisions only: about one in 200,000 here
    assert false_hits <= 1 and all(idx.get(k) == [] for k in absent if k not in idx)


def test_word_helpers():
    assert sorted(deletes("abc", 1)) == ["ab", "abc", "ac", "bc"]
    assert anagram_key("stage") == anagram_key("gates") == "aegst"
    assert squeeze("tommorrow") == "tomorow"
    assert osa_distance("recieve", "receive") == 1 and osa_distance("abc", "xyz", 2) == 2


def test_unsupported_language_has_no_lexicon():
    assert dictionary.load("nl") is None
    assert dictionary.load("zh") is None


@pytest.mark.parametrize(("word", "known"), [
    ("receive", True), ("the", True), ("huangpu", True), ("fintech", True), ("biotech", True),
    ("influencer", True), ("chipset", True),
    ("recieve", False), ("teh", False), ("definately", False), ("inthe", False), ("tommorow", False),
])
def test_english_lexicon_keeps_terms_and_rejects_web_misspellings(word, known):
    lex = dictionary.load("en")
    assert lex is not None
    assert lex.known(word) is known
    assert lex.is_suspect(word) is (not known)  # every rejected one is a web word


def test_english_lexicon_indexes():
    lex = dictionary.load("en")
    assert lex is not None
    assert "receive" in lex.edit_candidates("recieve")
    assert "stage" in lex.anagrams(anagram_key("tseag"))
    assert lex.bigram("in", "the") > lex.bigram("the", "in") >= 0
    assert lex.freq("the") > 7 > lex.freq("fintech") > 1


def test_another_languages_vocabulary_answers_from_its_hash_tiers():
    """The typo rule asks whether a word is another language's (``en masse``) without loading that
    language's word list: the hash tiers give the same frequencies as the full lexicon."""
    vocab = dictionary.vocabulary("fr")
    full = dictionary._load("fr")  # a fresh Lexicon of the same cached data
    assert vocab is not None
    if "fr" not in dictionary._LOADED:  # no French document yet in this process: the hash tiers alone
        assert isinstance(vocab, dictionary.Vocabulary)
    for word in ("masse", "maison", "aujourd'hui", "zzqx", "receive"):
        assert vocab.freq(word) == full.freq(word)
    assert vocab.freq("masse") >= 2.5 and vocab.freq("zzqx") == 0
    assert dictionary.vocabulary("nl") is None


def test_rejected_web_words_keep_their_frequency():
    lex = dictionary.load("en")
    assert lex is not None
    assert lex.suspect_freq("teh") > lex.suspect_freq("recieve") > 0 == lex.suspect_freq("receive")
    assert dictionary.run_together("alot", "a", "lot", lex)
    assert not dictionary.run_together("accessor", "access", "or", lex)  # "access" is not that common
