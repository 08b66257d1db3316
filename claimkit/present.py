"""What a reader sees: tables and text for notebooks, exported HTML and the report, in one look.

Every table a notebook or the report shows goes through :func:`table` (a pandas
``Styler``), every long Arabic text through :func:`text`:

- **human labels**: column names such as ``share_anonymous`` become "anonymous"
  (``data/column_labels.tsv`` lists the labels and how each column is formatted);
  an Arabic label is wrapped in Unicode isolates (:func:`claimkit.render.isolate`);
- **numbers**: shares as percentages (79%), means with two decimals, counts with a
  thousands comma; right-aligned, so digits line up;
- **text**: names cut to a few words with the full text on hover (``title``), long text
  (a claim's content) wrapped at word boundaries and cut after a few lines, cells holding
  Arabic right to left;
- **width**: header labels wrap between words, cells wrap between words, and no cell
  holds an unbreakable run longer than a cut name, so a table narrows to the view
  instead of scrolling sideways; :func:`profile` splits the wide sourcing profile into two
  tables (who is quoted; hedging and dependence);
- **styling that survives an untrusted notebook**: JupyterLab removes ``<style>`` elements
  from the HTML of a notebook it does not trust (one opened from a clone), and keeps
  ``style`` attributes whose properties and values its sanitiser allows. So the CSS that
  pandas writes into a ``<style>`` block is moved into each element's ``style`` attribute
  (css-inline), and only properties on that list are used (``unicode-bidi: isolate`` is
  not on it: each value sits in a ``<span dir>`` of its own direction (:func:`direction`), which isolates it, and a cell
  holding Arabic gets ``direction: rtl``).

:func:`text` shows article text or a sentence as HTML (``dir="rtl"``, wrapped between
words): JupyterLab shows a ``print``-ed stream with ``word-break: break-all``, which cuts
Arabic words in the middle (مسأل|ة).

Not handled: a DataFrame with a MultiIndex on its columns is shown with its flattened
names; cut names are cut by characters at a space, not by rendered width.
"""
from __future__ import annotations

import html
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .render import ARABIC_FONTS, _ARABIC_RE, in_notebook, isolate

if TYPE_CHECKING:
    import pandas as pd

try:  # pandas is a dependency; the class below only needs it at run time
    from pandas.io.formats.style import Styler as _Styler
except ImportError:  # pragma: no cover
    _Styler = object  # type: ignore[assignment,misc]

#: Column kinds of ``data/column_labels.tsv``.
KINDS = ("percent", "decimal", "count", "name", "text", "list")
#: Longest name shown whole (characters); longer ones are cut at a space, the full text on hover.
NAME_CHARS = 28
#: Longest long text shown whole (characters, about four lines at the column's width).
TEXT_CHARS = 180
#: Shown for a missing value.
NA = "—"

TABLE_CSS = ("border-collapse: collapse; table-layout: auto; max-width: 100%; font-size: 13px; line-height: 1.45; "
             "margin: 6px 0; color: #111; background-color: #fff")
HEADER_CSS = ("text-align: center; vertical-align: bottom; white-space: normal; word-break: normal; "
              "font-weight: bold; padding: 4px 7px; border-bottom: 1px solid #888; max-width: 8em; "
              "background-color: #fff")
CELL_CSS = ("padding: 3px 7px; border-bottom: 1px solid #e3e3e3; vertical-align: top; white-space: normal; "
            "overflow-wrap: normal; word-break: normal; background-color: #fff; text-align: left")
NUMBER_CSS = "text-align: right; white-space: nowrap"
ARABIC_CSS = f"direction: rtl; text-align: right; font-family: {ARABIC_FONTS}"
LONG_TEXT_CSS = "min-width: 12em; max-width: 28em"


@lru_cache(maxsize=1)
def column_labels() -> dict[str, tuple[str, str]]:
    """Column name → (label, kind), from ``data/column_labels.tsv``."""
    from .lexicon import _rows

    out = {}
    for cols, _ in _rows("column_labels.tsv"):
        name, label, kind = cols[:3]
        if kind not in KINDS:
            raise ValueError(f"column_labels.tsv: {name}: unknown kind {kind!r}")
        out[name] = (label, kind)
    return out


def label(column: Any) -> str:
    """The label a reader sees for a column name (its own name, isolated, when it has none)."""
    return isolate(column_labels().get(str(column), (str(column), ""))[0])


def kind_of(column: Any, values: "pd.Series") -> str:
    """How a column is shown: its kind in ``column_labels.tsv``, else by its values' type."""
    import pandas as pd

    known = column_labels().get(str(column))
    if known:
        return known[1]
    if pd.api.types.is_integer_dtype(values):  # not bool (shown as a name)
        return "count"
    if pd.api.types.is_float_dtype(values):
        return "decimal"
    return "name"


# ---------------------------------------------------------------------------
# Cell formatting
# ---------------------------------------------------------------------------

def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return not isinstance(value, (list, tuple, str)) and bool(value != value)  # NaN, NA
    except (TypeError, ValueError):
        return False


def cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a space (mid-word only for one very long word), with "…"."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    at = head.rfind(" ")
    if at >= limit * 0.5:
        head = head[:at]
    return head.rstrip(" ،,.;:") + "…"


_ISOLATED = re.compile("\u2068[^\u2069]*\u2069")
_STRONG = re.compile(r"[A-Za-z]|" + _ARABIC_RE.pattern)


def direction(value: str) -> str:
    """"rtl" or "ltr": the direction of the first letter outside isolated names (FSI…PDI), else of
    the first letter at all. "same name “⁨أرييل شارون⁩”" is an English sentence (left to right)
    that quotes a name; "أرييل شارون" is Arabic. ``dir="auto"`` would look inside the isolate."""
    first = _STRONG.search(_ISOLATED.sub("", value)) or _STRONG.search(value)
    return "rtl" if first and _ARABIC_RE.match(first.group()) else "ltr"


def _hover(full: str, shown: str) -> str:
    """``shown`` (escaped) with the full text on hover when they differ; direction from its own letters."""
    title = f' title="{html.escape(full, quote=True)}"' if shown != " ".join(full.split()) else ""
    return f'<span dir="{direction(shown)}"{title}>{html.escape(shown)}</span>'


def format_value(value: Any, kind: str) -> str:
    """One cell as HTML (escaped): the formatting of its column kind."""
    if _missing(value):
        return NA
    if kind == "percent" and isinstance(value, numbers.Real):
        return f"{value:.0%}"
    if kind == "decimal" and isinstance(value, numbers.Real):
        return f"{value:.2f}"
    if kind == "count" and isinstance(value, numbers.Real):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
    if kind == "list" or isinstance(value, (list, tuple)):
        value = "، ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        return _hover(value, cut(value, NAME_CHARS * 2)) if value else ""
    text = str(value)
    return _hover(text, cut(text, TEXT_CHARS if kind == "text" else NAME_CHARS))


def _mostly_arabic(value: str) -> bool:
    """The cell reads right to left (:func:`direction`). An English sentence quoting Arabic names
    (a merge reason) stays left to right, its names isolated."""
    return bool(_ARABIC_RE.search(value)) and direction(value) == "rtl"


def _cell_css(value: Any, kind: str) -> str:
    """Inline CSS of one cell: numbers right-aligned, Arabic right to left, long text given room."""
    parts = [CELL_CSS]
    if kind in ("percent", "decimal", "count") and not _missing(value):
        parts.append(NUMBER_CSS)
    if isinstance(value, str) and _mostly_arabic(value) or \
            isinstance(value, (list, tuple)) and any(_mostly_arabic(str(v)) for v in value):
        parts.append(ARABIC_CSS)
    if kind == "text":
        parts.append(LONG_TEXT_CSS)
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLER_IDS = re.compile(r' id="T_[A-Za-z0-9_]+"')


def inline_css(markup: str) -> str:
    """HTML with every ``<style>`` block moved into the ``style`` attributes of the elements it selects."""
    import css_inline

    css = "\n".join(_STYLE_BLOCK.findall(markup))
    body = _STYLE_BLOCK.sub("", markup)
    inlined = css_inline.inline_fragment(body, css) if css.strip() else body
    return _STYLER_IDS.sub("", inlined)  # only the <style> block used them; two tables on a page would clash


class Table(_Styler):  # type: ignore[misc,valid-type]
    """A pandas ``Styler`` whose HTML carries its CSS inline (see the module docstring).

    Everything a ``Styler`` does works (``.map``, ``.set_caption``, ``.to_html``…); only the
    HTML it gives is inlined, in ``_repr_html_`` (notebooks, nbconvert) and ``to_html``.
    """

    def to_html(self, buf: Any = None, **kwargs: Any) -> str | None:  # type: ignore[override]
        markup = inline_css(super().to_html(**kwargs))
        if buf is None:
            return markup
        if hasattr(buf, "write"):
            buf.write(markup)
        else:
            with open(buf, "w", encoding=kwargs.get("encoding") or "utf-8") as f:
                f.write(markup)
        return None


def table(df: "pd.DataFrame", *, columns: Sequence[str] | None = None, labels: Mapping[str, str] | None = None,
          kinds: Mapping[str, str] | None = None, caption: str | None = None, index: bool = False,
          uuid: str | None = None) -> Table:
    """``df`` as a reader sees it: labels, formats, widths and directions of this module.

    ``columns`` picks and orders columns (missing ones are skipped); ``labels`` and
    ``kinds`` override ``data/column_labels.tsv`` for this table; ``index=True`` keeps
    the row labels. ``uuid`` names the table's CSS selectors while it is built (the ids are
    removed once the styles are inline, so the HTML is the same on every run).
    """
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    col_kinds = {c: (kinds or {}).get(c) or kind_of(c, df[c]) for c in df.columns}
    styler = Table(df, uuid=uuid or "ck", cell_ids=False)
    for c in df.columns:
        kind = col_kinds[c]
        styler = styler.format(lambda v, k=kind: format_value(v, k), subset=[c])
        styler = styler.map(lambda v, k=kind: _cell_css(v, k), subset=[c])
    names = {c: (labels or {}).get(c) or label(c) for c in df.columns}
    styler = styler.relabel_index([html.escape(names[c]) for c in df.columns], axis=1)
    if not index:
        styler = styler.hide(axis="index")
    styler = styler.set_table_styles([{"selector": "", "props": TABLE_CSS},
                                      {"selector": "th", "props": HEADER_CSS},
                                      {"selector": "caption", "props": "caption-side: top; text-align: left; "
                                                                       "font-weight: bold; padding: 4px 0"}])
    styler = styler.set_table_attributes('class="ck-table"')
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


# ---------------------------------------------------------------------------
# The sourcing profile: two tables instead of one too wide
# ---------------------------------------------------------------------------

#: Columns of the first profile table (who is quoted), after the identifying ones.
WHO_COLUMNS = ("claims", "distinct_sources", "share_person", "share_organization", "share_official",
               "share_anonymous", "share_media", "share_document", "share_author")
#: Columns of the second profile table (how firmly, how dependent).
HOW_COLUMNS = ("claims", "mean_hedging", "hedged_share", "top_source", "top_source_claim_share",
               "top_source_word_share")
_ID_COLUMNS = ("doc", "outlet", "articles", "words", "sentences")


@dataclass(frozen=True)
class Html:
    """An HTML fragment that notebooks display (``_repr_html_``) and code can embed (``str``)."""

    markup: str

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def profile(df: "pd.DataFrame", *, uuid: str = "ck_profile") -> Html:
    """A :func:`claimkit.plots.sourcing_profile` table (or one pooled by group) as two tables.

    First who is quoted (claims, distinct sources, the share of each source type; types
    no article has are left out), then how firmly and how dependent (mean hedging, hedged
    share, top source and its shares). Each repeats the article (or group) column, so
    each fits a laptop screen where the whole profile (16 columns) did not.
    """
    ids = [c for c in _ID_COLUMNS if c in df.columns]
    who = [c for c in WHO_COLUMNS if c in df.columns and
           not (c.startswith("share_") and not df[c].fillna(0).any())]
    how = [c for c in HOW_COLUMNS if c in df.columns]
    parts = [table(df, columns=ids + who, caption="Who is quoted (share of each article's claims)",
                   uuid=f"{uuid}_who").to_html()]
    if "top_source" in how and not df["top_source"].fillna("").astype(str).str.strip().any():
        how.remove("top_source")  # pooled groups have no single top source
    parts.append(table(df, columns=[c for c in ids if c not in ("words", "sentences")] + how,
                       caption="How firmly, and how much each leans on its top source",
                       uuid=f"{uuid}_how").to_html())
    return Html('<div class="ck-profile">' + "".join(parts) + "</div>")


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

TEXT_CSS = ("white-space: pre-wrap; word-break: normal; overflow-wrap: normal; line-height: 1.9; "
            "font-size: 16px; max-width: 60em; padding: 6px 10px; margin: 4px 0; color: #111; "
            "background-color: #fcfcfc; border-left: 3px solid #ddd; border-right: 3px solid #ddd")


def text(value: str, *, direction: str | None = None, label: str | None = None) -> Html:
    """Article text, a sentence or an explanation as HTML, wrapped between words.

    ``direction``: ``"rtl"`` (the default for text with more Arabic than Latin letters),
    ``"ltr"`` (the default otherwise; right for Latin lines that quote Arabic, such as
    ``claim.explain()``) or ``"auto"`` (the first strong letter decides). ``label`` is a short heading in bold above it (kept left to right).
    Line breaks are kept.
    """
    body = str(value)
    if direction is None:
        arabic = len(_ARABIC_RE.findall(body))
        latin = len(re.findall(r"[A-Za-z]", body))
        direction = "rtl" if arabic >= latin else "ltr"
    align = "right" if direction == "rtl" else "left"
    font = f"; font-family: {ARABIC_FONTS}" if _ARABIC_RE.search(body) else ""
    head = f'<div dir="ltr" style="font-weight: bold; margin-top: 6px">{html.escape(label)}</div>' if label else ""
    return Html(f'{head}<div class="ck-text-block" dir="{direction}" lang="ar" '
                f'style="{TEXT_CSS}; text-align: {align}{font}">{html.escape(body)}</div>')


SENTENCE_CSS = "white-space: pre-wrap; word-break: normal; overflow-wrap: normal; margin: 4px 0; line-height: 1.6"


def say(*values: Any, sep: str = " ") -> None:
    """``print`` for sentences about the data: shown as an HTML paragraph that wraps between words.

    Same arguments as ``print`` (``sep``); in a notebook it displays the paragraph (left to
    right, Arabic names kept in place by their isolates), elsewhere it prints. JupyterLab
    and nbconvert show a printed stream with ``word-break: break-all``, which cuts words
    ("offi|cials", "مسأل|ة") at the edge of the view.
    """
    line = sep.join(map(str, values))
    if not in_notebook():
        print(line)
        return
    from IPython.display import display

    display(Html(f'<p class="ck-sentence" dir="ltr" style="{SENTENCE_CSS}">{html.escape(line)}</p>'))

