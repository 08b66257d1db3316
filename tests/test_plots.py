"""Charts: the numbers drawn are the numbers in the claims."""
from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest

from claimkit import plots
from claimkit.records import HEDGING_NAMES, SOURCE_TYPES, Analysis, entity_label
from conftest import gold_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gold_analysis() -> Analysis:
    text = (ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt").read_text(encoding="utf-8")
    lines = gold_path("libya_haftar_moscow_2016.ar.claims.jsonl").read_text(encoding="utf-8").splitlines()
    return plots.as_analysis([json.loads(x) for x in lines if x.strip()], text, doc="seed")


@pytest.fixture(scope="module")
def empty_analysis() -> Analysis:
    return Analysis(doc="empty", text="نص بلا ادعاءات", records=())


def _bars(fig) -> dict[str, float]:
    """Sum of bar lengths per category over all traces of a horizontal bar chart."""
    total: Counter = Counter()
    for trace in fig.data:
        for x, y in zip(trace.x, trace.y):
            total[y] += x
    return dict(total)


def test_as_analysis_keeps_every_record(gold_analysis):
    assert len(gold_analysis) == 15
    for c in gold_analysis.records:
        assert gold_analysis.text[c.cue_start:c.cue_end] == c.cue
        assert gold_analysis.text[c.content_start:c.content_end] == c.content
    sentences = [c.sentence for c in gold_analysis.records]
    assert sentences == sorted(sentences)


def test_claims_per_entity_counts(gold_analysis):
    fig = plots.claims_per_entity(gold_analysis)
    expected = Counter(entity_label(c) for c in gold_analysis.records)
    assert _bars(fig) == dict(expected)
    assert _bars(fig)["إيفان مولوتكوف"] == 9
    # colour follows source type, one legend entry per type
    names = {t.name for t in fig.data}
    assert names == {plots.SOURCE_TYPE_LABELS[t] for t in {c.source_type for c in gold_analysis.records}}
    for trace in fig.data:
        stype = next(k for k, v in plots.SOURCE_TYPE_LABELS.items() if v == trace.name)
        assert trace.marker.color == plots.SOURCE_TYPE_COLORS[stype]
    # biggest source listed first (top of the chart)
    assert list(fig.layout.yaxis.categoryarray)[-1] == "إيفان مولوتكوف"


def test_entity_table_matches_analysis_sources(gold_analysis):
    mine = plots.entity_table(gold_analysis)
    theirs = gold_analysis.sources
    assert mine["entity"].tolist() == theirs["entity"].tolist()
    assert mine["claims"].tolist() == theirs["claims"].tolist()
    assert mine["words"].tolist() == theirs["words"].tolist()


def test_word_share_sums_to_one(gold_analysis):
    fig = plots.word_share_per_entity(gold_analysis)
    shares = _bars(fig)
    assert math.isclose(sum(shares.values()), 1.0)
    words = {e: sum(len(c.content.split()) for c in gold_analysis.records if entity_label(c) == e) for e in shares}
    total = sum(words.values())
    for e, share in shares.items():
        assert math.isclose(share, words[e] / total)


def test_hedging_stacks_in_order(gold_analysis):
    fig = plots.hedging_per_entity(gold_analysis)
    assert [t.name for t in fig.data] == list(HEDGING_NAMES)
    assert fig.layout.barmode == "stack"
    for trace in fig.data:
        for entity, n in zip(trace.y, trace.x):
            assert n == sum(1 for c in gold_analysis.records if entity_label(c) == entity and c.hedging == trace.name)
    assert _bars(fig) == dict(Counter(entity_label(c) for c in gold_analysis.records))


def test_source_positions(gold_analysis):
    fig = plots.source_positions(gold_analysis)
    points = [(y, x) for t in fig.data for x, y in zip(t.x, t.y)]
    assert len(points) == len(gold_analysis)
    expected = sorted((entity_label(c), c.cue_start / len(gold_analysis.text)) for c in gold_analysis.records)
    got = sorted(points)
    assert [e for e, _ in got] == [e for e, _ in expected]
    assert [x for _, x in got] == pytest.approx([x for _, x in expected])
    assert all(0 <= x <= 1 for _, x in points)
    assert fig.layout.xaxis.range[0] > fig.layout.xaxis.range[1]  # start of the article on the right


def test_source_type_composition(gold_analysis):
    fig = plots.source_type_composition(gold_analysis)
    (bar,) = fig.data
    assert list(bar.x) == [plots.SOURCE_TYPE_LABELS[t] for t in SOURCE_TYPES]
    counts = Counter(c.source_type for c in gold_analysis.records)
    assert list(bar.y) == [counts.get(t, 0) for t in SOURCE_TYPES]
    assert sum(bar.y) == len(gold_analysis)


def test_reliance_states_the_numbers(gold_analysis):
    fig = plots.reliance(gold_analysis)
    n = plots.reliance_numbers(gold_analysis)
    assert n["top_source"] == "إيفان مولوتكوف"
    assert n["claim_share"] == pytest.approx(9 / 15)
    top, rest = fig.data
    assert list(top.x) == pytest.approx([n["claim_share"], n["word_share"]])
    assert [a + b for a, b in zip(top.x, rest.x)] == pytest.approx([1, 1])
    title = fig.layout.title.text
    assert "إيفان مولوتكوف" in title and "60%" in title and f"{n['word_share']:.0%}" in title


@pytest.mark.parametrize("fn", [plots.claims_per_entity, plots.word_share_per_entity, plots.hedging_per_entity,
                                plots.source_positions, plots.source_type_composition, plots.reliance])
def test_no_claims_draws_a_note(fn, empty_analysis):
    fig = fn(empty_analysis)
    assert not fig.data
    assert any("no" in a.text.lower() for a in fig.layout.annotations) or "no claims" in fig.layout.title.text


def test_dataframe_and_dict_inputs(gold_analysis):
    from_df = plots.claims_per_entity(gold_analysis.claims)
    from_dicts = plots.claims_per_entity(gold_analysis.to_dicts())
    assert _bars(from_df) == _bars(from_dicts) == _bars(plots.claims_per_entity(gold_analysis))


WORDS = [  # وقال السفير إن الوفد سيصل
    {"i": 0, "text": "و", "upos": "CCONJ", "head": 1, "deprel": "cc", "start": 0, "end": 1},
    {"i": 1, "text": "قال", "upos": "VERB", "head": -1, "deprel": "root", "start": 1, "end": 4},
    {"i": 2, "text": "السفير", "upos": "NOUN", "head": 1, "deprel": "nsubj", "start": 5, "end": 11},
    {"i": 3, "text": "إن", "upos": "SCONJ", "head": 5, "deprel": "mark", "start": 12, "end": 14},
    {"i": 4, "text": "الوفد", "upos": "NOUN", "head": 5, "deprel": "nsubj", "start": 15, "end": 20},
    {"i": 5, "text": "سيصل", "upos": "VERB", "head": 1, "deprel": "ccomp", "start": 21, "end": 25},
]


def test_dependency_tree_right_to_left_and_arcs():
    fig = plots.dependency_tree(WORDS, highlight={1: "cue", 2: "source"}, path=[1, 2])
    words = next(t for t in fig.data if t.name == "words")
    assert list(words.text) == [w["text"] for w in WORDS]
    xs = list(words.x)
    assert xs == sorted(xs, reverse=True)  # first word rightmost
    arcs = [t for t in fig.data if t.mode == "lines"]
    assert sorted(t.name for t in arcs) == sorted(w["deprel"] for w in WORDS if w["head"] >= 0)
    nsubj = next(t for t in arcs if t.name == "nsubj" and "السفير" in t.text)
    assert nsubj.line.width > 2 and nsubj.line.color == plots.ROLE_COLORS["source"]
    assert words.textfont.color[1] == plots.ROLE_COLORS["cue"]
    assert any(a.text == "root" for a in fig.layout.annotations)


def test_dependency_paths_and_span_heads():
    assert plots.dependency_path(WORDS, 1, 2) == [1, 2]
    assert plots.dependency_path(WORDS, 2, 4) == [2, 1, 5, 4]
    assert plots.span_head(WORDS, 15, 25) == 5
    assert plots.span_head(WORDS, None, None) is None
    assert plots.span_words(WORDS, 5, 14) == [2, 3]


def test_dependency_tree_of_a_slice_marks_outside_heads():
    fig = plots.dependency_tree(WORDS[2:])
    texts = [a.text for a in fig.layout.annotations]
    assert "nsubj (head outside)" in texts and "ccomp (head outside)" in texts


def test_sourcing_profile(gold_analysis, empty_analysis):
    profile = plots.sourcing_profile([gold_analysis, empty_analysis])
    seed, empty = profile.iloc[0], profile.iloc[1]
    assert seed["claims"] == 15 and seed["distinct_sources"] == 5
    assert sum(seed[c] for c in plots.SHARE_COLUMNS) == pytest.approx(1)
    assert seed["share_person"] == pytest.approx(12 / 15)
    assert seed["share_anonymous"] == pytest.approx(2 / 15)
    assert seed["mean_hedging"] == pytest.approx(sum(c.hedging_level for c in gold_analysis.records) / 15)
    assert seed["top_source"] == "إيفان مولوتكوف"
    assert seed["top_source_claim_share"] == pytest.approx(0.6)
    assert empty["claims"] == 0 and math.isnan(empty["share_person"])
    chart = plots.sourcing_profile_chart(profile)
    label_to_type = {v: k for k, v in plots.SOURCE_TYPE_LABELS.items()}
    for trace in chart.data:
        assert trace.x[0] == pytest.approx(seed[f"share_{label_to_type[trace.name]}"])
        assert trace.x[1] == 0
    dep = plots.dependence_chart(profile)
    assert list(dep.data[0].x) == pytest.approx([0.6, 0])


def test_save_figure_html(gold_analysis, tmp_path):
    out = plots.save_figure(plots.claims_per_entity(gold_analysis), tmp_path / "c.html")
    page = out.read_text(encoding="utf-8")
    assert "إيفان مولوتكوف" in page or "\\u0625" in page
    assert 'src="http' not in page  # plotly.js is inlined, works offline
    with pytest.raises(ValueError):
        plots.save_figure(plots.claims_per_entity(gold_analysis), tmp_path / "c.xyz")


def test_save_figure_static_error_without_browser(gold_analysis, tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "find_browser", lambda: None)
    pytest.importorskip("kaleido")
    with pytest.raises(plots.StaticExportError, match="chromium"):
        plots.save_figure(plots.claims_per_entity(gold_analysis), tmp_path / "c.png")


@pytest.mark.skipif(plots.find_browser() is None, reason="no Chrome/Chromium for kaleido")
def test_save_figure_png(gold_analysis, tmp_path):
    pytest.importorskip("kaleido")
    out = plots.save_figure(plots.claims_per_entity(gold_analysis), tmp_path / "c.png", width=600, height=400)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(shutil.which("chromium") is None and plots.find_browser() is None, reason="no Chromium")
def test_render_images_script(tmp_path):
    import runpy

    mod = runpy.run_path(str(ROOT / "scripts" / "render_images.py"))
    pngs = mod["render_images"](tmp_path, gold=True)
    assert [p.name for p in pngs] == ["article_view.png", "chart_claims_per_entity.png"]
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10_000


# -- reading well at JupyterLab's size: bidi isolates, legends, trees ------------------------------------------

def test_isolate_wraps_arabic_only_once():
    from claimkit.render import FSI, PDI, isolate

    assert isolate("إيفان مولوتكوف") == f"{FSI}إيفان مولوتكوف{PDI}"
    assert isolate(isolate("إيفان")) == isolate("إيفان")
    assert isolate("AFP") == "AFP" and isolate(12) == "12"


def test_arabic_names_in_latin_titles_and_labels_are_isolated(gold_analysis):
    from claimkit.plots import svg_isolate
    from claimkit.render import isolate

    name = "إيفان مولوتكوف"
    fig = plots.reliance(gold_analysis)
    assert f"Top source {svg_isolate(isolate(name))}: 60% of the claims" in fig.layout.title.text
    assert fig.data[0].name == f"top source: {svg_isolate(isolate(name))}"
    assert f"{isolate(name)}\u200e: 60%" in fig.layout.title.text     # a left-to-right mark before the colon
    profile = plots.sourcing_profile([gold_analysis])
    dep = plots.dependence_chart(profile)
    assert list(dep.data[0].y) == [f"seed · {isolate(name)}"]
    # hover texts put the Arabic axis label in an isolate too
    assert plots.claims_per_entity(gold_analysis).data[0].hovertemplate.startswith("\u2068%{y}\u2069: ")


@pytest.mark.parametrize("make", [plots.claims_per_entity, plots.word_share_per_entity, plots.hedging_per_entity,
                                  plots.source_positions, plots.reliance])
def test_legend_sits_between_title_and_plot_with_room(make, gold_analysis):
    """The legend is above the plot area (never on the x-axis title) and the top margin holds title + legend."""
    fig = make(gold_analysis)
    legend, height, top = fig.layout.legend, fig.layout.height, fig.layout.margin.t
    lines = fig.layout.title.text.count("<br>") + 1 + bool(fig.layout.title.subtitle.text)
    rows = plots._legend_rows(fig)
    assert rows >= 1
    assert top >= 24 * lines + 24 * rows
    # in figure coordinates: starts under the title lines and ends above the plot area
    assert legend.yref == "container" and legend.yanchor == "top"
    legend_top_px = (1 - legend.y) * height
    assert 24 * lines <= legend_top_px and legend_top_px + 24 * rows <= top
    assert fig.layout.height and fig.layout.height >= fig.layout.margin.t + fig.layout.margin.b + 150


def test_long_dependency_tree_fits_its_view_and_opens_at_the_sentence_start():
    n = 40
    words = [{"i": k, "text": f"كلمة{k}", "upos": "NOUN", "head": k - 1, "deprel": "dep", "start": 6 * k,
              "end": 6 * k + 5} for k in range(n)]
    fig = plots.dependency_tree(words)
    assert fig.layout.width is None  # takes the width of the output area
    words_trace = next(t for t in fig.data if t.name == "words")
    x_of = dict(zip(words_trace.text, words_trace.x))
    lo, hi = fig.layout.xaxis.range
    visible = [w["text"] for w in words if lo <= x_of[w["text"]] <= hi]
    assert visible == [w["text"] for w in words[: plots.TREE_WINDOW]]  # the first words, on the right
    full = plots.dependency_tree(words, window=None)
    lo, hi = full.layout.xaxis.range
    assert all(lo <= x <= hi for x in words_trace.x)


def test_sourcing_profile_by_pools_claims(gold_analysis, empty_analysis):
    profile = plots.sourcing_profile([gold_analysis, gold_analysis, empty_analysis])
    profile.insert(1, "outlet", ["A", "B", "B"])
    pooled = plots.sourcing_profile_by(profile, "outlet")
    assert list(pooled["doc"]) == ["A", "B"] and list(pooled["articles"]) == [1, 2]
    assert list(pooled["claims"]) == [15, 15]
    for _, row in pooled.iterrows():
        assert sum(row[c] for c in plots.SHARE_COLUMNS) == pytest.approx(1)
        assert row["share_person"] == pytest.approx(12 / 15)
        assert row["top_source_claim_share"] == pytest.approx(0.6)  # the article without claims is left out
    chart = plots.sourcing_profile_chart(pooled)
    assert sum(t.x[0] for t in chart.data) == pytest.approx(1)


def test_profile_by_group_draws_every_article_and_the_means(gold_analysis, empty_analysis):
    profile = plots.sourcing_profile([gold_analysis, empty_analysis, gold_analysis])
    profile.insert(1, "outlet", ["AFP", "AFP", "Xinhua"])
    fig = plots.profile_by_group(profile, "outlet", "top_source_claim_share", "dependence")
    bars, dots = fig.data
    assert list(bars.y) == ["AFP", "Xinhua"] and list(bars.x) == pytest.approx([0.6, 0.6])
    assert len(dots.x) == 2  # the article without claims has no value


def test_many_long_labels_stay_within_one_screen_with_full_names_on_hover():
    """40 articles with long Arabic top sources: the chart fits a 768 px screen, labels are cut, hovers are whole."""
    import pandas as pd

    long_name = "المتحدث الرسمي باسم وزارة الخارجية في الحكومة الانتقالية"
    profile = pd.DataFrame([{"doc": f"article_{k:02d}", "claims": 3, "top_source": long_name,
                             "top_source_claim_share": 0.5, "top_source_word_share": 0.4} for k in range(40)])
    fig = plots.dependence_chart(profile)
    assert fig.layout.height <= 768
    axis = fig.layout.yaxis
    assert list(axis.tickvals) == fig.data[0].y.tolist() if hasattr(fig.data[0].y, "tolist") else list(fig.data[0].y)
    assert all(len(t) <= plots.LABEL_CHARS + 3 and t.rstrip("\u2069").endswith("…") for t in axis.ticktext)
    assert long_name in fig.data[0].y[0]  # the hover (%{y}) shows the whole label
    assert fig.layout.margin.r <= 8.5 * (plots.LABEL_CHARS + 3) + 30
