"""scripts/fuzz.py with a small N: odd texts of every kind return or raise a claimkit error,
offsets slice back, a second run gives the same result, every view builds; damaged trees give an
analysis or a ConlluError. ``--n 10000`` runs on demand."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("claimkit_fuzz", FUZZ)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_generation_is_reproducible_and_covers_every_kind(fuzz):
    a, b = fuzz.generate(48, seed=3), fuzz.generate(48, seed=3)
    assert a == b and {k for k, _ in a} == set(fuzz.KINDS)
    texts = dict(a)
    assert any("\ud800" <= ch <= "\udfff" for ch in texts["surrogate"])
    assert any("\ufe70" <= ch <= "\ufefc" for ch in texts["presentation"])


def test_small_fuzz_run_finds_nothing(fuzz):
    n = 120  # ten texts of each kind (scripts/fuzz.py --n 10000 for the long run)
    report = fuzz.run(n, seed=1, batch=48, trees=24, cli_every=24)
    d = report.to_dict()
    assert d["n"] == n and sum(d["trees"].values()) == 24 and d["cli_runs"] == n // 24 + 1  # every 24th text and tree
    assert (d["other_exceptions"], d["offset_violations"], d["nondeterministic"], d["view_problems"],
            d["tree_problems"]) == (0, 0, 0, 0, 0), d["examples"]
    assert set(d["trees"]) <= {"analysed", "ConlluError"} and d["trees"].get("analysed", 0) >= 3
    assert d["ok"] >= 0.7 * n and d["claims"] > n                # most texts are analysed, with claims
    assert d["per_kind"]["presentation"].get("ok") == n // 12    # PDF-style text is not refused
    assert set(d["per_kind"]["empty"]) <= {"EmptyTextError", "NotArabicError"}


def test_every_tree_mutation_damages_the_tree(fuzz):
    import random

    import fuzz_trees

    name, conllu, text = next(s for s in fuzz_trees.tree_sources() if s[2] is not None)
    for kind in fuzz_trees.MUTATIONS:
        a = fuzz_trees.mutate(random.Random(5), conllu, kind)
        assert a == fuzz_trees.mutate(random.Random(5), conllu, kind)  # reproducible
        assert a != conllu.encode("utf-8"), kind


def test_the_view_checker_finds_a_broken_view(fuzz, seed_analysis, seed_text):
    """The checker is not vacuous: a claim whose content span is missing from the article view is reported."""
    import dataclasses

    import fuzz_views

    assert fuzz_views.view_problems(seed_text, seed_analysis) == []
    c = seed_analysis.records[0]
    moved = dataclasses.replace(c, content_end=len(seed_text) + 5)  # a span the view cannot draw
    broken = dataclasses.replace(seed_analysis, records=(moved, *seed_analysis.records[1:]))
    problems = fuzz_views.view_problems(seed_text, broken)
    assert any("article view: claim 0 has no content span" in p for p in problems), problems


def test_damaged_model_folders_load_or_raise_model_error():
    spec = importlib.util.spec_from_file_location("claimkit_fuzz_models", FUZZ.with_name("fuzz_models.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.run(60, seed=1)
    assert res["problems"] == []
    assert res["outcomes"].get("refused", 0) > 20 and set(res["outcomes"]) <= {"refused", "loaded"}
