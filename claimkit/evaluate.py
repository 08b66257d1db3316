"""Scoring predicted claims against gold claims (gold README, "Scoring").

The rules are those of the project's reference scorer (``tools/score_claims.py``),
and the numbers are identical to its output (a test runs both):

- **Documents** are matched by name, ignoring folders and ``.txt``/``.conllu``/
  ``.claims.jsonl``. When the gold has one document and predictions name others,
  all predictions are scored against it.
- **Matching**: a predicted claim matches a gold claim of the same document when
  their cue spans overlap. Candidate pairs are taken greedily, largest overlap first
  (ties: the later gold claim, then the later prediction, first), each claim at most once.
- **Optional** gold claims are neither rewarded nor penalised: a prediction matched
  to one is dropped, an unmatched one is not a miss.
- **Counts**: ``tp`` matched required claims, ``fp`` unmatched predictions, ``fn``
  unmatched required gold claims; cue precision/recall/F1 from these.
- **Attributes**, on the ``tp`` pairs:
  ``entity_acc`` — the predicted entity equals the gold entity or one of its
  ``entity_aliases`` after normalisation, or contains / is contained in the gold
  entity (at least 3 characters). A gold author claim accepts a prediction typed
  ``author`` or with no entity; a gold claim with no entity accepts only no entity.
  ``source_type_acc``, ``mode_acc`` — exact. ``hedging_acc`` — ``hedging`` or
  ``alt_hedging``; ``hedging_within1`` — the predicted level is within one of either.
  ``content_tokF1`` — mean token F1 of content strings (each pair rounded to 0.001);
  ``content_ok`` — share of pairs with token F1 ≥ 0.5.
- **attribution_F1**: a claim counts only when found *and* attributed to the right
  entity: 2·entity / (2·tp + fp + fn).

Normalisation (entities and content): NFKC; diacritics U+064B–U+065F, U+0670 and
tatweel removed; أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي; punctuation → space.

All numbers are rounded to three decimals.
"""
from __future__ import annotations

import sys

import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import ClaimkitError, InputFileError

_DIAC = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_HAMZA_ALEF = re.compile("[إأآٱ]")
_PUNCT = re.compile(r"[^\w\s]")
LEVELS = {"boosted": 0, "neutral": 1, "hedged": 2, "speculative": 3}
#: The summary keys, in the reference scorer's order.
METRICS = ("tp", "fp", "fn", "cue_P", "cue_R", "cue_F1", "entity_acc", "source_type_acc", "mode_acc",
           "hedging_acc", "hedging_within1", "content_tokF1", "content_ok", "attribution_F1")


class GoldError(ClaimkitError, ValueError):
    """Gold or prediction files that cannot be read as claim records."""


def normalize(s: str | None) -> str:
    """The scoring normalisation (see the module docstring).

    Deliberately separate from :func:`claimkit.normalize.normalize_name`: scores must stay
    identical to the reference scorer's even when claimkit's own matching keys change."""
    s = unicodedata.normalize("NFKC", s or "")
    s = _DIAC.sub("", s)
    s = _HAMZA_ALEF.sub("ا", s).replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    return " ".join(_PUNCT.sub(" ", s).split())


def token_f1(a: str | None, b: str | None) -> float:
    """Token-overlap F1 between two strings after :func:`normalize` (1.0 when both are empty)."""
    ta, tb = Counter(normalize(a).split()), Counter(normalize(b).split())
    if not ta and not tb:
        return 1.0
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(ta.values()), common / sum(tb.values())
    return 2 * p * r / (p + r)


def doc_key(doc: Any) -> str:
    """A document name without folders and without ``.claims.jsonl``/``.txt``/``.conllu``."""
    d = str(doc or "").rsplit("/", 1)[-1]
    for suf in (".claims.jsonl", ".txt", ".conllu"):
        if d.endswith(suf):
            d = d[: -len(suf)]
    return d


def entity_correct(gold: dict, pred: dict) -> bool:
    """Whether the predicted entity counts as the gold one (aliases, normalisation, containment)."""
    if gold.get("source_type") == "author":
        return pred.get("source_type") == "author" or not (pred.get("entity") or "").strip()
    names = {normalize(x) for x in list(gold.get("entity_aliases") or []) + [gold.get("entity", "")] if x}
    pe = normalize(pred.get("entity") or "")
    if not names:
        return not pe
    if not pe:
        return False
    if pe in names:
        return True
    ge = normalize(gold.get("entity", ""))
    return bool(ge) and (ge in pe or pe in ge) and len(pe) >= 3


def _overlap(g: dict, p: dict) -> int:
    try:
        return min(g["cue_end"], p["cue_end"]) - max(g["cue_start"], p["cue_start"])
    except (KeyError, TypeError):
        return 0


def match(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """One-to-one matching of gold to predicted claims of one document: ``{gold index: pred index}``."""
    pairs = sorted(((ov, i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
                    if (ov := _overlap(g, p)) > 0), reverse=True)
    gm: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in pairs:
        if i not in gm and j not in used:
            gm[i] = j
            used.add(j)
    return gm


def _hedging_counts(g: dict, p: dict) -> tuple[bool, bool]:
    ok = {g.get("hedging"), g.get("alt_hedging")} - {None}
    exact = p.get("hedging") in ok
    level = p.get("hedging_level", LEVELS.get(p.get("hedging"), -9))
    if not isinstance(level, int):
        level = -9
    within = any(abs(level - LEVELS[h]) <= 1 for h in ok if h in LEVELS)
    return exact, within


def count_doc(gold: list[dict], pred: list[dict]) -> Counter:
    """The integer counts for one document (``tp``, ``fp``, ``fn`` and per-attribute hits)."""
    gm = match(gold, pred)
    c: Counter = Counter()
    for i, g in enumerate(gold):
        if i not in gm:
            if not g.get("optional"):
                c["fn"] += 1
            continue
        if g.get("optional"):
            continue
        p = pred[gm[i]]
        c["tp"] += 1
        c["entity"] += entity_correct(g, p)
        c["source_type"] += p.get("source_type") == g.get("source_type")
        c["mode"] += p.get("mode") == g.get("mode")
        exact, within = _hedging_counts(g, p)
        c["hedging"] += exact
        c["hedging_within1"] += within
        f1 = token_f1(g.get("content", ""), p.get("content", ""))
        c["content_f1_x1000"] += round(1000 * f1)
        c["content_ok"] += f1 >= 0.5
    c["fp"] += len(pred) - len(gm)
    return c


def summarize(c: Counter) -> dict[str, float | int]:
    """The metrics (:data:`METRICS`) from a document's or a corpus's counts."""
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0

    def share(k: str) -> float:
        return round(c[k] / tp, 3) if tp else 0.0

    return {
        "tp": tp, "fp": fp, "fn": fn, "cue_P": round(p, 3), "cue_R": round(r, 3), "cue_F1": round(f, 3),
        "entity_acc": share("entity"), "source_type_acc": share("source_type"), "mode_acc": share("mode"),
        "hedging_acc": share("hedging"), "hedging_within1": share("hedging_within1"),
        "content_tokF1": round(c["content_f1_x1000"] / 1000 / tp, 3) if tp else 0.0,
        "content_ok": share("content_ok"),
        "attribution_F1": round(2 * c["entity"] / (2 * tp + fp + fn), 3) if tp else 0.0,
    }


@dataclass
class Scores:
    """Evaluation result: metrics overall and per document, plus the raw counts."""

    overall: dict[str, float | int]
    per_doc: dict[str, dict[str, float | int]]
    counts: Counter = field(default_factory=Counter)
    doc_counts: dict[str, Counter] = field(default_factory=dict)
    #: who each article relies on, gold against output (see "reliance" below): summary and per document
    reliance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, per_doc: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"overall": self.overall}
        if self.reliance:
            out["reliance"] = self.reliance["summary"]
        if per_doc:
            out["per_doc"] = self.per_doc
            if self.reliance:
                out["reliance_per_doc"] = self.reliance["per_doc"]
        return out


def score(gold: Iterable[dict], pred: Iterable[dict]) -> Scores:
    """Score predicted records against gold records (both lists of output-record dicts)."""
    by_gold: dict[str, list[dict]] = {}
    by_pred: dict[str, list[dict]] = {}
    for g in gold:
        by_gold.setdefault(doc_key(g.get("doc")), []).append(g)
    for p in pred:
        by_pred.setdefault(doc_key(p.get("doc")), []).append(p)
    if len(by_gold) == 1 and set(by_pred) - set(by_gold):
        only = next(iter(by_gold))
        by_pred = {only: [p for ps in by_pred.values() for p in ps]}
    total: Counter = Counter()
    doc_counts: dict[str, Counter] = {}
    for d in sorted(set(by_gold) | set(by_pred)):
        c = count_doc(by_gold.get(d, []), by_pred.get(d, []))
        doc_counts[d] = c
        total.update(c)
    rel = {d: reliance(by_gold[d], by_pred.get(d, [])) for d in sorted(by_gold)}
    return Scores(overall=summarize(total), per_doc={d: summarize(c) for d, c in doc_counts.items()},
                  counts=total, doc_counts=doc_counts, reliance={"summary": reliance_summary(rel.values()), "per_doc": rel})


# -- reliance ----------------------------------------------------------------------------------
# Reliance: the number behind every reliance chart: who an article relies on, gold against output.
#
# A reliance chart answers "who does this story rely on?": each source's share of the article's
# claims. Claim-level scores (``evaluate``) can be high while the chart is wrong (one frequent
# speaker lost to a title, say), so the chart itself is scored too, per article:
#
# * ``top_right`` — is the source with the most claims in the output the source with the most
#   claims in gold? Gold ties all count as right; the output's top is its most frequent source,
#   a tie going to the one that speaks first. Only named sources compete: claims without an
#   entity (author, impersonal) are never "the top source". An article whose gold has no claim
#   with an entity is left out (``None``).
# * ``distance`` — the total-variation distance between the two share distributions (half the
#   sum of absolute share differences; 0 = the same chart, 1 = nothing in common). Claims without
#   an entity are one bucket of their own, so a chart that loses speakers to "no source" pays.
#
# Sources are matched with the reference scorer's entity rule (:func:`claimkit.evaluate.entity_correct`):
# an output entity counts as a gold source when it equals its name or any alias any of its gold
# claims gives, or contains / is contained in the name. Optional gold claims are left out, as in
# the scorer. Unmatched output entities stay sources of their own (they are the chart's errors).


#: The bucket of claims without an entity (author, impersonal, unattributed).
NO_SOURCE = ""


def _gold_sources(gold: list[dict]) -> tuple[Counter, dict[str, dict]]:
    """Gold claims per source (normalised entity), and one pseudo-record per source with all its aliases."""
    counts: Counter = Counter()
    refs: dict[str, dict] = {}
    for g in gold:
        if g.get("optional"):
            continue
        name = "" if g.get("source_type") == "author" else normalize(g.get("entity"))
        counts[name] += 1
        if name:
            ref = refs.setdefault(name, {"entity": g.get("entity", ""), "entity_aliases": [], "source_type": ""})
            ref["entity_aliases"] += list(g.get("entity_aliases") or [])
    return counts, refs


def _pred_sources(pred: list[dict], refs: dict[str, dict]) -> tuple[Counter, list[str]]:
    """Output claims per source, each output entity mapped to the gold source it names (or kept as
    its own), and the sources in order of first claim."""
    counts: Counter = Counter()
    order: list[str] = []
    for p in pred:
        pe = normalize(p.get("entity"))
        if not pe or p.get("source_type") == "author":
            key = NO_SOURCE
        else:
            key = next((name for name, ref in refs.items() if entity_correct(ref, p)), "≠" + pe)
        counts[key] += 1
        if key not in order:
            order.append(key)
    return counts, order


def reliance(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    """One article: ``top_right`` (bool, or None when gold names no source), ``distance`` (0–1),
    and the two top sources as written in gold and output."""
    g_counts, refs = _gold_sources(gold)
    p_counts, order = _pred_sources(pred, refs)
    g_total, p_total = sum(g_counts.values()), sum(p_counts.values())
    keys = set(g_counts) | set(p_counts)
    if g_total and p_total:
        distance = 0.5 * sum(abs(g_counts[k] / g_total - p_counts[k] / p_total) for k in keys)
    else:
        distance = 0.0 if g_total == p_total else 1.0
    named = {k: n for k, n in g_counts.items() if k}
    top_gold = {k for k, n in named.items() if n == max(named.values())} if named else set()
    p_named = [k for k in order if k]
    top_pred = max(p_named, key=lambda k: (p_counts[k], -p_named.index(k))) if p_named else None
    return {
        "top_right": (top_pred in top_gold) if top_gold else None,
        "distance": round(distance, 3),
        "gold_top": sorted(refs[k]["entity"] for k in top_gold),
        "pred_top": (refs[top_pred]["entity"] if top_pred in refs else (top_pred or "")[1:]) if top_pred else "",
    }


def reliance_summary(per_doc: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Over articles: how many have a gold top source, the share whose top source is right, the mean distance."""
    rows = list(per_doc)
    judged = [r for r in rows if r["top_right"] is not None]
    return {
        "articles": len(rows),
        "articles_with_source": len(judged),
        "top_source_right": round(sum(r["top_right"] for r in judged) / len(judged), 3) if judged else 0.0,
        "share_distance": round(sum(r["distance"] for r in rows) / len(rows), 3) if rows else 0.0,
    }



# -- files --------------------------------------------------------------------------------

def load_jsonl(path: str | os.PathLike) -> list[dict]:
    """Claim records from a JSONL file (a JSON list is accepted too), with clear errors."""
    from .pipeline import read_text_file

    raw = read_text_file(path)
    if raw.lstrip().startswith("["):
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise GoldError(f"{path}: not valid JSON ({exc})") from None
        recs = data
    else:
        recs = []
        for n, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    recs.append(json.loads(line))
                except ValueError as exc:
                    raise GoldError(f"{path}, line {n}: not valid JSON ({exc})") from None
    if not all(isinstance(r, dict) for r in recs):
        raise GoldError(f"{path}: expected one JSON object per claim")
    return recs


def gold_files(gold: str | os.PathLike) -> list[Path]:
    """The ``*.claims.jsonl`` files of a gold folder, or the one file given."""
    p = Path(gold)
    if p.is_dir():
        files = sorted(p.glob("*.claims.jsonl"))
        if not files:
            raise InputFileError(f"{p}: no *.claims.jsonl gold files in this folder")
        return files
    if not p.exists():
        raise InputFileError(f"{p}: no such file or folder")
    return [p]


def fill_gold_strings(gold: list[dict], text: str) -> None:
    """Rebuild empty ``cue``/``source``/``content`` strings of gold records from their offsets."""
    for g in gold:
        for k in ("content", "source", "cue"):
            if not g.get(k) and g.get(k + "_start") is not None:
                g[k] = text[g[k + "_start"]:g[k + "_end"]]


def load_gold(gold: str | os.PathLike) -> tuple[list[dict], dict[Path, list[dict]]]:
    """All gold records, and the records per gold file (strings rebuilt from ``NAME.txt`` when missing)."""
    from .pipeline import read_text_file

    per_file: dict[Path, list[dict]] = {}
    for f in gold_files(gold):
        recs = load_jsonl(f)
        text_path = f.with_name(f.name[: -len(".claims.jsonl")] + ".txt") if f.name.endswith(".claims.jsonl") else None
        if text_path is not None and text_path.is_file():
            if any(not r.get(k) and r.get(k + "_start") is not None for r in recs for k in ("content", "cue")):
                fill_gold_strings(recs, read_text_file(text_path))
        per_file[f] = recs
    return [r for rs in per_file.values() for r in rs], per_file


def predict_for_gold(per_file: dict[Path, list[dict]], *, conllu: bool = False, stanza_dir: str | None = None,
                     cache: bool = True, model: Any = "default") -> list[dict]:
    """Run the analyser on the texts beside the gold files and return its records.

    For ``NAME.claims.jsonl`` it analyses ``NAME.txt`` or, with ``conllu=True``, the gold
    trees ``NAME.conllu`` (offsets into ``NAME.txt``).
    """
    from .pipeline import analyze_file

    pred: list[dict] = []
    for f in per_file:
        if not f.name.endswith(".claims.jsonl"):
            raise InputFileError(f"{f}: cannot find the text for a gold file not named NAME.claims.jsonl; "
                                 "pass --pred with predictions instead")
        stem = f.name[: -len(".claims.jsonl")]
        txt = f.with_name(stem + ".txt")
        trees = f.with_name(stem + ".conllu")
        if conllu and not trees.is_file() and txt.is_file():
            print(f"claimkit: note: no gold trees for {stem}; parsing {txt.name} instead", file=sys.stderr)
        if conllu and (trees.is_file() or not txt.is_file()):
            if not trees.is_file():
                raise InputFileError(f"{trees}: no gold trees and no text beside {f.name}")
            analysis = analyze_file(trees, conllu=True, text_path=txt if txt.is_file() else None, model=model)
        else:
            if not txt.is_file():
                raise InputFileError(f"{txt}: no text beside {f.name} to analyse (or pass --pred)")
            analysis = analyze_file(txt, stanza_dir=stanza_dir, cache=cache, model=model)
        pred.extend(analysis.to_dicts())
    return pred


def evaluate(gold: str | os.PathLike | list, pred: str | os.PathLike | list[dict] | None = None, *,
             conllu: bool = False, stanza_dir: str | None = None, cache: bool = True, model: Any = "default") -> Scores:
    """Score predictions (a JSONL file or records) against gold files or folders (one or a list).

    Without ``pred`` the analyser (with ``model``, see :func:`claimkit.analyze`) is run on the
    gold texts (or trees, ``conllu=True``).
    """
    gold_recs, per_file = [], {}
    for g in (gold if isinstance(gold, (list, tuple)) else [gold]):
        recs, files = load_gold(g)
        gold_recs += recs
        per_file.update(files)
    if pred is None:
        pred_recs = predict_for_gold(per_file, conllu=conllu, stanza_dir=stanza_dir, cache=cache, model=model)
    elif isinstance(pred, (str, os.PathLike)):
        pred_recs = load_jsonl(pred)
    else:
        pred_recs = list(pred)
    return score(gold_recs, pred_recs)


def format_text(scores: Scores, per_doc: bool = False) -> str:
    """A readable report of the scores."""
    def block(m: dict[str, Any]) -> list[str]:
        return [
            f"  claims   tp {m['tp']}  fp {m['fp']}  fn {m['fn']}",
            f"  cue      P {m['cue_P']:.3f}  R {m['cue_R']:.3f}  F1 {m['cue_F1']:.3f}",
            f"  attribution F1 (found and right entity)  {m['attribution_F1']:.3f}",
            f"  on matched claims: entity {m['entity_acc']:.3f}  source type {m['source_type_acc']:.3f}  "
            f"mode {m['mode_acc']:.3f}",
            f"                     hedging {m['hedging_acc']:.3f} (within one level {m['hedging_within1']:.3f})",
            f"                     content token F1 {m['content_tokF1']:.3f} (F1 ≥ 0.5: {m['content_ok']:.3f})",
        ]

    lines = ["overall"] + block(scores.overall)
    if scores.reliance:
        r = scores.reliance["summary"]
        lines.append(f"  reliance: top source right in {r['top_source_right']:.3f} of {r['articles_with_source']} "
                     f"articles with a named source; mean share distance {r['share_distance']:.3f}")
    if per_doc:
        for d, m in scores.per_doc.items():
            lines += ["", d] + block(m)
    return "\n".join(lines)
