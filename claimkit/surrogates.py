"""Lone surrogates in what claimkit shows and writes.

A Python string can hold a lone surrogate (U+D800–DFFF on its own, e.g. ``"\udc80"``), as
``json.loads`` of damaged data or a lenient decoder upstream produces; a file read as UTF-8
never does. claimkit analyses such a text (the cleaner drops them for the parser) and keeps
them in ``analysis.text`` and in every record, so offsets slice back exactly. But UTF-8
cannot encode them, and so neither can pyarrow (pandas' string storage, Parquet), an HTML
page, Jupyter's messages or a terminal. Where a view meets such a sink, this module decides
what is shown instead, in one place:

- :func:`for_display`: each lone surrogate becomes U+FFFD REPLACEMENT CHARACTER, one
  character for one, so a string keeps its length and offsets into the text still line up.
  Used by the DataFrame views (``analysis.claims``, ``.sources``, ``.sentences`` and the
  charts drawn from them), the article view HTML and the terminal tables.
- :func:`escaped`: each lone surrogate becomes its Python escape (``\\udc80``, six
  characters), the way the CSV writer and the Parquet writer store it; JSONL writes a JSON
  ``\\udc80`` escape, which JSON readers turn back into the exact string.

A high surrogate followed by a low one (``"\\udb6f\\udcbb"``, two code points) is two lone
surrogates to Python and in every view; but JSON writes both as ``\\u`` escapes, and JSON
readers join such a pair into the one character it encodes in UTF-16 (:func:`as_json_reads_it`).
"""
from __future__ import annotations

import re
from typing import Any, Iterable

SURROGATE_RE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def has_surrogates(value: Any) -> bool:
    """True for a string holding at least one lone surrogate (any other value: False)."""
    return isinstance(value, str) and SURROGATE_RE.search(value) is not None


def for_display(value: str) -> str:
    """``value`` with each lone surrogate shown as U+FFFD (same length, offsets still line up)."""
    return SURROGATE_RE.sub(REPLACEMENT, value) if SURROGATE_RE.search(value) else value


def escaped(value: str) -> str:
    """``value`` with each lone surrogate written as its ``\\udc80`` escape (valid UTF-8 text)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8") if SURROGATE_RE.search(value) else value


def as_json_reads_it(value: str) -> str:
    """``value`` as a JSON reader gives it back from claimkit's JSONL/JSON: each high+low surrogate
    pair joined into the character it encodes in UTF-16, other lone surrogates kept."""
    if not SURROGATE_RE.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def displayable_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (dicts) with :func:`for_display` applied to every string, and to strings inside lists.

    Rows without a lone surrogate are returned as they are (no copy), so the common case costs
    one scan.
    """
    out = []
    for row in rows:
        if any(has_surrogates(v) or (isinstance(v, (list, tuple)) and any(map(has_surrogates, v)))
               for v in row.values()):
            row = {k: _display_value(v) for k, v in row.items()}
        out.append(row)
    return out


def _display_value(value: Any) -> Any:
    if isinstance(value, str):
        return for_display(value)
    if isinstance(value, (list, tuple)):
        return type(value)(for_display(v) if isinstance(v, str) else v for v in value)
    return value
