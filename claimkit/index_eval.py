"""Scoring a source index against hand-resolved cross-document gold (``gold/xdoc/entities.jsonl``).

The gold lists every ``(doc, entity)`` pair of the newswire claim files with a ``cluster`` id:
pairs with one id are one real-world speaker. The score is **pairwise over cross-document
pairs**: every two gold pairs of different documents is a positive when gold puts them in one
cluster; the index gets it right when it gives both the same ``source_id``.

* :func:`score_gold_index` — the index built from the gold claim files themselves (their
  ``entity`` per document), so only cross-document resolution is measured;
* :func:`score_predicted_index` — the index built from claimkit's own claims (for example
  ``analyze_conllu`` on the gold trees). Each gold pair is mapped to the source of the predicted
  claims that match its claims (cue overlap, as :func:`claimkit.evaluate.match` scores claims;
  the most frequent source wins); a gold pair with no matched claim counts as unresolved, so
  extraction misses lower recall.
"""
from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .evaluate import doc_key, match
from .index import SourceIndex


@dataclass
class PairScores:
    """Cross-document pairwise counts and rates, with the wrong pairs for reading."""

    tp: int
    fp: int
    fn: int
    errors: list[tuple[str, dict, dict]] = field(default_factory=list)   # ("false merge"/"missed merge", a, b)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def report(self) -> str:
        lines = [f"cross-document pairs: P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                 f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"]
        lines += [f"  {kind}: {a['doc']} {a['entity']}  |  {b['doc']} {b['entity']}" for kind, a, b in self.errors]
        return "\n".join(lines)


def load_entities(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The gold pairs of ``entities.jsonl``."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def pairwise(gold: list[dict[str, Any]], predicted: dict[tuple[str, str], str | None]) -> PairScores:
    """Pairwise scores: ``predicted`` maps (doc, entity) of each gold pair to a source id (None: unresolved)."""
    tp = fp = fn = 0
    errors = []
    for a, b in itertools.combinations(gold, 2):
        if a["doc"] == b["doc"]:
            continue
        same_gold = a["cluster"] == b["cluster"]
        pa, pb = predicted.get((a["doc"], a["entity"])), predicted.get((b["doc"], b["entity"]))
        same_pred = pa is not None and pa == pb
        tp += same_gold and same_pred
        if same_pred and not same_gold:
            fp += 1
            errors.append(("false merge", a, b))
        if same_gold and not same_pred:
            fn += 1
            errors.append(("missed merge", a, b))
    return PairScores(tp, fp, fn, errors)


def score_gold_index(index: SourceIndex, gold: list[dict[str, Any]]) -> PairScores:
    """Scores of an index built from the gold claim files (their (doc, entity) pairs are the gold's)."""
    ids = dict(zip(zip(index.mentions["doc"], index.mentions["entity"]), index.mentions["source_id"]))
    return pairwise(gold, ids)


def score_predicted_index(index: SourceIndex, gold: list[dict[str, Any]], gold_claims: Iterable[dict[str, Any]],
                          pred_claims: Iterable[dict[str, Any]]) -> PairScores:
    """Scores of an index built from predicted claims (see the module docstring for the mapping)."""
    ids = dict(zip(zip(index.mentions["doc"], index.mentions["entity"]), index.mentions["source_id"]))
    by_doc_gold: dict[str, list[dict]] = {}
    by_doc_pred: dict[str, list[dict]] = {}
    for g in gold_claims:
        by_doc_gold.setdefault(doc_key(g["doc"]), []).append(g)
    for p in pred_claims:
        by_doc_pred.setdefault(doc_key(p["doc"]), []).append(p)
    votes: dict[tuple[str, str], Counter] = {}
    for doc, gs in by_doc_gold.items():
        ps = by_doc_pred.get(doc, [])
        for gi, pj in match(gs, ps).items():
            g, p = gs[gi], ps[pj]
            sid = ids.get((p["doc"], p.get("entity") or ""))
            if g.get("entity") and sid:
                votes.setdefault((g["doc"], g["entity"]), Counter())[sid] += 1
    predicted = {k: c.most_common(1)[0][0] for k, c in votes.items()}
    return pairwise(gold, predicted)
