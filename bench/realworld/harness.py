"""Run a real-world evaluation: build the documents, clean them fold by fold, score, report."""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from cleaner import Document, Pipeline

from .cases import (
    CarrierPicker,
    Case,
    artifact_cases,
    evasive_cases,
    legit_cases,
    spam_cases,
    untouched_cases,
)
from .pools import ROOT, SHARED, load_artifacts, load_carriers, load_legit, load_spam, stable_hash, tag_languages
from .train import Trainer

REMOVABLE = ("spam", "artifact", "encoding")
EDITING = ("remove", "replace")
_SENT = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|$)", re.M)
# no time budgets: a rule cut short on a busy machine would change the figures from run to run
NO_BUDGET = {"rule_timeout": 0, "doc_timeout": 0}
SPEECH_GROUP = "doc:attributed_speech"
ATTRIBUTED = ROOT / "tests" / "data" / "attributed_speech.txt"


def load_scorer(dev: Path):
    """dev-eval's own score.py, imported from ../shared (its ``score`` and ``finds`` are the yardstick)."""
    spec = importlib.util.spec_from_file_location("dev_eval_score", dev / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {dev / 'score.py'}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def args_parser(kind: str, doc: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder (../shared)")
    ap.add_argument("--folds", type=int, default=5, help="K of the grouped K-fold (default 5)")
    ap.add_argument(
        "--limit",
        type=int,
        default=0,
        help="quick mode: this many items of each pool (a fixed hash order) and 4x as many untouched texts",
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--no-train", action="store_true", help=f"evaluate the bundled rules even when train/train_{kind}.py exists"
    )
    ap.add_argument("--json", help="write every figure here")
    ap.add_argument("--save-pred", help="write the documents' gold and predictions here (JSONL; for looking at misses)")
    return ap


def _limit(items: list, n: int, key: Callable) -> list:
    return sorted(items, key=lambda x: stable_hash("limit", key(x)))[:n] if n else items


# -- cleaning ------------------------------------------------------------------------------------
def holdout_of(fold: int, cases: list[Case]) -> set[str]:
    """The groups a fold's model must not learn from: its items' sources and every carrier it is
    measured on; fold 0 also measures the attributed-speech sentences."""
    extra = {SPEECH_GROUP} if fold == 0 else set()
    return extra.union(*(c.groups for c in cases if c.fold == fold))


def clean(cases: list[Case], k: int, trainer: Trainer | None, jobs: int) -> tuple[dict[str, dict], Pipeline]:
    """Every case cleaned by its fold's pipeline (one shared pipeline without a trainer); also
    returns fold 0's pipeline, which never saw the attributed-speech set."""
    preds: dict[str, dict] = {}
    first: Pipeline | None = None
    plans = [(f, [c for c in cases if c.fold == f]) for f in range(k)] if trainer else [(0, cases)]
    for f, todo in plans:
        pipeline = trainer.pipeline(f, holdout_of(f, cases)) if trainer else Pipeline.from_rules(**NO_BUDGET)
        first = first or pipeline
        # a web page's address goes with its text, as the HTML reader gives it (rules spare the page's own site)
        docs = [Document(c.text, id=c.name, source=c.name, metadata=_url(c)) for c in todo]
        for r in pipeline.clean_many(docs, jobs=jobs, chunksize=8):
            d = r.to_dict()
            preds[r.document.id] = {
                "text": d["text"],
                "verdict": d["verdict"],
                "annotations": d["annotations"],
                "errors": d.get("errors", []),
            }
    assert first is not None
    return preds, first


def _url(c: Case) -> dict[str, str]:
    url = c.carrier.meta.get("url")
    return {"url": url} if url else {}


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _covered(spans: list[tuple[int, int]], s: int, e: int) -> int:
    return sum(max(0, min(e, b) - max(s, a)) for a, b in spans)


def _solid(text: str) -> int:
    """Characters that are not whitespace."""
    return len("".join(text.split()))


# -- scoring -------------------------------------------------------------------------------------
class Scorer:
    def __init__(self, dev: Path, cases: list[Case], preds: dict[str, dict]) -> None:
        self.mod = load_scorer(dev)
        self.preds = preds
        self.gold = {c.name: c.gold() for c in cases}
        self.texts = {c.name: c.text for c in cases}

    def prf(self, cases: list[Case], kind: str) -> dict:
        res = self.mod.score(
            [self.gold[c.name] for c in cases], {c.name: self.texts[c.name] for c in cases}, self.preds, {}
        )
        k = res["kinds"][kind]
        return {
            "items": len({c.item.id for c in cases if c.item}),
            "docs": len(cases),
            "gold": k["gold"],
            "found": k["found"],
            "recall": k["recall"],
            "pred": k["pred"],
            "true_pred": k["tp_pred"],
            "precision": k["precision"],
            "found_under_other_kind": k["found_under_other_kind"],
        }

    def found(self, c: Case, kind: str) -> bool:
        anns = [a for a in self.preds.get(c.name, {}).get("annotations", []) if a["kind"] == kind]
        return all(any(self.mod.finds(a, g) for a in anns) for g in c.spans)

    def rows(self, cases: list[Case], kind: str, key: Callable[[Case], str]) -> dict[str, dict]:
        by: dict[str, list[Case]] = defaultdict(list)
        for c in cases:
            by[key(c)].append(c)
        return {label: self.prf(cs, kind) for label, cs in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))}

    def coverage(self, cases: list[Case], kind: str) -> dict:
        """Of the found injections, how many lost >= 95 % of their characters; and the article's own
        (non-space) characters that edits removed."""
        found = whole = extra = article = 0
        for c in cases:
            anns = self.preds.get(c.name, {}).get("annotations", [])
            edits = _union([(a["start"], a["end"]) for a in anns if a.get("action") in EDITING])
            gold = _union([(g["start"], g["end"]) for g in c.spans])
            for g in c.spans:
                if any(a["kind"] == kind and self.mod.finds(a, g) for a in anns):
                    found += 1
                    whole += _covered(edits, g["start"], g["end"]) >= 0.95 * (g["end"] - g["start"])
            article += _solid(c.text) - sum(_solid(c.text[s:e]) for s, e in gold)
            for s, e in edits:  # the article's own characters inside an edit: the edit minus the gold spans
                extra += _solid(c.text[s:e]) - sum(
                    _solid(c.text[max(s, gs) : min(e, ge)]) for gs, ge in gold if gs < e and s < ge
                )
        return {
            "found": found,
            "whole": whole,
            "whole_share": whole / found if found else None,
            "article_chars_removed": extra,
            "article_chars": article,
            "article_chars_removed_per_10k": 1e4 * extra / article if article else None,
        }

    def legit(self, cases: list[Case]) -> dict:
        touched, rules = 0, Counter()
        for c in cases:
            anns = self.preds.get(c.name, {}).get("annotations", [])
            for ls in c.legit_spans:
                hit = [a for a in anns if a["kind"] in REMOVABLE and a["start"] < ls["end"] and ls["start"] < a["end"]]
                touched += bool(hit)
                rules.update(a["rule"] for a in hit)
        n = sum(len(c.legit_spans) for c in cases)
        return {"sentences": n, "touched": touched, "touched_share": touched / n if n else None, "rules": dict(rules)}

    def untouched(self, cases: list[Case], kind: str) -> dict[str, dict]:
        """Per source: words, the kind's findings per 10k words with their rules, and the sentences
        an edit of the kind cuts into."""
        out: dict[str, dict] = {}
        by: dict[str, list[Case]] = defaultdict(list)
        for c in cases:
            by[c.labels["source"]].append(c)
        for src, cs in sorted(by.items()):
            w = sum(self.gold[c.name]["words"] for c in cs)
            rules, lost, sents = Counter(), 0, 0
            for c in cs:
                anns = [a for a in self.preds.get(c.name, {}).get("annotations", []) if a["kind"] == kind]
                rules.update(a["rule"] for a in anns)
                cuts = [(a["start"], a["end"]) for a in anns if a.get("action") in EDITING]
                for m in _SENT.finditer(c.text):
                    if m.group().strip():
                        sents += 1
                        lost += any(s < m.end() and m.start() < e for s, e in cuts)
            n = sum(rules.values())
            out[src] = {
                "docs": len(cs),
                "words": w,
                "findings": n,
                "per_10k_words": 1e4 * n / w if w else None,
                "sentences": sents,
                "sentences_cut": lost,
                "rules": dict(rules.most_common()),
            }
        return out


def attributed_speech(pipeline: Pipeline, jobs: int) -> dict | None:
    """tests/data/attributed_speech.txt (one sentence a line, # comments): the lines any edit touches."""
    if not ATTRIBUTED.is_file():
        return None
    lines = [ln for ln in ATTRIBUTED.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    rules, touched = Counter(), 0
    for r in pipeline.clean_many(lines, jobs=jobs):
        hit = [s for s in r.spans if s.kind in REMOVABLE and s.edits]
        touched += bool(hit)
        rules.update(s.rule for s in hit)
    return {"sentences": len(lines), "touched": touched, "rules": dict(rules)}


# -- the run ---------------------------------------------------------------------------------------
def build(kind: str, shared: Path, k: int, limit: int) -> list[Case]:
    rw = shared / "real-world"
    carriers = tag_languages(load_carriers(shared))
    picker = CarrierPicker(carriers, k)
    legit = _limit(load_legit(rw), limit, lambda i: i.id)
    if kind == "spam":
        items = _limit(load_spam(rw), limit, lambda i: i.id)
        out = spam_cases(items, picker, k) + evasive_cases(items, picker, k)
    else:
        items = _limit(load_artifacts(rw), limit, lambda i: i.id)
        out = artifact_cases(items, picker, k)
    untouched = [c for c in carriers if c.meta.get("source") in ("corpus", "web-eval", "dev-eval")]
    return out + legit_cases(legit, picker, k) + untouched_cases(_limit(untouched, 4 * limit, lambda c: c.key), k)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def evaluate(kind: str, a: argparse.Namespace) -> dict:
    shared = Path(a.shared)
    if not (shared / "real-world").is_dir():
        raise SystemExit(f"no real-world pools at {shared / 'real-world'}")
    t0 = time.perf_counter()
    cases = build(kind, shared, a.folds, a.limit)
    trainer = None if a.no_train else Trainer.find("spam" if kind == "spam" else "artifacts")
    t1 = time.perf_counter()
    try:
        preds, fold0 = clean(cases, a.folds, trainer, a.jobs)
        speech = attributed_speech(fold0, a.jobs)
    finally:
        if trainer:
            trainer.close()
    t2 = time.perf_counter()
    sc = Scorer(shared / "dev-eval", cases, preds)
    pool = [c for c in cases if c.set == "pool"]
    ev = [c for c in cases if c.set == "evasive"]
    res = {
        "kind": kind,
        "folds": a.folds,
        "limit": a.limit,
        "detectors": f"trained per fold by {_shown(trainer.script)}" if trainer else "bundled rules as shipped",
        "docs": dict(Counter(c.set for c in cases)),
        "overall": sc.prf(pool, kind),
        "by_lang": sc.rows(pool, kind, lambda c: c.labels["lang"]),
        "by_category": sc.rows(pool, kind, lambda c: c.labels["category"]),
        "by_placement": sc.rows(pool, kind, lambda c: c.labels["placement"]),
        "by_carrier": sc.rows(
            pool,
            kind,
            lambda c: f"{c.labels['lang']}→{c.labels['carrier']}" if kind == "artifact" else c.labels["into"],
        ),
        "by_fold": sc.rows(pool, kind, lambda c: str(c.fold)),
        "coverage": sc.coverage(pool, kind),
        "legit": sc.legit([c for c in cases if c.set == "legit"]),
        "untouched": sc.untouched([c for c in cases if c.set == "untouched"], kind),
        "attributed_speech": speech,
        "rule_errors": dict(Counter(e["code"] for p in preds.values() for e in p.get("errors", []))),
        "seconds": {
            "build": round(t1 - t0, 1),
            "clean": round(t2 - t1, 1),
            "score": round(time.perf_counter() - t2, 1),
        },
    }
    if ev:
        plain = {(c.item.id, c.labels["into"]) for c in pool if sc.found(c, kind)}
        res["evasive"] = {
            "overall": sc.prf(ev, kind),
            "where_plain_found": sc.prf([c for c in ev if (c.item.id, c.labels["into"]) in plain], kind),
            "by_transform": sc.rows(ev, kind, lambda c: c.labels["transform"]),
            "by_carrier": sc.rows(ev, kind, lambda c: c.labels["into"]),
            "coverage": sc.coverage(ev, kind),
        }
    res["targets"] = targets(res)
    res["seconds"]["score"] = round(time.perf_counter() - t2, 1)
    if a.save_pred:
        with Path(a.save_pred).open("w", encoding="utf-8") as f:
            for c in cases:
                f.write(
                    json.dumps(
                        {
                            "gold": sc.gold[c.name],
                            "labels": c.labels,
                            "group": c.item.group if c.item else None,
                            "pred": preds.get(c.name),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    return res


def targets(res: dict) -> list[dict]:
    """The issue's acceptance figures (11 for spam, 12 for leftovers) against this run."""
    o, cov, lg = res["overall"], res["coverage"], res["legit"]
    rows = [
        (
            "recall overall",
            ">= 0.90" if res["kind"] == "spam" else ">= 0.85",
            o["recall"],
            (o["recall"] or 0) >= (0.90 if res["kind"] == "spam" else 0.85),
        ),
        (
            "precision overall",
            ">= 0.97" if res["kind"] == "spam" else ">= 0.95",
            o["precision"],
            (o["precision"] or 0) >= (0.97 if res["kind"] == "spam" else 0.95),
        ),
    ]
    if res["kind"] == "spam":
        weak = {
            lang: r["recall"] for lang, r in res["by_lang"].items() if r["items"] >= 10 and (r["recall"] or 0) < 0.85
        }
        rows.append(("recall >= 0.85 for every language with >= 10 items", "none below", weak or "none", not weak))
        rows.append(
            (
                "found injections with >= 95 % of their characters removed",
                ">= 0.95",
                cov["whole_share"],
                (cov["whole_share"] or 0) >= 0.95,
            )
        )
        rows.append(("legit-CJK sentences touched", "<= 0.01", lg["touched_share"], (lg["touched_share"] or 0) <= 0.01))
        for src, u in res["untouched"].items():
            rows.append(
                (f"false spam per 10k words, {src}", "<= 0.3", u["per_10k_words"], (u["per_10k_words"] or 0) <= 0.3)
            )
    else:
        rows.append(("legit-CJK sentences touched", "0", lg["touched"], lg["touched"] == 0))
        for src, u in res["untouched"].items():
            rows.append((f"sentences cut, {src}", "0", u["sentences_cut"], u["sentences_cut"] == 0))
        sp = res.get("attributed_speech")
        if sp:
            rows.append(("attributed-speech sentences touched", "0", sp["touched"], sp["touched"] == 0))
    return [{"target": t, "want": w, "measured": m, "met": ok} for t, w, m, ok in rows]


# -- report ----------------------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def table(title: str, rows: dict[str, dict], out=sys.stdout) -> None:
    print(
        f"\n{title}\n\n| | items | docs | gold | found | recall | findings | true | precision |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        file=out,
    )
    for label, r in rows.items():
        print(
            f"| {label} | {r['items']} | {r['docs']} | {r['gold']} | {r['found']} | {_pct(r['recall'])} | "
            f"{r['pred']} | "
            f"{r['true_pred']} | {_pct(r['precision'])} |",
            file=out,
        )


def report(res: dict, out=sys.stdout) -> None:
    kind = res["kind"]
    print(
        f"real-world {kind}: {res['detectors']}; grouped {res['folds']}-fold"
        + (f", quick mode (--limit {res['limit']})" if res["limit"] else "")
        + f"; documents {res['docs']}; "
        f"seconds {res['seconds']}; rule errors (time budgets) {res['rule_errors'] or 'none'}",
        file=out,
    )
    table("overall (pool items in real carriers)", {"all": res["overall"]}, out)
    for key, title in (
        ("by_lang", "by item language"),
        ("by_category", "by category"),
        ("by_placement", "by placement"),
        ("by_carrier", "by carrier"),
        ("by_fold", "by fold"),
    ):
        table(title, res[key], out)
    cov = res["coverage"]
    print(
        f"\nwhole spans: {cov['whole']}/{cov['found']} found injections lost >= 95 % of their characters "
        f"({_pct(cov['whole_share'])}); article characters removed that were not injected: "
        f"{cov['article_chars_removed']} of {cov['article_chars']} "
        f"({_pct(cov['article_chars_removed_per_10k'])} per 10k)",
        file=out,
    )
    if "evasive" in res:
        e = res["evasive"]
        table(
            "evasive spellings",
            {
                "all": e["overall"],
                "items whose plain form is found (same carrier kind)": e["where_plain_found"],
                **{f"transform {k}": v for k, v in e["by_transform"].items()},
                **{f"into {k}": v for k, v in e["by_carrier"].items()},
            },
            out,
        )
        print(
            f"evasive whole spans: {e['coverage']['whole']}/{e['coverage']['found']} "
            f"({_pct(e['coverage']['whole_share'])})",
            file=out,
        )
    lg = res["legit"]
    print(
        f"\nlegit CJK pool: {lg['touched']}/{lg['sentences']} sentences touched ({_pct(lg['touched_share'])}) "
        f"rules {lg['rules'] or '-'}",
        file=out,
    )
    print(
        f"\nuntouched texts, {kind} findings:\n\n"
        "| source | docs | words | findings | per 10k words | sentences cut | rules |\n"
        "|---|---:|---:|---:|---:|---:|---|",
        file=out,
    )
    for src, u in res["untouched"].items():
        rules = ", ".join(f"{r} {n}" for r, n in u["rules"].items()) or "–"
        print(
            f"| {src} | {u['docs']} | {u['words']} | {u['findings']} | {_pct(u['per_10k_words'])} | "
            f"{u['sentences_cut']}/{u['sentences']} | {rules} |",
            file=out,
        )
    sp = res.get("attributed_speech")
    print(
        "\nattributed speech (tests/data/attributed_speech.txt): "
        + (f"{sp['touched']}/{sp['sentences']} sentences touched, rules {sp['rules'] or '-'}" if sp else "file absent"),
        file=out,
    )
    print("\nthe issue's targets\n\n| target | wanted | measured | met |\n|---|---|---|---|", file=out)
    for t in res["targets"]:
        m = t["measured"]
        m = (
            _pct(m)
            if isinstance(m, float)
            else ", ".join(f"{k} {_pct(v)}" for k, v in m.items())
            if isinstance(m, dict)
            else m
        )
        print(f"| {t['target']} | {t['want']} | {m} | {'yes' if t['met'] else 'no'} |", file=out)


def main(kind: str, doc: str, argv: list[str] | None = None) -> int:
    a = args_parser(kind, doc).parse_args(argv)
    res = evaluate(kind, a)
    report(res)
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {a.json}")
    return 0
