"""The cleaned text rebuilt from a record's annotations alone, independently of ``actions.replay``
(which the pipeline itself uses to build the text, so a check with it would check nothing): the
JSON a user reads, applied character by character."""

from __future__ import annotations

from typing import Any

import cleaner


def rebuild(text: str, annotations: list[dict[str, Any]]) -> str:
    """Each remove/replace annotation's ``[edit_start, edit_end)`` of ``text`` replaced by its
    ``replacement``: characters in a range are left out, replacements are put where their range
    starts (two at one place in the order the record lists them)."""
    inserted: dict[int, list[str]] = {}
    dropped = [False] * len(text)
    for a in annotations:
        if a["action"] not in ("remove", "replace"):
            continue
        inserted.setdefault(a["edit_start"], []).append(a["replacement"] or "")
        for i in range(a["edit_start"], a["edit_end"]):
            assert not dropped[i], f"two edits cover character {i}"
            dropped[i] = True
    out = []
    for i, ch in enumerate(text):
        out.extend(inserted.get(i, ()))
        if not dropped[i]:
            out.append(ch)
    out.extend(inserted.get(len(text), ()))
    return "".join(out)


def assert_record_rebuilds(text: str, result: cleaner.Result) -> None:
    record = result.to_dict()
    assert rebuild(text, record["annotations"]) == record["text"] == result.text
