"""``claimkit index``: read claim records, build or update the source index, write its tables.

    claimkit index claims.parquet --out index/                 # a claimkit Parquet file or dataset folder
    claimkit index gold/padt_dev --meta meta.csv --out index/  # a folder of *.jsonl claim files
    claimkit index claims/ --dask local:2 --out index/         # resolution on a Dask cluster

Inputs: a ``.parquet`` file, a ``.jsonl`` file, or a folder holding a Parquet dataset
(``part-*.parquet``, as ``claimkit analyze --dask`` writes) or ``*.jsonl`` claim files (gold
``NAME.claims.jsonl`` included). For a claim file ``NAME.claims.jsonl`` or ``NAME.jsonl`` the article
text ``NAME.txt`` beside it, when it exists, gives the dateline (outlet, date).

An existing index in ``--out`` is updated: articles whose claims did not change keep their
features; resolution runs again over all mentions (a new article can make a surname ambiguous).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputFileError
from .index import SourceIndexError, build, read, write

if TYPE_CHECKING:
    import argparse

    import pandas as pd


def _jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read ({exc})") from None
    out = []
    for k, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                raise SourceIndexError(f"{path}:{k}: not a JSON line") from None
    return out


def _text_beside(path: Path) -> Path:
    name = path.name
    for suffix in (".claims.jsonl", ".jsonl"):
        if name.endswith(suffix):
            return path.with_name(name[: -len(suffix)] + ".txt")
    return path.with_suffix(".txt")


def claim_files(inputs: list[str]) -> list[Path]:
    """The claim files named by ``inputs`` (files, folders of *.jsonl or a Parquet dataset folder)."""
    files: list[Path] = []
    for spec in inputs:
        p = Path(spec)
        if p.is_dir():
            parquet = sorted(p.glob("*.parquet"))
            found = parquet or sorted(p.glob("*.jsonl"))
            if not found:
                raise InputFileError(f"{p}: no *.parquet or *.jsonl claim files in this folder")
            files += found
        elif p.is_file():
            if p.suffix.lower() not in (".parquet", ".jsonl", ".ndjson"):
                raise InputFileError(f"{p}: claim records must be .parquet or .jsonl")
            files.append(p)
        else:
            raise InputFileError(f"{p}: no such file or folder")
    return files


def load_claims(inputs: list[str]) -> tuple["pd.DataFrame", dict[str, str]]:
    """All claim records of ``inputs`` as one DataFrame, and the texts found beside JSONL claim files."""
    import pandas as pd

    frames, texts = [], {}
    for f in claim_files(inputs):
        if f.suffix.lower() == ".parquet":
            frames.append(pd.read_parquet(f))
            continue
        recs = _jsonl(f)
        if recs:
            frames.append(pd.DataFrame(recs))
        txt = _text_beside(f)
        if txt.exists():
            doc = recs[0].get("doc") if recs else txt.stem
            texts[str(doc)] = txt.read_text(encoding="utf-8-sig")
    if not frames:
        raise SourceIndexError("no claim records in the inputs")
    return pd.concat(frames, ignore_index=True), texts


def index_cli(args: "argparse.Namespace") -> int:
    """Run ``claimkit index``; prints what was built and the articles without metadata."""
    from .meta import read_meta

    claims, texts = load_claims(args.inputs)
    meta = read_meta(args.meta) if args.meta else None
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise SourceIndexError(f"--out {out}: not a folder")
    if args.dask:
        import dask.dataframe as dd

        from .distributed import connect, dashboard

        with connect(args.dask) as client:
            n = len(client.nthreads())
            print(f"claimkit: Dask scheduler {client.scheduler.address}, {n} worker{'s' * (n != 1)}; "
                  f"dashboard {dashboard(client)}", file=sys.stderr)
            parts = max(1, min(64, len(claims) // 50_000))
            index = build(dd.from_pandas(claims, npartitions=parts), meta=meta, texts=texts)
    else:
        previous = read(out) if (out / "mentions.parquet").exists() else None
        index = build(claims, meta=meta, texts=texts, previous=previous)
    write(index, out)
    s = index.stats
    print(f"claimkit: {s['claims']} claims, {s['articles']} articles, {s['mentions']} mentions → {s['sources']} "
          f"sources ({s['merges']} merges); written to {out}/", file=sys.stderr)
    if s.get("reused_articles"):
        print(f"claimkit: updated: {s['reused_articles']} unchanged articles reused, {s['recomputed_articles']} new or "
              f"changed, {s['removed_articles']} removed", file=sys.stderr)
    missing = index.missing_metadata()
    for what in ("outlet", "date"):
        docs = missing[what]
        if docs:
            shown = ", ".join(docs[:5]) + (", …" if len(docs) > 5 else "")
            print(f"claimkit: {len(docs)} article{'s' * (len(docs) != 1)} without {what} (not guessed): {shown}",
                  file=sys.stderr)
    return 0


def add_parser(sub: Any) -> None:
    """The ``index`` sub-command's options."""
    ix = sub.add_parser("index", help="build a cross-article source index from claim records",
                        description="Resolve the sources of many articles into one index: one row per real-world "
                        "source (name, forms, titles, type, articles, claims), written as Parquet tables "
                        "sources, mentions, articles and merges in --out. An existing index there is updated, "
                        "reusing unchanged articles.")
    ix.add_argument("inputs", nargs="+", metavar="CLAIMS",
                    help="claim records: .parquet, .jsonl, or a folder of them (a Parquet dataset or *.jsonl files)")
    ix.add_argument("--out", "-o", required=True, metavar="INDEX_DIR", help="the folder that receives the tables")
    ix.add_argument("--meta", metavar="FILE", help="outlet and date per article: CSV, JSON or JSONL with a doc column")
    ix.add_argument("--dask", metavar="ADDRESS", help="run the resolution on a Dask cluster: local[:N], a scheduler "
                    "address or a scheduler file (pip install 'claimkit[dask]')")
