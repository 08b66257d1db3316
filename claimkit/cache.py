"""On-disk parse cache: CoNLL-U of each parsed article, keyed by text, model and version.

A cache entry is the CoNLL-U that :func:`claimkit.treebank.to_conllu` writes, with a
one-line JSON header holding the key and a SHA-256 of the body. An entry whose header,
key or checksum does not match (a stale model, another claimkit version, a truncated
or edited file) is ignored and rebuilt, never trusted. Entries are written atomically
(temporary file, then ``os.replace``). A text holding lone surrogates (a Python string
from ``json.loads``, never a file read as UTF-8) is stored with ``surrogatepass`` so that
its entry reads back exactly.

Location: ``CLAIMKIT_CACHE_DIR`` if set, else ``<user cache dir>/claimkit`` (via
``platformdirs``: ``~/.cache/claimkit`` on Linux). ``cache=False`` in the API and
``--no-cache`` on the command line bypass it.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

FORMAT = 1


def cache_dir() -> Path:
    """The cache folder (created on first write)."""
    env = os.environ.get("CLAIMKIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("claimkit"))


def cache_key(text: str, model: str, version: str, parsed_text: str | None = None) -> str:
    """SHA-256 of the exact text, the model identity and claimkit's version — and of the text
    the parser reads (``parsed_text``, the cleaned text), so that a change to the cleaning
    rules never reuses a parse of differently cleaned text."""
    h = hashlib.sha256()
    parts = (f"format={FORMAT}", f"model={model}", f"version={version}", text)
    if parsed_text is not None and parsed_text != text:
        parts += (parsed_text,)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / key[:2] / f"{key}.conllu"


def load(key: str) -> str | None:
    """The cached CoNLL-U for ``key``, or None when absent, stale or corrupt."""
    path = _path(key)
    try:
        raw = path.read_bytes().decode("utf-8", "surrogatepass")
        header, body = raw.split("\n", 1)
        meta = json.loads(header.removeprefix("# claimkit-cache "))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
        return None
    if meta.get("sha256") != hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest():
        return None
    return body


def store(key: str, conllu: str) -> Path | None:
    """Write an entry atomically; returns its path, or None when the cache is not writable."""
    path = _path(key)
    header = json.dumps({"key": key, "sha256": hashlib.sha256(conllu.encode("utf-8", "surrogatepass")).hexdigest(),
                         "format": FORMAT})
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".conllu")
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass", newline="") as f:
            f.write(f"# claimkit-cache {header}\n{conllu}")
        os.replace(tmp, path)
        tmp = None
    except OSError:
        return None
    finally:  # a failed or interrupted write leaves no temporary file behind
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path


def entries() -> list[Path]:
    """Paths of the entries currently in the cache (valid or not)."""
    root = cache_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("??/*.conllu") if not p.name.startswith(".tmp-"))


def clear() -> int:
    """Delete every cache entry (and stray temporary files); returns how many entries were removed."""
    root = cache_dir()
    n = 0
    if not root.is_dir():
        return 0
    for p in root.glob("??/*.conllu"):
        try:
            p.unlink()
            n += not p.name.startswith(".tmp-")
        except OSError:
            pass
    return n
