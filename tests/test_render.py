"""The article view: every span highlighted at its offsets, RTL, escaped, legend, table."""
from __future__ import annotations

import json
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimkit import render
from claimkit.plots import as_analysis
from conftest import gold_path

ROOT = Path(__file__).resolve().parent.parent


def _gold() -> tuple[str, list[dict]]:
    text = (ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt").read_text(encoding="utf-8")
    lines = gold_path("libya_haftar_moscow_2016.ar.claims.jsonl").read_text(encoding="utf-8").splitlines()
    return text, [json.loads(line) for line in lines if line.strip()]


class SpanCollector(HTMLParser):
    """Collects the text inside every highlight element, per (claim, role), and the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict | None] = []
        self.pieces: dict[tuple[int, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.in_text = 0
        self.text_parts: list[str] = []
        self.attrs_seen: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attrs_seen.append({"tag": tag, **a})
        if a.get("class") == "ck-text":
            self.in_text = 1
        elif self.in_text:
            self.in_text += 1
        self.stack.append(a if "data-claim" in a else None)

    def handle_endtag(self, tag):
        self.stack.pop()
        if self.in_text:
            self.in_text -= 1

    def handle_data(self, data):
        if self.in_text:
            self.text_parts.append(data)
        for a in self.stack:
            if a is not None:
                self.pieces[(int(a["data-claim"]), a["data-role"])].append(
                    (int(a["data-start"]), int(a["data-end"]), data))


def _parse(markup: str) -> SpanCollector:
    p = SpanCollector()
    p.feed(markup)
    return p


@pytest.fixture(scope="module")
def gold():
    return _gold()


def test_every_span_is_highlighted_and_slices_back(gold):
    text, records = gold
    p = _parse(render.render_article(records, text))
    for i, r in enumerate(records):
        for role in ("cue", "source", "content"):
            start, end = r.get(f"{role}_start"), r.get(f"{role}_end")
            if start is None:
                assert (i, role) not in p.pieces
                continue
            pieces = p.pieces[(i, role)]
            assert "".join(piece for _, _, piece in pieces) == text[start:end] == r[role]
            assert {(s, e) for s, e, _ in pieces} == {(start, end)}


def test_text_is_reproduced_exactly(gold):
    text, records = gold
    p = _parse(render.render_article(records, text))
    assert "".join(p.text_parts) == text


def test_overlapping_spans_nest(gold):
    """A cue inside another claim's content is highlighted as a cue and still counted in that content."""
    text, records = gold
    outer = dict(records[0])
    inner = dict(records[1])
    # make claim 0's content cover claim 1's cue
    outer["content_end"] = inner["cue_end"] + 5
    p = _parse(render.render_article([outer, inner], text))
    cue = p.pieces[(1, "cue")]
    assert "".join(x for _, _, x in cue) == inner["cue"]
    content = "".join(x for _, _, x in p.pieces[(0, "content")])
    assert content == text[outer["content_start"]:outer["content_end"]]
    assert inner["cue"] in content


def test_rtl_and_language(gold):
    text, records = gold
    frag = render.render_article(records, text)
    assert frag.startswith('<div class="claimkit-article" dir="rtl" lang="ar"')
    page = render.render_article(records, text, page=True)
    assert '<html dir="rtl" lang="ar">' in page and '<meta charset="utf-8">' in page
    assert "<link" not in page and "<script" not in page and "http" not in page


def test_text_is_escaped():
    text = 'قال الوزير إن <script>alert("x")</script> & كل شيء بخير'
    rec = {"cue": "قال", "cue_start": 0, "cue_end": 3, "source": "الوزير", "source_start": 4, "source_end": 10,
           "entity": "<b>الوزير</b>", "source_type": "official", "content": text[14:], "content_start": 14,
           "content_end": len(text), "mode": "indirect", "hedging": "neutral", "hedging_level": 1}
    markup = render.render_article([rec], text)
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup and "&amp;" in markup
    p = _parse(markup)
    assert "".join(p.text_parts) == text


def test_tooltips_and_colours(gold):
    text, records = gold
    p = _parse(render.render_article(records, text))
    colors = render.entity_colors(records)
    cue_tags = [a for a in p.attrs_seen if a.get("data-role") == "cue"]
    assert len(cue_tags) >= len(records)
    for a in cue_tags:
        r = records[int(a["data-claim"])]
        assert f"cue: {render.isolate(render.entity_of(r))}" in a["title"]
        assert f"source type: {r['source_type']}" in a["title"]
        assert f"hedging: {r['hedging']} ({r['hedging_level']})" in a["title"]
        assert f"mode: {r['mode']}" in a["title"]
        assert "border-radius" in a["style"]
    # one colour per entity, distinct entities get distinct colours
    assert len(set(colors.values())) == len(colors) == len({render.entity_of(r) for r in records})


def test_legend_lists_entities_with_counts(gold):
    text, records = gold
    p = _parse(render.render_article(records, text))
    legend = {a["data-entity"] for a in p.attrs_seen if "data-entity" in a}
    assert legend == {render.entity_of(r) for r in records}
    empty = render.render_article([], "نص بلا ادعاءات")
    assert "no attributed claims found" in empty


def test_analysis_and_dataframe_inputs_agree(gold):
    text, records = gold
    analysis = as_analysis(records, text, doc="seed")
    from_analysis = render.render_article(analysis, title="")
    from_frame = render.render_article(analysis.claims, text, title="")
    assert from_analysis == from_frame
    assert "seed" in render.render_article(analysis)
    with pytest.raises(ValueError):
        render.render_article(records)


def test_display_outside_jupyter_returns_html_and_save(gold, tmp_path):
    text, records = gold
    assert render.display(records, text) == render.render_article(records, text)
    out = render.save_html(records, tmp_path / "view.html", text)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    shown = render.show(records, text, path=tmp_path / "shown.html")
    assert Path(shown).exists()


def test_claims_table_is_rtl_for_arabic_columns(gold):
    text, records = gold
    styler = render.claims_table(as_analysis(records, text))
    markup = styler.to_html()
    assert "direction: rtl" in markup
    assert set(render.arabic_columns(styler.data)) >= {"cue", "entity", "content"}
    assert "mode" not in render.arabic_columns(styler.data)
    assert len(styler.data) == len(records)
