"""The documents of a run: every pool item put into carriers of its fold, with gold spans in
dev-eval's ``gold.jsonl`` format, plus the untouched carriers themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import evasive
from .folds import fold_of
from .inject import SPAM_PLACES, artifact_places, gold_part, inject
from .pools import CJK_LANGS, Carrier, Item, stable_hash

_WORD = re.compile(r"[^\W\d_]+")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def words(text: str) -> int:
    """dev-eval's count: Latin/Cyrillic/… words plus one per CJK character."""
    cjk = len(_CJK_CHAR.findall(text))
    return len(_WORD.findall(_CJK_CHAR.sub(" ", text))) + cjk


@dataclass
class Case:
    name: str
    set: str  # pool, evasive, legit, untouched
    text: str
    fold: int
    carrier: Carrier
    item: Item | None = None
    spans: list[dict] = field(default_factory=list)  # gold, dev-eval's format
    legit_spans: list[dict] = field(default_factory=list)
    labels: dict = field(default_factory=dict)

    @property
    def groups(self) -> set[str]:
        return {self.carrier.key} | ({self.item.group} if self.item else set())

    def gold(self) -> dict:
        negative = self.set in ("legit", "untouched")
        return {
            "name": self.name,
            "category": self.set,
            "lang": self.carrier.lang,
            "negative": negative,
            "words": words(self.text),
            "corpus_id": None,
            "spans": self.spans,
            "expected_clean": self.carrier.text if self.set in ("pool", "evasive", "untouched") else None,
            "legit_spans": self.legit_spans,
            "n_injections": len(self.spans),
        }


class CarrierPicker:
    """Carriers by language class, each taken from the item's fold where that fold has one."""

    def __init__(self, carriers: list[Carrier], k: int, min_chars: int = 600, max_chars: int = 12000) -> None:
        self.k = k
        self.by_class: dict[str, list[Carrier]] = {}
        for c in carriers:
            if not min_chars <= len(c.text) <= max_chars:  # long enough to hide in, short enough to clean fast
                continue
            for cls in self.classes(c):
                self.by_class.setdefault(cls, []).append(c)
        self.by_fold = {
            (cls, f): [c for c in cs if fold_of(c.key, k) == f] for cls, cs in self.by_class.items() for f in range(k)
        }

    @staticmethod
    def classes(c: Carrier) -> list[str]:
        out = [f"lang:{c.lang}"]
        out.append("en" if c.lang == "en" else "cjk" if c.lang in CJK_LANGS else "other")
        if c.lang != "en":
            out.append("non-en")
        return out

    def has(self, cls: str) -> bool:
        return bool(self.by_class.get(cls))

    def pick(self, cls: str, fold: int, *seed: str) -> Carrier | None:
        mine = self.by_fold.get((cls, fold)) or self.by_class.get(cls) or []
        return mine[stable_hash(*seed) % len(mine)] if mine else None


def _rotate(item_id: str, n: int, places: tuple[str, ...] = SPAM_PLACES) -> tuple[str, ...]:
    start = stable_hash("rotate", item_id) % len(places)
    return tuple(places[(start + i) % len(places)] for i in range(n))


def _add(
    out: list[Case],
    set_: str,
    item: Item,
    text: str,
    carrier: Carrier | None,
    place: str,
    fold: int,
    kind: str,
    labels: dict,
    part: tuple[int, int] | None = None,
    seed: str = "",
) -> None:
    if carrier is None:
        return
    inj = inject(carrier, text, place, seed or item.id, part)
    if inj is None:
        return
    g = {
        "kind": kind,
        "rule": item.category,
        "placement": place,
        "start": inj.start,
        "end": inj.end,
        "text": inj.text[inj.start : inj.end],
        "correction": None,
    }
    out.append(
        Case(
            f"{set_}-{len(out):05d}",
            set_,
            inj.text,
            fold,
            carrier,
            item,
            [g],
            labels={
                "lang": item.lang,
                "category": item.category,
                "placement": place,
                "carrier": carrier.lang,
                **labels,
            },
        )
    )


def spam_cases(items: list[Item], picker: CarrierPicker, k: int, *, cross: int = 3) -> list[Case]:
    """Every spam item at every place in an English article; CJK items also in CJK articles and
    English items also in other-language articles, at ``cross`` rotating places each."""
    out: list[Case] = []
    for it in items:
        f = fold_of(it.group, k)
        for place in SPAM_PLACES:
            _add(out, "pool", it, it.text, picker.pick("en", f, it.id, place), place, f, "spam", {"into": "en"})
        other = "cjk" if it.lang in CJK_LANGS else "non-en" if it.lang == "en" else None
        if other and picker.has(other):
            for place in _rotate(it.id, cross):
                _add(
                    out,
                    "pool",
                    it,
                    it.text,
                    picker.pick(other, f, it.id, place, other),
                    place,
                    f,
                    "spam",
                    {"into": other},
                )
    return out


def evasive_cases(items: list[Item], picker: CarrierPicker, k: int) -> list[Case]:
    """Every transform that changes an item, at one rotating place in an English article (and in a
    CJK article for CJK items)."""
    out: list[Case] = []
    for it in items:
        f = fold_of(it.group, k)
        for name, text in evasive.variants(it):
            seed = f"{it.id}|{name}"
            for cls in ("en", "cjk") if it.lang in CJK_LANGS else ("en",):
                place = _rotate(seed + cls, 1)[0]
                _add(
                    out,
                    "evasive",
                    it,
                    text,
                    picker.pick(cls, f, seed, cls),
                    place,
                    f,
                    "spam",
                    {"transform": name, "into": cls},
                    seed=seed,
                )
    return out


def artifact_cases(items: list[Item], picker: CarrierPicker, k: int) -> list[Case]:
    """Every leftover at its category's place and its context's place, in an article of its own
    language where ../shared has one, else in an English one."""
    out: list[Case] = []
    for it in items:
        f = fold_of(it.group, k)
        cls = f"lang:{it.lang}" if picker.has(f"lang:{it.lang}") else "en"
        for place in artifact_places(it):
            _add(
                out,
                "pool",
                it,
                it.text,
                picker.pick(cls, f, it.id, place),
                place,
                f,
                "artifact",
                {"into": "same-lang" if cls != "en" or it.lang == "en" else "en"},
                part=gold_part(it),
            )
    return out


def legit_cases(items: list[Item], picker: CarrierPicker, k: int) -> list[Case]:
    """Each legit sentence between two sentences of an English article."""
    out: list[Case] = []
    for it in items:
        f = fold_of(it.group, k)
        c = picker.pick("en", f, it.id, "legit")
        if c is None:
            continue
        # between two sentences; a carrier without a sentence break that fits takes it as its last paragraph
        inj = inject(c, it.text, "between_sentences", it.id) or inject(c, it.text, "doc_end", it.id)
        out.append(
            Case(
                f"legit-{len(out):05d}",
                "legit",
                inj.text,
                f,
                c,
                it,
                legit_spans=[{"start": inj.start, "end": inj.end, "text": it.text}],
                labels={"lang": it.lang, "placement": inj.placement, "carrier": c.lang},
            )
        )
    return out


_SOURCE_LABEL = {"corpus": "corpus", "web-eval": "web-eval", "dev-eval": "dev-eval zh news"}


def untouched_cases(carriers: list[Carrier], k: int) -> list[Case]:
    return [
        Case(
            f"untouched-{i:05d}",
            "untouched",
            c.text,
            fold_of(c.key, k),
            c,
            labels={"source": _SOURCE_LABEL.get(c.meta.get("source"), "?"), "carrier": c.lang},
        )
        for i, c in enumerate(carriers)
    ]
