"""Shared fixtures: the model folder, a per-session parse cache, gold data and analyses.

Tests run against real Stanza parses with the model found through
``STANZA_RESOURCES_DIR`` (``../shared/stanza_resources`` when that folder exists).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"

if not os.environ.get("STANZA_RESOURCES_DIR") and (SHARED / "stanza_resources").is_dir():
    os.environ["STANZA_RESOURCES_DIR"] = str(SHARED / "stanza_resources")


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """Each test session gets its own parse cache, so tests never depend on a user's cache."""
    old = os.environ.get("CLAIMKIT_CACHE_DIR")
    os.environ["CLAIMKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))
    yield
    if old is None:
        os.environ.pop("CLAIMKIT_CACHE_DIR", None)
    else:
        os.environ["CLAIMKIT_CACHE_DIR"] = old


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold() -> list[dict]:
    return load_jsonl(DATA / "libya_haftar_moscow_2016.ar.claims.jsonl")


@pytest.fixture(scope="session")
def seed_analysis(seed_text):
    import claimkit

    return claimkit.analyze(seed_text, doc="libya_haftar_moscow_2016.ar")


@pytest.fixture(scope="session")
def pud_text() -> str:
    return (DATA / "pud_attribution.ar.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pud_gold() -> list[dict]:
    return load_jsonl(DATA / "pud_attribution.ar.claims.jsonl")
