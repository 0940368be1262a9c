"""Built-in detector kinds; importing this package registers them."""

from . import edge_paragraph, foreign_run, html_hidden, mojibake, mt_gloss, pattern

__all__ = ["edge_paragraph", "foreign_run", "html_hidden", "mojibake", "mt_gloss", "pattern"]
