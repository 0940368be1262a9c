"""HTML pages → article text: charset decoding, hiding techniques, blocks, content selection.

``extract(html_text)`` is the entry point (:mod:`.extract`); ``charset.decode(bytes)`` turns a
page's bytes into text first. The reader (:mod:`cleaner.readers`) ties them to Documents.
"""

from .charset import decode
from .extract import Extraction, ExtractionError, HiddenRegion, extract

__all__ = ["Extraction", "ExtractionError", "HiddenRegion", "decode", "extract"]
