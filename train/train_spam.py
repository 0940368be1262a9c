"""Fit the injected-ad segment scorer (rule spam.ad_segment) and write its weights file.

Positives: the real spam of ``../shared/real-world/spam.jsonl``, each injected into a real carrier
article (the untouched corpus articles and web-eval page texts) at a place spam really lands.
Negatives: every other candidate segment of those carriers, the legit CJK sentences of
``legit_cjk.jsonl`` placed into carriers the same way, and background prose of Chinese, Japanese and
Korean written from wordfreq's word frequencies (no CJK article carriers exist in the shared data).
Everything is seeded: the same data gives the same file, byte for byte.

    python train/train_spam.py                       # writes rules/spam/ad_segment.weights.tsv
    python train/train_spam.py --out W --holdout F   # leaves the groups listed in F out of training
    python train/train_spam.py --cv 5                # grouped cross-validation, segment level
    python train/train_spam.py --print-default-out

Group keys (``--holdout``): ``spam:<repo>``, ``legit:<site of url>``, ``doc:<corpus or web-eval id>``.
N-gram features are kept only when they occur in at least two groups of their class, so a feature
is never the fingerprint of a single campaign.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cleaner.adscore import WEIGHTS_FORMAT, DocContext, Resources, candidates, features  # noqa: E402
from cleaner.detectors.ad_segment import resources  # noqa: E402
from cleaner.lang import main_script, script_counts  # noqa: E402
from cleaner.rules import load_rule  # noqa: E402

RULE = ROOT / "rules/spam/ad_segment.toml"


def rule_resources() -> Resources:
    """The word lists the shipped rule names: the features trained on are the features run."""
    rule = load_rule(ROOT / "rules", RULE)
    return resources(rule)  # type: ignore[arg-type]


RES: Resources | None = None

DEFAULT_OUT = Path("rules/spam/ad_segment.weights.tsv")
SHARED = ROOT.parent / "shared"
PLACES = ("own_line", "para_start", "para_start_glued", "between_sentences", "line_end", "mid_sentence",
          "doc_start", "doc_end")
NGRAM_PREFIXES = ("w:", "b:")


@dataclass
class Item:
    text: str
    group: str
    label: int  # 1 spam, 0 legit
    lang: str = ""
    category: str = ""


@dataclass
class Carrier:
    text: str
    group: str


def site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def load_items(shared: Path) -> list[Item]:
    items = []
    for line in (shared / "real-world/spam.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        items.append(Item(d["text"], f"spam:{d['repo']}", 1, d.get("lang", ""), d.get("category", "")))
    for line in (shared / "real-world/artifacts.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)  # LLM and translation leftovers: not spam (rule artifact.* takes them)
        source = (d.get("url") and site(d["url"])) or str(d.get("code_index_id", ""))
        items.append(Item(d["text"], f"artifact:{source}", 0, d.get("lang", ""), "artifact"))
    for line in (shared / "real-world/legit_cjk.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        items.append(Item(d["text"], f"legit:{site(d['url'])}", 0, d.get("lang", ""), "legit"))
    return items


def load_carriers(shared: Path, limit: int) -> list[Carrier]:
    out = []
    for path in sorted((shared / "corpus/articles").glob("*.txt")):
        out.append(Carrier(path.read_text(encoding="utf-8"), f"doc:{path.stem}"))
    for path in sorted((shared / "web-eval/truth").glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        text = d.get("main_content") or ""
        if len(text) > 200:
            out.append(Carrier(text[:20000], f"doc:{d['id']}"))
    return [c for c in out if len(c.text) > 200][:limit] if limit else out


def own_chinese(rng: random.Random, n_docs: int = 12) -> list[Carrier]:
    """Chinese news-like documents from ``train/data/zh_news.txt``: own-written sentences in which ad
    words are used legitimately (a bus route 419路, a clubhouse 会所, casino revenue news, a repairman's
    home visit), shuffled into documents. The shared data holds no Chinese articles."""
    every = (ROOT / "train/data/zh_news.txt").read_text(encoding="utf-8").split("\n")
    lines = [x for x in every if x.endswith("。")]
    heads = [x for x in every if x.strip() and not x.endswith("。")]  # headlines, bylines, captions, table rows
    docs = []
    for d in range(n_docs):
        picked = rng.sample(lines, min(len(lines), 12))
        paras = ["".join(picked[i:i + 3]) for i in range(0, len(picked), 3)]
        if heads:  # a headline first, a byline or a caption between paragraphs: lines without a final mark
            paras.insert(0, rng.choice(heads))
            paras.insert(rng.randrange(1, len(paras) + 1), rng.choice(heads))
        docs.append(Carrier("\n\n".join(paras), f"own:zh{d}"))
    return docs


def background(lang: str, n_docs: int, rng: random.Random) -> list[Carrier]:
    """Prose-like text of ``lang`` drawn from wordfreq's frequencies: common words, commas, full stops."""
    import wordfreq

    words = wordfreq.top_n_list(lang, 6000)
    weights = [1.0 / (rank + 10) for rank in range(len(words))]  # Zipf: no tokenizer needed
    docs = []
    for d in range(n_docs):
        paras = []
        for _ in range(rng.randint(3, 6)):
            sents = []
            for _ in range(rng.randint(2, 5)):
                clause = ["".join(rng.choices(words, weights, k=rng.randint(4, 9))) for _ in range(rng.randint(1, 3))]
                sents.append("，".join(clause) + "。")
            paras.append("".join(sents))
        docs.append(Carrier("\n\n".join(paras), f"bg:{lang}{d}"))
    return docs


def inject(carrier: str, item: str, place: str, rng: random.Random) -> tuple[str, int, int]:
    """``carrier`` with ``item`` put at ``place``; returns the text and the item's span."""
    paras = [i for i, c in enumerate(carrier) if c == "\n" and i + 1 < len(carrier) and carrier[i + 1] != "\n"]
    stops = [i + 1 for i, c in enumerate(carrier) if c in ".。!?" and i + 1 < len(carrier) and carrier[i + 1] == " "]
    spaces = [i for i, c in enumerate(carrier) if c == " "]
    if place == "doc_start":
        return _put(carrier, 0, item, "", "\n")
    if place == "doc_end":
        return _put(carrier, len(carrier.rstrip()), item, "\n", "")
    if place == "own_line" and paras:
        return _put(carrier, rng.choice(paras) + 1, item, "", "\n")
    if place == "para_start" and paras:
        return _put(carrier, rng.choice(paras) + 1, item, "", " ")
    if place == "para_start_glued" and paras:
        return _put(carrier, rng.choice(paras) + 1, item, "", "")
    if place == "between_sentences" and stops:
        return _put(carrier, rng.choice(stops) + 1, item, "", " ")
    if place == "line_end" and paras:
        return _put(carrier, rng.choice(paras), item, " ", "")
    if place == "mid_sentence" and spaces:
        return _put(carrier, rng.choice(spaces) + 1, item, "", " ")
    return _put(carrier, len(carrier.rstrip()), item, "\n", "")


def _put(text: str, at: int, item: str, before: str, after: str) -> tuple[str, int, int]:
    start = at + len(before)
    return text[:at] + before + item + after + text[at:], start, start + len(item)


@dataclass
class Sample:
    feats: set[str]
    label: int
    group: str  # the item's group (spam/legit) or the carrier's group for plain segments
    lang: str


def labelled(text: str, gold: tuple[int, int] | None, item: Item | None, carrier: Carrier) -> list[Sample]:
    """Candidates of ``text`` with labels: inside the injected spam → 1; outside any injection → 0;
    straddling it → left out (neither a clean positive nor a clean negative)."""
    script = main_script(script_counts(text))
    ctx = DocContext.of(text, script)
    out = []
    for cand in candidates(text, script):
        label, group, lang = 0, carrier.group, ""
        if gold is not None and item is not None:
            inside = max(0, min(cand.end, gold[1]) - max(cand.start, gold[0]))
            if not inside:
                continue  # the carrier's own segments are counted once, without the injection
            if inside:
                if item.label == 0:
                    label, group, lang = 0, item.group, item.lang
                elif inside >= 0.8 * (cand.end - cand.start) and inside >= 0.3 * (gold[1] - gold[0]):
                    label, group, lang = 1, item.group, item.lang
                else:
                    continue
        out.append(Sample(features(ctx, cand, RES), label, group, lang))
    return out


_PIECE_CUT = re.compile(r"[【】\[\]（）()〖〗，,。！!？?~|｜:：\s-]+")


def pieces(item: Item) -> list[Item]:
    """Short pieces of a dense-script ad (its first clause, 4 to 14 characters): the bare
    ``city + venue`` strings that get injected are pieces of the same campaigns."""
    if item.label != 1 or not re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]", item.text):
        return []
    for piece in _PIECE_CUT.split(item.text):
        if 4 <= len(piece) <= 14 and re.search(r"[\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]{3}", piece):
            return [Item(piece, item.group, 1, item.lang, item.category)]
    return []


def build(items: list[Item], carriers: list[Carrier], seed: int) -> list[Sample]:
    rng = random.Random(seed)
    latin = [c for c in carriers if c.group.startswith("doc:")]
    samples: list[Sample] = []
    for c in carriers:  # every plain segment of every carrier: negatives
        samples.extend(labelled(c.text, None, None, c))
    bg = [c for c in carriers if c.group.startswith(("bg:zh", "own:zh"))]
    items = items + [p for item in items for p in pieces(item)]
    for k, item in enumerate(items):
        for rep in range(2):
            cjk_item = any("\u4e00" <= ch <= "\u9fff" for ch in item.text) and item.lang in ("zh", "ja")
            pool = bg if cjk_item and item.label == 1 and rep == 1 and bg else latin
            carrier = pool[rng.randrange(len(pool))]
            place = PLACES[(k + rep * 3) % len(PLACES)]
            text, s, e = inject(carrier.text, item.text, place, rng)
            samples.extend(labelled(text, (s, e), item, carrier))
    return samples


def vocabulary(samples: list[Sample]) -> set[str]:
    """Features kept: structural ones always; n-grams seen in ≥ 2 groups of the class they occur in."""
    groups: dict[tuple[str, int], set[str]] = defaultdict(set)
    for s in samples:
        for f in s.feats:
            groups[(f, s.label)].add(s.group)
    keep = set()
    for (f, _label), gs in groups.items():
        if not f.startswith(NGRAM_PREFIXES) or len(gs) >= 2:
            keep.add(f)
    return keep


def fit(samples: list[Sample], c: float = 0.5) -> tuple[dict[str, float], float]:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocab = sorted(vocabulary(samples))
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = [], []
    for r, s in enumerate(samples):
        for f in sorted(s.feats):
            if f in index:
                rows.append(r)
                cols.append(index[f])
    x = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(samples), len(vocab)))
    y = [s.label for s in samples]
    pos = sum(y)
    weight = {0: 1.0, 1: max(1.0, (len(y) - pos) / max(pos, 1) / 8)}
    # precision first: a legit sentence with CJK or an LLM leftover counts five times a plain segment
    sample_weight = [5.0 if s.group.startswith(("legit:", "artifact:", "own:")) and not s.label else 1.0
                     for s in samples]
    model = LogisticRegression(C=c, solver="liblinear", class_weight=weight, max_iter=1000, random_state=0)
    model.fit(x, y, sample_weight=sample_weight)
    weights = {f: round(float(w), 4) for f, w in zip(vocab, model.coef_[0], strict=True) if abs(w) >= 0.005}
    return weights, round(float(model.intercept_[0]), 4)


def write_weights(path: Path, weights: dict[str, float], bias: float, note: str) -> None:
    lines = [f"# {WEIGHTS_FORMAT}", "# written by train/train_spam.py; retrain instead of editing",
             f"# {note}", f"bias\t{bias:.4f}"]
    lines += [f"{f}\t{w:.4f}" for f, w in sorted(weights.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def train(items: list[Item], carriers: list[Carrier], holdout: set[str], seed: int) -> tuple[dict[str, float], float]:
    items = [i for i in items if i.group not in holdout]
    carriers = [c for c in carriers if c.group not in holdout]
    return fit(build(items, carriers, seed))


def cross_validate(items: list[Item], carriers: list[Carrier], k: int, seed: int, threshold: float) -> None:
    """Grouped K-fold: spam repositories, legit sites and carrier documents never straddle folds."""
    import math

    def fold_of(group: str) -> int:
        return int(hashlib.sha1(group.encode()).hexdigest(), 16) % k

    stats: dict[str, Counter[str]] = defaultdict(Counter)
    for f in range(k):
        held = {i.group for i in items if fold_of(i.group) == f} | {c.group for c in carriers if fold_of(c.group) == f}
        weights, bias = train(items, carriers, held, seed)
        test = build([i for i in items if i.group in held], [c for c in carriers if c.group in held], seed + 1)
        for s in test:
            p = 1 / (1 + math.exp(-(bias + sum(weights.get(x, 0.0) for x in s.feats))))
            key = s.lang or "carrier" if s.label or s.group.startswith("legit:") else "carrier"
            hit = p >= threshold
            if s.label:
                stats[key]["pos"] += 1
                stats[key]["tp"] += hit
                stats["ALL"]["pos"] += 1
                stats["ALL"]["tp"] += hit
            else:
                bucket = "legit" if s.group.startswith("legit:") else "carrier"
                stats[bucket]["neg"] += 1
                stats[bucket]["fp"] += hit
                stats["ALL"]["neg"] += 1
                stats["ALL"]["fp"] += hit
        print(f"fold {f + 1}/{k} done", file=sys.stderr)
    print("segment-level grouped CV (candidates inside an injection / outside any)")
    print(f"{'group':10} {'pos':>6} {'recall':>7} {'neg':>8} {'fp':>6}")
    for key in sorted(stats):
        st = stats[key]
        rec = st["tp"] / st["pos"] if st["pos"] else float("nan")
        print(f"{key:10} {st['pos']:6} {rec:7.3f} {st['neg']:8} {st['fp']:6}")
    a = stats["ALL"]
    print(f"precision (segments) {a['tp'] / max(a['tp'] + a['fp'], 1):.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / DEFAULT_OUT, help="weights file to write (default: %(default)s)")
    ap.add_argument("--holdout", type=Path, help="file of group keys to leave out of training, one per line")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default: %(default)s)")
    ap.add_argument("--items", type=Path,
                    help="a JSONL file of own items (text, label, group, lang) instead of the pool")
    ap.add_argument("--carriers", type=Path, help="a folder of .txt carrier articles instead of the shared ones")
    ap.add_argument("--cv", type=int, help="print grouped K-fold cross-validation figures instead of writing")
    ap.add_argument("--threshold", type=float, default=0.9, help="probability for spam in --cv (default: %(default)s)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N carriers (0: all)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--print-default-out", action="store_true", help="print the shipped weights path and exit")
    args = ap.parse_args(argv)
    if args.print_default_out:
        print(DEFAULT_OUT)
        return 0
    global RES
    RES = rule_resources()
    if args.items:
        items = [Item(d["text"], d["group"], int(d["label"]), d.get("lang", ""))
                 for d in map(json.loads, args.items.read_text(encoding="utf-8").splitlines()) if d]
    else:
        items = load_items(args.shared)
    if args.carriers:
        carriers = [Carrier(p.read_text(encoding="utf-8"), f"doc:{p.stem}")
                    for p in sorted(args.carriers.glob("*.txt"))]
    else:
        carriers = load_carriers(args.shared, args.limit)
        rng = random.Random(args.seed)
        for lang in ("zh", "ja", "ko"):
            carriers += background(lang, 30 if lang == "zh" else 10, rng)
        carriers += own_chinese(rng)
    holdout = set()
    if args.holdout:
        holdout = {x.strip() for x in args.holdout.read_text(encoding="utf-8").splitlines() if x.strip()}
    if args.cv:
        cross_validate(items, carriers, args.cv, args.seed, args.threshold)
        return 0
    weights, bias = train(items, carriers, holdout, args.seed)
    digest = hashlib.sha256("\n".join(sorted(holdout)).encode()).hexdigest()[:12]
    write_weights(args.out, weights, bias, f"items {len(items)}, carriers {len(carriers)}, held out {len(holdout)} "
                  f"groups (sha256 {digest}), seed {args.seed}")
    print(f"wrote {args.out} ({len(weights)} weights)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
