"""Tables and charts of a source index (:mod:`claimkit.index`), for notebook 06 and ``claimkit report``.

    from claimkit import index_views as views
    views.top_sources(idx, by="outlet", n=5)          # each outlet's most quoted sources
    views.type_shares(idx, by="month")                # share of claims per source type, per group
    views.unnamed_share_chart(idx, by="outlet")       # official + anonymous share, a bar per group
    views.top_sources_chart(idx, by="outlet")
    views.biggest_merges(idx)                         # the sources built from most merges, with reasons
    views.source_claims(idx, claims, source_id)       # one source's claims across articles
    views.merges_table(idx)                           # biggest_merges as a reader sees it (claimkit.present)
    views.top_sources_table(idx, by="outlet")         # top_sources as a reader sees it
    views.source_claims_table(idx, claims, source_id) # source_claims as a reader sees it

Shares are of *attributed* claims: claims whose entity is empty (the author's voice, an
unresolved dropped subject) are not in the index. Groups are article metadata columns
(``outlet``, ``month``, ``date``); an article without that value is grouped under "(unknown)".
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .index import RULES, SourceIndex
from .plots import (_MIN_PLOT_PX, _Y, SOURCE_TYPE_COLORS, SOURCE_TYPE_LABELS, _entity_axis, _empty_note, _figure,
                    _finish, _rows_px)
from .records import SOURCE_TYPES
from .render import isolate

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from .present import Table

UNKNOWN = "(unknown)"
UNNAMED = ("official", "anonymous")
#: How the merge table reads: the reason, what a reader checks, is long text and never cut to a few words.
MERGE_LABELS = {"name": "source", "merges": "merges", "doc_a": "article A", "entity_a": "name in A",
                "doc_b": "article B", "entity_b": "name in B", "rule": "rule", "reason": "why they were merged"}
MERGE_KINDS = {"merges": "count", "reason": "text"}
#: The top-sources table: ``source`` is the resolved source there, not a source phrase as written.
TOP_LABELS = {"source": "source", "share": "share of the group's claims"}
TOP_KINDS = {"share": "percent", "articles": "count"}


def mentions_with(index: SourceIndex, by: str) -> "pd.DataFrame":
    """The mentions with the article's ``by`` column (missing values as "(unknown)") and the source's name."""
    arts = index.articles[["doc", by]].copy()
    arts[by] = arts[by].fillna("").astype(str).replace("", UNKNOWN)
    names = index.sources.set_index("source_id")["name"]
    m = index.mentions.merge(arts, on="doc", how="left")
    m[by] = m[by].fillna(UNKNOWN)
    return m.assign(source=m["source_id"].map(names))


def top_sources(index: SourceIndex, by: str = "outlet", n: int = 5) -> "pd.DataFrame":
    """Each group's ``n`` most quoted sources: claims, articles, type, and the group's claim share."""
    m = mentions_with(index, by)
    g = m.groupby([by, "source_id", "source"], sort=False).agg(claims=("claims", "sum"), articles=("doc", "nunique"),
                                                                source_type=("source_type", "first")).reset_index()
    g["share"] = g["claims"] / g.groupby(by)["claims"].transform("sum")
    g["_unknown"] = g[by].eq(UNKNOWN)   # articles without the value come last
    g = g.sort_values(["_unknown", by, "claims", "articles", "source_id"], ascending=[True, True, False, False, True],
                      kind="stable").drop(columns="_unknown")
    return g.groupby(by, sort=False).head(n).reset_index(drop=True)


def type_shares(index: SourceIndex, by: str = "outlet") -> "pd.DataFrame":
    """Per group: articles, attributed claims, the share of each source type and ``unnamed_share``
    (unnamed officials + anonymous sources)."""
    import pandas as pd

    m = mentions_with(index, by)
    table = m.pivot_table(index=by, columns="source_type", values="claims", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[t for t in SOURCE_TYPES if t in table.columns])
    total = table.sum(axis=1)
    out = pd.DataFrame({"articles": m.groupby(by)["doc"].nunique(), "claims": total})
    for t in table.columns:
        out[f"share_{t}"] = table[t] / total
    out["unnamed_share"] = sum(table[t] for t in UNNAMED if t in table.columns) / total if len(table) else []
    return out.reset_index().sort_values(by, key=lambda s: s.eq(UNKNOWN), kind="stable").reset_index(drop=True)


def unnamed_share_chart(index: SourceIndex, by: str = "outlet",
                        title: str | None = None) -> "go.Figure":
    """Stacked bars per group: the share of attributed claims from each source type, unnamed first."""
    import plotly.graph_objects as go

    shares = type_shares(index, by)
    fig = _figure(title or f"Who the claims come from, per {by}", barmode="stack", xaxis_title="share of claims",
                  legend_title_text="")
    if shares.empty:
        return _empty_note(fig)
    labels = [f"{isolate(str(g))} ({int(c)} claims)" for g, c in zip(shares[by], shares["claims"])]
    order = [*UNNAMED, *[t for t in SOURCE_TYPES if t not in UNNAMED]]
    for t in order:
        col = f"share_{t}"
        if col in shares:
            fig.add_trace(go.Bar(x=shares[col].tolist(), y=labels, orientation="h", name=SOURCE_TYPE_LABELS[t],
                                 marker_color=SOURCE_TYPE_COLORS[t],
                                 hovertemplate=_Y + ": %{x:.0%}<extra>" + SOURCE_TYPE_LABELS[t] + "</extra>"))
    _entity_axis(fig, labels)
    fig.update_xaxes(tickformat=".0%", range=[1, 0])
    return _finish(fig, _rows_px(len(labels)))


def top_sources_chart(index: SourceIndex, by: str = "outlet", n: int = 5,
                      title: str | None = None) -> "go.Figure":
    """Horizontal bars: each group's ``n`` most quoted sources (claims), coloured by source type."""
    import plotly.graph_objects as go

    top = top_sources(index, by, n)
    fig = _figure(title or f"Most quoted sources per {by}", xaxis_title="claims", legend_title_text="",
                  barmode="overlay")
    if top.empty:
        return _empty_note(fig)
    top = top.assign(label=[f"{isolate(str(g))} · {isolate(s)}" for g, s in zip(top[by], top["source"])])
    for t in [t for t in SOURCE_TYPES if t in set(top["source_type"])]:
        part = top[top["source_type"] == t]
        fig.add_trace(go.Bar(x=part["claims"].tolist(), y=part["label"].tolist(), orientation="h",
                             name=SOURCE_TYPE_LABELS[t], marker_color=SOURCE_TYPE_COLORS[t],
                             customdata=part[["articles"]].to_numpy(),
                             hovertemplate=_Y + ": %{x} claims in %{customdata[0]} articles<extra></extra>"))
    _entity_axis(fig, top["label"].tolist())
    return _finish(fig, max(_MIN_PLOT_PX, _rows_px(len(top))))


def biggest_merges(index: SourceIndex, n: int = 10) -> "pd.DataFrame":
    """The sources built from most merges, one row per applied merge with its rule and reason, for checking."""
    cols = ["name", "merges", "doc_a", "entity_a", "doc_b", "entity_b", "rule", "reason"]
    s = index.sources[index.sources["merges"] > 0]
    if s.empty:
        import pandas as pd

        return pd.DataFrame(columns=cols)
    s = s.sort_values(["merges", "claims", "source_id"], ascending=[False, False, True], kind="stable").head(n)
    m = index.merges[index.merges["applied"] & index.merges["source_id"].isin(s["source_id"])]
    out = m.merge(s[["source_id", "name", "merges"]], on="source_id")
    out["rule"] = out["rule"].map(RULES)
    out = out.sort_values(["merges", "source_id", "doc_a", "doc_b"], ascending=[False, True, True, True], kind="stable")
    return out[cols].reset_index(drop=True)


def source_claims(index: SourceIndex, claims: "pd.DataFrame", source_id: str,
                  columns: tuple[str, ...] = ("doc", "outlet", "month", "entity", "cue", "hedging", "content")) \
        -> "pd.DataFrame":
    """One source's claims across articles, with the article's outlet and month and the hedging."""
    out = index.claims_of(claims, source_id)
    month = index.articles.set_index("doc")["month"]
    out = out.assign(month=out["doc"].map(month))
    return out[[c for c in columns if c in out.columns]].reset_index(drop=True)


def summary(index: SourceIndex) -> dict[str, Any]:
    """Counts for a sentence: articles, claims, mentions, sources, merges, sources cited in several articles."""
    s = index.sources
    return {"articles": len(index.articles), "claims": int(index.articles["claims"].sum()),
            "mentions": len(index.mentions), "sources": len(s), "merges": int(s["merges"].sum()),
            "multi_article_sources": int((s["articles"] > 1).sum())}


def merges_table(index: SourceIndex, n: int = 10) -> "Table":
    """:func:`biggest_merges` as a reader sees it (:func:`claimkit.present.table`): labelled columns,
    the reason in full, names isolated so their quotes stay on the right side."""
    from .present import table

    return table(biggest_merges(index, n), labels=MERGE_LABELS, kinds=MERGE_KINDS, uuid="ck_merges")


def top_sources_table(index: SourceIndex, by: str = "outlet", n: int = 5) -> "Table":
    """:func:`top_sources` as a reader sees it (the internal ``source_id`` left out)."""
    from .present import table

    top = top_sources(index, by, n)
    return table(top.drop(columns=["source_id"], errors="ignore"), labels=TOP_LABELS, kinds=TOP_KINDS,
                 uuid="ck_top_sources")


def source_claims_table(index: SourceIndex, claims: "pd.DataFrame", source_id: str,
                        columns: tuple[str, ...] = ("doc", "outlet", "month", "entity", "cue", "hedging", "content")
                        ) -> "Table":
    """:func:`source_claims` as a reader sees it."""
    from .present import table

    return table(source_claims(index, claims, source_id, columns), kinds={"content": "text"},
                 uuid="ck_source_claims")
