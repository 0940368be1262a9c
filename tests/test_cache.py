"""cache.py: the per-user cache of built data; files that are missing, damaged or cut short are
rebuilt, never trusted."""

from __future__ import annotations

import json
from array import array

import pytest

from cleaner import cache


def test_sections_round_trip_aligned_for_arrays(tmp_path):
    sections = {"hot": b"alpha\nbeta", "odd": b"xyz", "nums": array("I", [7, 8, 9]).tobytes(),
                "probs": array("d", [0.5, 0.25]).tobytes()}
    path = tmp_path / "x" / "en.bin"
    cache.write_sections(path, sections, {"format": 3})
    mapped = cache.map_sections(path)
    assert mapped is not None
    header, got = mapped
    assert header["format"] == 3
    assert bytes(got["hot"]) == b"alpha\nbeta" and bytes(got["odd"]) == b"xyz"
    assert list(got["nums"].cast("I")) == [7, 8, 9] and list(got["probs"].cast("d")) == [0.5, 0.25]
    assert all((got[n].obj is got["hot"].obj) for n in got)  # one mapping, no copies


def test_sections_written_with_four_byte_alignment_still_read(tmp_path):
    # typo lexicon files from before the header named its alignment
    header = json.dumps({"format": 10, "sections": {"a": [0, 3], "b": [4, 4]}}).encode() + b"\n"
    base = len(header) + (-len(header) % 4)
    path = tmp_path / "old.bin"
    path.write_bytes(header.ljust(base, b" ") + b"xyz\0" + array("I", [5]).tobytes())
    mapped = cache.map_sections(path)
    assert mapped is not None
    assert bytes(mapped[1]["a"]) == b"xyz" and list(mapped[1]["b"].cast("I")) == [5]


@pytest.mark.parametrize("damage", ["header", "cut", "missing"])
def test_damaged_sections_are_not_trusted(tmp_path, damage):
    path = tmp_path / "en.bin"
    cache.write_sections(path, {"a": b"x" * 100})
    if damage == "header":
        path.write_bytes(b"not a header\n" + path.read_bytes())
    elif damage == "cut":
        path.write_bytes(path.read_bytes()[:-10])
    else:
        path.unlink()
    assert cache.map_sections(path) is None


def test_json_entries_round_trip_and_damage_reads_as_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "c"))
    assert cache.read_json("v.json") is None
    cache.write_json("v.json", {"会所": ["會所"]})
    assert cache.read_json("v.json") == {"会所": ["會所"]}
    (tmp_path / "c" / "v.json").write_text("{torn", encoding="utf-8")
    assert cache.read_json("v.json") is None
    assert list((tmp_path / "c").iterdir()) == [tmp_path / "c" / "v.json"]  # no temp files left


def test_an_unusable_cache_folder_only_costs_the_builds(tmp_path, monkeypatch):
    # CLEANER_CACHE_DIR names a file: nothing can be stored, everything still works
    from cleaner import lang, lexicon

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(blocker))
    traditional = lexicon._Traditional()
    assert traditional.of("会所") == ["會所"]
    traditional.save()
    try:
        lang._factory.cache_clear()
        assert lang._langdetect("Dies ist ein kurzer Satz über das Wetter") == "de"
    finally:
        lang._factory.cache_clear()
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_lexicon_that_cannot_be_stored_is_built_once(tmp_path, monkeypatch):
    # the cache folder works, but the lexicon file cannot be written (a folder stands in its place)
    from cleaner import dictionary

    built: list[str] = []

    def tiny(lang):  # a one-word lexicon in the real section layout, instead of a 10 s build
        built.append(lang)
        sections = {"hot": b"cat", "hot_z": bytes([40])}
        for name in ("cold", "suspect", "del", "ana", "big"):
            sections[f"{name}_k"], sections[f"{name}_v"], sections[f"{name}_s"] = dictionary.HashIndex.pack([])
        return sections

    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(dictionary, "build", tiny)
    dictionary._cache_path("en").mkdir(parents=True)
    lex = dictionary._load("en")
    assert built == ["en"] and lex.known("cat") and not lex.known("dog")
