"""Charts of who an article relies on, as plotly figures.

Every chart function takes an :class:`~claimkit.records.Analysis` (or a claims
DataFrame, or a list of records) and returns a ``plotly.graph_objects.Figure``; it
never shows or saves anything itself. Figures with no claims still draw, with a note
saying there is nothing to show.

- :func:`claims_per_entity`, :func:`word_share_per_entity` — who is quoted, and how much.
- :func:`hedging_per_entity` — how firmly each source's claims are presented.
- :func:`source_positions` — where in the article each source speaks.
- :func:`source_type_composition` — named people vs officials vs anonymous sources …
- :func:`reliance` — how much the story depends on its top source.
- :func:`dependency_tree` — one parsed sentence, arcs drawn right to left.
- :func:`sourcing_profile`, :func:`sourcing_profile_chart`, :func:`dependence_chart` —
  several articles side by side.
- :func:`save_figure` — HTML always; PNG/SVG/PDF through kaleido and a local Chromium.

Arabic labels are plain strings: the browser (or kaleido's headless Chromium) shapes
and orders them, so they read right to left with joined letters.
"""
from __future__ import annotations

import math
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .errors import ClaimkitError
from .records import HEDGING_NAMES, SOURCE_TYPES, Analysis, Claim, dataframe
from .render import ARABIC_FONTS, FSI, PDI, claim_dicts, entity_of, isolate
from .surrogates import for_display

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

#: One colour per source type (also used by notebooks for tables).
SOURCE_TYPE_COLORS: dict[str, str] = {
    "person": "#0072B2", "organization": "#009E73", "official": "#E69F00", "anonymous": "#D55E00",
    "media": "#CC79A7", "document": "#56B4E9", "author": "#7F7F7F",
}
#: Readable names of the source types, in chart order.
SOURCE_TYPE_LABELS: dict[str, str] = {
    "person": "named person", "organization": "organization", "official": "unnamed official",
    "anonymous": "anonymous", "media": "media", "document": "document", "author": "author's voice",
}
#: Hedging levels from firmest to most tentative, with their colours.
HEDGING_COLORS: dict[str, str] = {"boosted": "#1a9850", "neutral": "#9e9e9e", "hedged": "#fdae61",
                                  "speculative": "#d73027"}
#: Roles of :func:`dependency_tree` highlights (claim parts and hedge markers) and their colours.
ROLE_COLORS: dict[str, str] = {"cue": "#C0392B", "source": "#1F77B4", "content": "#2CA02C", "channel": "#9467BD",
                               "hedge": "#FF7F0E"}



#: ``%{y}`` in a hover template, isolated so an Arabic label does not reorder the Latin text after it.
_Y = f"{FSI}%{{y}}{PDI}"
#: Plot-area height per bar/row, the minimum plot area and the maximum (px): the whole figure
#: stays within one laptop screen (768 px) however many rows; past about 20 rows the bars get thinner.
_ROW_PX, _MIN_PLOT_PX, _MAX_PLOT_PX = 34, 160, 520
#: Longest axis label shown whole (characters); longer ones are cut, the full label is in the hover.
LABEL_CHARS = 32


def _rows_px(n: int) -> int:
    return min(_MAX_PLOT_PX, max(_MIN_PLOT_PX, _ROW_PX * n))


def short_label(label: str, limit: int = LABEL_CHARS) -> str:
    """An axis label cut at a space to ``limit`` characters ("…"), its Unicode isolates kept balanced."""
    from .present import cut

    shown = cut(label, limit)
    if shown.count(FSI) > shown.count(PDI):
        shown += PDI * (shown.count(FSI) - shown.count(PDI))
    return shown


class StaticExportError(ClaimkitError, RuntimeError):
    """A PNG/SVG/PDF export that cannot run here (no kaleido, or no Chrome/Chromium)."""


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def as_analysis(obj: Any, text: str | None = None, doc: str = "doc") -> Analysis:
    """An :class:`Analysis` from an Analysis, Claims, record dicts or a claims DataFrame.

    Records without a ``sentence`` (gold files have none) get one by counting
    sentence-final punctuation and line breaks before the cue; a missing ``cue_lemma``
    becomes "". ``text`` is needed for anything that is not already an Analysis.
    """
    if isinstance(obj, Analysis):
        return obj
    if text is None:
        raise ValueError("as_analysis needs text=... for records that are not an Analysis")
    claims = []
    for d in claim_dicts(obj):
        d = dict(d)
        d.setdefault("doc", doc)
        d.setdefault("cue_lemma", "")
        if d.get("sentence") is None:
            d["sentence"] = _sentence_at(text, int(d["cue_start"]))
        claims.append(Claim.from_dict(d))
    return Analysis(doc=doc, text=text, records=tuple(claims))


def _sentence_at(text: str, offset: int) -> int:
    """Rough sentence index of an offset: runs of sentence ends before it."""
    return len(re.findall(r"(?:[.!?؟]\s*|\n\s*)+(?=\S)", text[:offset]))


def claims_frame(obj: Any) -> "pd.DataFrame":
    """The claims as a DataFrame with an extra ``entity_label`` column (the chart grouping)."""
    import pandas as pd

    from .records import RECORD_KEYS

    if isinstance(obj, Analysis):
        df = obj.claims.copy()
    elif isinstance(obj, pd.DataFrame):
        df = obj.copy()
    else:
        df = dataframe(claim_dicts(obj))
    for col in RECORD_KEYS:
        if col not in df.columns:
            df[col] = pd.Series(dtype=object)
    df["entity_label"] = [entity_of(r) for r in df.to_dict("records")] if len(df) else pd.Series(dtype=object)
    df["words"] = df["content"].map(lambda c: len(str(c).split()) if isinstance(c, str) else 0) if len(df) else 0
    return df


def entity_table(obj: Any) -> "pd.DataFrame":
    """Per entity: source type (most frequent), claims, words, shares, mean hedging, first sentence.

    Same numbers as ``Analysis.sources``, but from any input :func:`claims_frame` takes;
    sorted by claims then words, descending.
    """
    import pandas as pd

    df = claims_frame(obj)
    cols = ["entity", "source_type", "claims", "claim_share", "words", "word_share", "mean_hedging",
            "first_sentence"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    total_words = df["words"].sum() or 1
    rows = []
    for name, g in df.groupby("entity_label", sort=False):
        rows.append({"entity": name, "source_type": g["source_type"].mode().iloc[0] if g["source_type"].notna().any()
                     else "", "claims": len(g), "claim_share": len(g) / len(df), "words": int(g["words"].sum()),
                     "word_share": g["words"].sum() / total_words,
                     "mean_hedging": pd.to_numeric(g["hedging_level"], errors="coerce").mean(),
                     "first_sentence": pd.to_numeric(g["sentence"], errors="coerce").min()})
    out = dataframe(rows, cols)
    return out.sort_values(["claims", "words"], ascending=False, kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Layout helpers
# ---------------------------------------------------------------------------

#: Width (px) assumed when estimating how many rows a horizontal legend needs: a narrow
#: JupyterLab output area; wider views simply leave some room unused.
_ASSUMED_WIDTH = 640
_TITLE_LINE_PX = 24
_LEGEND_ROW_PX = 24


def _figure(title: str, **layout: Any) -> "go.Figure":
    """A figure with claimkit's layout: title at the top, legend in one band under it.

    The legend sits between the title and the plot (never under the x axis, where it
    collided with the axis title at JupyterLab's default height); :func:`_finish` sizes
    the top margin to the title lines and legend rows actually needed.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(title={"text": title, "x": 0.01, "xanchor": "left", "yref": "container", "y": 1,
                             "yanchor": "top", "pad": {"t": 12}},
                      font={"family": ARABIC_FONTS, "size": 14}, template="plotly_white",
                      margin={"l": 40, "r": 40, "t": 70, "b": 50},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1,
                              "traceorder": "normal"})
    fig.update_layout(**layout)
    return fig


def _legend_rows(fig: "go.Figure") -> int:
    """Rows a horizontal legend takes at :data:`_ASSUMED_WIDTH` (0 when no legend is shown)."""
    if fig.layout.showlegend is False:
        return 0
    names = [str(t.name) for t in fig.data if t.showlegend is not False and t.name]
    if len(names) < 2 and fig.layout.showlegend is not True:
        return 0  # plotly shows no legend for a single trace unless asked
    title = fig.layout.legend.title.text or ""
    rows, used = 1, 8 * len(title) + (12 if title else 0)
    for name in names:
        width = 44 + 8 * len(name)
        if used + width > _ASSUMED_WIDTH and used > 0:
            rows, used = rows + 1, 0
        used += width
    return rows


#: Left-to-right mark: a strong left-to-right character, invisible.
LRM = "\u200e"


def svg_isolate(text: str) -> str:
    """Isolated names (FSI…PDI) in a Latin chart text also fenced by left-to-right marks.

    Plotly draws titles and legends as SVG text, where a renderer that does not honour the
    isolates shows "Top source ⁨إيفان مولوتكوف⁩: 60%" as "Top source إيفان مولوتكوف :60%": the
    digits after the name take its direction and pull the colon over. A left-to-right mark on each
    side of the name keeps the colon and the number in the sentence's direction with or without
    isolate support (the browser test measures where the colon is drawn).
    """
    if FSI not in text:
        return text
    return text.replace(LRM + FSI, FSI).replace(PDI + LRM, PDI).replace(FSI, LRM + FSI).replace(PDI, PDI + LRM)


def _mark_isolates(fig: "go.Figure") -> None:
    """:func:`svg_isolate` on the figure's title, subtitle, axis titles and legend entries."""
    if fig.layout.title.text:
        fig.layout.title.text = svg_isolate(fig.layout.title.text)
    if fig.layout.title.subtitle.text:
        fig.layout.title.subtitle.text = svg_isolate(fig.layout.title.subtitle.text)
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.title.text:
            axis.title.text = svg_isolate(axis.title.text)
    for trace in fig.data:
        if getattr(trace, "name", None):
            trace.name = svg_isolate(trace.name)


def _finish(fig: "go.Figure", plot_px: int | None = None) -> "go.Figure":
    """Title lines, then the legend rows, then the plot: margins and height sized to fit them.

    The legend is placed in figure (container) coordinates right under the title, starting
    at the left edge, so neither a long title nor a wide label column (which narrows the
    plot area) can make the two overlap.
    """
    _mark_isolates(fig)
    title = fig.layout.title.text or ""
    lines = (title.count("<br>") + 1) if title else 0
    subtitle = bool(fig.layout.title.subtitle.text)
    lines += subtitle
    title_px = 14 + _TITLE_LINE_PX * lines + 12 * subtitle  # plotly sets the subtitle a little apart
    rows = _legend_rows(fig)
    top = title_px + _LEGEND_ROW_PX * rows + 12
    fig.update_layout(margin={"t": max(top, 30)})
    if plot_px is not None:
        bottom = fig.layout.margin.b or 50
        fig.update_layout(height=int(top + bottom + plot_px))
    if rows and fig.layout.height:
        fig.update_layout(legend={"xref": "container", "x": 0.01, "xanchor": "left", "yref": "container",
                                  "y": 1 - (title_px + 2) / fig.layout.height, "yanchor": "top"})
    return fig


def _empty_note(fig: "go.Figure", message: str = "no attributed claims found") -> "go.Figure":
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 16, "color": "#777"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, _MIN_PLOT_PX)


def _entity_axis(fig: "go.Figure", entities: Sequence[str], bars: bool = True) -> None:
    """Entities top to bottom in the given order, labels on the right (the RTL reading side).

    With ``bars`` the x axis is reversed so bars grow leftwards from their labels.
    """
    shown = [short_label(str(e)) for e in entities]
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(entities)), side="right",
                     automargin=True, type="category", ticklabelstandoff=8,
                     tickmode="array", tickvals=list(entities), ticktext=shown)  # hovers keep the full name
    if _ROW_PX * len(entities) > _MAX_PLOT_PX:  # rows thinner than the labels' line: smaller labels
        fig.update_yaxes(tickfont={"size": 11})
    # Room for the labels reserved up front: plotly's automargin measures them before the Arabic
    # web font is in, and JupyterLab then clipped the longest name at the right edge.
    longest = max((len(s) for s in shown), default=0)
    fig.update_layout(margin={"r": max(40, int(8.5 * longest) + 30)})
    if bars:
        fig.update_xaxes(autorange="reversed")


# ---------------------------------------------------------------------------
# One-article charts
# ---------------------------------------------------------------------------

def _bars_by_type(fig: "go.Figure", table: "pd.DataFrame", value: str, extra: str, hovertemplate: str) -> None:
    """One horizontal bar trace per source type (so the legend reads by type), entities on the axis."""
    import plotly.graph_objects as go

    for stype in _types_in(table["source_type"]):
        part = table[table["source_type"] == stype]
        fig.add_trace(go.Bar(x=part[value].tolist(), y=part["entity"].tolist(), orientation="h",
                             name=SOURCE_TYPE_LABELS.get(stype, stype), marker_color=SOURCE_TYPE_COLORS.get(stype),
                             customdata=part[[extra]].to_numpy(), hovertemplate=hovertemplate))
    _entity_axis(fig, table["entity"].tolist())


def claims_per_entity(obj: Any, title: str = "Claims per source") -> "go.Figure":
    """Horizontal bars: number of claims per entity, coloured (and grouped in the legend) by source type."""
    table = entity_table(obj)
    fig = _figure(title, barmode="stack", xaxis_title="claims", legend_title_text="source type")
    if table.empty:
        return _empty_note(fig)
    _bars_by_type(fig, table, "claims", "claim_share", _Y + ": %{x} claims (%{customdata[0]:.0%})<extra></extra>")
    fig.update_xaxes(dtick=1 if table["claims"].max() <= 10 else None)
    return _finish(fig, _rows_px(len(table)))


def word_share_per_entity(obj: Any, title: str = "Share of attributed words per source") -> "go.Figure":
    """Horizontal bars: each entity's share of all words inside claim contents."""
    table = entity_table(obj)
    fig = _figure(title, xaxis_title="share of attributed words", legend_title_text="source type")
    if table.empty:
        return _empty_note(fig)
    _bars_by_type(fig, table, "word_share", "words", _Y + ": %{x:.0%} (%{customdata[0]} words)<extra></extra>")
    fig.update_xaxes(tickformat=".0%", range=[1, 0])
    return _finish(fig, _rows_px(len(table)))


def hedging_per_entity(obj: Any, title: str = "How firmly each source's claims are presented") -> "go.Figure":
    """Stacked bars per entity: claims at each hedging level, boosted → speculative."""
    import plotly.graph_objects as go

    df = claims_frame(obj)
    fig = _figure(title, barmode="stack", xaxis_title="claims", legend_title_text="hedging")
    if df.empty:
        return _empty_note(fig)
    entities = entity_table(df)["entity"].tolist()
    for name in HEDGING_NAMES:
        counts = [int(((df["entity_label"] == e) & (df["hedging"] == name)).sum()) for e in entities]
        fig.add_trace(go.Bar(x=counts, y=entities, orientation="h", name=name, marker_color=HEDGING_COLORS[name],
                             hovertemplate=_Y + ": %{x} " + name + "<extra></extra>"))
    _entity_axis(fig, entities)
    return _finish(fig, _rows_px(len(entities)))


def source_positions(obj: Any, text_length: int | None = None,
                     title: str = "Where in the article each source speaks") -> "go.Figure":
    """One row per entity, a marker at each claim's cue position (% of the article, start on the right).

    The x axis runs right to left like the text. ``text_length`` defaults to the
    Analysis text length, else to the furthest span end.
    """
    import plotly.graph_objects as go

    df = claims_frame(obj)
    fig = _figure(title, xaxis_title="position in the article (start → end, read right to left)",
                  legend_title_text="source type")
    if df.empty:
        return _empty_note(fig)
    length = text_length or (len(obj.text) if isinstance(obj, Analysis) else None) or \
        int(max(df["content_end"].max(), df["cue_end"].max()))
    df["position"] = df["cue_start"].astype(float) / max(length, 1)
    entities = entity_table(df)["entity"].tolist()
    for stype in _types_in(df["source_type"]):
        part = df[df["source_type"] == stype]
        fig.add_trace(go.Scatter(
            x=part["position"].tolist(), y=part["entity_label"].tolist(), mode="markers",
            name=SOURCE_TYPE_LABELS.get(stype, stype),
            marker={"size": 14, "color": SOURCE_TYPE_COLORS.get(stype), "line": {"width": 1, "color": "#333"}},
            customdata=part[["cue", "sentence", "hedging"]].to_numpy(),
            hovertemplate=_Y + "<br>«%{customdata[0]}» sentence %{customdata[1]}, %{customdata[2]}<extra></extra>"))
    _entity_axis(fig, entities, bars=False)
    fig.update_xaxes(range=[1.02, -0.02], tickformat=".0%")
    return _finish(fig, _rows_px(len(entities)))


def source_type_composition(obj: Any, title: str = "What kind of sources the claims come from") -> "go.Figure":
    """Bars: claims per source type, every type shown (zeros included) in a fixed order."""
    import plotly.graph_objects as go

    df = claims_frame(obj)
    counts = [int((df["source_type"] == t).sum()) for t in SOURCE_TYPES]
    fig = _figure(title, yaxis_title="claims", showlegend=False)
    if df.empty:
        return _empty_note(fig)
    total = max(sum(counts), 1)
    fig.add_trace(go.Bar(x=[SOURCE_TYPE_LABELS[t] for t in SOURCE_TYPES], y=counts,
                         marker_color=[SOURCE_TYPE_COLORS[t] for t in SOURCE_TYPES],
                         text=[f"{c / total:.0%}" if c else "" for c in counts], textposition="outside",
                         hovertemplate="%{x}: %{y} claims<extra></extra>"))
    fig.update_yaxes(dtick=1 if max(counts) <= 10 else None, range=[0, max(counts) * 1.2 + 0.5])
    return _finish(fig, 300)


def reliance_numbers(obj: Any) -> dict[str, Any]:
    """The top source (most claims, then words) and its share of claims and of attributed words."""
    table = entity_table(obj)
    if table.empty:
        return {"top_source": None, "source_type": None, "claims": 0, "claim_share": math.nan,
                "word_share": math.nan, "sources": 0}
    top = table.iloc[0]
    return {"top_source": top["entity"], "source_type": top["source_type"], "claims": int(table["claims"].sum()),
            "claim_share": float(top["claim_share"]), "word_share": float(top["word_share"]),
            "sources": len(table)}


def reliance(obj: Any) -> "go.Figure":
    """How much the story depends on its top source: its share of claims and of attributed words vs the rest.

    The title states the numbers, so the figure answers the question on its own.
    """
    import plotly.graph_objects as go

    n = reliance_numbers(obj)
    if n["top_source"] is None:
        return _empty_note(_figure("How much does this story depend on its top source? (no claims found)"))
    title = (f"Top source {isolate(n['top_source'])}: {n['claim_share']:.0%} of the claims, "
             f"{n['word_share']:.0%} of the attributed words")
    fig = _figure(title, barmode="stack", xaxis_title="share", legend_title_text="",
                  title_subtitle_text="How much does this story depend on its top source?")
    measures = ["claims", "attributed words"]
    top = [n["claim_share"], n["word_share"]]
    fig.add_trace(go.Bar(y=measures, x=top, orientation="h", name=f"top source: {isolate(n['top_source'])}",
                         marker_color=SOURCE_TYPE_COLORS.get(n["source_type"], "#0072B2"),
                         text=[f"{v:.0%}" for v in top], textposition="inside",
                         hovertemplate="%{y}: %{x:.0%}<extra>top source</extra>"))
    rest = [1 - v for v in top]
    fig.add_trace(go.Bar(y=measures, x=rest, orientation="h", name=f"other sources ({n['sources'] - 1})",
                         marker_color="#d0d0d0", text=[f"{v:.0%}" if v > 0 else "" for v in rest],
                         textposition="inside", hovertemplate="%{y}: %{x:.0%}<extra>others</extra>"))
    fig.update_xaxes(tickformat=".0%", range=[1, 0])
    fig.update_yaxes(side="right", categoryorder="array", categoryarray=list(reversed(measures)))
    fig.update_layout(showlegend=True)
    return _finish(fig, 150)


def _types_in(types: Iterable[str]) -> list[str]:
    """The source types present, in the canonical order (unknown types last)."""
    present = list(dict.fromkeys(t for t in types if isinstance(t, str)))
    return [t for t in SOURCE_TYPES if t in present] + [t for t in present if t not in SOURCE_TYPES]


# ---------------------------------------------------------------------------
# Dependency trees
# ---------------------------------------------------------------------------

def _wget(w: Any, key: str) -> Any:
    return w[key] if isinstance(w, Mapping) else getattr(w, key)


def span_words(words: Sequence[Any], start: int | None, end: int | None) -> list[int]:
    """Indices of the words that overlap the character span ``[start, end)``."""
    if start is None or end is None:
        return []
    return [k for k, w in enumerate(words) if _wget(w, "start") < end and start < _wget(w, "end")
            and _wget(w, "upos") != "PUNCT"]


def span_head(words: Sequence[Any], start: int | None, end: int | None) -> int | None:
    """The span's syntactic head: of its words whose head lies outside it, the one nearest the root."""
    inside = span_words(words, start, end)
    heads = [k for k in inside if _wget(words[k], "head") not in inside]
    if not heads:
        return inside[0] if inside else None
    return min(heads, key=lambda k: (_depth(words, k), k))


def _depth(words: Sequence[Any], k: int) -> int:
    """Number of heads above word ``k`` (cycle-safe)."""
    seen = {k}
    while 0 <= _wget(words[k], "head") < len(words) and _wget(words[k], "head") not in seen:
        k = _wget(words[k], "head")
        seen.add(k)
    return len(seen) - 1


def dependency_path(words: Sequence[Any], a: int, b: int) -> list[int]:
    """Word indices on the tree path from ``a`` to ``b`` (both included), through their lowest common head."""
    def up(i: int) -> list[int]:
        chain, seen = [i], {i}
        while 0 <= _wget(words[chain[-1]], "head") < len(words) and _wget(words[chain[-1]], "head") not in seen:
            chain.append(_wget(words[chain[-1]], "head"))
            seen.add(chain[-1])
        return chain

    ua, ub = up(a), up(b)
    common = next((k for k in ua if k in ub), None)
    if common is None:
        return []
    return ua[: ua.index(common) + 1] + list(reversed(ub[: ub.index(common)]))


def _highlight_map(highlight: Mapping[int, str] | Iterable[int] | None) -> dict[int, str]:
    if highlight is None:
        return {}
    if isinstance(highlight, Mapping):
        return {int(k): ROLE_COLORS.get(v, v) for k, v in highlight.items()}
    return {int(k): ROLE_COLORS["cue"] for k in highlight}


def _word_index(w: Any, position: int) -> int:
    """A word's sentence index (``i``) when it has one, else its position in the list."""
    try:
        return int(_wget(w, "i"))
    except (KeyError, AttributeError):
        return position


#: Words of a sentence :func:`dependency_tree` shows at once; longer sentences open at their start.
TREE_WINDOW = 14


def dependency_tree(sentence_words: Sequence[Any], highlight: Mapping[int, str] | Iterable[int] | None = None,
                    path: Sequence[int] = (), title: str = "", window: int | None = TREE_WINDOW) -> "go.Figure":
    """Arcs over the words of one sentence, laid out right to left like the Arabic text.

    ``sentence_words``: :class:`~claimkit.treebank.Word` objects (``ParsedDoc.sents[i].words``,
    or a slice of them) or dicts with ``i``, ``text``, ``upos``, ``head`` (0-based, -1 root)
    and ``deprel``. ``highlight``: word index (``i``) → role (``cue``/``source``/``content``/
    ``channel``/``hedge``) or a colour; a plain iterable of indices is drawn in the cue colour.
    ``path``: consecutive word indices whose arcs are drawn thick (see :func:`dependency_path`).
    A head outside the words shown gets a dashed stub; the root an arrow from above.

    The figure takes the width of its view (no fixed pixel width, so it never overflows a
    notebook column). A sentence longer than ``window`` words opens on its first
    ``window`` words, i.e. on the right, where Arabic starts; drag (pan) leftwards to read
    on; a double-click brings the start back. ``window=None`` shows every word at once.
    """
    import plotly.graph_objects as go

    def _as_shown(w: Any, key: str) -> Any:  # labels as shown: a lone surrogate (lenient CoNLL-U) as U+FFFD
        value = _wget(w, key)
        return for_display(value) if isinstance(value, str) else value

    n = len(sentence_words)
    ids = [_word_index(w, k) for k, w in enumerate(sentence_words)]
    pos = {i: float(n - 1 - k) for k, i in enumerate(ids)}  # first word on the right
    colors = _highlight_map(highlight)
    on_path = {frozenset(p) for p in zip(path, path[1:])}
    fig = _figure(for_display(title), showlegend=False, height=420, dragmode="pan",
                  margin={"l": 20, "r": 20, "t": 60 if title else 20, "b": 20})
    max_h = 1.0
    # traces and annotations are collected and added at once: adding them one by one re-validates
    # all earlier ones each time (quadratic in the number of words)
    traces: list[Any] = []
    notes: list[dict[str, Any]] = []
    for i, w in zip(ids, sentence_words):
        h = int(_as_shown(w, "head"))
        if h not in pos:
            continue
        height = 0.35 + 0.55 * math.sqrt(abs(ids.index(h) - ids.index(i)))  # long arcs stay readable
        max_h = max(max_h, height)
        xs, ys = _arc(pos[h], pos[i], height)
        thick = frozenset((h, i)) in on_path
        color = colors.get(i, "#444") if thick or (i in colors and h in colors) else "#9a9a9a"
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": 3.5 if thick else 1.3},
                                 hoverinfo="text", name=_as_shown(w, "deprel"),
                                 text=f"{_as_shown(w, 'deprel')}: "
                                      f"{_as_shown(sentence_words[ids.index(h)], 'text')} → {_as_shown(w, 'text')}"))
        notes.append(dict(x=pos[i], y=0.15, ax=xs[-3], ay=ys[-3], xref="x", yref="y", axref="x", ayref="y",
                          showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.3, arrowcolor=color, text=""))
        notes.append(dict(x=(pos[h] + pos[i]) / 2, y=height, text=_as_shown(w, "deprel"), showarrow=False, yshift=8,
                          font={"size": 11, "color": color}, bgcolor="rgba(255,255,255,0.85)"))
    for i, w in zip(ids, sentence_words):
        h = int(_as_shown(w, "head"))
        if h in pos:
            continue
        label = "root" if h < 0 else f"{_as_shown(w, 'deprel')} (head outside)"
        notes.append(dict(x=pos[i], y=0.15, ax=pos[i], ay=max_h + 0.3, xref="x", yref="y", axref="x", ayref="y",
                          showarrow=True, arrowhead=2, arrowcolor="#444" if h < 0 else "#bbb", text=""))
        notes.append(dict(x=pos[i], y=max_h + 0.45, text=label, showarrow=False, font={"size": 11}))
    xs = [pos[i] for i in ids]
    traces.append(go.Scatter(
        x=xs, y=[0.0] * n, mode="text", text=[_as_shown(w, "text") for w in sentence_words],
        textfont={"size": 17, "color": [colors.get(i, "#111") for i in ids]},
        customdata=[[i, _as_shown(w, "upos")] for i, w in zip(ids, sentence_words)],
        hovertemplate="%{customdata[0]}: %{text} (%{customdata[1]})<extra></extra>", name="words"))
    traces.append(go.Scatter(x=xs, y=[-0.35] * n, mode="text", text=[_as_shown(w, "upos") for w in sentence_words],
                             textfont={"size": 10, "color": "#777"}, hoverinfo="skip", name="upos"))
    fig.add_traces(traces)
    fig.update_layout(annotations=list(fig.layout.annotations) + notes)
    shown = n if window is None else max(1, min(n, window))
    fig.update_xaxes(visible=False, range=[n - shown - 0.8, n - 0.2], autorange=False)
    fig.update_yaxes(visible=False, range=[-0.6, max_h + 0.7])
    return fig


def _arc(x0: float, x1: float, height: float, points: int = 24) -> tuple[list[float], list[float]]:
    """A half-ellipse from ``x0`` to ``x1`` rising to ``height`` (starts and ends just above the words)."""
    xs, ys = [], []
    for t in range(points + 1):
        a = math.pi * t / points
        xs.append((x0 + x1) / 2 + (x0 - x1) / 2 * math.cos(a))
        ys.append(0.15 + (height - 0.15) * math.sin(a))
    return xs, ys


# ---------------------------------------------------------------------------
# Several articles
# ---------------------------------------------------------------------------

#: Columns of :func:`sourcing_profile` holding source-type shares.
SHARE_COLUMNS: tuple[str, ...] = tuple(f"share_{t}" for t in SOURCE_TYPES)


def sourcing_profile(analyses: Iterable[Analysis]) -> "pd.DataFrame":
    """One row per article: how it is sourced.

    Columns: ``doc``, ``claims``, ``distinct_sources``, one ``share_<type>`` column per
    source type (share of claims), ``mean_hedging`` (0–3), ``hedged_share`` (claims at
    level 2–3), ``top_source``, ``top_source_claim_share``, ``top_source_word_share``.
    Ratios are NaN for an article without claims.
    """
    import pandas as pd

    rows = []
    for a in analyses:
        df = claims_frame(a)
        n = len(df)
        rel = reliance_numbers(a)
        levels = pd.to_numeric(df["hedging_level"], errors="coerce") if n else pd.Series(dtype=float)
        row: dict[str, Any] = {"doc": a.doc, "claims": n, "distinct_sources": int(df["entity_label"].nunique())}
        for t, col in zip(SOURCE_TYPES, SHARE_COLUMNS):
            row[col] = float((df["source_type"] == t).sum() / n) if n else math.nan
        row.update({"mean_hedging": float(levels.mean()) if n else math.nan,
                    "hedged_share": float((levels >= 2).mean()) if n else math.nan,
                    "top_source": rel["top_source"], "top_source_claim_share": rel["claim_share"],
                    "top_source_word_share": rel["word_share"]})
        rows.append(row)
    cols = ["doc", "claims", "distinct_sources", *SHARE_COLUMNS, "mean_hedging", "hedged_share", "top_source",
            "top_source_claim_share", "top_source_word_share"]
    return dataframe(rows, cols)


def sourcing_profile_chart(profile: "pd.DataFrame", title: str = "Who the articles quote") -> "go.Figure":
    """100% stacked bars, one per article: share of claims from each source type."""
    import plotly.graph_objects as go

    fig = _figure(title, barmode="stack", xaxis_title="share of claims", legend_title_text="source type")
    if profile.empty:
        return _empty_note(fig, "no articles")
    labels = [f"{isolate(d)} ({c} claims)" for d, c in zip(profile["doc"], profile["claims"])]
    for t, col in zip(SOURCE_TYPES, SHARE_COLUMNS):
        vals = profile[col].fillna(0).tolist()
        if not any(vals):
            continue
        fig.add_trace(go.Bar(x=vals, y=labels, orientation="h", name=SOURCE_TYPE_LABELS[t],
                             marker_color=SOURCE_TYPE_COLORS[t], hovertemplate=_Y + ": %{x:.0%}<extra>" +
                             SOURCE_TYPE_LABELS[t] + "</extra>"))
    _entity_axis(fig, labels)
    fig.update_xaxes(tickformat=".0%", range=[1, 0])
    return _finish(fig, _rows_px(len(labels)))


def dependence_chart(profile: "pd.DataFrame",
                     title: str = "How much each article leans on its top source") -> "go.Figure":
    """Grouped bars per article: top source's share of claims and of attributed words."""
    import plotly.graph_objects as go

    fig = _figure(title, barmode="group", xaxis_title="top source's share", legend_title_text="")
    if profile.empty:
        return _empty_note(fig, "no articles")
    labels = [f"{isolate(d)} · {isolate(s) if isinstance(s, str) and s else '—'}"
              for d, s in zip(profile["doc"], profile["top_source"])]
    for col, name, color in (("top_source_claim_share", "of claims", "#0072B2"),
                             ("top_source_word_share", "of attributed words", "#E69F00")):
        fig.add_trace(go.Bar(x=profile[col].fillna(0).tolist(), y=labels, orientation="h", name=name,
                             marker_color=color, hovertemplate=_Y + ": %{x:.0%}<extra>" + name + "</extra>"))
    _entity_axis(fig, labels)
    fig.update_xaxes(tickformat=".0%", range=[1, 0])
    return _finish(fig, _rows_px(2 * len(labels)))


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------

STATIC_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "webp")
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """A Chrome/Chromium for kaleido: ``BROWSER_PATH`` if set, else the first one on ``PATH``."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def save_figure(fig: "go.Figure", path: str | os.PathLike, *, width: int | None = None, height: int | None = None,
                scale: float = 1.0) -> Path:
    """Write a figure: ``.html`` (self-contained, works offline) or PNG/SVG/PDF/JPEG/WebP via kaleido.

    Static export needs the ``kaleido`` package (``pip install 'claimkit[export]'``) and
    a local Chrome or Chromium (``apt-get install chromium``; set ``BROWSER_PATH`` if it
    is not on ``PATH``). Without them a :class:`StaticExportError` says what is missing;
    nothing is downloaded.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower().lstrip(".")
    if suffix in ("html", "htm"):
        fig.write_html(out, include_plotlyjs=True, full_html=True)
        return out
    if suffix not in STATIC_FORMATS:
        raise ValueError(f"{out}: unknown figure format {suffix!r}; use .html or one of {', '.join(STATIC_FORMATS)}")
    _check_static_export()
    os.environ.setdefault("BROWSER_PATH", find_browser() or "")
    try:
        fig.write_image(out, format="jpeg" if suffix == "jpg" else suffix, width=width, height=height, scale=scale)
    except Exception as exc:  # kaleido reports browser problems with many exception types
        raise StaticExportError(f"static export to {out} failed: {exc}. Check that the Chrome/Chromium at "
                                f"{os.environ.get('BROWSER_PATH')} starts headless; .html export always works."
                                ) from exc
    return out


def _check_static_export() -> None:
    try:
        import kaleido  # noqa: F401
    except ImportError:
        raise StaticExportError("PNG/SVG export needs kaleido: pip install 'claimkit[export]' "
                                "(or save as .html, which needs nothing)") from None
    if find_browser() is None:
        raise StaticExportError("PNG/SVG export needs a local Chrome or Chromium and none was found: install one "
                                "(Debian/Ubuntu: apt-get install chromium) or set BROWSER_PATH to its executable. "
                                "claimkit never downloads a browser; .html export always works.")


# ---------------------------------------------------------------------------
# Groups of articles (outlets, sections, years)
# ---------------------------------------------------------------------------

def sourcing_profile_by(profile: "pd.DataFrame", group: str) -> "pd.DataFrame":
    """:func:`sourcing_profile` rows pooled by a column (e.g. ``outlet``): one row per group, same columns.

    ``doc`` holds the group name and ``claims`` the group's claims; the source-type and
    hedged shares are weighted by claims (every claim of the group counts once), mean
    hedging too; ``distinct_sources`` is summed over articles; the top-source shares are
    the mean over the group's articles with claims (dependence is a property of each
    article); ``top_source`` is empty. Adds ``articles``. Groups keep first-seen order.
    """
    import pandas as pd

    rows = []
    for name, g in profile.groupby(group, sort=False):
        n = int(g["claims"].sum())
        w = g["claims"].astype(float)
        row: dict[str, Any] = {"doc": str(name), "articles": len(g), "claims": n,
                               "distinct_sources": int(g["distinct_sources"].sum())}
        for col in (*SHARE_COLUMNS, "mean_hedging", "hedged_share"):
            row[col] = float((g[col].fillna(0) * w).sum() / n) if n else math.nan
        with_claims = g[g["claims"] > 0]
        row.update({"top_source": "", "top_source_claim_share": float(with_claims["top_source_claim_share"].mean())
                    if len(with_claims) else math.nan,
                    "top_source_word_share": float(with_claims["top_source_word_share"].mean())
                    if len(with_claims) else math.nan})
        rows.append(row)
    cols = ["doc", "articles", "claims", "distinct_sources", *SHARE_COLUMNS, "mean_hedging", "hedged_share",
            "top_source", "top_source_claim_share", "top_source_word_share"]
    return pd.DataFrame(rows, columns=cols)


def profile_by_group(profile: "pd.DataFrame", group: str, value: str, title: str, value_title: str = "",
                     percent: bool = True) -> "go.Figure":
    """One row per group: a dot per article (hover: its ``doc``) over a bar at the group mean.

    For questions such as "how much does each outlet's story lean on its top source":
    ``value`` is a :func:`sourcing_profile` column, ``group`` the column to group by.
    Articles whose value is NaN (no claims) are left out and counted in the hover.
    """
    import plotly.graph_objects as go

    fig = _figure(title, xaxis_title=value_title or value, legend_title_text="")
    data = profile[profile[value].notna()]
    if data.empty:
        return _empty_note(fig, "no articles with claims")
    groups = list(dict.fromkeys(profile[group].astype(str)))
    means = [float(data[data[group].astype(str) == g][value].mean()) if (data[group].astype(str) == g).any()
             else math.nan for g in groups]
    counts = [int((data[group].astype(str) == g).sum()) for g in groups]
    fmt = ".0%" if percent else ".2f"
    fig.add_trace(go.Bar(x=means, y=groups, orientation="h", name="mean of the articles", marker_color="#c6dbef",
                         customdata=counts, hovertemplate=_Y + ": mean %{x:" + fmt + "} over %{customdata} articles"
                         "<extra></extra>"))
    fig.add_trace(go.Scatter(x=data[value].tolist(), y=data[group].astype(str).tolist(), mode="markers",
                             name="one article", marker={"size": 10, "color": "#08519c", "opacity": 0.7,
                                                         "line": {"width": 1, "color": "#fff"}},
                             customdata=[isolate(d) for d in data["doc"]],
                             hovertemplate="%{customdata}: %{x:" + fmt + "}<extra></extra>"))
    _entity_axis(fig, groups)
    if percent:
        fig.update_xaxes(tickformat=".0%", range=[1.05, 0])
    return _finish(fig, _rows_px(len(groups)))
