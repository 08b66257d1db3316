"""Analysing many articles: batched parsing, the parse cache, worker processes, streaming.

:func:`analyze_corpus` is a generator: it yields one :class:`DocResult` per input file,
in input order, as soon as the file's batch is done. Nothing is kept after it is
yielded, so memory depends on the batch size, not on the corpus size; write each
result out (``claimkit analyze DIR --out claims.parquet`` does) or aggregate as you go.

How a batch of files is processed:

1. each file is read (UTF-8), checked and cleaned like :func:`claimkit.analyze`;
2. files whose parse is in the cache (same text, model and claimkit version) are
   rebuilt from the cached CoNLL-U: Stanza is not called and not even imported;
3. the remaining texts go to Stanza together (:func:`claimkit.parsing.parse_many`,
   Stanza's bulk processing), and each parse is stored in the cache;
4. every parse goes through extraction.

A file that cannot be analysed (missing, not UTF-8, empty, not Arabic, malformed
CoNLL-U, or an unexpected error in extraction) gives a :class:`DocResult` with
``error`` set and no analysis; the other files are unaffected. A missing Stanza
model is not a per-file problem: it raises :class:`~claimkit.errors.ModelNotFoundError`.

``workers > 1`` runs batches in that many processes. Each process loads its own
Stanza pipeline (the Arabic model takes about 0.6–1 GB of memory per process once
loaded), and PyTorch's threads are divided among the processes. On a machine with
few cores one worker using all of them is usually as fast; more workers pay off
on many-core machines with memory to spare.
"""
from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from .clean import DEFAULT_MAX_CHARS
from .errors import ClaimkitError, ConlluError, ModelNotFoundError
from .records import Analysis

if TYPE_CHECKING:
    import pandas as pd

#: File types picked up when a folder is given (``--conllu`` picks ``*.conllu`` instead).
TEXT_SUFFIXES = (".txt", ".html", ".htm")
DEFAULT_BATCH_SIZE = 16
#: A batch is closed early when its texts reach this many characters.
DEFAULT_BATCH_CHARS = 100_000


@dataclass
class DocResult:
    """What happened to one input file.

    ``analysis`` is set on success, ``error`` (``"NotArabicError: …"``) on failure.
    ``cached``: the parse came from the cache. ``words``: syntactic words parsed.
    ``parse_seconds`` (this file's share of its batch's Stanza time, 0 on a cache hit)
    and ``extract_seconds`` (extraction alone) are for benchmarking.
    """

    path: str
    doc: str
    analysis: Analysis | None = None
    error: str | None = None
    cached: bool = False
    chars: int = 0
    words: int = 0
    parse_seconds: float = 0.0
    extract_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def records(self) -> list[dict[str, Any]]:
        """The output records of this file's claims (empty on failure)."""
        return self.analysis.to_dicts() if self.analysis is not None else []


@dataclass
class CorpusSummary:
    """Running totals over a corpus run; feed it every :class:`DocResult`."""

    docs: int = 0
    claims: int = 0
    cached: int = 0
    words: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, r: DocResult) -> None:
        self.docs += 1
        if r.ok:
            self.claims += len(r.analysis) if r.analysis is not None else 0
            self.cached += r.cached
            self.words += r.words
        else:
            self.failures.append((r.path, r.error or "failed"))

    def report(self) -> str:
        """A short plain-text summary, listing every failed file."""
        ok = self.docs - len(self.failures)
        lines = [f"{ok} of {self.docs} file{'s' * (self.docs != 1)} analysed ({self.cached} from the parse cache), "
                 f"{self.claims} claim{'s' * (self.claims != 1)}"]
        if self.failures:
            lines.append(f"{len(self.failures)} file{'s' * (len(self.failures) != 1)} skipped:")
            lines.extend(f"  {p}: {e}" for p, e in self.failures)
        return "\n".join(lines)


def expand_paths(spec: str | os.PathLike | Iterable[str | os.PathLike], *, conllu: bool = False) -> list[Path]:
    """Turn files, folders and glob patterns into a sorted, de-duplicated list of files.

    A folder contributes its ``*.txt``/``*.html``/``*.htm`` files (``*.conllu`` with
    ``conllu=True``), not recursively; a pattern (``corpus/**/*.txt``) is expanded with
    :func:`glob.glob` (recursive ``**`` allowed). A plain path is kept even when it does
    not exist, so that it is reported as a failure rather than silently dropped.
    """
    items = [spec] if isinstance(spec, (str, os.PathLike)) else list(spec)
    suffixes = (".conllu",) if conllu else TEXT_SUFFIXES
    out: list[Path] = []
    for item in items:
        s = os.fspath(item)
        p = Path(s).expanduser()
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and q.name.endswith(suffixes)
                              and not q.name.endswith(".claims.jsonl")))
        elif glob.has_magic(s):
            out.extend(sorted(Path(m) for m in glob.glob(os.path.expanduser(s), recursive=True) if Path(m).is_file()))
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for p in out:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    return unique


def is_corpus_spec(paths: Sequence[str]) -> bool:
    """True when the command-line inputs name more than one file (several paths, a folder or a pattern)."""
    return len(paths) != 1 or Path(paths[0]).is_dir() or (glob.has_magic(paths[0]) and not Path(paths[0]).exists())


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, ClaimkitError) else \
        f"internal error ({type(exc).__name__}: {exc})"


def _sibling_text(path: Path) -> Path | None:
    cand = path.with_name(path.name[: -len(".conllu")] + ".txt") if path.name.endswith(".conllu") else None
    return cand if cand is not None and cand.is_file() else None


def _analyze_conllu_file(path: Path, text_path: Path | None) -> DocResult:
    from .extract import extract
    from .pipeline import doc_name, read_text_file
    from .treebank import from_conllu

    res = DocResult(path=str(path), doc=doc_name(path))
    try:
        body = read_text_file(path, newline=None)
        text = read_text_file(text_path) if text_path else None
        res.chars = len(text if text is not None else body)
        try:
            parsed = from_conllu(body, text=text)
        except ClaimkitError:
            raise
        except Exception as exc:  # the conllu reader has many failure modes; all mean "bad input"
            raise ConlluError(f"{path}: not valid CoNLL-U ({type(exc).__name__}: {exc})") from None
        res.words = sum(len(s.words) for s in parsed.sents)
        t0 = time.perf_counter()
        res.analysis = extract(parsed, doc=res.doc)
        res.extract_seconds = time.perf_counter() - t0
    except ModelNotFoundError:
        raise
    except Exception as exc:
        res.error = _error(exc)
    return res


def run_batch(paths: Sequence[str | os.PathLike], *, cache: bool = True, stanza_dir: str | os.PathLike | None = None,
              max_chars: int | None = DEFAULT_MAX_CHARS, conllu: bool = False,
              exact_parse: bool | None = None) -> list[DocResult]:
    """Analyse a batch of files with bulk Stanza calls for the cache misses.

    The unit of work of :func:`analyze_corpus` (and of each worker process).
    Results are in input order. ``max_chars=None``: no length limit.
    ``exact_parse``: see :func:`claimkit.pipeline.parse`.
    """
    from .extract import extract
    from .parsing import exact_parse as resolve_exact
    from .parsing import model_identity, resolve_stanza_dir
    from .pipeline import doc_name, prepare, read_text_file

    d = resolve_stanza_dir(stanza_dir)
    exact = resolve_exact(exact_parse)
    model = model_identity(d, exact)
    results: list[DocResult] = []
    parsed: dict[int, Any] = {}
    pending: list[tuple[int, Any]] = []  # (position, Prepared) of the cache misses
    for pos, p in enumerate(map(Path, paths)):
        if conllu or p.name.endswith(".conllu"):
            results.append(_analyze_conllu_file(p, _sibling_text(p)))
            continue
        res = DocResult(path=str(p), doc=doc_name(p))
        results.append(res)
        try:
            text = read_text_file(p)
            res.chars = len(text)
            prep = prepare(text, model=model, cache=cache, max_chars=max_chars)
            if prep.parsed is not None:
                parsed[pos] = prep.parsed
                res.cached = True
                continue
            pending.append((pos, prep))
        except Exception as exc:
            res.error = _error(exc)

    if pending:
        _parse_pending(pending, results, parsed, d, cache, exact)

    for pos, doc in parsed.items():
        res = results[pos]
        res.words = sum(len(s.words) for s in doc.sents)
        try:
            t0 = time.perf_counter()
            res.analysis = extract(doc, doc=res.doc)
            res.extract_seconds = time.perf_counter() - t0
        except Exception as exc:  # one document tripping the extractor must not sink the corpus
            res.error = _error(exc)
    return results


def _parse_pending(pending: list[tuple[int, Any]], results: list[DocResult], parsed: dict[int, Any],
                   stanza_dir: str, cache: bool, exact: bool = False) -> None:
    """Parse the cache misses of a batch (blocks of paragraphs, see :func:`claimkit.pipeline.parse_prepared`);
    isolate a failing text if that fails."""
    from .pipeline import parse_prepared

    t0 = time.perf_counter()
    try:
        groups = [(pending, parse_prepared([prep for _, prep in pending], stanza_dir, cache=cache,
                                                exact_parse=exact))]
    except ModelNotFoundError:
        raise
    except Exception:
        groups = []
        for item in pending:  # parse one by one so that only the culprit fails
            try:
                groups.append(([item], parse_prepared([item[1]], stanza_dir, cache=cache, exact_parse=exact)))
            except ModelNotFoundError:
                raise
            except Exception as exc:
                results[item[0]].error = _error(exc)
    elapsed = time.perf_counter() - t0
    total_chars = sum(len(prep.clean.text) for _, prep in pending) or 1
    for items, docs in groups:
        for (pos, prep), doc in zip(items, docs):
            results[pos].parse_seconds = elapsed * len(prep.clean.text) / total_chars
            parsed[pos] = doc


def _batches(paths: Sequence[Path], batch_size: int, batch_chars: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
    size = 0
    for p in paths:
        try:
            n = p.stat().st_size // 2  # Arabic UTF-8: about two bytes a character
        except OSError:
            n = 0
        if batch and (len(batch) >= batch_size or size + n > batch_chars):
            yield batch
            batch, size = [], 0
        batch.append(p)
        size += n
    if batch:
        yield batch


def _init_worker(threads: int) -> None:
    """Worker-process setup: share the cores among the workers' PyTorch thread pools."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["MKL_NUM_THREADS"] = str(threads)


def analyze_corpus(paths: str | os.PathLike | Iterable[str | os.PathLike], *, workers: int = 1, cache: bool = True,
                   stanza_dir: str | os.PathLike | None = None, progress: bool | None = None,
                   batch_size: int = DEFAULT_BATCH_SIZE, batch_chars: int = DEFAULT_BATCH_CHARS,
                   max_chars: int | None = DEFAULT_MAX_CHARS, conllu: bool = False,
                   threads: int | None = None, exact_parse: bool | None = None) -> Iterator[DocResult]:
    """Analyse many files; yields one :class:`DocResult` per file, in input order.

    ``paths``: files, folders and glob patterns (see :func:`expand_paths`).
    ``workers``: processes (each loads its own Stanza model, see the module docstring).
    ``progress``: a tqdm bar on stderr (None: only when stderr is a terminal and there
    are more than a few files). ``batch_size``/``batch_chars``: documents sent to
    Stanza together. ``conllu``: read ``.conllu`` files (gold trees) instead of texts;
    the text beside each (``NAME.txt``) is used for offsets when it exists.
    ``max_chars``: longer files are skipped with ``TextTooLongError`` (None: no limit).
    ``threads``: PyTorch threads per process (default: the cores divided among the workers,
    or :func:`claimkit.parsing.default_threads` with one worker).
    ``exact_parse``: Stanza's pipeline as it comes instead of the fast path (see
    :func:`claimkit.pipeline.parse`; None: :func:`claimkit.parsing.exact_parse`).

        >>> for r in analyze_corpus("articles/"):         # doctest: +SKIP
        ...     if r.ok: print(r.doc, len(r.analysis))
    """
    from .parsing import exact_parse as resolve_exact

    exact = resolve_exact(exact_parse)  # decided here, so that worker processes follow this one
    files = expand_paths(paths, conllu=conllu)
    bar = _progress_bar(len(files), progress)
    try:
        if workers <= 1:
            if threads is not None:
                from .parsing import set_threads

                set_threads(threads)
            for batch in _batches(files, batch_size, batch_chars):
                for r in run_batch(batch, cache=cache, stanza_dir=stanza_dir, max_chars=max_chars, conllu=conllu,
                                   exact_parse=exact):
                    _tick(bar, r)
                    yield r
        else:
            yield from _parallel(files, workers, bar, cache=cache, stanza_dir=stanza_dir, batch_size=batch_size,
                                 batch_chars=batch_chars, max_chars=max_chars, conllu=conllu, threads=threads,
                                 exact_parse=exact)
    finally:
        if bar is not None:
            bar.close()


def _parallel(files: list[Path], workers: int, bar: Any, *, cache: bool, stanza_dir: Any, batch_size: int,
              batch_chars: int, max_chars: int | None, conllu: bool, threads: int | None = None,
              exact_parse: bool = False) -> Iterator[DocResult]:
    """Run batches in ``workers`` spawned processes, at most two batches per worker in flight."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    threads = threads or max(1, (os.cpu_count() or 1) // workers)
    sdir = os.fspath(stanza_dir) if stanza_dir is not None else None
    batches = _batches(files, batch_size, batch_chars)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(threads,))
    inflight: deque = deque()
    try:
        for batch in batches:
            inflight.append(pool.submit(run_batch, [str(p) for p in batch], cache=cache, stanza_dir=sdir,
                                        max_chars=max_chars, conllu=conllu, exact_parse=exact_parse))
            if len(inflight) >= 2 * workers:
                for r in inflight.popleft().result():
                    _tick(bar, r)
                    yield r
        while inflight:
            for r in inflight.popleft().result():
                _tick(bar, r)
                yield r
    except BaseException:  # Ctrl-C, an error, or the caller closing the generator (GeneratorExit)
        stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def stop_workers(pool: Any) -> None:
    """Stop a process pool at once and wait until its workers are gone.

    For Ctrl-C, SIGTERM, an error or a caller that stops reading: a plain ``shutdown`` would
    first wait for the batches already running (a minute with a cold model), and a client killed
    by ``docker stop`` meanwhile would leave the workers orphaned. Queued batches are cancelled
    and the workers terminated (SIGTERM), then joined.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    if hasattr(pool, "terminate_workers"):  # Python 3.14+
        pool.terminate_workers()
    else:
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
    for proc in processes:
        proc.join(timeout=10)


def _progress_bar(total: int, progress: bool | None) -> Any:
    import sys

    if progress is None:
        progress = total > 5 and sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="claimkit", file=sys.stderr, dynamic_ncols=True)


def _tick(bar: Any, r: DocResult) -> None:
    if bar is not None:
        bar.update(1)
        if not r.ok:
            bar.set_postfix_str(f"skipped {r.doc}", refresh=False)


def corpus_claims(paths: str | os.PathLike | Iterable[str | os.PathLike], **kwargs: Any) -> "pd.DataFrame":
    """All claims of a corpus in one DataFrame (the output-record columns, ``doc`` first).

    A convenience for corpora that fit in memory; it takes the same keyword arguments as
    :func:`analyze_corpus`. Files that failed are listed in ``df.attrs["failures"]`` as
    ``(path, error)`` pairs.
    """
    import pandas as pd

    from .records import RECORD_KEYS, claims_dataframe

    frames, failures = [], []
    for r in analyze_corpus(paths, **kwargs):
        if r.ok and r.analysis is not None and len(r.analysis):
            frames.append(claims_dataframe(r.analysis.records))
        elif not r.ok:
            failures.append((r.path, r.error))
    df = pd.concat(frames, ignore_index=True) if frames else claims_dataframe(())
    df = df[list(RECORD_KEYS)]
    df.attrs["failures"] = failures
    return df
