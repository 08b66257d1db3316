"""Outlet and date of each article, for the source index (:mod:`claimkit.index`).

Three places, in this order, each used only for what it actually says:

1. a sidecar table (``--meta FILE``: CSV, JSON list/object or JSONL with ``doc`` and any of
   ``outlet``, ``date``), which always wins;
2. the document id or file name: an outlet code (``AFP_ARB_20000715``, ``afp.20000715.0075``,
   ``xin…``: :data:`claimkit.ud.OUTLET_CODES`) and a date written as ``YYYYMMDD`` or ``YYYY-MM-DD``;
3. the dateline in the first lines of the article text, when the text is known: the agency
   (``(اف ب)``, ``/ شينخوا /``: :func:`claimkit.ud.outlet_of`) and a day and month
   (``بغداد ١٥-٧ (اف ب)``, ``بكين ٣ مايو``: month names in ``data/months.tsv``), with the year
   only when it is written.

Nothing is guessed: an outlet or date found nowhere is left empty and listed by
:meth:`claimkit.index.SourceIndex.missing_metadata`; a dateline without a year gives the month
as ``--MM`` (ISO 8601 for a month of an unknown year) and no date. ``outlet_from`` and
``date_from`` say where each value came from (``meta``, ``name``, ``dateline`` or ``missing``).

Not handled: datelines with month names (١٥ تموز), Hijri dates, outlets not listed in
:mod:`claimkit.ud`.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ClaimkitError
from .lexicon import _rows
from .normalize import normalize_for_match
from .ud import UNIDENTIFIED, outlet_of

if TYPE_CHECKING:
    import pandas as pd

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
#: A dateline's day and month (and year when written) before the agency: "بغداد ١٥-٧ (اف ب) -".
_DATELINE_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[-/]\s*(\d{1,2})(?:\s*[-/]\s*((?:19|20)\d\d))?(?!\d)\s*[(/«»-]")
COLUMNS = ["doc", "outlet", "date", "month", "outlet_from", "date_from"]


class MetadataError(ClaimkitError, ValueError):
    """A metadata file that cannot be read or has no ``doc`` column."""


def read_meta(path: str | os.PathLike) -> "pd.DataFrame":
    """A sidecar metadata table: CSV, JSON (a list of objects, or an object doc → {outlet, date}) or JSONL."""
    import pandas as pd

    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{p}: cannot read the metadata file ({exc})") from None
    try:
        if p.suffix.lower() == ".csv":
            import io

            df = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
        elif p.suffix.lower() in (".jsonl", ".ndjson"):
            df = pd.DataFrame([json.loads(line) for line in raw.splitlines() if line.strip()])
        else:
            data = json.loads(raw)
            df = pd.DataFrame([{"doc": k, **v} for k, v in data.items()] if isinstance(data, dict) else data)
    except (ValueError, TypeError, AttributeError) as exc:
        raise MetadataError(f"{p}: not a CSV/JSON/JSONL metadata table ({exc})") from None
    if "doc" not in df.columns:
        raise MetadataError(f"{p}: the metadata table needs a 'doc' column (and outlet, date)")
    return df


def date_from_name(name: str) -> str:
    """An ISO date written in a document id or file name (``AFP_ARB_20000715`` → 2000-07-15), or ""."""
    m = _NAME_DATE.search(name or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else ""


@lru_cache(maxsize=1)
def _month_names() -> re.Pattern[str]:
    names = sorted(((normalize_for_match(cols[0]), int(cols[1])) for cols, _ in _rows("months.tsv")),
                   key=lambda n: -len(n[0]))
    _MONTHS.update(names)
    return re.compile(r"(?<!\w)(\d{1,2}|اول)\s+(" + "|".join(re.escape(n) for n, _ in names) + r")(?!\w)")


_MONTHS: dict[str, int] = {}


def dateline_date(text: str) -> tuple[str, str]:
    """(date, month) from the dateline of the first lines: ("2000-07-15", "2000-07") when the year is
    written, ("", "--07") for a day and month only ("بغداد ١٥-٧ (اف ب)", "بكين ٣ مايو"), ("", "")
    when there is no dateline date."""
    head = "\n".join((text or "").splitlines()[:3])[:400].translate(_DIGITS)
    m = _DATELINE_DATE.search(head)
    if m:
        day, month = int(m.group(1)), int(m.group(2))
    elif n := _month_names().search(normalize_for_match(head)):
        day, month = (1 if n.group(1) == "اول" else int(n.group(1))), _MONTHS[n.group(2)]
        m = None
    else:
        return "", ""
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return "", ""
    if m is not None and m.group(3):
        return f"{m.group(3)}-{month:02d}-{day:02d}", f"{m.group(3)}-{month:02d}"
    return "", f"--{month:02d}"


def _sidecar(meta: "pd.DataFrame | None") -> dict[str, dict[str, str]]:
    if meta is None:
        return {}
    rows = meta.fillna("").astype(str).to_dict("records")
    return {r["doc"]: r for r in rows}


def article_metadata(docs: list[str], *, meta: "pd.DataFrame | None" = None,
                     texts: dict[str, str] | None = None) -> "pd.DataFrame":
    """One row per document: outlet, date, month and where each came from (see the module docstring)."""
    import pandas as pd

    side = _sidecar(meta)
    texts = texts or {}
    rows: list[dict[str, Any]] = []
    for doc in docs:
        r = {"doc": doc, "outlet": "", "date": "", "month": "", "outlet_from": "missing", "date_from": "missing"}
        given = side.get(doc, {})
        text = texts.get(doc, "")
        if given.get("outlet"):
            r["outlet"], r["outlet_from"] = given["outlet"], "meta"
        elif (o := outlet_of(doc)) != UNIDENTIFIED:
            r["outlet"], r["outlet_from"] = o, "name"
        elif text and (o := outlet_of("", text)) != UNIDENTIFIED:
            r["outlet"], r["outlet_from"] = o, "dateline"
        if given.get("date"):
            r["date"], r["date_from"] = given["date"], "meta"
        elif d := date_from_name(doc):
            r["date"], r["date_from"] = d, "name"
        elif text:
            d, month = dateline_date(text)
            if month:
                r["date"], r["month"], r["date_from"] = d, month, "dateline"
        if r["date"] and not r["month"]:
            r["month"] = r["date"][:7]
        rows.append(r)
    return pd.DataFrame(rows, columns=COLUMNS)
