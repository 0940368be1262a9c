"""HTML pages → article text: charset decoding, hiding techniques, blocks, content selection.

``cleaner.html.extract.extract(html_text)`` is the entry point; ``charset.decode(bytes)`` turns a
page's bytes into text first (text files use it too). The reader (:mod:`cleaner.readers`) ties
them to Documents. The package imports nothing heavy itself: the extractor's lxml and CSS
selector modules load when a page is first extracted, so runs over text and JSONL never pay
for them (a fifth of the start-up's imports).
"""
