"""Errors a person reads: each says what happened, where, and what to do next.

Every message text lives here once, under a short code, so the CLI, the library and the
tests all show the same words (ftfy's ``DECODE_ERROR_TEXT``, spaCy's ``errors.py``).

>>> print(InputError("a/b.txt", "C104", line=3))
a/b.txt:3: [C104] the file holds only whitespace
"""

from __future__ import annotations

from pathlib import Path

MESSAGES: dict[str, str] = {
    # inputs (C1xx): one bad input never stops the batch
    "C100": "cannot read the file: {detail}",
    "C101": "not valid UTF-8 and no other encoding fits; re-save it as UTF-8 or name its encoding with --encoding "
            "(gbk, cp1252, shift_jis...)",
    "C102": "looks like a binary file ({detail}), not text; remove it from the input or skip it",
    "C103": "the file is empty",
    "C104": "the file holds only whitespace",
    "C105": "malformed JSON: {detail}",
    "C106": "field {detail} is missing or is not a string",
    "C107": "the record is not a JSON object",
    "C108": "decompressed size is over the limit of {detail} bytes; raise --max-doc-bytes to allow it",
    "C109": "the gzip stream is damaged or truncated: {detail}",
    "C110": "unsupported input format {detail}; use .txt, .html, .htm or .jsonl (optionally .gz)",
    "C111": "cannot parse the HTML: {detail}",
    "C112": "the pipeline failed on this document: {detail}",
    "C113": "rule {detail} ran past its time budget on this document (--rule-timeout); its findings were "
            "dropped and the other rules still ran",
    "C114": "the HTML page has no readable text",
    "C115": "symbolic link loop or dangling link",
    "C116": "the HTML page is over the limit of {detail} bytes for HTML; raise --max-html-bytes to allow it",
    "C117": "the record has no field {detail}; name the field that holds the text with --text-field",
    "C118": "cannot be read as {detail}, the encoding given with --encoding",
    "C119": "the document ran past its time budget of {detail}; the findings of the rules that finished "
            "were applied, the others are missing: raise --doc-timeout to allow more",
    "C120": "the file declares no charset and its bytes read differently in more than one ({detail}); it was "
            "cleaned as guessed: check its text, or re-save it as UTF-8",
    "C121": "the worker process cleaning this input died ({detail}), and died again when the input was retried "
            "alone in a fresh one (out of memory?); a rerun skips it: edit the input or pass --force to try again",
    # rules (C2xx): a rule-file error stops the run before any document is read
    "C200": "invalid TOML: {detail}",
    "C201": "unknown key {detail}",
    "C202": "bad value for {detail}",
    "C203": "missing required key {detail}",
    "C204": "unknown detector {detail}",
    "C205": "cannot read the word list {detail}",
    "C206": "the regular expression does not compile: {detail}",
    "C207": "duplicate rule id {detail}",
    "C208": "no such rule file or folder",
    "C209": "the rule file is not inside a folder named after its kind (spam, artifact, encoding, hidden, typo)",
    "C210": "the rule's kind is {detail}",
    "C211": "examples for the rule {detail}, which no earlier rule folder defines",
    "C212": "the regular expression is too big to compile: {detail}",
    # usage (C3xx); C304 and C305 are the output folder's own failures: exit code 3, and what is
    # finished stays finished
    "C300": "no such input: {detail}",
    "C301": "the output folder {detail}",
    "C302": "{detail}",
    "C303": "{detail} is not installed; it comes with the optional extra: pip install \"cleaner[ray]\"",
    "C304": "cannot write the output: {detail}; fix that and rerun the same command to finish the rest",
    "C305": "{detail} is a symbolic link inside the output folder, and nothing is written through one; "
            "remove the link or choose another output folder",
    "C310": "review: {detail}",
}


class CleanerError(Exception):
    """Base class: ``code`` is stable, ``str(err)`` is the text for a person."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(self.text)

    @property
    def reason(self) -> str:
        return f"[{self.code}] " + MESSAGES[self.code].format(detail=self.detail)

    @property
    def text(self) -> str:
        return self.reason


class InputError(CleanerError):
    """An input that could not be processed; the batch goes on without it."""

    def __init__(self, path: str | Path, code: str, detail: str = "", line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        super().__init__(code, detail)

    @property
    def text(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {"source": self.path, "line": self.line, "code": self.code, "reason": self.reason}


class RuleError(CleanerError):
    """A rule file that cannot be used; names file, line, key and the valid choices (vale's E201)."""

    def __init__(
        self, path: str | Path, code: str, detail: str = "", line: int | None = None, hint: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.hint = hint
        super().__init__(code, detail)

    @property
    def text(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}" + (f"; {self.hint}" if self.hint else "")


class UsageError(CleanerError):
    """A command line that cannot run (exit code 2)."""


class OutputError(CleanerError):
    """The output folder cannot be written (exit code 3): read-only, full, a file, or holding a
    symbolic link. Not the inputs' fault and not the command line's: a rerun once it is fixed
    finishes the rest."""
