"""Writing claim records to JSONL, CSV, JSON or Parquet, atomically and streamed.

Every writer takes output records (dicts with exactly :data:`~claimkit.records.RECORD_KEYS`)
a batch at a time, so a corpus run never holds more than one document's claims.

A file written to a path goes to a temporary file in the same folder first and is
moved into place with :func:`os.replace` only when writing finished: after Ctrl-C,
a crash or an error the destination holds either its previous content or the
complete new one, never half a file (the temporary file is removed).

Formats (chosen from the extension by :func:`format_for`):

- ``jsonl``: one JSON object per line, Arabic written as is (``ensure_ascii=False``).
  A lone surrogate in a record (only possible from a Python string, never from a file)
  is written as its ``\udc80`` escape, which JSON readers turn back into the same string.
- ``json``: one JSON list of objects.
- ``csv``: a header of the record keys; ``hedge_cues`` as a JSON list (``["قد"]``),
  missing source offsets as empty cells. UTF-8 without BOM.
- ``parquet``: typed columns (``hedge_cues`` a list of strings, source offsets nullable
  integers); needs ``pyarrow`` (``pip install claimkit[parquet]``). Written one row group
  per batch, so memory stays flat.

In CSV and Parquet, which cannot hold a lone surrogate, it is written as the text of its
escape (``\udc80``, :func:`claimkit.surrogates.escaped`). :func:`read_records` reads any of
the four formats back into record dicts.

pandas is not needed by any writer; pyarrow is imported only for Parquet.
"""
from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable

from .errors import ClaimkitError
from .records import RECORD_KEYS
from .surrogates import escaped

FORMATS = ("jsonl", "json", "csv", "parquet")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet",
               ".pq": "parquet"}
INT_KEYS = ("sentence", "cue_start", "cue_end", "source_start", "source_end", "content_start", "content_end",
            "hedging_level")


class OutputFormatError(ClaimkitError, ValueError):
    """An output path whose extension names no supported format, or a missing writer dependency."""


def format_for(path: str | os.PathLike) -> str:
    """The output format named by a path's extension (``.jsonl``, ``.json``, ``.csv``, ``.parquet``)."""
    suffix = Path(path).suffix.lower()
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        raise OutputFormatError(f"{path}: cannot tell the output format from the extension {suffix or '(none)'!r}; "
                                "use .jsonl, .json, .csv or .parquet") from None


def _csv_row(rec: dict[str, Any]) -> list[Any]:
    row = []
    for k in RECORD_KEYS:
        v = rec.get(k)
        if k == "hedge_cues":
            v = json.dumps(list(v or []), ensure_ascii=False)
        elif v is None:
            v = ""
        row.append(v)
    return row


def _arrow_schema():
    import pyarrow as pa

    cols = []
    for k in RECORD_KEYS:
        if k == "hedge_cues":
            cols.append(pa.field(k, pa.list_(pa.string())))
        elif k in INT_KEYS:
            cols.append(pa.field(k, pa.int64(), nullable=True))
        else:
            cols.append(pa.field(k, pa.string()))
    return pa.schema(cols)


class RecordWriter:
    """Streams records to a file (atomically) or to an open text stream.

    Use as a context manager; :meth:`write` takes any iterable of record dicts::

        with RecordWriter("claims.parquet") as w:
            for result in analyze_corpus(paths):
                w.write(result.records)

    The destination appears only when the ``with`` block ends without an exception.
    ``path=None`` (or ``"-"``) writes to ``stream`` (default stdout), which cannot be atomic;
    Parquet needs a real path.
    """

    def __init__(self, path: str | os.PathLike | None, fmt: str | None = None, *, stream: IO[str] | None = None):
        self.path = None if path in (None, "-") else Path(path)
        self.format = fmt or (format_for(self.path) if self.path else "jsonl")
        if self.format not in FORMATS:
            raise OutputFormatError(f"unknown output format {self.format!r}; choose one of {', '.join(FORMATS)}")
        if self.format == "parquet" and self.path is None:
            raise OutputFormatError("Parquet output needs a file: use --out FILE.parquet")
        self.count = 0
        self._stream = stream
        self._tmp: str | None = None
        self._fh: Any = None
        self._csv: Any = None
        self._pq: Any = None
        self._schema: Any = None

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> "RecordWriter":
        if self.path is not None:
            folder = self.path.parent
            if not folder.is_dir():
                raise OutputFormatError(f"{self.path}: the folder {folder} does not exist")
            fd, self._tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
            if self.format == "parquet":
                os.close(fd)
                try:
                    import pyarrow.parquet as pq
                except ImportError:
                    self._discard()
                    raise OutputFormatError("Parquet output needs pyarrow: pip install 'claimkit[parquet]'") from None
                self._schema = _arrow_schema()
                self._pq = pq.ParquetWriter(self._tmp, self._schema)
            else:
                self._fh = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="")
        else:
            self._fh = self._stream or sys.stdout
        if self.format == "csv":
            self._csv = csv.writer(self._fh, lineterminator="\n")
            self._csv.writerow(RECORD_KEYS)
        elif self.format == "json":
            self._fh.write("[")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._discard()
            return
        if self.path is not None and self._tmp is None:  # aborted
            return
        try:
            self.close()
        except BaseException:
            self._discard()
            raise

    def write(self, records: Iterable[dict[str, Any]]) -> int:
        """Append records; returns how many were written."""
        rows = [{k: r.get(k) for k in RECORD_KEYS} for r in records]
        if not rows:
            return 0
        if self.format == "jsonl":
            self._fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        elif self.format == "json":
            for r in rows:
                self._fh.write(("\n" if self.count == 0 else ",\n") + json.dumps(r, ensure_ascii=False))
                self.count += 1
            return len(rows)
        elif self.format == "csv":
            self._csv.writerows(_csv_row(r) for r in rows)
        else:
            import pyarrow as pa

            for r in rows:
                r["hedge_cues"] = [escaped(c) for c in r.get("hedge_cues") or []]
                for k, v in r.items():
                    if isinstance(v, str):
                        r[k] = escaped(v)
            self._pq.write_table(pa.Table.from_pylist(rows, schema=self._schema))
        self.count += len(rows)
        return len(rows)

    def close(self) -> None:
        """Finish the file and move it into place (a no-op for streams beyond flushing)."""
        if self.format == "json" and self._fh is not None:
            self._fh.write("\n]\n" if self.count else "]\n")
        if self._pq is not None:
            self._pq.close()
            self._pq = None
        if self.path is None:
            if self._fh is not None:
                self._fh.flush()
            return
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
        if self._tmp is not None:
            _publish(self._tmp, self.path)
            self._tmp = None

    def abort(self) -> None:
        """Give up: drop what was written; the destination is left as it was (a no-op for streams)."""
        if self.path is not None:
            self._discard()

    def _discard(self) -> None:
        """Drop the temporary file; the destination is left untouched."""
        try:
            if self._pq is not None:
                self._pq.close()
        except Exception:
            pass
        self._pq = None
        if self._fh is not None and self.path is not None:
            try:
                self._fh.close()
            except Exception:
                pass
        self._fh = None
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish(tmp: str, path: Path) -> None:
    """Give the temporary file ordinary permissions (mkstemp makes it private) and move it into place."""
    try:
        os.chmod(tmp, 0o666 & ~_umask())
    except OSError:
        pass
    os.replace(tmp, path)


def write_records(records: Iterable[dict[str, Any]], path: str | os.PathLike | None, fmt: str | None = None, *,
                  stream: IO[str] | None = None) -> int:
    """Write all ``records`` to ``path`` (atomic) or ``stream``; returns the number written."""
    with RecordWriter(path, fmt, stream=stream) as w:
        w.write(records)
    return w.count


def records_to_string(records: Iterable[dict[str, Any]], fmt: str) -> str:
    """Serialise records to a string in a text format (``jsonl``, ``json``, ``csv``)."""
    buf = io.StringIO()
    write_records(records, None, fmt, stream=buf)
    return buf.getvalue()


def write_text_atomic(text: str, path: str | os.PathLike) -> None:
    """Write a text file atomically (temporary file in the same folder, then ``os.replace``).

    Raises :class:`OutputFormatError` (a claimkit error naming ``path``) when its folder does not exist.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputFormatError(f"{path}: the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        _publish(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_records(path: str | os.PathLike, fmt: str | None = None) -> list[dict[str, Any]]:
    """The records of a file written by :class:`RecordWriter` (format from the extension).

    Gives the dicts that were written, with the same types: ints, ``None`` for missing source
    offsets, ``hedge_cues`` as a list (CSV cells are converted back). A lone surrogate comes
    back exactly from JSONL and JSON, as its ``\udc80`` escape text from CSV and Parquet.
    Raises :class:`OutputFormatError` for an unknown extension.
    """
    fmt = fmt or format_for(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with open(path, encoding="utf-8", newline="") as f:
        if fmt == "jsonl":
            return [json.loads(line) for line in f if line.strip()]
        if fmt == "json":
            return json.load(f)
        rows = list(csv.DictReader(f))
    for r in rows:
        r["hedge_cues"] = json.loads(r["hedge_cues"])
        for k in INT_KEYS:
            r[k] = int(r[k]) if r[k] != "" else None
    return rows
