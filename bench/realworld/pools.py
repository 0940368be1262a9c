"""The real-world pools and the carriers they are injected into, each with its group key.

Group keys are the ones a training script's ``--holdout`` file takes, spelled as
train/train_spam.py and train/train_artifacts.py spell them: ``spam:<repo>``, ``artifact:<source>``
(the GitHub ``owner/name`` of ``url``, else its host, else the code index id), ``legit:<host of
url>`` and ``doc:<id>`` for a carrier document (a corpus article's file stem, a web-eval page id,
a dev-eval doc name).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CJK_LANGS = ("zh", "ja", "ko")


@dataclass(frozen=True)
class Item:
    """One pool string: ``kind`` is ``spam``, ``artifact`` or ``legit``."""

    kind: str
    id: str  # stable: the kind, the group and a hash of the text
    text: str
    lang: str
    category: str
    group: str
    context: str = ""


@dataclass(frozen=True)
class Carrier:
    """A real untouched text that items are put into."""

    key: str  # doc:<corpus id>, doc:<web-eval id>, doc:<dev-eval name>
    text: str
    lang: str = "und"
    meta: dict = field(default_factory=dict, compare=False, hash=False)


def stable_hash(*parts: str) -> int:
    return int.from_bytes(hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()[:8], "big")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _item_id(kind: str, group: str, text: str) -> str:
    return f"{kind}:{hashlib.sha1((group + chr(31) + text).encode('utf-8')).hexdigest()[:12]}"


def _github_repo(url: str) -> str | None:
    p = urlparse(url)
    parts = [x for x in p.path.split("/") if x]
    if p.netloc.endswith("github.com") and len(parts) >= 2:
        return f"{parts[0]}/{parts[1]}"
    return None


def site(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def artifact_source(row: dict) -> str:
    """The repository (or site) an artifact came from; a bare code-index file id stands for its own source."""
    url = row.get("url")
    if url:
        return _github_repo(url) or site(url)
    return str(row["code_index_id"])


def load_spam(real_world: Path) -> list[Item]:
    return [
        Item(
            "spam",
            _item_id("spam", r["repo"], r["text"]),
            r["text"],
            r.get("lang") or "und",
            r.get("category") or "-",
            f"spam:{r['repo']}",
        )
        for r in _read_jsonl(real_world / "spam.jsonl")
    ]


def load_artifacts(real_world: Path) -> list[Item]:
    out = []
    for r in _read_jsonl(real_world / "artifacts.jsonl"):
        g = f"artifact:{artifact_source(r)}"
        out.append(
            Item(
                "artifact",
                _item_id("artifact", g, r["text"]),
                r["text"],
                r.get("lang") or "und",
                r.get("category") or "-",
                g,
                r.get("context") or "",
            )
        )
    return out


def load_legit(real_world: Path) -> list[Item]:
    return [
        Item(
            "legit",
            _item_id("legit", site(r["url"]), r["text"]),
            r["text"],
            r.get("lang") or "und",
            "legit-cjk",
            f"legit:{site(r['url'])}",
        )
        for r in _read_jsonl(real_world / "legit_cjk.jsonl")
    ]


# -- carriers ---------------------------------------------------------------------------------
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u9fff]")


def script_lang(text: str, guessed: str) -> str:
    """The carrier's language: CJK by script share (the guesser's answer otherwise)."""
    n = max(1, len(text))
    if len(_HANGUL.findall(text)) / n > 0.2:
        return "ko"
    if len(_KANA.findall(text)) / n > 0.05:
        return "ja"
    if len(_HAN.findall(text)) / n > 0.3:
        return "zh"
    return guessed or "und"


def load_carriers(shared: Path, *, max_chars: int | None = None, min_chars: int = 1) -> list[Carrier]:
    """Corpus articles, web-eval main texts, and dev-eval's untouched Chinese news (the only Chinese
    prose in ../shared). Language is filled in later by :func:`tag_languages`."""
    max_chars = max_chars or 1 << 60
    out: list[Carrier] = []
    arts = shared / "corpus" / "articles"
    for p in sorted(arts.glob("*.txt")) if arts.is_dir() else ():
        t = p.read_text(encoding="utf-8").strip("\n")
        if min_chars <= len(t) <= max_chars:
            out.append(Carrier(f"doc:{p.stem}", t, meta={"source": "corpus"}))
    truth = shared / "web-eval" / "truth"
    for p in sorted(truth.glob("*.json")) if truth.is_dir() else ():
        d = json.loads(p.read_text(encoding="utf-8"))
        t = (d.get("main_content") or "").strip("\n")
        if min_chars <= len(t) <= max_chars:
            meta = {"source": "web-eval", "type": d.get("type"), "url": d.get("url")}
            out.append(Carrier(f"doc:{p.stem}", t, meta={k: v for k, v in meta.items() if v}))
    gold = shared / "dev-eval" / "gold.jsonl"
    if gold.is_file():
        for g in _read_jsonl(gold):
            if g["category"] == "neg-zh-news":
                t = (shared / "dev-eval" / "docs" / f"{g['name']}.txt").read_text(encoding="utf-8").strip("\n")
                out.append(Carrier(f"doc:{g['name']}", t, "zh", meta={"source": "dev-eval"}))
    return out


def tag_languages(carriers: list[Carrier]) -> list[Carrier]:
    """Each carrier with its language: the pipeline's own guess, CJK told by script."""
    return [
        c if c.lang != "und" else Carrier(c.key, c.text, script_lang(c.text, _guess(c.text)), c.meta) for c in carriers
    ]


def _guess(text: str) -> str:
    from cleaner.analysis import Analysis
    from cleaner.document import Document

    return Analysis(Document(text)).lang or "und"
