"""The presentation layer: what a reader sees of a table or a text, in any notebook viewer."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from claimkit import plots, present, render

LONG_NAME = "المتحدث باسم وزارة الخارجية الروسية ماريا زاخاروفا"


@pytest.fixture(scope="module")
def profile_frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"doc": "libya_haftar_moscow_2016.ar", "claims": 14, "distinct_sources": 5, "share_person": 0.785714,
         "share_organization": 0.0, "share_official": 0.142857, "share_anonymous": 0.071429, "share_media": 0.0,
         "share_document": 0.0, "share_author": 0.0, "mean_hedging": 1.2142857, "hedged_share": 0.214286,
         "top_source": LONG_NAME, "top_source_claim_share": 0.571429, "top_source_word_share": 0.6},
        {"doc": "padtdev01.ar", "claims": 0, "distinct_sources": 0, **{c: float("nan") for c in plots.SHARE_COLUMNS},
         "mean_hedging": float("nan"), "hedged_share": float("nan"), "top_source": None,
         "top_source_claim_share": float("nan"), "top_source_word_share": float("nan")},
    ])


def test_labels_percentages_and_decimals(profile_frame):
    markup = present.table(profile_frame).to_html()
    for raw in ("share_anonymous", "hedged_share", "0.785714", "1.2142857"):
        assert raw not in markup
    for shown in ("named person", "anonymous", "hedged or speculative", "mean hedging (0–3)", "79%", "1.21", "14%"):
        assert shown in markup
    assert present.NA in markup  # the article without claims


def test_styles_are_inline_so_an_untrusted_notebook_keeps_them(profile_frame):
    """JupyterLab drops <style> from untrusted HTML; style attributes with allowed properties stay."""
    markup = present.table(profile_frame).to_html()
    assert "<style" not in markup and "<script" not in markup
    allowed = {"border-collapse", "table-layout", "max-width", "font-size", "line-height", "margin", "color",
               "background-color", "text-align", "vertical-align", "white-space", "word-break", "font-weight",
               "padding", "border-bottom", "overflow-wrap", "direction", "font-family", "min-width", "caption-side"}
    used = {decl.split(":")[0].strip() for style in re.findall(r'style="([^"]*)"', markup)
            for decl in style.split(";") if decl.strip()}
    assert used <= allowed, used - allowed
    numbers = re.findall(r'<td[^>]*style="([^"]*)"[^>]*>79%</td>', markup)
    assert numbers and "text-align: right" in numbers[0]


def test_long_names_are_cut_at_a_space_with_the_full_text_on_hover(profile_frame):
    markup = present.table(profile_frame).to_html()
    m = re.search(r'<span dir="[a-z]+" title="([^"]*)">([^<]*)</span>', markup)
    assert m and m.group(1) == LONG_NAME
    shown = m.group(2)
    assert shown.endswith("…") and len(shown) <= present.NAME_CHARS + 1
    assert LONG_NAME.startswith(shown[:-1]) and LONG_NAME[len(shown) - 1] == " "  # cut between words
    arabic_cell = re.search(r'<td[^>]*style="([^"]*)"[^>]*><span dir="[a-z]+" title=', markup).group(1)
    assert "direction: rtl" in arabic_cell


def test_profile_is_split_in_two_narrow_tables(profile_frame):
    markup = str(present.profile(profile_frame))
    tables = re.findall(r"<table.*?</table>", markup, flags=re.S)
    assert len(tables) == 2
    headers = [re.findall(r"<th[^>]*>([^<]*)</th>", t) for t in tables]
    assert all(h[0] == "article" for h in headers) and all(len(h) <= 9 for h in headers)
    assert "media" not in headers[0]  # a source type no article has is left out
    assert "top source" in headers[1]


def test_claims_table_keeps_hedging_tints_inline(gold_analysis):
    markup = render.claims_table(gold_analysis).to_html()
    assert "<style" not in markup
    tints = set(re.findall(r'background-color: (#[0-9a-f]{6});[^"]*"><span dir="[a-z]+">'
                           r"(?:boosted|neutral|hedged|speculative)<", markup))
    assert tints and tints <= {"#d8f0d8", "#f2f2f2", "#fff0c2", "#ffd6cc"}
    assert "what is claimed" in markup and "hedge markers" in markup


def test_text_is_rtl_html_wrapped_between_words():
    block = str(present.text("قال الوزير إن المسألة تتعلق بالتضامن.\nوأضاف أن <الأمر> مهم."))
    assert 'dir="rtl"' in block and "word-break: normal" in block and "white-space: pre-wrap" in block
    assert "&lt;الأمر&gt;" in block  # escaped, line breaks kept as text
    latin = str(present.text("cue «قال» (say): matched by form; source «الوزير»"))
    assert 'dir="ltr"' in latin


@pytest.fixture(scope="module")
def gold_analysis(seed_gold, seed_text):
    return plots.as_analysis(seed_gold, seed_text, doc="seed")


def test_say_prints_outside_a_notebook(capsys):
    present.say("3 of", 5, "claims", sep=" ")
    assert capsys.readouterr().out == "3 of 5 claims\n"


def test_an_english_reason_quoting_arabic_names_reads_left_to_right():
    """A merge reason is an English sentence with isolated Arabic names: its cell stays left to right
    (quotes around each name, not flipped), while an Arabic name's cell reads right to left."""
    import pandas as pd

    from claimkit.render import isolate

    reason = f"“{isolate('الحكومة المصرية')}” and “{isolate('مصر')}” both stand for the state “{isolate('مصر')}”"
    markup = present.table(pd.DataFrame({"name": ["مصر"], "reason": [reason]}), kinds={"reason": "text"}).to_html()
    cells = re.findall(r'<td[^>]*style="([^"]*)"[^>]*><span dir="([a-z]+)"', markup)
    assert [(("direction: rtl" in css), d) for css, d in cells] == [(True, "rtl"), (False, "ltr")]
    assert present.direction("أرييل شارون") == "rtl" and present.direction("same name “x”") == "ltr"
