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
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from .errors import ModelNotFoundError

LANG = "ar"
BASE_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse")
_PIPELINES: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


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


def model_identity(stanza_dir: str | None = None) -> str:
    """A short hash naming the model files (names, sizes, modification times).

    Part of the parse-cache key: a new or retrained model invalidates cached parses.
    """
    d = Path(resolve_stanza_dir(stanza_dir))
    h = hashlib.sha256()
    for p in sorted((d / LANG).rglob("*.pt")) + [d / "resources.json"]:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.relative_to(d)}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16]


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


def get_pipeline(stanza_dir: str | os.PathLike | None = None) -> Any:
    """The shared Stanza pipeline for ``stanza_dir`` (built on first use, then reused)."""
    d = resolve_stanza_dir(stanza_dir)
    with _LOCK:
        key = (d, "pipeline")
        if key in _PIPELINES:
            return _PIPELINES[key]
        import stanza  # heavy: PyTorch
        from stanza.pipeline.core import DownloadMethod

        have = model_available(d)
        method = DownloadMethod.NONE if have else DownloadMethod.DOWNLOAD_RESOURCES
        logging.getLogger("stanza").setLevel(logging.WARNING)
        try:
            nlp = stanza.Pipeline(LANG, dir=d, processors=processors_for(d) if have else ",".join(BASE_PROCESSORS),
                                  download_method=method, logging_level="WARN", tokenize_no_ssplit=False)
        except Exception as exc:
            raise ModelNotFoundError(_missing_model_message(d, f"{type(exc).__name__}: {str(exc)[:200]}")) from None
        _PIPELINES[key] = nlp
        return nlp


def parse_stanza(text: str, stanza_dir: str | os.PathLike | None = None) -> Any:
    """Parse cleaned text with the shared pipeline; returns a Stanza ``Document``."""
    return get_pipeline(stanza_dir)(text)


def parse_many(texts: list[str], stanza_dir: str | os.PathLike | None = None) -> list[Any]:
    """Parse several cleaned texts in one call (Stanza's bulk processing); returns Documents."""
    import stanza

    nlp = get_pipeline(stanza_dir)
    return nlp([stanza.Document([], text=t) for t in texts])
