"""The command line: help, formats, exact record keys, CoNLL-U input, bad input → status 2."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import claimkit
from claimkit import RECORD_KEYS
from claimkit.cli import main
from claimkit.records import Claim
from conftest import gold_path

TEXT = "قال وزير الخارجية المصري سامح شكري إن بلاده تدعم الحل السياسي في ليبيا.\n\nوأضاف أن القاهرة ستواصل جهودها."
HEAVY = ("torch", "stanza", "pandas", "plotly")


@pytest.fixture
def article(tmp_path) -> Path:
    p = tmp_path / "article.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def gold_claims() -> list[Claim]:
    """Real claim records (the seed's gold claims) for output-shape tests that need claims."""
    lines = gold_path("libya_haftar_moscow_2016.ar.claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [Claim.from_dict({"sentence": 0, "cue_lemma": "", **json.loads(x)}) for x in lines if x.strip()]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- help and version ----------------------------------------------------------------------

def test_help_and_version(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and all(c in out for c in ("analyze", "evaluate", "download", "parse"))
    for cmd in ("analyze", "evaluate", "download", "parse", "cache"):
        code, out, _ = run(capsys, cmd, "--help")
        assert code == 0 and "usage: claimkit " + cmd in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"claimkit {claimkit.__version__}"
    code, _, err = run(capsys)
    assert code == 2 and "COMMAND" in err
    code, _, err = run(capsys, "analyze")
    assert code == 2 and "required" in err
    code, _, err = run(capsys, "analyze", "x.txt", "--format", "xml")
    assert code == 2 and "invalid choice" in err


def test_entry_point_help_is_light():
    """`claimkit --help` through the installed script imports nothing heavy."""
    exe = Path(sys.executable).with_name("claimkit")
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "analyze" in r.stdout
    code = "import sys; from claimkit.cli import main; main(['--version']); print(sorted(m for m in %r if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code % (HEAVY,)], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip().endswith("[]")


def test_warm_cache_run_imports_no_heavy_module(article, capsys):
    assert main(["analyze", str(article), "--format", "jsonl"]) == 0  # warms the (session) cache
    capsys.readouterr()
    code = ("import sys; from claimkit.cli import main; rc = main(['analyze', %r, '--format', 'jsonl']); "
            "print('RC', rc, sorted(m for m in %r if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code % (str(article), HEAVY)], capture_output=True, text=True,
                       timeout=120, env=os.environ.copy())
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "RC 0 []"


# -- formats -------------------------------------------------------------------------------

def test_each_format(article, capsys):
    analysis = claimkit.analyze_file(article)
    expected = analysis.to_dicts()

    code, out, _ = run(capsys, "analyze", str(article), "--format", "jsonl")
    assert code == 0
    recs = [json.loads(x) for x in out.splitlines() if x.strip()]
    assert recs == expected and all(list(r) == list(RECORD_KEYS) for r in recs)
    assert all(r["doc"] == "article" for r in recs)

    code, out, _ = run(capsys, "analyze", str(article), "--format", "json")
    assert code == 0 and json.loads(out) == expected

    code, out, _ = run(capsys, "analyze", str(article), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == list(RECORD_KEYS) and len(rows) == len(expected) + 1

    code, out, _ = run(capsys, "analyze", str(article))
    assert code == 0 and out.startswith("article: ")
    code, out, _ = run(capsys, "analyze", str(article), "--display", "visual")
    assert code == 0 and out.startswith("article: ")


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet"])
def test_writers_give_exact_keys(tmp_path, fmt):
    from claimkit.writers import write_records

    recs = [c.to_dict() for c in gold_claims()]
    out = tmp_path / f"claims.{fmt}"
    assert write_records(recs, out) == len(recs)
    if fmt == "jsonl":
        back = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    elif fmt == "json":
        back = json.loads(out.read_text(encoding="utf-8"))
    elif fmt == "csv":
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0]) == list(RECORD_KEYS)
        assert json.loads(rows[0]["hedge_cues"]) == recs[0]["hedge_cues"]
        assert rows[0]["cue"] == recs[0]["cue"] and int(rows[0]["cue_start"]) == recs[0]["cue_start"]
        return
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.column_names == list(RECORD_KEYS)
        back = table.to_pylist()
    assert back == recs and all(list(r) == list(RECORD_KEYS) for r in back)


def test_table_shows_claims_and_sources():
    from claimkit.table import LRM, analysis_report, text_width

    claims = gold_claims()
    out = analysis_report("seed", claims, 16, total_width=120)
    assert "15 claims" in out and "Sources" in out and "إيفان مولوتكوف" in out
    lines = [line for line in out.splitlines() if "│" in line]
    assert all(line.startswith(LRM) for line in lines)
    assert all(text_width(line) <= 120 for line in lines)
    vis = analysis_report("seed", claims, 16, total_width=120, display="visual")
    assert LRM not in vis and "فوكتولوم نافيإ" in vis  # python-bidi display order


def test_out_file(article, tmp_path, capsys):
    for ext in ("jsonl", "json", "csv", "parquet"):
        out = tmp_path / f"o.{ext}"
        code, stdout, err = run(capsys, "analyze", str(article), "--out", str(out))
        assert code == 0 and out.is_file() and stdout == "" and "written to" in err
    code, _, err = run(capsys, "analyze", str(article), "--out", str(tmp_path / "o.xml"))
    assert code == 2 and ".jsonl" in err
    code, _, err = run(capsys, "analyze", str(article), "--out", str(tmp_path / "nowhere" / "o.jsonl"))
    assert code == 2 and "does not exist" in err
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_atomic_writer_leaves_nothing_on_interrupt(tmp_path):
    from claimkit.writers import RecordWriter

    recs = [c.to_dict() for c in gold_claims()]
    for ext in ("jsonl", "parquet"):
        out = tmp_path / f"claims.{ext}"
        out.write_text("previous", encoding="utf-8") if ext == "jsonl" else None
        with pytest.raises(KeyboardInterrupt):
            with RecordWriter(out) as w:
                w.write(recs[:5])
                raise KeyboardInterrupt
        assert (out.read_text(encoding="utf-8") == "previous") if ext == "jsonl" else not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl"]


# -- CoNLL-U input and `claimkit parse` ------------------------------------------------------

def test_parse_then_analyze_conllu(article, tmp_path, capsys):
    conllu = tmp_path / "article.conllu"
    code, _, _ = run(capsys, "parse", str(article), "--out", str(conllu))
    assert code == 0 and "start_char=" in conllu.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "parse", str(article))
    assert code == 0 and out == conllu.read_text(encoding="utf-8")

    direct = claimkit.analyze_file(article).to_dicts()
    code, out, _ = run(capsys, "analyze", str(conllu), "--text", str(article), "--format", "json")
    assert code == 0 and json.loads(out) == direct
    # NAME.txt beside NAME.conllu is picked up without --text
    code, out, _ = run(capsys, "analyze", str(conllu), "--format", "json")
    assert code == 0 and json.loads(out) == direct
    # --conllu forces CoNLL-U reading whatever the extension
    other = tmp_path / "trees.txt"
    other.write_text(conllu.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run(capsys, "analyze", str(other), "--conllu", "--text", str(article), "--format", "jsonl")
    assert code == 0


def test_gold_trees_analyse_without_a_parser(capsys, pud_conllu_path):
    code, out, _ = run(capsys, "analyze", str(pud_conllu_path), "--format", "jsonl")
    assert code == 0
    assert all(json.loads(x)["doc"] == "pud_attribution.ar" for x in out.splitlines() if x.strip())


# -- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n\t ", "empty"),
    ("latin1.txt", "قال".encode("utf-8") + "é".encode("latin-1"), "not UTF-8"),
    ("english.txt", b"The minister said the talks went well.", "Arabic"),
    ("bad.conllu", b"this is not\tconllu\n\n", "CoNLL-U"),
    ("cols.conllu", "1\tقال\n\n".encode("utf-8"), "CoNLL-U"),
    ("cycle.conllu", "1\tقال\tقال\tVERB\t_\t_\t2\troot\t_\t_\n2\tالوزير\tوزير\tNOUN\t_\t_\t1\tnsubj\t_\t_\n\n"
     .encode("utf-8"), "cycle"),
    ("head.conllu", "1\tقال\tقال\tVERB\t_\t_\t0\troot\t_\t_\n2\tالوزير\tوزير\tNOUN\t_\t_\t9\tnsubj\t_\t_\n\n"
     .encode("utf-8"), "outside the sentence"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    code, out, err = run(capsys, "analyze", str(p), "--format", "jsonl")
    assert code == 2 and out == ""
    assert err.startswith("claimkit: error: ") and message in err and "Traceback" not in err


def test_missing_file_and_folder_errors(tmp_path, capsys):
    code, _, err = run(capsys, "analyze", str(tmp_path / "nope.txt"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "analyze", str(tmp_path / "*.txt"))
    assert code == 2 and "no input files" in err
    code, _, err = run(capsys, "parse", str(tmp_path / "nope.txt"))
    assert code == 2 and "no such file" in err


def test_missing_model_fails_fast_and_names_the_fix(tmp_path):
    """An empty model folder and no network: a clear error, status 2, no hang, no traceback."""
    article = tmp_path / "a.txt"
    article.write_text(TEXT + " نص جديد لا يوجد في الذاكرة المؤقتة", encoding="utf-8")
    empty = tmp_path / "stanza"
    empty.mkdir()
    env = dict(os.environ, CLAIMKIT_CACHE_DIR=str(tmp_path / "cache"),
               # no network: every download attempt fails at once instead of waiting
               HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               http_proxy="http://127.0.0.1:9", NO_PROXY="", no_proxy="", HF_HUB_OFFLINE="1",
               STANZA_RESOURCES_URL="http://127.0.0.1:9/stanza-resources")
    exe = Path(sys.executable).with_name("claimkit")
    r = subprocess.run([str(exe), "analyze", str(article), "--stanza-dir", str(empty), "--format", "jsonl"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 2, r.stderr
    assert "claimkit download" in r.stderr and "STANZA_RESOURCES_DIR" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


# -- messages and resource options ---------------------------------------------------------------

def test_unknown_format_says_claimkit_error(article, capsys):
    """Defect 8: argparse's line came without the `claimkit: error:` prefix."""
    code, out, err = run(capsys, "analyze", str(article), "--format", "xml")
    assert code == 2 and out == ""
    assert err.splitlines()[-1].startswith("claimkit: error: analyze: argument --format")
    assert "invalid choice: 'xml'" in err


def test_too_long_message_names_the_command_line_option(article, capsys):
    """Defect 8: the CLI said "pass max_chars=None", which it has no option for."""
    code, _, err = run(capsys, "analyze", str(article), "--max-chars", "10", "--format", "jsonl")
    assert code == 2 and "over the limit of 10" in err and "--max-chars 0" in err
    code, out, _ = run(capsys, "analyze", str(article), "--max-chars", "0", "--format", "jsonl")
    assert code == 0 and out.strip()


def test_parse_out_into_a_missing_folder_names_the_target(article, tmp_path, capsys):
    """Defect 8: the message named the temporary file, not the target."""
    target = tmp_path / "missing" / "article.conllu"
    code, _, err = run(capsys, "parse", str(article), "--out", str(target))
    assert code == 2 and str(target) in err and "does not exist" in err and ".tmp" not in err
    from claimkit.writers import write_text_atomic

    with pytest.raises(claimkit.ClaimkitError, match="does not exist"):
        write_text_atomic("x", target)


def test_threads_option(article, capsys, monkeypatch):
    from claimkit import parsing

    code, _, err = run(capsys, "analyze", str(article), "--threads", "0")
    assert code == 2 and "--threads" in err and "at least 1" in err
    monkeypatch.setattr(parsing, "_THREADS", None)
    code, _, _ = run(capsys, "analyze", str(article), "--threads", "1", "--no-cache", "--format", "jsonl")
    import torch

    assert code == 0 and parsing.threads() == 1 and torch.get_num_threads() == 1
    monkeypatch.setattr(parsing, "_THREADS", None)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert parsing.default_threads() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= parsing.default_threads() <= 4
