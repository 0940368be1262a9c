"""Charsets as a browser reads them (issue 13 item 4, issue 12 item 5): a few bad bytes are
replaced and counted instead of rejecting the page, no exotic code page wins over the web's own,
short Latin text is read in the code page whose reading makes real words, and a guess between
readings that differ is said in the record and in ``errors.jsonl``. Every page and text here is
written for the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import cli
from cleaner.document import Document
from cleaner.errors import InputError
from cleaner.html.charset import LIKELY, codec_name, decode
from cleaner.readers import read_input

ZH = "上海的新地铁线路今天开通了，市民们都很高兴。这条线路连接了城市的东部和西部。"


def read_all(path: Path) -> list[Document | InputError]:
    return list(read_input(path, path.name))


@pytest.mark.parametrize(("text", "codec"), [
    ("Le café était fermé à Noël.", "cp1252"),
    ("El niño comió piña en España.", "cp1252"),
    ("Ça coûte 5 € à Zürich, où tout est cher.", "cp1252"),
    ("Der Bär aß große Äpfel.", "cp1252"),
    ("Zażółć gęślą jaźń, powiedział.", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
    ("Привет, как дела? Всё хорошо, спасибо.", "cp1251"),
])
def test_charset_short_text_is_read_as_real_words(text: str, codec: str) -> None:
    got = decode(text.encode(codec), html=False)
    assert got is not None and got.text == text and got.how == "detected"


def test_charset_short_latin1_file_keeps_its_accents(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_bytes("Le café était fermé à Noël.\n".encode("latin-1"))
    [doc] = read_all(tmp_path / "note.txt")
    assert isinstance(doc, Document)
    assert doc.text == "Le café était fermé à Noël.\n" and doc.metadata["encoding"] == "cp1252"
    assert "encoding_uncertain" not in doc.metadata


def test_charset_declared_gb2312_page_with_one_bad_byte_is_read_not_rejected(tmp_path: Path) -> None:
    page = ('<html><head><meta charset="gb2312"></head><body><article><p>' + ZH + "</p><p>").encode("gb2312")
    page += b"\xff" + (ZH + "</p></article></body></html>").encode("gb2312")
    (tmp_path / "zh.html").write_bytes(page)
    [doc] = read_all(tmp_path / "zh.html")
    assert isinstance(doc, Document), doc
    assert doc.metadata["encoding"] == "gb18030" and doc.metadata["encoding_replaced"] == 1
    assert doc.text.count(ZH) == 2 and doc.text.count("\ufffd") == 1


def test_charset_utf8_with_a_stray_byte_stays_utf8() -> None:
    text = "Los niños celebraron el año nuevo en la plaza mayor, según el alcalde. " * 3
    got = decode(text.encode("utf-8") + b"\xe9 fin", html=False)
    assert got is not None and got.codec == "utf-8" and got.replaced == 1 and got.text.startswith(text)


def test_charset_many_bad_bytes_are_not_papered_over() -> None:
    """Replacement is for the odd bad byte: a file whose non-ASCII bytes are mostly invalid UTF-8
    is another charset, and is detected as one."""
    got = decode("café crème brûlée, déjà vu à l'hôtel, où l'été est chaud. ".encode("cp1252") * 4, html=False)
    assert got is not None and got.codec == "cp1252" and got.replaced == 0


def test_charset_detection_never_picks_an_exotic_code_page() -> None:
    samples = ["Интернет-магазин бытовой техники: доставка по всей стране, гарантия качества.",
               "Księgarnia internetowa: książki, e-booki i audiobooki w dobrych cenach.",
               "Ο καιρός σήμερα είναι ηλιόλουστος με θερμοκρασίες έως τριάντα βαθμούς."]
    for text, codec in zip(samples, ("cp1251", "cp1250", "cp1253"), strict=True):
        got = decode(f"<html><body><p>{text}</p></body></html>".encode(codec))
        assert got is not None and got.codec in {codec_name(c) or c for c in LIKELY}
        assert text in got.text, (codec, got.codec)


def test_charset_uncertain_guess_is_in_the_record_and_errors_jsonl(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "odd.txt").write_bytes(b"Serial X\xd8\xde\xa9Z-7 shipped today.\n")
    assert cli.main(["run", str(src), "-o", str(out), "--quiet"]) == 1
    [record] = [json.loads(line) for line in (out / "annotations.jsonl").read_text().splitlines()]
    note = record["metadata"]["encoding_uncertain"]
    assert "guessed" in note and record["metadata"]["encoding"] in note
    [error] = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert error["code"] == "C120" and error["source"] == "odd.txt" and note in error["reason"]
