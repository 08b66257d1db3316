"""Every public view of an analysis holding lone surrogates (regressions found by scripts/fuzz.py).

A lone surrogate (``"\\udfff"``, as ``json.loads`` of damaged data gives) is kept in the records so
that offsets slice back, but pyarrow (pandas 3 strings, Parquet), HTML and terminals cannot carry
it. Before the fix every DataFrame view, every chart, the article view page and the Parquet writer
raised ``UnicodeEncodeError`` from deep inside a library.
"""
from __future__ import annotations

import json

import pytest

import claimkit
from claimkit import plots, render, table
from claimkit.writers import read_records, write_records
from conftest import assert_spans_slice_back

TEXT = "وقال الوزير إن القرار من اختصاص ال\udfffبنك المركزي."   # the example of the issue
SHOWN = TEXT.replace("\udfff", "\ufffd")


@pytest.fixture(scope="module")
def analysis():
    a = claimkit.analyze(TEXT, doc="x\udc80")
    assert len(a) == 1 and "\udfff" in a.records[0].content
    assert_spans_slice_back(TEXT, a)
    return a


def test_dataframes_show_the_surrogate_as_a_replacement_character(analysis):
    claims, sentences, sources = analysis.claims, analysis.sentences, analysis.sources
    c = analysis.records[0]
    row = claims.iloc[0]
    assert row["content"] == SHOWN[c.content_start:c.content_end]            # same length: offsets line up
    assert row["doc"] == "x\ufffd" and row["cue"] == c.cue and row["content_start"] == c.content_start
    assert sentences["text"].tolist() == [SHOWN[s.start:s.end] for s in analysis.sentence_spans]
    assert sources["claims"].tolist() == [1]
    assert analysis.records[0].content == TEXT[c.content_start:c.content_end]  # the records keep the exact text
    assert "الوزير" in analysis.explain(0)


def test_every_chart_serialises(analysis):
    names = ["claims_per_entity", "word_share_per_entity", "hedging_per_entity", "source_positions",
             "source_type_composition", "reliance"]
    for name in names:
        assert json.loads(getattr(plots, name)(analysis).to_json())["data"], name
    profile = plots.sourcing_profile([analysis])
    assert profile["doc"].tolist() == ["x\ufffd"]
    json.loads(plots.sourcing_profile_chart(profile).to_json())
    # records as dicts (e.g. from JSONL) go through the same DataFrame constructor
    json.loads(plots.claims_per_entity(analysis.to_dicts()).to_json())


def test_article_view_and_terminal_table_are_utf8(analysis, tmp_path):
    page = render.render_article(analysis, page=True)
    page.encode("utf-8")
    assert "ال\ufffdبنك" in page
    render.save_html(analysis, tmp_path / "view.html")
    assert "\ufffd" in (tmp_path / "view.html").read_text(encoding="utf-8")
    render.claims_table(analysis).to_html().encode("utf-8")
    report = table.analysis_report(analysis.doc, analysis.records, len(analysis.sentence_spans), total_width=200)
    assert report.startswith("x\ufffd: 1 claim") and "\ufffd" in report
    report.encode("utf-8")


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet"])
def test_writers_read_back(analysis, tmp_path, fmt):
    path = tmp_path / f"claims.{fmt}"
    write_records(analysis.to_dicts(), path)
    back = read_records(path)
    if fmt in ("jsonl", "json"):  # a JSON escape: the exact string comes back
        assert back == analysis.to_dicts()
    else:  # CSV and Parquet hold the six characters of the escape
        assert back[0]["content"] == analysis.records[0].content.replace("\udfff", "\\udfff")
        assert back[0]["doc"] == "x\\udc80"
        assert {k: v for k, v in back[0].items() if k not in ("content", "doc")} == \
            {k: v for k, v in analysis.to_dicts()[0].items() if k not in ("content", "doc")}


def test_a_surrogate_pair_comes_back_from_jsonl_as_the_character_it_encodes(tmp_path):
    """Found by the fuzz (#626): two code points \\udb6f\\udcbb are one character to a JSON reader."""
    from claimkit.surrogates import as_json_reads_it

    a = claimkit.analyze("وأكد المتحدث باسم وزارة الخا\udb6f\udcbbرجية المصرية أن الاجتماع سيعقد غدا.")
    path = tmp_path / "claims.jsonl"
    write_records(a.to_dicts(), path)
    back = read_records(path)
    assert back == [{k: as_json_reads_it(v) if isinstance(v, str) else v for k, v in r.items()} for r in a.to_dicts()]
    assert any("\U000ebcbb" in str(v) for r in back for v in r.values())   # the pair, joined


def test_dependency_tree_of_a_leniently_decoded_conllu(tmp_path):
    """Found by the tree fuzz (#69): a FORM holding a lone surrogate made the figure's JSON fail."""
    from claimkit.treebank import from_conllu

    conllu = ("# text = قال الوز\udcd9ير\n1\tقال\tقال\tVERB\t_\t_\t0\troot\t_\t_\n"
              "2\tالوز\udcd9ير\tوزير\tNOUN\t_\t_\t1\tnsubj\t_\t_\n\n")
    words = from_conllu(conllu).sents[0].words
    fig = plots.dependency_tree(words, title="x\udc80")
    data = json.loads(fig.to_json())
    assert "الوز\ufffdير" in json.dumps(data, ensure_ascii=False)
