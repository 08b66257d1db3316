"""Stanza Arabic pipeline: finding the model, building it once, parsing text.

Model resolution order (first that applies):

1. an explicit ``stanza_dir`` argument (``--stanza-dir`` on the command line);
2. the ``STANZA_RESOURCES_DIR`` environment variable;
3. Stanza's default location (``~/stanza_resources``).

When the chosen folder has no Arabic model, Stanza's own downloader fetches the
official one (with its progress bar). Without a network that fails, and claimkit
raises :class:`~claimkit.errors.ModelNotFoundError` naming ``claimkit download``
and ``STANZA_RESOURCES_DIR`` instead of Stanza's traceback.

Processors: tokenize, mwt, pos, lemma, depparse, plus ner when the resources list
an Arabic NER model. Stanza and PyTorch are imported only here, and only when a
parse is actually needed.

**Memory.** Stanza's memory grows with the text it is given at once (a 1.7M-character
article in one call peaks near 1.8 GB). :func:`parse_blocks` therefore gives it blocks
of whole paragraphs of at most :data:`BLOCK_CHARS` characters (see :mod:`claimkit.blocks`),
one Stanza call per group of blocks; the caller turns each block's parse into claimkit's
lighter structures before the next one is made, so peak memory does not depend on the
article's length. Sentences are found within a paragraph, so the parse is the same as
a one-piece parse unless a single paragraph is longer than a block.

**Fast and exact parse.** By default the pipeline gets :func:`claimkit.fastparse.speed_up`
(the same models with less repeated work: about 1.5× as fast; the same heads, and a
relation label differs in about one word in 2,000). ``exact=True`` here, ``exact_parse=True`` in the public functions,
``--exact-parse`` on the command line or ``CLAIMKIT_EXACT_PARSE=1`` give Stanza's pipeline
as it comes. The two are cached apart: :func:`model_identity` names the mode.

**Threads.** PyTorch uses as many threads as there are cores by default; two such
processes on one machine slow each other down several times. claimkit uses
:func:`default_threads` unless told otherwise (``--threads N`` / :func:`set_threads`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from .blocks import BLOCK_CHARS, split_blocks
from .errors import ModelNotFoundError

LANG = "ar"
BASE_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse")
_PIPELINES: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()
_THREADS: int | None = None
_EXACT: bool | None = None


def default_threads() -> int:
    """PyTorch threads when none were chosen: ``$OMP_NUM_THREADS`` when set, else half the
    cores this process may use (at least 1, at most 4).

    Half, because a newsroom machine usually runs more than one thing: on 2 cores two
    claimkit processes with one thread each finish about 3× sooner than with two each.
    """
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores // 2))


def set_threads(n: int | None) -> None:
    """Use ``n`` PyTorch threads for parsing (None: :func:`default_threads`); applies at once
    when PyTorch is loaded, else when the model is."""
    global _THREADS
    if n is not None and n < 1:
        raise ValueError("threads must be at least 1")
    _THREADS = n
    _apply_threads()


def threads() -> int:
    """The number of PyTorch threads claimkit parses with."""
    return _THREADS or default_threads()


def _apply_threads() -> None:
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != threads():
        torch.set_num_threads(threads())


def exact_parse(exact: bool | None = None) -> bool:
    """Whether parsing uses Stanza's pipeline as it comes: ``exact`` when given, else what
    :func:`set_exact_parse` chose, else ``$CLAIMKIT_EXACT_PARSE`` (``1``: exact), else False."""
    if exact is not None:
        return bool(exact)
    if _EXACT is not None:
        return _EXACT
    return os.environ.get("CLAIMKIT_EXACT_PARSE", "").strip().lower() not in ("", "0", "false", "no")


def set_exact_parse(exact: bool | None) -> None:
    """Parse with Stanza's pipeline as it comes (True), the fast path (False), or as
    ``$CLAIMKIT_EXACT_PARSE`` says (None), in this process from now on."""
    global _EXACT
    _EXACT = exact


@contextmanager
def exact_parse_mode(exact: bool | None) -> Iterator[None]:
    """:func:`set_exact_parse` for the duration of a ``with`` block (the command line's
    ``--exact-parse``); the previous choice is restored afterwards."""
    global _EXACT
    previous = _EXACT
    _EXACT = exact
    try:
        yield
    finally:
        _EXACT = previous


def default_stanza_dir() -> str:
    """Stanza's own default resources folder (``STANZA_RESOURCES_DIR`` or ``~/stanza_resources``)."""
    return os.environ.get("STANZA_RESOURCES_DIR") or os.path.join(os.path.expanduser("~"), "stanza_resources")


def resolve_stanza_dir(stanza_dir: str | os.PathLike | None = None) -> str:
    """The resources folder to use: explicit argument, then the environment, then the default."""
    return str(Path(stanza_dir).expanduser()) if stanza_dir else default_stanza_dir()


def _resources(stanza_dir: str) -> dict | None:
    path = Path(stanza_dir) / "resources.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def model_available(stanza_dir: str | None = None) -> bool:
    """True when ``stanza_dir`` holds resources.json with an Arabic entry and model files."""
    d = resolve_stanza_dir(stanza_dir)
    res = _resources(d)
    return bool(res and LANG in res and (Path(d) / LANG).is_dir())


def processors_for(stanza_dir: str) -> str:
    """Processor list: the base set, plus ``ner`` when the resources have an Arabic NER model."""
    procs = list(BASE_PROCESSORS)
    res = _resources(stanza_dir) or {}
    lang = res.get(LANG, {})
    ner = lang.get("default_processors", {}).get("ner") or lang.get("ner")
    if ner and (Path(stanza_dir) / LANG / "ner").is_dir():
        procs.append("ner")
    return ",".join(procs)


def model_identity(stanza_dir: str | None = None, exact: bool | None = None) -> str:
    """A short hash naming the model files (names, sizes, modification times), followed by
    ``+fast`` and the fast path's version unless the parse is exact (see :func:`exact_parse`).

    Part of the parse-cache key: a new or retrained model invalidates cached parses, and a
    fast parse is never served for an exact one or the reverse (their trees can differ in
    floating-point near-ties).
    """
    from .fastparse import FAST_VERSION

    d = Path(resolve_stanza_dir(stanza_dir))
    h = hashlib.sha256()
    for p in sorted((d / LANG).rglob("*.pt")) + [d / "resources.json"]:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.relative_to(d)}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16] + ("" if exact_parse(exact) else f"+fast{FAST_VERSION}")


def _missing_model_message(stanza_dir: str, why: str) -> str:
    return (f"no Arabic Stanza model in {stanza_dir} and it could not be downloaded ({why}).\n"
            "Run `claimkit download` on a machine with internet access, or point claimkit at an existing "
            "model folder with --stanza-dir DIR or the STANZA_RESOURCES_DIR environment variable.")


def download(stanza_dir: str | None = None) -> str:
    """Fetch the official Stanza Arabic model into ``stanza_dir`` (Stanza's own downloader)."""
    d = resolve_stanza_dir(stanza_dir)
    import stanza

    try:
        stanza.download(LANG, model_dir=d, processors=",".join(BASE_PROCESSORS))
    except Exception as exc:  # network errors surface as many different exception types
        raise ModelNotFoundError(_missing_model_message(d, f"{type(exc).__name__}: {exc}")) from None
    return d


def get_pipeline(stanza_dir: str | os.PathLike | None = None, exact: bool | None = None) -> Any:
    """The shared Stanza pipeline for ``stanza_dir`` (built on first use, then reused): the fast
    one, or Stanza's as it comes when the parse is exact (see :func:`exact_parse`)."""
    d = resolve_stanza_dir(stanza_dir)
    exact = exact_parse(exact)
    with _LOCK:
        key = (d, "exact" if exact else "fast")
        if key in _PIPELINES:
            return _PIPELINES[key]
        import stanza  # heavy: PyTorch
        from stanza.pipeline.core import DownloadMethod

        from .fastparse import FAST_OPTIONS, speed_up

        _apply_threads()

        have = model_available(d)
        method = DownloadMethod.NONE if have else DownloadMethod.DOWNLOAD_RESOURCES
        logging.getLogger("stanza").setLevel(logging.WARNING)
        options = {} if exact else FAST_OPTIONS
        try:
            nlp = stanza.Pipeline(LANG, dir=d, processors=processors_for(d) if have else ",".join(BASE_PROCESSORS),
                                  download_method=method, logging_level="WARN", tokenize_no_ssplit=False, **options)
        except Exception as exc:
            raise ModelNotFoundError(_missing_model_message(d, f"{type(exc).__name__}: {str(exc)[:200]}")) from None
        if not exact:
            speed_up(nlp)
        _PIPELINES[key] = nlp
        return nlp


def parse_stanza(text: str, stanza_dir: str | os.PathLike | None = None, exact: bool | None = None) -> Any:
    """Parse cleaned text with the shared pipeline in one piece; returns a Stanza ``Document``."""
    nlp = get_pipeline(stanza_dir, exact)
    _apply_threads()
    return nlp(text)


def parse_many(texts: list[str], stanza_dir: str | os.PathLike | None = None, exact: bool | None = None) -> list[Any]:
    """Parse several cleaned texts in one call (Stanza's bulk processing); returns Documents."""
    import stanza

    nlp = get_pipeline(stanza_dir, exact)
    _apply_threads()
    return nlp([stanza.Document([], text=t) for t in texts])


def parse_blocks(texts: Sequence[str], stanza_dir: str | os.PathLike | None = None, *,
                 block_chars: int = BLOCK_CHARS, exact: bool | None = None) -> Iterator[tuple[int, int, Any]]:
    """Parse cleaned texts in blocks of paragraphs; yields ``(text number, block offset, Document)``.

    Blocks come in text order; each Stanza call gets at most ``block_chars`` characters
    (short texts are grouped, a long one is split by :func:`claimkit.blocks.split_blocks`).
    Offsets inside a Document are relative to its block: add the block offset.
    Consume each Document before asking for the next, so that only one group is in memory.
    ``exact``: see :func:`exact_parse`.
    """
    group: list[tuple[int, int, str]] = []
    size = 0
    for n, text in enumerate(texts):
        for start, end in split_blocks(text, block_chars):
            if group and size + (end - start) > block_chars:
                yield from _parse_group(group, stanza_dir, exact)
                group, size = [], 0
            group.append((n, start, text[start:end]))
            size += end - start
    if group:
        yield from _parse_group(group, stanza_dir, exact)


def _parse_group(group: list[tuple[int, int, str]], stanza_dir: str | os.PathLike | None,
                 exact: bool | None = None) -> Iterator[tuple[int, int, Any]]:
    docs = parse_many([t for _, _, t in group], stanza_dir, exact)
    for (n, start, _), doc in zip(group, docs):
        yield n, start, doc
    del docs, doc
    release_memory()


def release_memory() -> None:
    """Free what the last Stanza call left: its Documents are reference cycles (words point to
    their sentence, sentences to their document), and glibc keeps freed tensor memory unless
    asked to return it. Called between blocks, so memory does not creep up on long articles."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows): nothing to do
        pass
