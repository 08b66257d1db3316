"""Shared fixtures: the model folder, a per-session parse cache, gold data and analyses.

Tests run against real Stanza parses with the model found through
``STANZA_RESOURCES_DIR`` (``../shared/stanza_resources`` when that folder exists).

Gold data and the reference scorer are third-party or shared material that the repository
does not keep: they are read where they are, in ``../shared`` beside the checkout
(``../shared/gold/…`` and ``../shared/tools/score_claims.py``). Tests that need them are
skipped, with the missing path in the reason, when that folder is absent.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold"
SCORER = SHARED / "tools" / "score_claims.py"
SEED_NAME = "libya_haftar_moscow_2016.ar"

if not os.environ.get("STANZA_RESOURCES_DIR") and (SHARED / "stanza_resources").is_dir():
    os.environ["STANZA_RESOURCES_DIR"] = str(SHARED / "stanza_resources")


def shared_path(*parts: str) -> Path:
    """A file or folder under ``../shared``; skips the calling test when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs {p} (the shared gold data beside the checkout, ../shared); not found")
    return p


def gold_path(name: str) -> Path:
    """A file of ``../shared/gold`` (skips the test when absent)."""
    return shared_path("gold", name)


@contextmanager
def env_var(name: str, value: str) -> Iterator[None]:
    """Set an environment variable for the duration of a block, then restore it."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def assert_spans_slice_back(text: str, analysis) -> None:
    """Every cue, content, source and sentence span of ``analysis`` slices back to ``text``."""
    for c in analysis.records:
        assert text[c.cue_start:c.cue_end] == c.cue
        assert text[c.content_start:c.content_end] == c.content
        if c.source_start is not None:
            assert text[c.source_start:c.source_end] == c.source
    for s in analysis.sentence_spans:
        assert text[s.start:s.end] == s.text


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """Each test session gets its own parse cache, so tests never depend on a user's cache."""
    with env_var("CLAIMKIT_CACHE_DIR", str(tmp_path_factory.mktemp("parse-cache"))):
        yield


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    """``../shared/gold`` (the seed's and the PUD set's gold claims, and ``padt_dev/``)."""
    return shared_path("gold")


@pytest.fixture(scope="session")
def scorer() -> Path:
    """The reference claim scorer, run where it is: ``../shared/tools/score_claims.py``."""
    return shared_path("tools", "score_claims.py")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (ROOT / "seeds" / f"{SEED_NAME}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold_path() -> Path:
    return gold_path(f"{SEED_NAME}.claims.jsonl")


@pytest.fixture(scope="session")
def seed_gold(seed_gold_path) -> list[dict]:
    return load_jsonl(seed_gold_path)


@pytest.fixture(scope="session")
def seed_analysis(seed_text):
    import claimkit

    return claimkit.analyze(seed_text, doc=SEED_NAME)


@pytest.fixture(scope="session")
def pud_text() -> str:
    return gold_path("pud_attribution.ar.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pud_gold_path() -> Path:
    return gold_path("pud_attribution.ar.claims.jsonl")


@pytest.fixture(scope="session")
def pud_gold(pud_gold_path) -> list[dict]:
    return load_jsonl(pud_gold_path)


@pytest.fixture(scope="session")
def pud_conllu_path() -> Path:
    return gold_path("pud_attribution.ar.conllu")
