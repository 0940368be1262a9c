"""cleaner: find and remove injected spam, translation/LLM artifacts, encoding junk and hidden
HTML in scraped articles, with span-level annotations that say what was found, where and why.

>>> import cleaner
>>> r = cleaner.clean("Shanghai keeps growing.\\n新上海龙凤419会所\\nThe end.")
>>> r.text, r.verdict
('Shanghai keeps growing.\\nThe end.', 'cleaned')
"""

from __future__ import annotations

from .document import Document
from .errors import CleanerError, InputError, RuleError
from .pipeline import Options, Pipeline, Result
from .rules import Rule, load_rules
from .spans import Span

__version__ = "0.1.0"


def clean(text: str | Document, *, lang: str | None = None) -> Result:
    """Clean one text with the default pipeline (bundled rules, built once and cached)."""
    return Pipeline.default().clean(text, lang=lang)


__all__ = [
    "CleanerError", "Document", "InputError", "Options", "Pipeline", "Result", "Rule", "RuleError", "Span",
    "__version__", "clean", "load_rules",
]
