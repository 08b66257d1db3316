"""Whole newswire documents (../shared/gold/padt_dev: 30 PADT dev documents, 208 required claims).

Scored through ``claimkit evaluate`` — from the gold trees (the honest measure of extraction:
the offline model was trained on these sentences) and from raw text (what a user runs) — and
cross-checked against the reference scorer. The floors hold the *rules alone* (``model="rules"``)
to the levels reached when the rules were written on this set: a regression guard, not
evidence of accuracy (the learned system is trained on these documents, so it is measured only
by cross-validation, in ``test_learning.py``).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from claimkit.evaluate import evaluate
from conftest import shared_path

FLOORS = {"cue_F1": 0.93, "entity_acc": 0.90, "source_type_acc": 0.90, "attribution_F1": 0.85}


@pytest.fixture(scope="module")
def padt_dev():
    return shared_path("gold", "padt_dev")


@pytest.mark.parametrize("conllu", [True, False], ids=["gold-trees", "raw-text"])
def test_newswire_documents_meet_the_floors(padt_dev, conllu):
    overall = evaluate(padt_dev, conllu=conllu, model="rules").overall
    low = {k: overall[k] for k, floor in FLOORS.items() if overall[k] < floor}
    assert not low, f"below the floor on padt_dev ({'trees' if conllu else 'raw text'}): {low}"


def test_evaluate_agrees_with_the_reference_scorer_on_newswire(padt_dev, tmp_path):
    import claimkit

    gold_lines, pred_lines = [], []
    for gold in sorted(padt_dev.glob("*.claims.jsonl")):
        name = gold.name[: -len(".claims.jsonl")]
        a = claimkit.analyze_conllu((padt_dev / f"{name}.conllu").read_text(encoding="utf-8"),
                                    text=(padt_dev / f"{name}.txt").read_text(encoding="utf-8"), doc=name,
                                    model="rules")
        gold_lines += [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        pred_lines += [json.dumps(r, ensure_ascii=False) for r in a.to_dicts()]
    (tmp_path / "gold.jsonl").write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text("\n".join(pred_lines) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(shared_path("tools", "score_claims.py")), str(tmp_path / "gold.jsonl"),
                          str(tmp_path / "pred.jsonl")], capture_output=True, text=True, check=True).stdout
    reference = json.loads(out.strip().splitlines()[-1])
    ours = evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl").overall
    for key in ("tp", "fp", "fn", "cue_F1", "entity_acc", "source_type_acc", "attribution_F1"):
        assert ours[key] == reference[key], key
