"""The parse cache: hits skip Stanza, damaged or stale entries are rebuilt, writes are atomic."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import claimkit
from claimkit import cache, parsing
from claimkit.clean import clean

TEXT = "قال وزير الخارجية المصري سامح شكري إن بلاده تدعم الحل السياسي في ليبيا.\n\nوأضاف أن القاهرة ستواصل جهودها."


def _key(text: str = TEXT, version: str | None = None, model: str | None = None) -> str:
    """The key the pipeline uses: the text, the model, the version and the cleaned text."""
    return cache.cache_key(text, model or parsing.model_identity(), version or claimkit.__version__,
                           clean(text).text)


@pytest.fixture
def parsed_once():
    """TEXT parsed (or found) in the session cache; returns its cache entry path."""
    claimkit.analyze(TEXT)
    path = cache._path(_key())
    assert path.is_file()
    return path


@pytest.fixture
def no_parser(monkeypatch):
    """Make any Stanza call fail, to prove that a code path does not parse."""
    def boom(*a, **k):
        raise AssertionError("Stanza was called on a cache hit")

    monkeypatch.setattr(parsing, "parse_stanza", boom)
    monkeypatch.setattr(parsing, "parse_many", boom)
    monkeypatch.setattr(parsing, "get_pipeline", boom)


@pytest.fixture
def parse_spy(monkeypatch):
    """Records the texts given to Stanza (every parse goes through parsing.parse_many)."""
    calls = []
    real = parsing.parse_many

    def spy(texts, stanza_dir=None, exact=None):
        calls.extend(texts)
        return real(texts, stanza_dir, exact)

    monkeypatch.setattr(parsing, "parse_many", spy)
    return calls


def test_hit_does_not_parse(parsed_once, no_parser):
    a = claimkit.analyze(TEXT, doc="x")
    assert a.doc == "x" and len(a.sentence_spans) >= 2


def test_hit_gives_the_same_parse(parsed_once):
    fresh = claimkit.parse(TEXT, cache=False)
    cached = claimkit.parse(TEXT)
    assert cached.to_conllu() == fresh.to_conllu()


@pytest.mark.parametrize("damage", ["truncate", "edit_body", "garbage_header", "non_dict_header", "wrong_format",
                                    "wrong_key", "empty", "binary"])
def test_damaged_entry_is_ignored_and_rebuilt(parsed_once, parse_spy, damage):
    good = parsed_once.read_text(encoding="utf-8")
    header, body = good.split("\n", 1)
    meta = json.loads(header.removeprefix("# claimkit-cache "))
    if damage == "truncate":
        parsed_once.write_text(good[: len(good) // 2], encoding="utf-8")
    elif damage == "edit_body":
        parsed_once.write_text(header + "\n" + body.replace("\tnsubj\t", "\tobj\t", 1), encoding="utf-8")
    elif damage == "garbage_header":
        parsed_once.write_text("# claimkit-cache {not json\n" + body, encoding="utf-8")
    elif damage == "non_dict_header":
        parsed_once.write_text("# claimkit-cache 5\n" + body, encoding="utf-8")
    elif damage == "wrong_format":
        parsed_once.write_text("# claimkit-cache " + json.dumps({**meta, "format": 999}) + "\n" + body,
                               encoding="utf-8")
    elif damage == "wrong_key":
        parsed_once.write_text("# claimkit-cache " + json.dumps({**meta, "key": "0" * 64}) + "\n" + body,
                               encoding="utf-8")
    elif damage == "empty":
        parsed_once.write_text("", encoding="utf-8")
    else:
        parsed_once.write_bytes(b"\xff\xfe\x00garbage")
    assert cache.load(_key()) is None
    claimkit.analyze(TEXT)
    assert parse_spy == [parse_spy[0]] and len(parse_spy) == 1  # parsed again, once
    assert parsed_once.read_text(encoding="utf-8") == good   # and the entry is whole again
    assert cache.load(_key()) == body


def test_other_version_or_model_is_a_miss(parsed_once, monkeypatch, parse_spy):
    assert cache.load(_key(version="0.0.0-other")) is None
    assert cache.load(_key(model="another-model")) is None
    assert cache.load(_key(TEXT + " ")) is None
    monkeypatch.setattr(claimkit, "__version__", "9.9.9")
    claimkit.analyze(TEXT)
    assert len(parse_spy) == 1  # a new claimkit version parses again
    assert cache._path(_key(version="9.9.9")).is_file()


def test_no_cache_neither_reads_nor_writes(parsed_once, parse_spy):
    before = set(cache.entries())
    claimkit.analyze(TEXT, cache=False)
    assert len(parse_spy) == 1
    assert set(cache.entries()) == before


def test_location_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMKIT_CACHE_DIR", str(tmp_path / "c"))
    assert cache.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CLAIMKIT_CACHE_DIR")
    import platformdirs

    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("claimkit"))


def test_store_is_atomic_and_leaves_no_temporary_file(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMKIT_CACHE_DIR", str(tmp_path))
    key = "ab" + "0" * 62
    assert cache.store(key, "x\n") is not None and cache.load(key) == "x\n"

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", fail)
    assert cache.store(key, "y\n") is None
    assert cache.load(key) == "x\n"  # the old entry is untouched
    assert not list(tmp_path.rglob(".tmp-*"))


def test_unwritable_cache_is_not_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLAIMKIT_CACHE_DIR", str(blocker))
    assert cache.store("cd" + "0" * 62, "x\n") is None
    assert cache.load("cd" + "0" * 62) is None


def test_cache_command(monkeypatch, tmp_path, capsys):
    from claimkit.cli import main

    monkeypatch.setenv("CLAIMKIT_CACHE_DIR", str(tmp_path))
    cache.store("ef" + "0" * 62, "x\n")
    assert main(["cache"]) == 0
    assert f"{tmp_path}: 1 cached parse" in capsys.readouterr().out
    assert main(["cache", "--clear"]) == 0
    assert "removed 1 cached parse" in capsys.readouterr().out
    assert cache.entries() == []


@pytest.mark.parametrize("text", [
    "وقال ر\ufeffويترز إن الاجتماع سيعقد غدا في القاه\u200cرة.",             # zero-width marks inside words
    "وأضاف السف\u2067ير أن الم\u202bفاوضات وصلت إلى طريق مسدود.",              # bidi isolates and embeddings
    "ﻭﻗﺎﻝ ﺍﻟﺴﻔﻴﺮ ﺇﻥ ﺍﻻﺟﺘﻤﺎﻉ ﺳﻴﻌﻘﺪ ﻏﺪﺍ. ﷻ",                                   # presentation forms and a ligature
])
def test_odd_characters_round_trip_through_the_cache(text):
    """A text with marks the cleaner drops, or with ligatures, is a cache hit the second time."""
    from claimkit.pipeline import prepare

    first = claimkit.analyze(text)
    prep = prepare(text, model=parsing.model_identity())
    assert prep.parsed is not None, "the stored parse did not load back"
    assert claimkit.analyze(text).to_dicts() == first.to_dicts()


def test_fast_and_exact_parses_are_cached_apart(parsed_once, monkeypatch, parse_spy):
    """The default (fast) parse and the exact one have different keys: neither is served for the other."""
    monkeypatch.delenv("CLAIMKIT_EXACT_PARSE", raising=False)
    fast_id, exact_id = parsing.model_identity(exact=False), parsing.model_identity(exact=True)
    assert fast_id != exact_id and parsing.model_identity() == fast_id
    assert _key(model=fast_id) != _key(model=exact_id)
    assert cache._path(_key(model=fast_id)).is_file()          # parsed_once used the default: fast
    exact_entry = cache._path(_key(model=exact_id))
    if exact_entry.is_file():                                  # left by another test of this session
        exact_entry.unlink()
    claimkit.analyze(TEXT, exact_parse=True)
    assert len(parse_spy) == 1 and exact_entry.is_file()       # the fast entry was not used for it
    claimkit.analyze(TEXT, exact_parse=True)
    claimkit.analyze(TEXT)
    assert len(parse_spy) == 1                                 # each mode hits its own entry


def test_exact_parse_from_environment_and_command_line(monkeypatch, tmp_path, capsys):
    """CLAIMKIT_EXACT_PARSE=1 and --exact-parse choose the exact pipeline and key; --exact-parse
    applies to its command only."""
    from claimkit.cli import main

    monkeypatch.setenv("CLAIMKIT_EXACT_PARSE", "1")
    assert parsing.exact_parse() and "+fast" not in parsing.model_identity()
    monkeypatch.setenv("CLAIMKIT_EXACT_PARSE", "0")
    assert not parsing.exact_parse() and "+fast" in parsing.model_identity()
    modes = []
    real = parsing.get_pipeline

    def spy(stanza_dir=None, exact=None):
        modes.append(parsing.exact_parse(exact))
        return real(stanza_dir, exact)

    monkeypatch.setattr(parsing, "get_pipeline", spy)
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert main(["analyze", str(article), "--exact-parse", "--no-cache", "--format", "jsonl"]) == 0
    assert modes and all(modes)
    assert not parsing.exact_parse()                           # restored after the command
    modes.clear()
    assert main(["analyze", str(article), "--no-cache", "--format", "jsonl"]) == 0
    assert modes and not any(modes)
