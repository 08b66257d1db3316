"""Terminal tables of claims and sources, with Arabic shown correctly.

Two display modes, because terminals differ in how they handle right-to-left text:

``logical`` (default)
    Characters are printed in their stored (logical) order and the terminal's own
    bidirectional algorithm lays them out. Right for terminals with bidi support
    (GNOME Terminal and other VTE terminals, Konsole, mlterm, Windows Terminal),
    for pipes and for copying text out. Each column separator is framed by
    LEFT-TO-RIGHT MARKs (U+200E, zero width) and each row starts with one, so that a
    bidi terminal lays the row out left to right, keeps the columns in order and does
    not join two neighbouring Arabic cells into one right-to-left run.

``visual``
    Each cell is reordered into display order with python-bidi (``pip install
    python-bidi``) before printing, for terminals that print characters strictly
    left to right (xterm, most macOS terminals, tmux without bidi). No marks are
    added. Letter shaping (joining forms) is left to the terminal's font renderer.

Widths are counted in terminal cells: combining marks (Arabic diacritics) take none,
East Asian wide characters two. Long cells are cut with "…" so rows fit the terminal.
Only the standard library is used (pandas is not imported).
"""
from __future__ import annotations

import shutil
import unicodedata
from collections import Counter
from typing import Callable, Iterable, Sequence

from .errors import ClaimkitError
from .records import Claim, entity_label
from .surrogates import for_display

DISPLAY_MODES = ("logical", "visual")
LRM = "\u200e"


def char_width(ch: str) -> int:
    """Terminal cells taken by one character."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(s: str) -> int:
    """Terminal cells taken by a string."""
    return sum(char_width(c) for c in s)


def truncate(s: str, width: int) -> str:
    """Cut ``s`` to at most ``width`` cells, ending with "…" when something was cut."""
    s = " ".join(s.split())
    if text_width(s) <= width:
        return s
    out, used = [], 0
    for ch in s:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _visual_reorder() -> Callable[[str], str]:
    try:
        from bidi import get_display  # python-bidi >= 0.5
    except ImportError:
        try:
            from bidi.algorithm import get_display  # older python-bidi
        except ImportError:
            raise ClaimkitError("--display visual needs python-bidi: pip install python-bidi "
                                "(or use the default --display logical in a terminal with bidi support)") from None
    return lambda s: get_display(s) if s else s


def render_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, widths: Sequence[int | None] = (),
                 display: str = "logical", total_width: int | None = None) -> str:
    """Lay out ``rows`` as an aligned text table.

    ``widths``: a maximum width per column (None = as wide as needed). The last column
    without a maximum shrinks so the table fits ``total_width`` (the terminal width by
    default).
    """
    if display not in DISPLAY_MODES:
        raise ClaimkitError(f"unknown display mode {display!r}; choose logical or visual")
    reorder = _visual_reorder() if display == "visual" else (lambda s: s)
    # a lone surrogate cannot be printed (UTF-8 terminals, pipes): shown as U+FFFD
    cells = [[for_display(" ".join(str("" if v is None else v).split())) for v in row] for row in rows]
    n = len(headers)
    widths = list(widths) + [None] * (n - len(widths))
    natural = [max([text_width(headers[i])] + [text_width(r[i]) for r in cells]) for i in range(n)]
    final = [min(natural[i], widths[i]) if widths[i] else natural[i] for i in range(n)]
    total = total_width or shutil.get_terminal_size((120, 24)).columns
    sep = " │ "
    flexible = [i for i in range(n) if widths[i] is None] or [n - 1]
    over = sum(final) + len(sep) * (n - 1) - total
    for i in reversed(flexible):
        if over <= 0:
            break
        cut = min(over, final[i] - max(8, text_width(headers[i])))
        if cut > 0:
            final[i] -= cut
            over -= cut
    mark_sep = f"{LRM}{sep}{LRM}" if display == "logical" else sep

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            v = truncate(v, final[i])
            pad = " " * (final[i] - text_width(v))
            parts.append(reorder(v) + pad)
        row = mark_sep.join(parts).rstrip()
        return LRM + row if display == "logical" else row

    out = [line(list(headers)), "─┼─".join("─" * w for w in final)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def claims_table(records: Sequence[Claim], *, display: str = "logical", total_width: int | None = None) -> str:
    """One row per claim: sentence, cue, source entity, type, mode, hedging and content."""
    headers = ("#", "sent", "cue", "source", "type", "mode", "hedging", "content")
    rows = [(i, c.sentence, c.cue, c.entity or c.source or entity_label(c), c.source_type,
             c.mode, f"{c.hedging} ({c.hedging_level})", c.content) for i, c in enumerate(records)]
    return render_table(headers, rows, widths=(4, 5, 18, 28, 12, 12, 15, None), display=display,
                        total_width=total_width)


def sources_table(records: Sequence[Claim], *, display: str = "logical", total_width: int | None = None) -> str:
    """One row per source entity: type, claims, share of claims and content words, mean hedging."""
    groups: dict[str, list[Claim]] = {}
    for c in records:
        groups.setdefault(entity_label(c), []).append(c)
    total_claims = len(records) or 1
    total_words = sum(len(c.content.split()) for c in records) or 1
    rows = []
    for name, cs in groups.items():
        words = sum(len(c.content.split()) for c in cs)
        rows.append((name, Counter(c.source_type for c in cs).most_common(1)[0][0], len(cs),
                     f"{len(cs) / total_claims:.0%}", f"{words / total_words:.0%}",
                     f"{sum(c.hedging_level for c in cs) / len(cs):.2f}", min(c.sentence for c in cs), words))
    rows.sort(key=lambda r: (-r[2], -r[7]))
    headers = ("source", "type", "claims", "share", "words", "hedging", "first sent")
    return render_table(headers, [r[:7] for r in rows], widths=(40, 12, 6, 6, 6, 7, 10), display=display,
                        total_width=total_width)


def analysis_report(doc: str, records: Sequence[Claim], n_sentences: int, *, display: str = "logical",
                    total_width: int | None = None) -> str:
    """The full terminal report for one article: a heading, the claims table and the sources table."""
    head = f"{for_display(doc)}: {len(records)} claim{'s' * (len(records) != 1)} in {n_sentences} sentence" \
           f"{'s' * (n_sentences != 1)}"
    if not records:
        return head + "\n(no attributed claims found)"
    return "\n\n".join([head, "Claims", claims_table(records, display=display, total_width=total_width),
                        "Sources", sources_table(records, display=display, total_width=total_width)])
