"""Article view: the text with every claim's cue, source and content highlighted.

A small displaCy-like API. :func:`render_article` turns an
:class:`~claimkit.records.Analysis` (or plain record dicts plus the text they index
into) into one self-contained HTML fragment: right-to-left Arabic, inline CSS only,
one colour per entity, the three roles told apart (cue: solid chip, source: thick
underline, content: light tint), a hover tooltip on every span and a legend.

Spans may overlap (one claim's content often contains the next claim's cue), so the
text is cut at every span boundary and each piece is wrapped in one element per span
covering it, outermost (longest) first. Each element carries ``data-claim``,
``data-role``, ``data-start`` and ``data-end`` so a reader, or a test, can map it back
to the offsets.

:func:`display` shows the view inline in Jupyter and returns the HTML elsewhere;
:func:`save_html` writes a standalone page; :func:`claims_table` gives a styled
pandas table of the claims for notebooks.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .surrogates import for_display

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

#: Colours given to entities in order of first appearance (colour-blind-friendly, Okabe–Ito first).
PALETTE: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
    "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#E377C2",
)
#: The three highlighted roles of a claim, outermost first when they cover the same text.
ROLES: tuple[str, ...] = ("content", "source", "cue")
#: Font stack that has Arabic glyphs on common systems (Noto on Linux, Arial/Tahoma elsewhere).
ARABIC_FONTS = "'Noto Naskh Arabic', 'Noto Sans Arabic', 'DejaVu Sans', Tahoma, Arial, sans-serif"

_ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
#: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (Unicode bidi isolates).
FSI, PDI = "\u2068", "\u2069"


def isolate(value: Any) -> str:
    """``value`` as text wrapped in FSI…PDI when it holds Arabic, so it cannot reorder its surroundings.

    Without isolates the bidi algorithm lets an Arabic name pull neighbouring digits and
    punctuation into its right-to-left run: "Top source إيفان مولوتكوف: 57% of the claims"
    shows as "Top source 57 :إيفان مولوتكوف% of the claims". Use it for every name placed
    inside a Latin title, label, legend entry or sentence. Text without Arabic letters is
    returned unchanged (no invisible characters in plain labels); already isolated text is
    not wrapped twice.
    """
    text = str(value)
    if not _ARABIC_RE.search(text) or (text.startswith(FSI) and text.endswith(PDI)):
        return text
    return f"{FSI}{text}{PDI}"


@dataclass(frozen=True)
class Span:
    """One highlighted stretch of text: which claim, which role, where."""

    claim: int
    role: str
    start: int
    end: int


# ---------------------------------------------------------------------------
# Input normalisation
# ---------------------------------------------------------------------------

def claim_dicts(obj: Any) -> list[dict[str, Any]]:
    """Records as plain dicts from an Analysis, Claims, a claims DataFrame or dicts.

    Lets every drawing function take whatever span source the caller has: a live
    analysis, gold JSONL lines, or another system's output in the same shape.
    """
    from .records import Analysis, Claim

    if isinstance(obj, Analysis):
        return [c.to_dict() for c in obj.records]
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # a DataFrame
        return [{k: _none_if_na(v) for k, v in row.items()} for row in obj.to_dict("records")]
    out = []
    for item in obj:
        out.append(item.to_dict() if isinstance(item, Claim) else dict(item))
    return out


def _none_if_na(value: Any) -> Any:
    """pandas' missing values (NA, NaN) as None, everything else unchanged."""
    try:
        import pandas as pd

        if not isinstance(value, (list, tuple)) and pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _text_of(obj: Any, text: str | None) -> str:
    """The text the offsets index into: given explicitly or taken from an Analysis."""
    if text is not None:
        return text
    if hasattr(obj, "text") and isinstance(obj.text, str):
        return obj.text
    raise ValueError("render_article needs the text: pass an Analysis or text=... with the records")


def _doc_name(obj: Any) -> str:
    """The ``doc`` of an Analysis, else the empty string (a DataFrame's ``doc`` column is not a name)."""
    doc = getattr(obj, "doc", "") if hasattr(obj, "records") else ""
    return doc if isinstance(doc, str) else ""


def entity_of(record: Mapping[str, Any]) -> str:
    """The name a record is grouped and coloured under (same rule as ``records.entity_label``)."""
    if record.get("entity"):
        return str(record["entity"])
    return "(author)" if record.get("source_type") == "author" else "(unresolved)"


def entity_colors(records: Iterable[Mapping[str, Any]], palette: Sequence[str] = PALETTE) -> dict[str, str]:
    """One colour per entity, given in order of first appearance so the view is stable."""
    colors: dict[str, str] = {}
    for r in records:
        name = entity_of(r)
        if name not in colors:
            colors[name] = palette[len(colors) % len(palette)]
    return colors


def claim_spans(records: Sequence[Mapping[str, Any]], text_length: int) -> list[Span]:
    """Every non-empty, in-range cue/source/content span of the records."""
    spans = []
    for i, r in enumerate(records):
        for role in ROLES:
            start, end = r.get(f"{role}_start"), r.get(f"{role}_end")
            if start is None or end is None:
                continue
            start, end = int(start), int(end)
            if 0 <= start < end <= text_length:
                spans.append(Span(i, role, start, end))
    return spans


# ---------------------------------------------------------------------------
# HTML building blocks
# ---------------------------------------------------------------------------

def _rgba(hex_color: str, alpha: float) -> str:
    """``#RRGGBB`` as a CSS ``rgba()`` with the given opacity."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[k:k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _role_style(role: str, color: str) -> str:
    """Inline CSS telling the three roles apart while keeping the entity colour."""
    if role == "cue":
        return (f"background:{_rgba(color, 0.85)};color:#fff;font-weight:bold;"
                "border-radius:4px;padding:0 2px")
    if role == "source":
        return f"background:{_rgba(color, 0.28)};border-bottom:3px solid {color};font-weight:bold"
    return f"background:{_rgba(color, 0.13)};border-bottom:1px dashed {color}"


def tooltip(record: Mapping[str, Any], role: str) -> str:
    """Hover text of one span: role, entity, source type, hedging and mode (and cue details)."""
    parts = [f"{role}: {isolate(entity_of(record))}", f"source type: {record.get('source_type') or '—'}",
             f"hedging: {record.get('hedging') or '—'} ({record.get('hedging_level', '—')})",
             f"mode: {record.get('mode') or '—'}"]
    if role == "cue":
        parts.append(f"cue class: {record.get('cue_class') or '—'}")
        cues = record.get("hedge_cues") or ()
        if cues:
            parts.append("hedge cues: " + "، ".join(cues))
        if record.get("channel"):
            parts.append(f"channel: {record['channel']}")
    return " | ".join(parts)


def _open_tag(span: Span, record: Mapping[str, Any], color: str) -> str:
    title = html.escape(tooltip(record, span.role), quote=True)
    return (f'<span class="ck-{span.role}" data-claim="{span.claim}" data-role="{span.role}" '
            f'data-start="{span.start}" data-end="{span.end}" title="{title}" '
            f'style="{_role_style(span.role, color)}">')


def _boundaries(spans: Sequence[Span], text_length: int) -> list[int]:
    cuts = {0, text_length}
    for s in spans:
        cuts.update((s.start, s.end))
    return sorted(cuts)


def highlight_html(text: str, records: Sequence[Mapping[str, Any]], colors: Mapping[str, str]) -> str:
    """The escaped text with nested highlight elements for every span.

    The text is cut at every span boundary; each piece is wrapped in the spans that
    cover it, longest (outermost) first and, for equal length, content → source → cue,
    so a cue inside another claim's content is drawn on top of that content's tint.
    """
    spans = claim_spans(records, len(text))
    order = {role: k for k, role in enumerate(ROLES)}
    pieces = []
    cuts = _boundaries(spans, len(text))
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        covering.sort(key=lambda s: (-(s.end - s.start), order[s.role], s.claim))
        opened = "".join(_open_tag(s, records[s.claim], colors[entity_of(records[s.claim])]) for s in covering)
        pieces.append(opened + html.escape(text[a:b]) + "</span>" * len(covering))
    return "".join(pieces)


def legend_html(records: Sequence[Mapping[str, Any]], colors: Mapping[str, str]) -> str:
    """Legend: one swatch per entity (type, number of claims) and a key to the three roles."""
    counts = Counter(entity_of(r) for r in records)
    types = {}
    for r in records:
        types.setdefault(entity_of(r), r.get("source_type") or "")
    items = []
    for name, color in colors.items():
        label = html.escape(f"{isolate(name)} · {types[name]} · {counts[name]}")
        items.append(f'<span class="ck-legend-entity" dir="ltr" data-entity="{html.escape(name, quote=True)}" '
                     f'style="display:inline-block;margin:2px 6px;padding:1px 6px;border-radius:4px;'
                     f'background:{_rgba(color, 0.85)};color:#fff">{label}</span>')
    grey = "#555555"
    key = "".join(f'<span style="{_role_style(role, grey)};margin:0 6px">{word}</span>'
                  for role, word in (("cue", "cue"), ("source", "source"), ("content", "content")))
    if not items:
        items.append('<span class="ck-legend-empty">no attributed claims found</span>')
    return (f'<div class="ck-legend" style="margin:0 0 10px 0;font-size:0.9em;line-height:2">'
            f'{"".join(items)}<div dir="ltr" style="text-align:right;color:#555">{key}</div></div>')


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def render_article(analysis_or_dicts: Any, text: str | None = None, *, title: str | None = None,
                   legend: bool = True, page: bool = False, colors: Mapping[str, str] | None = None) -> str:
    """HTML for the article with every claim highlighted.

    ``analysis_or_dicts``: an :class:`~claimkit.records.Analysis`, a sequence of
    :class:`~claimkit.records.Claim` or of record dicts (gold JSONL lines work), or a
    claims DataFrame; ``text`` is required unless an Analysis is given. ``page=True``
    returns a whole standalone document instead of a fragment. ``colors`` overrides the
    entity → colour map. A lone surrogate in the text or a record (HTML cannot carry one) is
    shown as U+FFFD (:mod:`claimkit.surrogates`).
    """
    body_text = _text_of(analysis_or_dicts, text)
    records = claim_dicts(analysis_or_dicts)
    colors = dict(colors) if colors else entity_colors(records)
    for name, color in entity_colors(records).items():
        colors.setdefault(name, color)
    doc = title if title is not None else _doc_name(analysis_or_dicts)
    heading = f'<div class="ck-title" style="font-weight:bold;margin-bottom:6px">{html.escape(doc)}</div>' if doc else ""
    fragment = (
        f'<div class="claimkit-article" dir="rtl" lang="ar" style="font-family:{ARABIC_FONTS};'
        'font-size:17px;line-height:2.1;text-align:right;max-width:60em;padding:12px;'
        'border:1px solid #ddd;border-radius:6px;background:#fff;color:#111">'
        f'{heading}{legend_html(records, colors) if legend else ""}'
        f'<div class="ck-text" style="white-space:pre-wrap">{highlight_html(body_text, records, colors)}</div>'
        '</div>'
    )
    fragment = for_display(fragment)
    return wrap_page(fragment, for_display(doc)) if page else fragment


def wrap_page(fragment: str, title: str = "") -> str:
    """A standalone RTL HTML5 document around a fragment (UTF-8, no external assets)."""
    return ('<!DOCTYPE html>\n<html dir="rtl" lang="ar"><head><meta charset="utf-8">'
            f'<title>{html.escape(title or "claimkit")}</title></head>'
            f'<body style="margin:16px;background:#fafafa">{fragment}</body></html>\n')


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where HTML can be displayed inline)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def display(analysis_or_dicts: Any, text: str | None = None, **kwargs: Any) -> str | None:
    """Show the article view inline in Jupyter (returns None) or return its HTML elsewhere."""
    markup = render_article(analysis_or_dicts, text, **kwargs)
    if in_notebook():
        from IPython.display import HTML
        from IPython.display import display as ipy_display

        ipy_display(HTML(markup))
        return None
    return markup


def show(analysis_or_dicts: Any, text: str | None = None, path: str | os.PathLike | None = None,
         **kwargs: Any) -> str | Path | None:
    """Like :func:`display`, but outside Jupyter write a standalone page and return its path.

    Without ``path`` the page goes to a new temporary file; open it in a browser.
    """
    if in_notebook():
        return display(analysis_or_dicts, text, **kwargs)
    if path is None:
        fd, tmp = tempfile.mkstemp(prefix="claimkit-", suffix=".html")
        os.close(fd)
        path = tmp
    return save_html(analysis_or_dicts, path, text, **kwargs)


def save_html(analysis_or_dicts: Any, path: str | os.PathLike, text: str | None = None, **kwargs: Any) -> Path:
    """Write the article view as a standalone UTF-8 HTML page; returns the path."""
    kwargs["page"] = True
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_article(analysis_or_dicts, text, **kwargs), encoding="utf-8")
    return out


# ---------------------------------------------------------------------------
# Claims table
# ---------------------------------------------------------------------------

#: Columns shown by :func:`claims_table` by default.
TABLE_COLUMNS: tuple[str, ...] = ("sentence", "cue", "entity", "source", "source_type", "channel",
                                  "content", "mode", "hedging", "hedge_cues")
_HEDGING_COLORS = {"boosted": "#d8f0d8", "neutral": "#f2f2f2", "hedged": "#fff0c2", "speculative": "#ffd6cc"}


def arabic_columns(df: "pd.DataFrame") -> list[str]:
    """Text columns in which at least one cell contains Arabic letters."""
    cols = []
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, str) and bool(_ARABIC_RE.search(v))).any():
            cols.append(col)
    return cols


def claims_table(analysis_or_df: Any, columns: Sequence[str] = TABLE_COLUMNS) -> "Styler":
    """The claims as a reader sees them (:func:`claimkit.present.table`), hedging cells tinted by level.

    Takes an Analysis, a claims DataFrame or records; missing columns are skipped. The
    styling is inline, so the tints show in an untrusted notebook too.
    """
    import pandas as pd

    from .present import table
    from .records import dataframe

    df = analysis_or_df.claims if hasattr(analysis_or_df, "records") else (
        analysis_or_df if isinstance(analysis_or_df, pd.DataFrame) else dataframe(claim_dicts(analysis_or_df)))
    styler = table(df, columns=columns, uuid="claimkit_claims")
    if "hedging" in df.columns and "hedging" in columns:
        styler = styler.map(lambda v: f"background-color: {_HEDGING_COLORS.get(v, '#fff')}", subset=["hedging"])
    return styler.set_table_attributes('class="ck-table claimkit-claims"')
