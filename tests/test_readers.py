"""Readers: charsets for .txt and .html, HTML pages (plain and gzip'd), JSONL text/id/html fields,
and bad inputs that must become one error each, never a crash."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from cleaner.document import Document
from cleaner.errors import InputError
from cleaner.readers import ReadOptions, decode_text, read_input

HERE = Path(__file__).resolve().parent
CHARSETS = HERE / "fixtures" / "charsets"
HTML = HERE / "fixtures" / "html"
sys.path.insert(0, str(CHARSETS))
from make_fixtures import FIXTURES, TEXTS  # noqa: E402  (the fixtures' own source texts)


def read_one(path: Path, opts: ReadOptions | None = None) -> Document | InputError:
    items = list(read_input(path, path.name, opts))
    assert len(items) == 1
    return items[0]


def paragraphs(key: str) -> list[str]:
    return TEXTS[key].split("\n\n")


SOURCE = {"gbk": "zh_hans", "gb2312": "zh_hans", "big5": "zh_hant", "shift_jis": "ja", "windows-1252": "fr",
          "iso-8859-1": "fr", "utf-16-bom.txt": "fr", "utf-16-bom.html": "ja"}


def source_of(name: str) -> str:
    return SOURCE.get(name) or next(v for k, v in SOURCE.items() if name.startswith(k))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_readers_charset_fixture_decodes_to_its_text(name: str) -> None:
    doc = read_one(CHARSETS / name)
    assert isinstance(doc, Document), doc
    for para in paragraphs(source_of(name)):
        assert para in doc.text
    assert "\ufffd" not in doc.text


@pytest.mark.parametrize(("name", "encoding"), [
    ("gbk.txt", "gb18030"), ("big5.txt", "big5hkscs"), ("shift_jis.txt", "cp932"),
    ("windows-1252.txt", "cp1252"), ("utf-16-bom.txt", "utf-16"), ("shift_jis_http_equiv.html", "cp932"),
    ("gb2312_meta.html", "gb18030"), ("iso-8859-1_meta_but_utf8.html", "utf-8"),
    ("windows-1252_undeclared.html", "cp1252"), ("utf-16-bom.html", "utf-16"),
])
def test_readers_records_the_encoding_used(name: str, encoding: str) -> None:
    doc = read_one(CHARSETS / name)
    assert isinstance(doc, Document)
    assert doc.metadata["encoding"] == encoding


def test_readers_declared_charset_is_used_for_html_only() -> None:
    data = b'<meta charset="windows-1252"><p>caf\xe9 cr\xe8me, na\xefve</p>'
    expected = '<meta charset="windows-1252"><p>café crème, naïve</p>'
    assert decode_text(data, "x.html", html=True) == (expected, "cp1252")


def test_readers_binary_text_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 8)
    err = read_one(path)
    assert isinstance(err, InputError) and err.code == "C102"


def test_readers_html_fixture_reads_as_article_text_with_metadata() -> None:
    doc = read_one(HTML / "news_article.html")
    assert isinstance(doc, Document) and doc.format == "html"
    assert doc.metadata["title"] == "Harbour town votes to rebuild its sea wall | The Coastal Courier"
    assert doc.metadata["url"] == "https://courier.example/news/2026/harbour-sea-wall"
    assert doc.metadata["html_lang"] == "en-GB" and doc.metadata["encoding"] == "utf-8"
    assert doc.text.startswith("Councillors in Porthwenna voted")


def test_readers_gzipped_html_reads_like_the_plain_file(tmp_path: Path) -> None:
    plain = read_one(HTML / "blog_post.html")
    path = tmp_path / "blog_post.html.gz"
    path.write_bytes(gzip.compress((HTML / "blog_post.html").read_bytes()))
    packed = read_one(path)
    assert isinstance(plain, Document) and isinstance(packed, Document)
    assert packed.text == plain.text and packed.metadata["url"] == plain.metadata["url"]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_readers_jsonl_html_field_extracts_and_keeps_other_fields(tmp_path: Path) -> None:
    page = (HTML / "news_article.html").read_text(encoding="utf-8")
    path = write_jsonl(tmp_path / "crawl.jsonl", [
        {"doc_id": "a1", "raw": page, "crawl_date": "2026-11-28", "status": 200},
        {"doc_id": "a2", "body": "A plain text record, read by --text-field.", "crawl_date": "2026-11-28"},
    ])
    opts = ReadOptions(text_field="body", id_field="doc_id", html_field="raw")
    first, second = list(read_input(path, "crawl.jsonl", opts))
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.id, first.format, second.id, second.format) == ("a1", "html", "a2", "jsonl")
    assert first.text.startswith("Councillors in Porthwenna")
    assert first.metadata["crawl_date"] == "2026-11-28" and first.metadata["status"] == 200
    assert first.metadata["title"].startswith("Harbour town") and "raw" not in first.metadata
    assert second.text == "A plain text record, read by --text-field." and "body" not in second.metadata


def test_readers_jsonl_record_with_neither_field_names_both(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": 1, "other": "x"}])
    [err] = list(read_input(path, "x.jsonl", ReadOptions(html_field="html")))
    assert isinstance(err, InputError) and err.code == "C117" and err.line == 1
    assert err.text == ("x.jsonl:1: [C117] the record has no field 'text' (or 'html'); its fields are 'id', "
                        "'other'; name the field that holds the text with --text-field")


def test_readers_jsonl_html_record_without_text_is_an_error_for_that_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [
        {"id": 1, "html": "<html><body><nav><a href=/>Home</a></nav></body></html>"},
        {"id": 2, "html": "<p>A page with one good paragraph of text, long enough to be read as prose.</p>"},
    ])
    first, second = list(read_input(path, "x.jsonl", ReadOptions(html_field="html")))
    assert isinstance(first, InputError) and first.code == "C114" and first.line == 1
    assert isinstance(second, Document) and second.text.startswith("A page with one good paragraph")


BAD_PAGES = {
    "truncated.html": ("<html><body><article>"
                       "<p>The first paragraph arrived whole, with enough words to read.</p>"
                       "<p>The second one was cut off in the midd"),
    "no_body.html": "<html><head><title>Only a title</title></head></html>",
    "deep.html": "<html><body>" + "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "<p>after</p></body>",
    "empty.html": "",
    "markup_only.html": "<html><body><div><span></span><img src=x></div></body></html>",
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_readers_bad_html_is_read_or_reported_never_raised(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(BAD_PAGES[name], encoding="utf-8")
    item = read_one(path)
    if name == "truncated.html":
        assert isinstance(item, Document)
        assert item.text.startswith("The first paragraph arrived whole")
        assert item.text.endswith("cut off in the midd")
    else:
        assert isinstance(item, InputError)
        expected = {"deep.html": "C111", "empty.html": "C103"}.get(name, "C114")
        assert item.code == expected, item.text


def test_readers_html_over_the_size_limit_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    path.write_text("<html><body>" + "<div><p>words and more words.</p></div>" * 5000 + "</body></html>")
    err = read_one(path, ReadOptions(max_html_bytes=100_000))
    assert isinstance(err, InputError) and err.code == "C116" and "--max-html-bytes" in err.text
    assert isinstance(read_one(path), Document)  # under the default limit it is read


def test_readers_big_dense_page_is_processed(tmp_path: Path) -> None:
    """A few MB of dense markup with a hidden element per paragraph: read, every region kept."""
    chunk = ('<div class="c"><p>Paragraph with some words, and a comma.</p>'
             '<span style="display:none">h</span></div>\n')
    path = tmp_path / "dense.html"
    path.write_text("<html><body>" + chunk * 20_000 + "</body></html>")
    doc = read_one(path)
    assert isinstance(doc, Document)
    assert doc.text.count("Paragraph with some words") == 20_000
    assert len(doc.metadata["hidden"]) == 20_000
