"""Fit the leftover scorer (``rules/artifact/llm_leftover.weights.tsv``) on real leftovers.

    .venv/bin/python train/train_artifacts.py [--out PATH] [--holdout FILE] [--cv K] [--check]
    .venv/bin/python train/train_artifacts.py --print-default-out

Data (read from ``../shared``, never copied into the repo):

* positives: the sentences of ``real-world/artifacts.jsonl`` whose category is a sentence of the
  tool's own voice (preambles, closings, offers, agent reports, chat leaks, knowledge-cutoff hedges,
  reasoning and outline leftovers). Each item is placed in its ``context`` (the
  lines around it, ``…`` where cut), so its place in the document is what it really was. Inline
  tokens (citation markers, link parameters, copy buttons, glosses, bracketed notes) and
  ``Source: chat with …`` lines are structure and are left to the pattern rules.
* negatives: every sentence of the news articles in ``corpus/articles`` and of the reviewed main
  text of ``web-eval/truth``.

Group keys (``--holdout FILE``, one per line, ``#`` comments): ``artifact:<repo or site>`` for an item
(its GitHub ``owner/name``, a site's host, or for a file known only by its code index id that id:
``artifact:<id>``, also spelled ``artifact:code:<id>``), ``doc:<id>`` for a corpus article (file name
without ``.txt``) or a web-eval page (``0003``, also ``web-eval:0003``). Items and documents of a
held-out group are not read.

Model: scikit-learn's ``LogisticRegression`` (L2, liblinear, balanced classes) over binary features of
``cleaner.detectors.leftover.features``. Only features seen in the positives of at least two sources
enter the vocabulary (plus the shape and position features), so one source's topic words are never
learned. The threshold is chosen on out-of-fold scores of a grouped K-fold inside the training data:
the lowest at which the negatives lose at most ``MAX_OOF_FP`` sentences, and above every training
negative's score under the final fit. Same data → same file.

``--cv K``: leave-source-out cross-validation of the whole procedure (each fold refits, threshold
included, without the fold's sources and documents): every pool item of a fold is injected where it
really stood into a corpus article of the fold and cleaned by the whole pipeline; recall per category
and language, precision per rule. ``--scorer-only``: the scorer's sentences alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import tomllib  # noqa: E402

from cleaner.detectors.leftover import OPENING_CLASSES, can_fire, compile_cues, units  # noqa: E402

SHARED = ROOT.parent / "shared"
POOL = SHARED / "real-world" / "artifacts.jsonl"
CORPUS = SHARED / "corpus" / "articles"
WEB_EVAL = SHARED / "web-eval" / "truth"
RULE = ROOT / "rules" / "artifact" / "llm_leftover.toml"
OWN = ROOT / "train" / "data" / "leftovers_own.tsv"  # leftovers written for this project, one source each
WRITER = ROOT / "train" / "data" / "writer_own.tsv"  # the writer's own voice, written for this project
OUT = RULE.parent / tomllib.loads(RULE.read_text(encoding="utf-8"))["params"]["weights"]
CUES = compile_cues(tomllib.loads(RULE.read_text(encoding="utf-8"))["params"].get("cues", {}))
# negatives are also taken from the lines that open in the first person (`I`, `my`, `我`): the detector
# does not score them all, but they teach the model the writer's own first-person voice
NEG_CUES = compile_cues(tomllib.loads(RULE.read_text(encoding="utf-8"))["params"].get("cues", {}),
                        (*OPENING_CLASSES, "me"))
# the tool's own sentences; the other categories are inline structure, left to the pattern rules
SENTENCE_CATEGORIES = frozenset({
    "preamble", "translation-preamble", "closing", "closing-offer", "agent-leftover", "chat-leak",
    "knowledge-cutoff", "reasoning-leak", "outline-leftover"})
TAIL_HOST = "The last step installs the package. "  # the content's line an own `tail` leftover is glued to
MIN_DOCS = 20  # a feature of this many negative documents enters too (evidence against)
MIN_SOURCES = 2  # a feature enters the vocabulary when positives of this many sources have it
MAX_OOF_FP = int(os.environ.get("LO_FP", "5"))
HARD = float(os.environ.get("LO_HARD", "20"))  # weight of a real sentence the previous fit scored too high
MARGIN = float(os.environ.get("LO_MARGIN", "0.5"))  # how far below the threshold a real sentence counts as hard
MINING_ROUNDS = int(os.environ.get("LO_ROUNDS", "3"))  # negatives' sentences the threshold may lose out of fold
C = float(os.environ.get("LO_C", "0.1"))
FOLDS = 5
CUT = ("…", "...")
_EDGE_START = re.compile(r"^\s*\((?:start|beginning|top) of [^)\n]{1,30}\)[ \t]*")
_EDGE_END = re.compile(r"[ \t]*\((?:end|bottom) of [^)\n]{1,30}\)\s*$")


@dataclass
class Sample:
    group: str  # the canonical group key
    aliases: frozenset[str]  # every spelling of the group a holdout file may use
    feats: list[list[str]]  # per sentence
    labels: list[int]
    category: str = ""
    lang: str = ""
    text: str = ""
    keys: list[str] = field(default_factory=list)


def item_aliases(r: dict) -> tuple[str, frozenset[str]]:
    names: set[str] = set()
    url = r.get("url") or ""
    if url:
        u = urlparse(url)
        parts = [p for p in u.path.split("/") if p]
        if u.netloc.endswith("github.com") and len(parts) >= 2:
            names.add(f"{parts[0]}/{parts[1]}")
        names.add(u.netloc)
        names.add(url)
    if r.get("code_index_id") is not None:
        cid = str(r["code_index_id"])
        names |= {cid, "code:" + cid, "code_index_id:" + cid}
    source = r.get("source") or ""
    if source:
        names.add(source)
    canonical = sorted(names, key=lambda n: (not ("/" in n and "://" not in n and " " not in n),
                                             not n.isdigit(), n))[0] if names else "unknown"
    return "artifact:" + canonical, frozenset("artifact:" + n for n in names)


def _place(context: str, text: str) -> tuple[str, int, int]:
    """The item inside its context (cut ends marked by a line of their own), or alone between cuts."""
    # the pool marks a document's edge in words: "(start of file) Sure! …", "… (end of README)"
    ctx = _EDGE_START.sub("", context, count=1)
    ctx = _EDGE_END.sub("", ctx, count=1)
    if ctx.lstrip().startswith(CUT):
        ctx = "…\n" + ctx
    if ctx.rstrip().endswith(CUT):
        ctx = ctx + "\n…"
    i = ctx.find(text)
    if i < 0:
        ctx = "…\n" + text + "\n…"
        i = 2
    return ctx, i, i + len(text)


def positives(rows: Iterable[dict]) -> list[Sample]:
    out = []
    for r in rows:
        if r["category"] not in SENTENCE_CATEGORIES:
            continue
        ctx, a, b = _place(r.get("context") or "", r["text"])
        feats, labels = [], []
        for u in units(ctx, CUES):
            if not u.feats:
                continue
            inside = max(0, min(b, u.end) - max(a, u.start))
            if inside >= 0.5 * (u.end - u.start):
                feats.append(u.feats)
                labels.append(1)
        if not feats:
            continue
        group, aliases = item_aliases(r)
        out.append(Sample(group, aliases, feats, labels, r["category"], r["lang"], r["text"]))
    return out


def own_positives(path: Path = OWN, label: int = 1) -> list[Sample]:
    """The project's own leftover sentences, each placed as its line says (``start``: the document's
    first line, ``end``: its last, ``line``: a line of its own in the body, ``tail``: glued after the
    last sentence of the document's last line, as a reply's closing follows its content) and counted as a source of
    its own: they add the structure of the tool's voice in every language, not the pool's wording.
    With ``label`` 0, the project's own negatives (a column or a shop talking to its readers)."""
    if not path.exists() or os.environ.get("LO_OWN") == "0":
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        place, text = line.split("\t", 1)
        ctx = {"start": text + "\n\n…", "end": "…\n\n" + text,
               "tail": "…\n\n" + TAIL_HOST + text}.get(place, "…\n\n" + text + "\n\n…")
        feats = [u.feats for u in units(ctx, CUES if label else NEG_CUES) if u.feats
                 and u.start < ctx.find(text) + len(text) and u.end > ctx.find(text)]
        if feats:
            key = f"own:{path.stem}:{n}"
            out.append(Sample(key, frozenset({key}), feats, [label] * len(feats), "own-" + place, "own", text))
    return out


def negative_docs() -> list[tuple[str, frozenset[str], str]]:
    docs = []
    for p in sorted(CORPUS.glob("*.txt")):
        docs.append(("doc:" + p.stem, frozenset({"doc:" + p.stem, "doc:" + p.name, "doc:corpus:" + p.stem}),
                     p.read_text(encoding="utf-8")))
    for p in sorted(WEB_EVAL.glob("*.json")):
        page = p.stem
        text = json.loads(p.read_text(encoding="utf-8")).get("main_content") or ""
        docs.append(("doc:" + page, frozenset({"doc:" + page, "doc:web-eval:" + page, "doc:web-eval/" + page}), text))
    return docs


def negatives(docs: list[tuple[str, frozenset[str], str]]) -> list[Sample]:
    out = []
    for group, aliases, text in docs:
        feats = [u.feats for u in units(text, NEG_CUES) if u.feats]
        if feats:
            out.append(Sample(group, aliases, feats, [0] * len(feats)))
    return out


def fold_of(group: str, k: int) -> int:
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % k


# ---------------------------------------------------------------------------------------------- model

def vocabulary(pos: list[Sample], neg: list[Sample]) -> list[str]:
    """Features of the positives of ``MIN_SOURCES`` sources, of ``MIN_DOCS`` negative documents (the
    evidence against), and every shape and position feature."""
    sources: dict[str, set[str]] = defaultdict(set)
    for s in pos:
        for f in {f for fs in s.feats for f in fs}:
            sources[f].add(s.group)
    docs: Counter[str] = Counter()
    for s in neg:
        docs.update({f for fs in s.feats for f in fs})
    return sorted({f for f, g in sources.items() if len(g) >= MIN_SOURCES or f[:2] in ("s:", "p:", "x:")
                   or f.startswith("len:")} | {f for f, n in docs.items() if n >= MIN_DOCS})


def fit(pos: list[Sample], neg: list[Sample], hard: frozenset[tuple[int, int]] = frozenset()
        ) -> tuple[dict[str, float], float]:
    """Logistic regression over the vocabulary; ``hard``: ``(negative sample, sentence)`` pairs weighed
    ``HARD`` times (real sentences the previous fit scored as leftovers)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocab = vocabulary(pos, neg)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols, y, sw = [], [], [], []
    n = 0
    for k, s in enumerate([*pos, *neg]):
        for i, (fs, label) in enumerate(zip(s.feats, s.labels, strict=True)):
            for j in sorted({index[f] for f in fs if f in index}):
                rows.append(n)
                cols.append(j)
            y.append(label)
            sw.append(HARD if (k - len(pos), i) in hard else 1.0)
            n += 1
    x = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(n, len(vocab)))
    model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)
    model.fit(x, y, sample_weight=sw)
    weights = {f: round(float(w), 4) for f, w in zip(vocab, model.coef_[0], strict=True) if abs(w) >= 5e-4}
    return weights, round(float(model.intercept_[0]), 4)


def score(weights: dict[str, float], bias: float, feats: list[str]) -> float:
    return bias + sum(weights.get(f, 0.0) for f in feats)


def oof_scores(pos: list[Sample], neg: list[Sample], k: int) -> tuple[list[float], list[float]]:
    """Out-of-fold scores: per positive item its best sentence, per negative sentence its score."""
    item_best, neg_scores = [], []
    for fold in range(k):
        tr_p = [s for s in pos if fold_of(s.group, k) != fold]
        tr_n = [s for s in neg if fold_of(s.group, k) != fold]
        weights, bias = fit(tr_p, tr_n)
        for s in pos:
            if fold_of(s.group, k) == fold:
                item_best.append(max(score(weights, bias, f) for f in s.feats))
        for s in neg:
            if fold_of(s.group, k) == fold and not s.group.startswith("own:"):
                neg_scores += [score(weights, bias, f) for f in s.feats if can_fire(f)]
    return item_best, neg_scores


def choose_threshold(neg_scores: list[float]) -> float:
    top = sorted(neg_scores, reverse=True)
    worst = top[MAX_OOF_FP] if len(top) > MAX_OOF_FP else -10.0
    return round(max(worst + 0.05, 0.0), 4)


def train(pos: list[Sample], neg: list[Sample]) -> tuple[dict[str, float], float, float]:
    pos = [*pos, *own_positives()]
    neg = [*neg, *own_positives(WRITER, 0)]
    _, neg_scores = oof_scores(pos, neg, FOLDS)
    weights, bias = fit(pos, neg)
    # real sentences the fit scores near the out-of-fold threshold weigh more in a refit (hard negatives)
    bar = choose_threshold(neg_scores) - MARGIN
    hard: set[tuple[int, int]] = set()
    for _ in range(MINING_ROUNDS):
        more = {(k, i) for k, s in enumerate(neg) for i, f in enumerate(s.feats)
                if can_fire(f) and score(weights, bias, f) >= bar} - hard
        if not more:
            break
        hard |= more
        weights, bias = fit(pos, neg, frozenset(hard))
    # and no sentence of the training negatives is lost by the shipped model either
    # (the project's own negatives shape the weights but do not set the threshold: they are written to
    # sit close to the tool's voice)
    seen = max((score(weights, bias, f) for s in neg if not s.group.startswith("own:")
                for f in s.feats if can_fire(f)), default=-10.0)
    threshold = max(choose_threshold(neg_scores), round(seen + 0.05, 4))
    return weights, bias, threshold


def write(path: Path, weights: dict[str, float], bias: float, threshold: float, note: str) -> None:
    lines = [
        "# leftover scorer weights: written by train/train_artifacts.py, do not edit by hand",
        f"# {note}",
        f"@bias\t{bias}",
        f"@threshold\t{threshold}",
        *(f"{f}\t{w}" for f, w in sorted(weights.items())),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------------ CV

def cross_validate(pos: list[Sample], neg: list[Sample], k: int) -> dict:
    caught: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    tp_sent = fp_sent = 0
    lost: list[str] = []
    for fold in range(k):
        tr_p = [s for s in pos if fold_of(s.group, k) != fold]
        tr_n = [s for s in neg if fold_of(s.group, k) != fold]
        weights, bias, threshold = train(tr_p, tr_n)
        for s in pos:
            if fold_of(s.group, k) != fold:
                continue
            hits = [score(weights, bias, f) >= threshold for f in s.feats]
            tp_sent += sum(hits)
            for key in (("category", s.category), ("lang", s.lang), ("all", "all")):
                caught[key][0] += any(hits)
                caught[key][1] += 1
        for s in neg:
            if fold_of(s.group, k) != fold:
                continue
            for f in s.feats:
                if score(weights, bias, f) >= threshold:
                    fp_sent += 1
                    lost.append(s.group)
        print(f"fold {fold}: threshold {threshold}", file=sys.stderr)
    return {"recall": {f"{a}:{b}": v for (a, b), v in sorted(caught.items())},
            "sentences": {"true": tp_sent, "false": fp_sent,
                          "precision": round(tp_sent / max(1, tp_sent + fp_sent), 4)},
            "lost_in": Counter(lost).most_common(10)}


def _position(r: dict) -> str:
    """Where the item stood: ``start`` or ``end`` of its document (its context not cut there and no
    other line before or after it), else ``middle``."""
    ctx = r.get("context") or ""
    i = ctx.find(r["text"])
    if i < 0:
        return "middle"
    before, after = ctx[:i], ctx[i + len(r["text"]):]
    if not before.strip():
        return "start"
    if not after.strip():
        return "end"
    return "middle"


def inject(carrier: str, item: str, where: str) -> tuple[str, int, int]:
    """``carrier`` with ``item`` as a paragraph of its own at ``where``; the item's offsets."""
    paras = [p for p in carrier.strip().split("\n\n") if p.strip()]
    k = {"start": 0, "end": len(paras)}.get(where, len(paras) // 2)
    head = "\n\n".join(paras[:k])
    head = head + "\n\n" if head else ""
    tail = "\n\n".join(paras[k:])
    text = head + item + ("\n\n" + tail if tail else "") + "\n"
    return text, len(head), len(head) + len(item)


def cross_validate_pipeline(rows: list[dict], pos: list[Sample], neg: list[Sample],
                            docs: list[tuple[str, frozenset[str], str]], k: int) -> dict:
    """Leave-source-out, end to end: per fold, the scorer is refitted without the fold's sources and
    documents, every pool item of the fold is injected (at the place it really stood) into a corpus
    article of the fold, and the whole default pipeline (pattern rules included) cleans it. Recall:
    items with an artifact finding on them; precision: artifact findings on an item / all of them."""
    import shutil
    import tempfile

    from cleaner import Pipeline

    texts = {g: t for g, _, t in docs}
    carriers_all = sorted(g for g, _, _ in docs if not g[4:].isdigit())  # corpus articles, not web-eval pages
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    findings: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # rule -> [on an item, all]
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        for fold in range(k):
            weights, bias, threshold = train([s for s in pos if fold_of(s.group, k) != fold],
                                             [s for s in neg if fold_of(s.group, k) != fold])
            write(rules / OUT.relative_to(ROOT / "rules"), weights, bias, threshold, f"fold {fold}")
            pipeline = Pipeline.from_rules(rules, bundled=False)
            carriers = [g for g in carriers_all if fold_of(g, k) == fold] or carriers_all
            for r in rows:
                group, _ = item_aliases(r)
                if fold_of(group, k) != fold:
                    continue
                carrier = texts[carriers[int(hashlib.sha1(r["text"].encode()).hexdigest(), 16) % len(carriers)]]
                text, a, b = inject(carrier, r["text"], _position(r))
                spans = [x for x in pipeline.clean(text).spans if x.kind == "artifact"]
                hit = any(x.start < b and x.end > a for x in spans)
                for key in ("all", "category:" + r["category"], "lang:" + r["lang"]):
                    caught[key][0] += hit
                    caught[key][1] += 1
                if not hit:
                    missed.append(f"{r['category']} {r['lang']}: {r['text'][:70]}")
                for x in spans:
                    on = x.start < b and x.end > a
                    for key in ("all", x.rule):
                        findings[key][0] += on
                        findings[key][1] += 1
            print(f"fold {fold}: threshold {threshold}", file=sys.stderr)
    return {"recall": {key: f"{v[0]}/{v[1]} = {v[0] / v[1]:.3f}" for key, v in sorted(caught.items())},
            "precision": {key: f"{v[0]}/{v[1]} = {v[0] / max(1, v[1]):.3f}" for key, v in sorted(findings.items())},
            "missed": sorted(missed)}


def read_holdout(path: str | None) -> set[str]:
    if not path:
        return set()
    keys = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keys.add(line)
    return keys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(OUT), help="where to write the weights (default: the shipped file)")
    ap.add_argument("--holdout", help="a file of group keys to leave out, one per line")
    ap.add_argument("--print-default-out", action="store_true", help="print the shipped file's path and exit")
    ap.add_argument("--cv", type=int, default=0, help="report leave-source-out cross-validation with K folds")
    ap.add_argument("--scorer-only", action="store_true",
                    help="with --cv: the scorer's sentences only, not the pipeline")
    ap.add_argument("--check", action="store_true", help="fail when refitting changes the shipped file")
    args = ap.parse_args(argv)
    if args.print_default_out:
        print(OUT)
        return 0
    if not POOL.exists():
        print(f"train_artifacts: {POOL} is missing", file=sys.stderr)
        return 2
    holdout = read_holdout(args.holdout)
    rows = [json.loads(line) for line in POOL.read_text(encoding="utf-8").splitlines() if line.strip()]
    pos = [s for s in positives(rows) if not (s.aliases & holdout)]
    neg = [s for s in negatives(negative_docs()) if not (s.aliases & holdout)]
    if args.cv:
        docs = [d for d in negative_docs() if not (d[1] & holdout)]
        rows = [r for r in rows if not (item_aliases(r)[1] & holdout)]
        report = (cross_validate(pos, neg, args.cv) if args.scorer_only
                  else cross_validate_pipeline(rows, pos, neg, docs, args.cv))
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    weights, bias, threshold = train(pos, neg)
    note = (f"{len(pos)} leftover items ({len({s.group for s in pos})} sources), "
            f"{sum(len(s.feats) for s in neg)} sentences of {len(neg)} documents; "
            f"{len(holdout)} holdout keys; {len(weights)} features")
    out = Path(args.out)
    if args.check:
        tmp = out.with_suffix(".check")
        write(tmp, weights, bias, threshold, note)
        same = _same_fit(tmp.read_text(encoding="utf-8"), out.read_text(encoding="utf-8"))
        tmp.unlink()
        print("up to date" if same else f"{out} differs from a refit: run train/train_artifacts.py")
        return 0 if same else 1
    write(out, weights, bias, threshold, note)
    print(f"wrote {out}: {note}; threshold {threshold}", file=sys.stderr)
    return 0


def _same_fit(refit: str, shipped: str, tol: float = 0.001) -> bool:
    """Whether two weight files are the same fit: every value within ``tol`` (a feature missing from one
    counts as 0). The solver's last printed digit moves with numpy/scipy/scikit-learn releases, which a clean
    install takes new, and a weight near the 5e-4 cut may then be written or not; a stale file differs by more."""
    def values(text: str) -> dict[str, float]:
        rows = (line.rpartition("\t") for line in text.splitlines() if line and not line.startswith("#"))
        return {name: float(value) for name, _, value in rows}
    a, b = values(refit), values(shipped)
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) <= tol for k in a.keys() | b.keys())


if __name__ == "__main__":
    sys.exit(main())
