"""`claimkit report`: an executed template notebook exported to one offline HTML page, reproducibly."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from claimkit.cli import main

pytest.importorskip("nbclient", reason="claimkit report needs the notebook extra (nbclient)")
pytest.importorskip("nbconvert", reason="claimkit report needs the notebook extra (nbconvert)")

import headless  # noqa: E402  (tests/headless.py)

ROOT = Path(__file__).resolve().parent.parent
PADT_DEV = ROOT.parent / "shared" / "gold" / "padt_dev"
SEED = ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt"
ARTICLES = (SEED, PADT_DEV / "padtdev01.ar.txt", PADT_DEV / "padtdev10.ar.txt")


def cell_outputs(nb: dict, tag: str) -> list[dict]:
    cells = [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, tag
    return cells[0]["outputs"]


def text_of(outputs: list[dict], mime: str) -> str:
    return "".join("".join(o["data"][mime]) for o in outputs if mime in o.get("data", {}))


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The same command run twice on the same three raw texts (the seed and two PADT dev stories)."""
    if not PADT_DEV.is_dir():
        pytest.skip(f"{PADT_DEV} (PADT dev gold texts) is not beside the checkout")
    base = tmp_path_factory.mktemp("report")
    folder = base / "articles"
    folder.mkdir()
    for p in ARTICLES:
        shutil.copy(p, folder / p.name)
    out = base / "out" / "report.html"
    runs = []
    for k in range(2):
        assert main(["report", str(folder), "--out", str(out)]) == 0
        keep = base / f"run{k}"
        keep.mkdir()
        runs.append((shutil.copy(out, keep / out.name), shutil.copy(out.with_suffix(".ipynb"), keep / "report.ipynb")))
    return folder, [(Path(h), json.loads(Path(n).read_text(encoding="utf-8"))) for h, n in runs]


def test_report_is_reproducible(two_runs):
    """Two runs: the same claims, sources and provenance; only the date differs."""
    _, [(_, nb1), (_, nb2)] = two_runs
    no_ids = re.compile(r"T_[0-9a-f]{5}")
    for tag, mime in (("ck-claims", "text/html"), ("ck-sources", "text/html"), ("ck-profile", "text/html")):
        a, b = (no_ids.sub("T_", text_of(cell_outputs(nb, tag), mime)) for nb in (nb1, nb2))
        assert a and a == b, tag
    m1, m2 = (text_of(cell_outputs(nb, "ck-methods"), "text/markdown") for nb in (nb1, nb2))
    undated = re.compile(r"^\| date \|.*$", re.M)
    assert undated.sub("", m1) == undated.sub("", m2)
    assert undated.search(m1)


def test_provenance_names_version_model_inputs_and_command(two_runs):
    import claimkit
    from claimkit.parsing import model_identity

    folder, [(html_path, nb)] = two_runs[0], two_runs[1][:1]
    methods = text_of(cell_outputs(nb, "ck-methods"), "text/markdown")
    assert f"| claimkit version | `{claimkit.__version__}` |" in methods
    assert f"| model identity | `{model_identity()}` |" in methods
    for p in ARTICLES:
        assert f"| `{p.name}` | `{hashlib.sha256(p.read_bytes()).hexdigest()}` |" in methods
    assert f"claimkit report {folder} --out {html_path.parent.parent / 'out' / 'report.html'}" in methods
    assert "| data (held out) | system | cue P | cue R |" in methods  # the README's accuracy table


def test_report_numbers_agree_with_each_other(two_runs):
    """Summary claims = rows of the claims table = bars of the source-type chart; one article view per input."""
    _, [(_, nb), _] = two_runs
    claims_html = text_of(cell_outputs(nb, "ck-claims"), "text/html")
    n_rows = claims_html.count("<tr") - 1  # minus the header row
    m = re.search(r"All (\d+) claims", claims_html)
    assert m and int(m.group(1)) == n_rows
    figures = [o["data"]["application/vnd.plotly.v1+json"] for o in cell_outputs(nb, "ck-charts")
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) >= 3
    composition = next(f for f in figures if "What kind of sources" in f["layout"]["title"]["text"])
    assert sum(composition["data"][0]["y"]) == n_rows
    profile_chart = figures[0]
    labels = profile_chart["data"][0]["y"]
    assert len(labels) == len(ARTICLES)
    for k in range(len(labels)):  # each article's source-type shares add up to 100% (or 0 without claims)
        assert sum(t["x"][k] for t in profile_chart["data"]) == pytest.approx(1) or \
            sum(t["x"][k] for t in profile_chart["data"]) == 0
    articles = text_of(cell_outputs(nb, "ck-articles"), "text/html")
    assert articles.count('<details class="ck-article"') == len(ARTICLES)


def test_stored_outputs_are_clean_and_charts_have_png(two_runs):
    _, [(html_path, nb), _] = two_runs
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("name") == "stderr" or o["output_type"] == "error"]
    plotly_outputs = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert plotly_outputs and all("text/html" in o["data"] for o in plotly_outputs)
    if headless.browser():
        from claimkit.notebook import fallback_png

        assert all(fallback_png("".join(o["data"]["text/html"])) for o in plotly_outputs)
    page = html_path.read_text(encoding="utf-8")
    assert page.count("window.PlotlyConfig") == 1  # plotly.js embedded once
    assert not re.search(r"<script[^>]+src=\"https?:", page)  # nothing from a CDN
    assert "<pre" not in page or "def " not in page  # outputs only, no code


@pytest.mark.skipif(headless.browser() is None, reason="no Chromium/Chrome for the browser check")
def test_report_draws_every_chart_offline_in_chromium(two_runs):
    _, [(html_path, nb), _] = two_runs
    expected = sum("application/vnd.plotly.v1+json" in o.get("data", {}) for c in nb["cells"]
                   for o in c.get("outputs", []))
    dom = headless.dump_dom(html_path)
    assert headless.charts_drawn(dom) == expected
    assert dom.count('<details class="ck-article"') == len(ARTICLES)
    assert dom.count('class="claimkit-article"') == len(ARTICLES)


def test_report_without_inputs_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty"), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "claimkit: error: no input files" in err and "Traceback" not in err
    assert main(["report", str(SEED), "--out", str(tmp_path / "r.pdf")]) == 2
    assert "--out NAME.html" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "r.html")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_report_on_gold_trees_needs_no_model(tmp_path):
    """`--conllu`: the trees are analysed as they are; provenance says the model was not used."""
    if not PADT_DEV.is_dir():
        pytest.skip(f"{PADT_DEV} (PADT dev gold trees) is not beside the checkout")
    from claimkit.report import build_report

    inputs = [PADT_DEV / "padtdev02.ar.conllu", PADT_DEV / "padtdev03.ar.conllu"]
    rep = build_report(inputs, tmp_path / "trees.html", conllu=True, title="Two wire stories",
                       stanza_dir=tmp_path / "no-model-here")
    nb = json.loads(rep.notebook.read_text(encoding="utf-8"))
    methods = text_of(cell_outputs(nb, "ck-methods"), "text/markdown")
    assert "| model identity | `not used (CoNLL-U trees)` |" in methods
    for p in inputs:  # the trees and the texts their offsets point into
        for f in (p, p.with_suffix("").with_suffix(".ar.txt")):
            assert f"| `{f.name}` | `{hashlib.sha256(f.read_bytes()).hexdigest()}` |" in methods
    page = rep.html.read_text(encoding="utf-8")
    assert "<title>Two wire stories</title>" in page
    assert page.count('<details class="ck-article"') == 2


def test_report_on_the_newswire_trees_has_the_corpus_index(tmp_path):
    """The 123 PADT newswire documents (gold trees): each outlet's top sources, with no source split
    across spellings that the index rules merge (the same name key twice in one outlet's list)."""
    padt_train = ROOT.parent / "shared" / "gold" / "padt_train"
    if not PADT_DEV.is_dir() or not padt_train.is_dir():
        pytest.skip("the PADT newswire gold trees are not beside the checkout")
    from claimkit.names import name_key, read_phrase
    from claimkit.report import build_report

    inputs = sorted(PADT_DEV.glob("*.conllu")) + sorted(padt_train.glob("*.conllu"))
    assert len(inputs) == 123
    rep = build_report(inputs, tmp_path / "wires.html", conllu=True, title="PADT newswires")
    nb = json.loads(rep.notebook.read_text(encoding="utf-8"))
    outputs = cell_outputs(nb, "ck-corpus-index")
    assert "sources** (" in text_of(outputs, "text/markdown")
    tables = text_of(outputs, "text/html")
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
    # the stored top-sources table (claimkit.present's look: labelled, no raw column names), read back:
    # one row per (outlet, source)
    assert "source_type" not in tables and "source_id" not in tables
    import html as html_lib

    table = tables.split("</table>")[0]
    rows = [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    rows = [r for r in rows if len(r) >= 2]
    assert len(rows) >= 10
    by_outlet: dict[str, list[str]] = {}
    for outlet, source, *_ in rows:
        by_outlet.setdefault(outlet.strip(), []).append(source.strip())
    assert {"AFP", "Al-Hayat", "Xinhua"} <= set(by_outlet)
    for outlet, sources in by_outlet.items():
        keys = [name_key(read_phrase(s).name) or s for s in sources]
        assert len(keys) == len(set(keys)), (outlet, sources)
