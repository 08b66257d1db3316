"""Corpus runs: batching, broken files reported and skipped, streaming, cache, atomic output."""
from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

import claimkit
from claimkit import RECORD_KEYS, corpus, parsing
from claimkit.cli import main

TEXTS = {
    "a.txt": "قال وزير الخارجية المصري سامح شكري إن بلاده تدعم الحل السياسي في ليبيا.\n\n"
             "وأضاف أن القاهرة ستواصل جهودها.",
    "b.txt": "أعلنت الحكومة الليبية أمس أن الانتخابات ستجري في موعدها.\n\nويرى مراقبون أن الوضع قد يتغير.",
    "c.txt": "ذكرت وكالة الأنباء أن الرئيس سيزور موسكو الأسبوع المقبل.",
}
BROKEN = {
    "empty.txt": b"",
    "english.txt": b"The minister said the talks went well.",
    "latin1.txt": "قال".encode("utf-8") + "\xe9t\xe9".encode("latin-1"),
}


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    for name, text in TEXTS.items():
        (d / name).write_text(text, encoding="utf-8")
    for name, raw in BROKEN.items():
        (d / name).write_bytes(raw)
    (d / "notes.md").write_text("ignored", encoding="utf-8")
    return d


def test_broken_files_are_reported_and_others_kept(folder):
    results = list(claimkit.analyze_corpus(folder, batch_size=8))
    names = [Path(r.path).name for r in results]
    assert names == sorted(list(TEXTS) + list(BROKEN))  # every input reported, in order
    by = {Path(r.path).name: r for r in results}
    for name in TEXTS:
        r = by[name]
        assert r.ok and r.analysis is not None and r.doc == name[:-4] and r.words > 0
        assert r.analysis.to_dicts() == claimkit.analyze(TEXTS[name], doc=r.doc).to_dicts()
    assert by["empty.txt"].error.startswith("EmptyTextError")
    assert by["english.txt"].error.startswith("NotArabicError")
    assert by["latin1.txt"].error.startswith("InputFileError") and "UTF-8" in by["latin1.txt"].error
    summary = corpus.CorpusSummary()
    for r in results:
        summary.add(r)
    report = summary.report()
    assert "3 of 6 files analysed" in report and all(name in report for name in BROKEN)


def test_cache_hits_skip_the_parser(folder, monkeypatch):
    list(claimkit.analyze_corpus(folder))  # make sure every text is cached

    def boom(*a, **k):
        raise AssertionError("Stanza was called although every parse is cached")

    for name in ("parse_many", "parse_stanza", "get_pipeline"):
        monkeypatch.setattr(parsing, name, boom)
    results = [r for r in claimkit.analyze_corpus(folder) if r.ok]
    assert len(results) == 3 and all(r.cached and r.parse_seconds == 0 for r in results)


def test_new_version_invalidates_the_cache(tmp_path, monkeypatch):
    f = tmp_path / "c.txt"
    f.write_text(TEXTS["c.txt"], encoding="utf-8")
    list(claimkit.analyze_corpus([f]))
    assert next(claimkit.analyze_corpus([f])).cached
    monkeypatch.setattr(claimkit, "__version__", "0.0.0-next")
    r = next(claimkit.analyze_corpus([f]))
    assert r.ok and not r.cached  # parsed again under the new version
    assert next(claimkit.analyze_corpus([f])).cached
    r = next(claimkit.analyze_corpus([f], cache=False))
    assert r.ok and not r.cached


def test_results_are_streamed(folder):
    gen = claimkit.analyze_corpus([folder / "a.txt", folder / "b.txt", folder / "c.txt"], batch_size=1)
    assert inspect.isgenerator(gen)
    first = next(gen)
    assert first.ok and first.doc == "a"
    (folder / "c.txt").unlink()  # not read yet: it is reported missing, not silently used
    rest = list(gen)
    assert [r.doc for r in rest] == ["b", "c"] and rest[0].ok
    assert rest[1].error.startswith("InputFileError") and "no such file" in rest[1].error


def test_paths_globs_and_conllu(folder, gold_dir, tmp_path):
    files = corpus.expand_paths([str(folder / "[ab].txt"), folder / "c.txt", folder / "a.txt"])
    assert [p.name for p in files] == ["a.txt", "b.txt", "c.txt"]
    assert [p.name for p in corpus.expand_paths(gold_dir, conllu=True)] == ["pud_attribution.ar.conllu"]
    (r,) = list(claimkit.analyze_corpus(gold_dir, conllu=True))
    assert r.ok and r.doc == "pud_attribution.ar" and len(r.analysis.sentence_spans) == 224
    assert corpus.is_corpus_spec([str(folder)]) and corpus.is_corpus_spec(["a.txt", "b.txt"])
    assert not corpus.is_corpus_spec([str(folder / "a.txt")])


def test_workers_give_the_same_results(folder):
    serial = [(r.doc, r.ok, r.records()) for r in claimkit.analyze_corpus(folder)]
    parallel = [(r.doc, r.ok, r.records()) for r in claimkit.analyze_corpus(folder, workers=2, batch_size=2)]
    assert parallel == serial


def test_corpus_claims_dataframe(folder):
    df = corpus.corpus_claims(folder)
    assert list(df.columns) == list(RECORD_KEYS)
    assert sorted(Path(p).name for p, _ in df.attrs["failures"]) == sorted(BROKEN)


@pytest.mark.parametrize("ext", ["jsonl", "csv", "parquet", "json"])
def test_cli_corpus_run(folder, tmp_path, capsys, ext):
    out = tmp_path / f"claims.{ext}"
    code = main(["analyze", str(folder), "--out", str(out), "--no-progress"])
    _, err = capsys.readouterr()
    assert code == 1  # some files were skipped; the rest is written
    assert out.is_file() and "3 of 6 files analysed" in err and "english.txt" in err
    expected = [rec for name in sorted(TEXTS) for rec in claimkit.analyze(TEXTS[name], doc=name[:-4]).to_dicts()]
    if ext == "jsonl":
        got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    elif ext == "json":
        got = json.loads(out.read_text(encoding="utf-8"))
    elif ext == "csv":
        header = out.read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(RECORD_KEYS)
        return
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.column_names == list(RECORD_KEYS)
        got = table.to_pylist()
    assert got == expected


def test_cli_corpus_stdout_and_glob(folder, capsys):
    code = main(["analyze", str(folder / "[abc].txt"), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert code == 0 and "3 of 3 files analysed" in err
    assert all(list(json.loads(x)) == list(RECORD_KEYS) for x in out.splitlines() if x.strip())
    code = main(["analyze", str(folder / "a.txt"), str(folder / "english.txt"), "--format", "table"])
    out, err = capsys.readouterr()
    assert code == 1 and "NotArabicError" in out and "1 of 2 files" in err
    code = main(["analyze", str(folder / "english.txt"), str(folder / "empty.txt")])
    assert code == 2  # nothing could be analysed


def test_cli_corpus_output_is_atomic(folder, tmp_path, capsys, monkeypatch):
    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    real = corpus.run_batch
    calls = []

    def interrupted(paths, **kw):
        calls.append(paths)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(paths, **kw)

    monkeypatch.setattr(corpus, "run_batch", interrupted)
    code = main(["analyze", str(folder), "--out", str(out), "--batch-size", "1", "--no-progress"])
    assert code == 130 and "interrupted" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous run\n"  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "corpus"]  # no temporary file left


def test_corpus_run_where_every_file_fails_keeps_the_previous_out_file(folder, tmp_path, capsys):
    """Defect 3: an all-failure run replaced an existing --out file with an empty one."""
    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    code = main(["analyze", str(folder / "english.txt"), str(folder / "empty.txt"), "--out", str(out),
                 "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "0 of 2 files" in err and "not written" in err
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "corpus"]  # no temporary file left


def test_sigterm_during_a_corpus_run_leaves_no_temporary_file(folder, tmp_path):
    """Defect 4: SIGTERM (timeout, batch schedulers, docker stop) left the hidden temporary output file."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(claimkit.__file__).resolve().parent.parent))
    proc = subprocess.Popen([sys.executable, "-m", "claimkit.cli", "analyze", str(folder), "--out", str(out),
                             "--no-cache", "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]:
        time.sleep(0.05)
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "the run never started writing"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and "terminated" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "corpus"]
