"""Corpus runs on a Dask cluster: the same per-batch work as :mod:`claimkit.corpus`, on many machines.

    from distributed import Client, LocalCluster
    from claimkit.distributed import analyze_to_parquet, read_claims

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        run = analyze_to_parquet("articles/", "claims.parquet/", client=client)
    print(run.summary.report())
    df = read_claims("claims.parquet/")           # a dask DataFrame (pandas.read_parquet works too)

On the command line: ``claimkit analyze DIR --dask local:2 --out claims/`` (or ``--dask
tcp://HOST:8786``, or ``--dask scheduler.json``).

How a run works:

1. the inputs (files, folders, glob patterns, fsspec URLs such as ``s3://bucket/news/``) are
   listed on the client, in the order :func:`claimkit.corpus.expand_paths` gives, and cut into
   batches (``batch_size`` documents or about ``batch_chars`` characters);
2. batch ``i`` is one Dask task: on a worker it runs :func:`claimkit.corpus.run_batch` (read,
   check, clean, parse-cache look-up, one bulk Stanza call for the misses, extraction: the
   single-machine code) and writes the batch's records to ``OUT/part-{i:06d}.parquet`` with
   :class:`claimkit.writers.RecordWriter` (the single-machine schema; written to a temporary
   file and renamed, so a partition file is either complete or absent);
3. the client collects one small summary per document and, at the end, writes
   ``OUT/_failures.jsonl`` (``doc``, ``path``, ``error`` of every document that could not be
   analysed; empty when none failed).

A local ``OUT`` is left as it was until the run finished: the partitions and the failures file
are written to a hidden staging folder beside it (``.OUT.RUN.claimkit-tmp``) and moved into
``OUT``, replacing the previous run's, at the end (with Ctrl-C and SIGTERM held back for those
few renames). A run stopped by Ctrl-C, SIGTERM or an error removes its staging folder and leaves
``OUT`` untouched. An object-store ``OUT`` is written in place (emptied of old partitions first).

Reading ``OUT`` (``pandas.read_parquet``, ``pyarrow.dataset``, ``dask.dataframe.read_parquet``)
gives the records in input order, then in each document's own order, exactly as a
single-machine ``--out x.parquet`` run; files starting with ``_`` are not part of the dataset.

Failures. A document that fails (missing, not UTF-8, not Arabic…) is recorded and the run goes
on. A worker process that dies (killed, out of memory) has its batch re-run on another worker
by the scheduler, up to ``distributed.scheduler.allowed-failures`` times (default 3). A batch
that kills that many workers (``KilledWorker``) is run again one document at a time
(``part-I-J.parquet`` for its document ``J``; ``part-I.parquet`` is removed), so that only a
document that kills its worker on its own is lost, recorded as failed. A task that raises an
unexpected error is retried ``retries`` times. Because a batch (or document) always writes the
same file, a re-run replaces it: no document is lost or written twice. Errors that
concern the whole run (no Stanza model on a worker, an output folder the workers cannot see)
stop it with a :class:`~claimkit.errors.ClaimkitError`.

Workers. Each worker process builds the Stanza pipeline once, on its first parse, and keeps it
(:func:`claimkit.parsing.get_pipeline`); a batch whose parses are all cached never loads it.
:class:`WorkerSetup`, registered on every worker (including those that join later), limits
PyTorch to ``threads`` threads per worker (1 by default: run one single-threaded worker per
core). Workers use their own parse cache (``CLAIMKIT_CACHE_DIR`` in their environment); point
them at a shared folder to share it.

What workers must see: local paths in the inputs and a local ``OUT`` must exist at the same
path on every worker (true on one machine; a shared file system otherwise). Object-store URLs
work anywhere: remote inputs are copied to a temporary folder on the worker, remote outputs are
written locally and uploaded (``s3://`` needs ``s3fs``; ``memory://`` is visible only to
workers in the client's process, ``LocalCluster(processes=False)``). CoNLL-U inputs given as
URLs are analysed without the ``NAME.txt`` beside them.
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from .clean import DEFAULT_MAX_CHARS
from .corpus import DEFAULT_BATCH_CHARS, DEFAULT_BATCH_SIZE, TEXT_SUFFIXES, CorpusSummary, DocResult, expand_paths, \
    run_batch
from .errors import ClaimkitError

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - exercised only without the extra
    raise ImportError("claimkit.distributed needs Dask: pip install 'claimkit[dask]'") from None

if TYPE_CHECKING:
    import argparse

    from distributed import Client

#: Name of batch ``i``'s file inside the output folder (zero-padded: name order is input order).
PART_NAME = "part-{:06d}.parquet"
#: Document ``j`` of batch ``i`` when a batch that kept killing workers is retried one document at a time.
SUBPART_NAME = "part-{:06d}-{:04d}.parquet"
#: The failures file inside the output folder (``_`` keeps it out of the Parquet dataset).
FAILURES_NAME = "_failures.jsonl"
#: The hidden folder beside a local output folder that receives a run's files until it finished.
STAGING_NAME = ".{name}.{run}.claimkit-tmp"
DEFAULT_RETRIES = 2


class DistributedError(ClaimkitError):
    """A Dask run that cannot go on: no cluster, an output folder the workers cannot use."""


# -- inputs ------------------------------------------------------------------------------------

def is_url(path: str | os.PathLike) -> bool:
    """True for an fsspec URL (``s3://…``, ``memory://…``); ``file://`` URLs count as local paths."""
    s = os.fspath(path)
    return "://" in s and not s.startswith("file://")


def _local(path: str) -> str:
    return path[len("file://"):] if path.startswith("file://") else path


def _fs(url: str) -> tuple[Any, str]:
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as exc:  # e.g. s3:// without s3fs
        raise ClaimkitError(f"{url}: {exc} (pip install the fsspec back end for this protocol)") from None
    except ValueError as exc:  # unknown protocol
        raise ClaimkitError(f"{url}: {exc}") from None


def _expand_url(url: str, suffixes: tuple[str, ...]) -> list[tuple[str, int]]:
    """A URL's files with their sizes: a folder's matching files (not recursive), a pattern's files, or the URL."""
    fs, path = _fs(url)
    if glob.has_magic(path):
        found = fs.glob(path, detail=True)
        files = sorted((p, int(info.get("size") or 0)) for p, info in found.items() if info.get("type") == "file")
    elif fs.isdir(path):
        files = sorted((info["name"], int(info.get("size") or 0)) for info in fs.ls(path, detail=True)
                       if info.get("type") == "file" and info["name"].endswith(suffixes)
                       and not info["name"].endswith(".claims.jsonl"))
    else:  # kept even when missing, so that it is reported as a failure
        try:
            return [(url, int(fs.size(path) or 0))]
        except (OSError, ValueError):
            return [(url, 0)]
    return [(fs.unstrip_protocol(p), size) for p, size in files]


def expand_inputs(spec: str | os.PathLike | Iterable[str | os.PathLike], *,
                  conllu: bool = False) -> list[tuple[str, int]]:
    """Inputs as ``(path or URL, size in bytes)`` in run order, without duplicates.

    Local files, folders and patterns are expanded by :func:`claimkit.corpus.expand_paths` (so
    the order is that of a single-machine run); URLs by fsspec in the same way.
    """
    items = [spec] if isinstance(spec, (str, os.PathLike)) else list(spec)
    suffixes = (".conllu",) if conllu else TEXT_SUFFIXES
    out: list[tuple[str, int]] = []
    for item in items:
        s = _local(os.fspath(item))
        if is_url(s):
            out.extend(_expand_url(s, suffixes))
            continue
        for p in expand_paths(s, conllu=conllu):
            try:
                size = p.stat().st_size
            except OSError:
                size = 0
            out.append((str(p), size))
    seen: set[str] = set()
    unique = []
    for path, size in out:
        if path not in seen:
            seen.add(path)
            unique.append((path, size))
    return unique


def plan_batches(items: Sequence[tuple[str, int]], batch_size: int = DEFAULT_BATCH_SIZE,
                 batch_chars: int = DEFAULT_BATCH_CHARS) -> list[list[str]]:
    """Cut ``(path, bytes)`` items into batches of at most ``batch_size`` documents and about
    ``batch_chars`` characters (Arabic UTF-8: about two bytes a character), keeping their order."""
    batches: list[list[str]] = []
    batch: list[str] = []
    chars = 0
    for path, size in items:
        n = size // 2
        if batch and (len(batch) >= batch_size or chars + n > batch_chars):
            batches.append(batch)
            batch, chars = [], 0
        batch.append(path)
        chars += n
    if batch:
        batches.append(batch)
    return batches


# -- the task a worker runs ---------------------------------------------------------------------

class WorkerSetup(WorkerPlugin):
    """Prepares every worker of a run: PyTorch threads, optionally the Stanza model loaded up front.

    Registered by :func:`analyze_to_parquet` (``client.register_plugin``); Dask also applies it
    to workers that join or restart later. ``preload=True`` builds the pipeline at registration
    instead of on the first parse (useful before timing a run).
    """

    name = "claimkit-setup"
    idempotent = False  # a new run's settings replace the previous ones

    def __init__(self, threads: int = 1, preload: bool = False, stanza_dir: str | None = None):
        self.threads = threads
        self.preload = preload
        self.stanza_dir = stanza_dir

    def setup(self, worker: Any) -> None:
        from .parsing import get_pipeline, set_threads

        set_threads(self.threads)
        if self.preload:
            get_pipeline(self.stanza_dir)


def _fetch(url: str, dest: Path) -> str | None:
    """Copy a remote input to ``dest``; the error text when it does not exist or may not be read.

    Other errors (network, throttling) are raised so that Dask retries the batch.
    """
    import fsspec

    try:
        with fsspec.open(url, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return f"InputFileError: {url}: no such file"
    except (PermissionError, IsADirectoryError) as exc:
        return f"InputFileError: {url}: {exc.strerror or type(exc).__name__}"
    dest.write_bytes(data)
    return None


def _run(paths: Sequence[str], **options: Any) -> list[DocResult]:
    """:func:`run_batch` on local paths; remote inputs are copied to a temporary folder first."""
    if not any(is_url(p) for p in paths):
        return run_batch(paths, **options)
    with tempfile.TemporaryDirectory(prefix="claimkit-fetch-") as tmp:
        local: list[str] = []
        fetch_errors: dict[int, str] = {}
        for i, p in enumerate(paths):
            if not is_url(p):
                local.append(p)
                continue
            dest = Path(tmp, str(i), p.rstrip("/").rsplit("/", 1)[-1] or "input")
            dest.parent.mkdir()
            err = _fetch(p, dest)
            if err:
                fetch_errors[i] = err
            local.append(str(dest))
        results = run_batch(local, **options)
        for i, (p, r) in enumerate(zip(paths, results)):
            if p == r.path:
                continue
            if i in fetch_errors:
                r.error, r.analysis = fetch_errors[i], None
            elif r.error:
                r.error = r.error.replace(r.path, p)
            r.path = p
    return results


def _part_name(index: int, sub: int | None) -> str:
    return PART_NAME.format(index) if sub is None else SUBPART_NAME.format(index, sub)


def _write_partition(records: list[dict[str, Any]], out: str, name: str) -> None:
    """Write one batch's records to ``out/name`` atomically (a re-run replaces it)."""
    from .writers import OutputFormatError, RecordWriter

    try:
        if is_url(out):
            fs, root = _fs(out)
            with tempfile.TemporaryDirectory(prefix="claimkit-part-") as tmp:
                with RecordWriter(Path(tmp, name)) as w:
                    w.write(records)
                fs.put_file(str(Path(tmp, name)), f"{root.rstrip('/')}/{name}")  # one object: all or nothing
        else:
            with RecordWriter(Path(out, name)) as w:
                w.write(records)
    except OutputFormatError as exc:
        import socket

        raise DistributedError(f"worker on {socket.gethostname()} cannot write {name}: {exc}. The output folder "
                               "must be visible to every worker (a shared file system or an object-store URL)") \
            from None


def analyze_partition(index: int, paths: Sequence[str], out: str, *, sub: int | None = None, cache: bool = True,
                      stanza_dir: str | None = None, max_chars: int | None = DEFAULT_MAX_CHARS,
                      conllu: bool = False, exact_parse: bool | None = None) -> list[tuple[DocResult, int]]:
    """The task for batch ``index``: analyse ``paths``, write their records to ``out``
    (``part-INDEX.parquet``, or ``part-INDEX-SUB.parquet`` for document ``sub`` of a batch
    retried one document at a time).

    Returns, per document and in input order, its :class:`DocResult` without the analysis
    (the records are in the file) and its number of claims.
    """
    results = _run(list(paths), cache=cache, stanza_dir=stanza_dir, max_chars=max_chars, conllu=conllu,
                   exact_parse=exact_parse)
    _write_partition([rec for r in results for rec in r.records()], out, _part_name(index, sub))
    rows = []
    for r in results:
        n = len(r.analysis) if r.ok and r.analysis is not None else 0
        r.analysis = None
        rows.append((r, n))
    return rows


# -- the client side ----------------------------------------------------------------------------

@dataclass
class DatasetRun:
    """The outcome of :func:`analyze_to_parquet`.

    ``results``: one :class:`DocResult` per input in input order (without ``analysis``: the
    records are in ``out``); ``summary``: totals and failures (``summary.report()``).
    """

    out: str
    partitions: int
    results: list[DocResult] = field(default_factory=list)
    summary: CorpusSummary = field(default_factory=CorpusSummary)
    seconds: float = 0.0

    @property
    def failures(self) -> list[dict[str, str]]:
        """``{"doc", "path", "error"}`` for every document that could not be analysed."""
        return [{"doc": r.doc, "path": r.path, "error": r.error or "failed"} for r in self.results if not r.ok]


def _prepare_out(out: str) -> None:
    """Create an object-store output folder and remove a previous run's partitions and failures file.

    (A local ``out`` is not touched before the run finished: see :func:`_staging_folder`.)
    """
    fs, root = _fs(out)
    fs.makedirs(root, exist_ok=True)
    for p in fs.glob(f"{root.rstrip('/')}/part-*.parquet") + fs.glob(f"{root.rstrip('/')}/{FAILURES_NAME}"):
        fs.rm(p)


def _staging_folder(out: str, run_id: str) -> Path:
    """Create the hidden folder beside a local ``out`` that receives this run's partitions.

    Workers write there; only a finished run moves the files into ``out``
    (:func:`_publish`), so Ctrl-C, SIGTERM or an error leave ``out`` as it was.
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise DistributedError(f"{out}: exists and is not a folder; with Dask, --out names a folder that "
                               "receives one Parquet file per batch")
    stage = folder.parent / STAGING_NAME.format(name=folder.name, run=run_id)
    try:
        stage.mkdir(parents=True)
    except OSError as exc:
        raise DistributedError(f"{out}: cannot use as the output folder ({exc.strerror or exc})") from None
    return stage


def remove_staging(out: str | os.PathLike) -> None:
    """Remove the staging folders of runs into ``out`` that were stopped (see :func:`_staging_folder`)."""
    folder = Path(out)
    for stage in folder.parent.glob(STAGING_NAME.format(name=glob.escape(folder.name), run="*")):
        shutil.rmtree(stage, ignore_errors=True)


def _publish(stage: Path, out: str) -> None:
    """Replace ``out``'s partitions and failures file by the staged ones, with Ctrl-C and SIGTERM held
    back meanwhile (delivered right after), so that ``out`` is either the old run or the new one."""
    import signal
    import threading

    held = {signal.SIGINT, signal.SIGTERM}
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for p in list(folder.glob("part-*.parquet")) + [folder / FAILURES_NAME]:
            p.unlink(missing_ok=True)
        _remove_stray_temporaries(folder)
        for p in sorted(stage.iterdir()):
            os.replace(p, folder / p.name)
        stage.rmdir()
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def _remove_part(out: str, name: str) -> None:
    """Remove a partition file (a batch about to be retried document by document may have written it)."""
    if is_url(out):
        fs, root = _fs(out)
        path = f"{root.rstrip('/')}/{name}"
        if fs.exists(path):
            fs.rm(path)
    else:
        Path(out, name).unlink(missing_ok=True)


def _remove_stray_temporaries(folder: Path) -> None:
    """Remove the hidden temporary files of partitions whose worker was killed while writing."""
    for p in folder.glob(".part-*.parquet.*.tmp"):
        p.unlink(missing_ok=True)


def _write_failures(run: DatasetRun, target: str) -> None:
    text = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in run.failures)
    if is_url(target):
        fs, root = _fs(target)
        fs.pipe_file(f"{root.rstrip('/')}/{FAILURES_NAME}", text.encode("utf-8"))
    else:
        from .writers import write_text_atomic

        write_text_atomic(text, Path(target, FAILURES_NAME))


def _worker_version() -> str:
    from . import __version__

    return __version__


def check_workers(client: "Client") -> None:
    """Raise :class:`DistributedError` unless every connected worker runs this claimkit version.

    A worker without claimkit would fail every batch, one with another version would give other
    records (and other parse-cache keys). Workers that join later are not checked.
    """
    from . import __version__

    found = client.run(_worker_version, on_error="return")
    bad = {w: v for w, v in found.items() if v != __version__}
    if bad:
        w, v = next(iter(bad.items()))
        what = f"claimkit {v}" if isinstance(v, str) else f"no usable claimkit ({type(v).__name__}: {v})"
        raise DistributedError(f"{len(bad)} of {len(found)} Dask workers have {what} (e.g. {w}); this client has "
                               f"claimkit {__version__}: install the same claimkit on every worker")


def _lost_batch(paths: Sequence[str], exc: BaseException) -> list[tuple[DocResult, int]]:
    from .pipeline import doc_name

    if type(exc).__name__ == "KilledWorker":
        why = ("the batch's worker died each time it was tried (out of memory or killed); "
               f"{type(exc).__name__}: {exc}")
    else:
        why = f"internal error ({type(exc).__name__}: {exc})"
    return [(DocResult(path=p, doc=doc_name(p), error=why), 0) for p in paths]


def _show_progress(futures: list, progress: bool | None) -> None:
    """Dask's progress bar: a widget in a notebook, a text bar on a terminal (stderr)."""
    from distributed import progress as dask_progress
    from distributed.utils import is_kernel

    if is_kernel() and progress is not False:
        try:  # the widget needs ipywidgets; without it the notebook shows no bar
            from IPython.display import display

            display(dask_progress(futures, notebook=True))
        except ImportError:
            pass
        return
    if progress is None:
        progress = sys.stderr.isatty()
    if progress:
        with contextlib.redirect_stdout(sys.stderr):  # stdout stays clean for the caller
            dask_progress(futures, notebook=False)


def analyze_to_parquet(paths: str | os.PathLike | Iterable[str | os.PathLike], out: str | os.PathLike, *,
                       client: "Client", cache: bool = True, stanza_dir: str | os.PathLike | None = None,
                       batch_size: int = DEFAULT_BATCH_SIZE, batch_chars: int = DEFAULT_BATCH_CHARS,
                       max_chars: int | None = DEFAULT_MAX_CHARS, conllu: bool = False,
                       retries: int = DEFAULT_RETRIES,
                       threads: int = 1, progress: bool | None = None) -> DatasetRun:
    """Analyse a corpus on a Dask cluster into a Parquet dataset folder ``out``.

    ``paths``: files, folders, glob patterns or fsspec URLs. ``client``: a
    ``distributed.Client``. ``threads``: PyTorch threads per worker. ``max_chars``: longest
    article accepted (None: no limit). ``retries``: re-runs of a
    batch whose task raised. ``progress``: Dask's progress bar (None: on a terminal or in a
    notebook). The other options are those of :func:`claimkit.corpus.analyze_corpus`.
    A local ``out`` keeps its previous ``part-*.parquet`` files and failures file until the run
    finished; then they are replaced by the new ones (in a hidden folder beside ``out`` meanwhile),
    so a stopped or failed run leaves ``out`` as it was. After Ctrl-C or SIGTERM the hidden folder
    is left for :func:`remove_staging` once the workers have stopped (a batch may still be
    writing there); the command line calls it itself. An object-store ``out`` is emptied of them
    first (objects cannot be renamed cheaply). Raises :class:`~claimkit.errors.ClaimkitError` when no input matches or when the run cannot
    go on (see the module docstring; workers with another claimkit version or none are refused
    up front); document failures are in the result and in
    ``out/_failures.jsonl``.
    """
    t0 = time.perf_counter()
    items = expand_inputs(paths, conllu=conllu)
    if not items:
        raise ClaimkitError(f"no input files match {paths}")
    given = [p for p, _ in items]
    # workers may run in another folder: they get absolute paths, results keep the paths as given
    batches = plan_batches([(p if is_url(p) else os.path.abspath(p), size) for p, size in items],
                           batch_size, batch_chars)
    out_s = os.fspath(out)
    if not is_url(out_s):
        out_s = os.path.abspath(_local(out_s))
    check_workers(client)  # before the output folder is touched
    run_id = uuid.uuid4().hex[:8]
    stage = None if is_url(out_s) else _staging_folder(out_s, run_id)
    if stage is None:
        _prepare_out(out_s)
    try:
        run = _run_batches(client, batches, given, out_s, out_s if stage is None else str(stage), run_id,
                           cache=cache, stanza_dir=stanza_dir, max_chars=max_chars, conllu=conllu, retries=retries,
                           threads=threads, progress=progress)
        if stage is not None:
            _publish(stage, out_s)
    except Exception:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    # Ctrl-C or SIGTERM: a batch may still be writing into the stage, which the caller removes once
    # its workers have stopped (remove_staging; the command line does so after closing its cluster)
    if stage is not None:
        shutil.rmtree(stage, ignore_errors=True)
    run.seconds = time.perf_counter() - t0
    return run


def _run_batches(client: "Client", batches: list[list[str]], given: list[str], out: str, target: str, run_id: str, *,
                 cache: bool, stanza_dir: str | os.PathLike | None, max_chars: int | None, conllu: bool, retries: int,
                 threads: int, progress: bool | None) -> DatasetRun:
    """Run every batch on the cluster, partitions written to ``target``; the results in input order."""
    from distributed import as_completed

    from .parsing import exact_parse

    exact = exact_parse()  # this process's choice, passed on: workers do not share its settings
    sdir = os.fspath(stanza_dir) if stanza_dir is not None else None
    client.register_plugin(WorkerSetup(threads=threads, stanza_dir=sdir))
    keys = [f"claimkit-batch-{i:06d}-{run_id}" for i in range(len(batches))]
    futures = client.map(analyze_partition, range(len(batches)), batches, key=keys, retries=retries, out=target,
                         cache=cache, stanza_dir=sdir, max_chars=max_chars, conllu=conllu, exact_parse=exact)
    position: dict[str, tuple[int, int | None]] = {f.key: (i, None) for i, f in enumerate(futures)}
    # results by batch; a batch split into single documents collects them by document
    rows: list[list[tuple[DocResult, int]] | None] = [None] * len(batches)
    split: dict[int, list[list[tuple[DocResult, int]] | None]] = {}
    options = dict(out=target, cache=cache, stanza_dir=sdir, max_chars=max_chars, conllu=conllu, exact_parse=exact)
    live = list(futures)
    try:
        _show_progress(futures, progress)
        pending = as_completed(futures)
        for fut in pending:
            i, sub = position[fut.key]
            if fut.status == "error":
                exc = fut.exception()
                if isinstance(exc, ClaimkitError):
                    raise exc
                if sub is None and len(batches[i]) > 1 and type(exc).__name__ == "KilledWorker":
                    # the batch kept killing workers: retry its documents one by one, so that only
                    # the culprit is lost
                    _remove_part(target, PART_NAME.format(i))
                    split[i] = [None] * len(batches[i])
                    for j, path in enumerate(batches[i]):
                        f = client.submit(analyze_partition, i, [path], sub=j, retries=retries,
                                          key=f"claimkit-doc-{i:06d}-{j:04d}-{run_id}", **options)
                        position[f.key] = (i, j)
                        live.append(f)
                        pending.add(f)
                    continue
                result = _lost_batch(batches[i] if sub is None else [batches[i][sub]], exc)
            else:
                result = fut.result()
            if sub is None:
                rows[i] = result
            else:
                split[i][sub] = result
                if all(part is not None for part in split[i]):
                    rows[i] = [row for part in split[i] for row in part]  # type: ignore[union-attr]
            fut.release()
    finally:
        client.cancel([f for f in live if not f.done()])

    run = DatasetRun(out=out, partitions=len(batches))
    for batch_rows in rows:
        for r, n in batch_rows or ():
            if r.path != given[len(run.results)]:
                r.error = r.error and r.error.replace(r.path, given[len(run.results)])
                r.path = given[len(run.results)]
            run.results.append(r)
            run.summary.add(r)
            run.summary.claims += n
    _write_failures(run, target)
    if not is_url(target):
        _remove_stray_temporaries(Path(target))
    return run


def read_claims(out: str | os.PathLike) -> Any:
    """The records of a finished run as a dask DataFrame (one partition per batch, in input order)."""
    import dask.dataframe as dd

    return dd.read_parquet(os.fspath(out))


# -- connecting and the command line ------------------------------------------------------------

@contextlib.contextmanager
def connect(spec: str, *, threads: int = 1) -> Iterator["Client"]:
    """A client for ``spec``: ``local`` / ``local:N`` (a LocalCluster of N single-threaded worker
    processes on 127.0.0.1, N defaulting to the number of cores), a scheduler file (JSON, as written
    by ``dask scheduler --scheduler-file``), or a scheduler address (``tcp://HOST:8786``).
    A local cluster is shut down on exit; a remote one is only disconnected from."""
    from distributed import Client, LocalCluster

    if spec == "local" or spec.startswith("local:"):
        try:
            n = int(spec.split(":", 1)[1]) if ":" in spec else (os.cpu_count() or 1)
        except ValueError:
            n = 0
        if n < 1:
            raise DistributedError(f"--dask {spec}: expected local or local:N with N ≥ 1 workers")
        with LocalCluster(n_workers=n, threads_per_worker=threads, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:8787") as cluster, Client(cluster) as client:
            yield client
        return
    try:
        if spec.endswith(".json") and os.path.isfile(spec):
            client = Client(scheduler_file=spec, timeout="20s")
        else:
            client = Client(spec, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise DistributedError(f"cannot reach the Dask scheduler {spec} ({type(exc).__name__}: {exc})") from None
    with client:
        yield client


def _scheduler_has_bokeh() -> bool:
    """Run on the scheduler: can it draw the dashboard (bokeh importable there)?"""
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


#: What ``--dask`` prints when the scheduler serves no dashboard.
NO_DASHBOARD = "none (the scheduler runs without one; install 'bokeh>=3.1' where it runs to get one)"


def dashboard(client: "Client") -> str:
    """The dashboard address, or :data:`NO_DASHBOARD` when the scheduler serves none.

    The client's ``dashboard_link`` is a template filled in whether or not a dashboard runs:
    a scheduler without bokeh still answers on that port, with a page saying that bokeh is
    missing. So the scheduler itself is asked: does it run an HTTP service, and can it
    import bokeh? A scheduler that cannot be asked counts as having no dashboard.
    """
    try:
        has_http = "dashboard" in (client.scheduler_info().get("services") or {})
        has_bokeh = bool(client.run_on_scheduler(_scheduler_has_bokeh))
    except Exception:  # an old or restricted scheduler: say nothing that may be wrong
        return NO_DASHBOARD
    return client.dashboard_link if has_http and has_bokeh and client.dashboard_link else NO_DASHBOARD


def analyze_cli(args: "argparse.Namespace") -> int:
    """``claimkit analyze INPUTS --dask SPEC --out DIR``; exit status as for corpus runs."""
    from .corpus import DEFAULT_BATCH_SIZE as BATCH

    if not args.out:
        raise ClaimkitError("--dask needs --out DIR: a folder that receives the Parquet dataset")
    if Path(args.out).suffix.lower() in (".jsonl", ".ndjson", ".json", ".csv"):
        raise ClaimkitError(f"--dask writes a Parquet dataset folder; {args.out} names another format")
    if args.format:
        raise ClaimkitError("--dask writes Parquet to --out; --format does not apply")
    if args.workers != 1:
        raise ClaimkitError("--workers does not apply with --dask (use local:N, or start more Dask workers)")
    if args.text:
        raise ClaimkitError("--text applies to one CoNLL-U file, not to a corpus run")
    try:
        with connect(args.dask) as client:
            n = len(client.nthreads())
            print(f"claimkit: Dask scheduler {client.scheduler.address}, {n} worker{'s' * (n != 1)}; "
                  f"dashboard {dashboard(client)}", file=sys.stderr)
            run = analyze_to_parquet(args.inputs, args.out, client=client, cache=not args.no_cache,
                                     stanza_dir=args.stanza_dir, batch_size=args.batch_size or BATCH,
                                     max_chars=args.max_chars, threads=args.threads or 1, conllu=args.conllu,
                                     progress=args.progress)
    finally:
        if not is_url(args.out):  # a batch still running when the run stopped may have written after the clean-up
            remove_staging(os.path.abspath(_local(args.out)))
    s = run.summary
    print(f"{s.report()}; written to {run.out} ({run.partitions} part{'s' * (run.partitions != 1)}, "
          f"failures in {FAILURES_NAME}) in {run.seconds:.1f} s", file=sys.stderr)
    if s.failures and len(s.failures) == s.docs:
        return 2
    return 1 if s.failures else 0
