"""scripts/fuzz.py with a small N: odd texts of every kind return or raise a claimkit error,
offsets slice back, a second run gives the same result. ``--n 5000`` runs on demand."""
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
    report = fuzz.run(96, seed=1, batch=48)
    d = report.to_dict()
    assert d["n"] == 96
    assert (d["other_exceptions"], d["offset_violations"], d["nondeterministic"]) == (0, 0, 0), d["examples"]
    assert d["ok"] >= 70 and d["claims"] > 100                   # most texts are analysed, with claims
    assert d["per_kind"]["presentation"].get("ok") == 8          # PDF-style text is not refused
    assert set(d["per_kind"]["empty"]) <= {"EmptyTextError", "NotArabicError"}
