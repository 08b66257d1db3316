"""The public entry points: text or CoNLL-U in, :class:`~claimkit.records.Analysis` out.

Stages (each in its own module, read in this order):

``clean`` (input checks, boilerplate, offset map) → ``parsing`` (Stanza, cached) →
``treebank`` (words, heads, offsets) → ``cues`` → ``frames`` (source, channel,
content, mode) → ``linking`` (entities) → ``source_types`` → ``hedging`` →
``extract`` (records).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cache as parse_cache
from .blocks import BLOCK_CHARS
from .clean import DEFAULT_MAX_CHARS, CleanText, check_text, clean
from .errors import InputFileError
from .model import ModelSpec
from .records import Analysis
from .treebank import ParsedDoc, StanzaBuilder, from_conllu, from_stanza


def _version() -> str:
    from . import __version__

    return __version__


@dataclass
class Prepared:
    """A checked and cleaned article, its cache key, and its cached parse when there is one."""

    text: str
    clean: CleanText
    model: str
    key: str
    parsed: ParsedDoc | None = None


def prepare(text: str, *, model: str, cache: bool = True, max_chars: int | None = DEFAULT_MAX_CHARS) -> Prepared:
    """Check and clean an article and look its parse up in the cache (``model``: the model identity).

    A damaged cache entry is ignored (and rebuilt by :func:`finish`), never trusted.
    """
    check_text(text, max_chars)
    cleaned = clean(text)
    key = parse_cache.cache_key(text, model, _version(), cleaned.text) if cache else ""
    prep = Prepared(text, cleaned, model, key)
    hit = parse_cache.load(prep.key) if cache else None
    if hit is not None:
        try:
            prep.parsed = from_conllu(hit, text=text)
            prep.parsed.model = model
        except Exception:  # the conllu package raises several types on a damaged entry
            prep.parsed = None
    return prep


def finish(prep: Prepared, stanza_doc: Any, *, cache: bool = True) -> ParsedDoc:
    """Turn a Stanza parse of ``prep.clean.text`` into a :class:`ParsedDoc` and cache it."""
    parsed = from_stanza(stanza_doc, prep.clean, model=prep.model)
    if cache:
        parse_cache.store(prep.key, parsed.to_conllu())
    return parsed


def parse_prepared(preps: list[Prepared], stanza_dir: str | os.PathLike | None = None, *, cache: bool = True,
                   block_chars: int = BLOCK_CHARS, exact_parse: bool | None = None) -> list[ParsedDoc]:
    """Parse prepared articles with Stanza in blocks of paragraphs and cache each parse.

    Each block's Stanza ``Document`` is turned into claimkit's structures at once and
    dropped, so peak memory depends on ``block_chars``, not on the articles' length
    (see :func:`claimkit.parsing.parse_blocks`). ``exact_parse``: Stanza's pipeline as it comes
    instead of the fast one (None: :func:`claimkit.parsing.exact_parse`); it must be the mode
    the ``preps`` were keyed with.
    """
    from .parsing import parse_blocks

    builders = [StanzaBuilder(p.clean, model=p.model) for p in preps]
    for n, offset, sdoc in parse_blocks([p.clean.text for p in preps], stanza_dir, block_chars=block_chars,
                                            exact=exact_parse):
        builders[n].add(sdoc, offset)
        del sdoc
    out = []
    for prep, builder in zip(preps, builders):
        parsed = builder.finish()
        if cache:
            parse_cache.store(prep.key, parsed.to_conllu())
        out.append(parsed)
    return out


def parse(text: str, *, stanza_dir: str | os.PathLike | None = None, cache: bool = True,
          max_chars: int | None = DEFAULT_MAX_CHARS, block_chars: int = BLOCK_CHARS,
          exact_parse: bool | None = None) -> ParsedDoc:
    """Check, clean and parse an article; offsets in the result point into ``text``.

    With ``cache=True`` a parse stored by an earlier run (same text, same model, same
    claimkit version) is reused, and Stanza is not even imported. Articles longer than
    ``block_chars`` are parsed in blocks of paragraphs (bounded memory; the same parse
    unless one paragraph is longer than a block).

    ``exact_parse=True`` parses with Stanza's pipeline as it comes instead of the fast path
    (:mod:`claimkit.fastparse`: the same models, about 1.5× as fast, the same heads, a
    relation label differing in about one word in 2,000); None: ``$CLAIMKIT_EXACT_PARSE`` or
    :func:`claimkit.parsing.set_exact_parse`. The two are cached apart.
    """
    from .parsing import exact_parse as resolve_exact
    from .parsing import model_identity, resolve_stanza_dir

    d = resolve_stanza_dir(stanza_dir)
    exact = resolve_exact(exact_parse)
    prep = prepare(text, model=model_identity(d, exact), cache=cache, max_chars=max_chars)
    if prep.parsed is not None:
        return prep.parsed
    return parse_prepared([prep], d, cache=cache, block_chars=block_chars, exact_parse=exact)[0]


def analyze(text: str, *, doc: str = "doc", stanza_dir: str | os.PathLike | None = None, cache: bool = True,
            max_chars: int | None = DEFAULT_MAX_CHARS, block_chars: int = BLOCK_CHARS,
            model: ModelSpec = "default", exact_parse: bool | None = None) -> Analysis:
    """Find every attributed claim in an Arabic article.

    Returns an :class:`~claimkit.records.Analysis` (``.claims``, ``.sources``,
    ``.sentences`` DataFrames; ``.records`` as :class:`~claimkit.records.Claim`).
    Raises :class:`~claimkit.errors.EmptyTextError`, :class:`~claimkit.errors.NotArabicError`,
    :class:`~claimkit.errors.TextTooLongError` or :class:`~claimkit.errors.ModelNotFoundError`.
    ``block_chars``: see :func:`parse`. ``model``: the trained decisions — ``"default"`` (the model
    shipped with claimkit, or ``$CLAIMKIT_MODEL``), a folder written by ``claimkit train``, or
    ``"rules"`` for the rules alone; a bad folder raises :class:`~claimkit.model.ModelError`.
    ``exact_parse``: see :func:`parse`.
    """
    from .extract import extract
    from .model import resolve_model

    resolved = resolve_model(model)   # a bad model folder is reported before minutes of parsing
    return extract(parse(text, stanza_dir=stanza_dir, cache=cache, max_chars=max_chars, block_chars=block_chars,
                         exact_parse=exact_parse), doc=doc, model=resolved)


def analyze_conllu(conllu: str, *, text: str | None = None, doc: str = "doc", model: ModelSpec = "default") -> Analysis:
    """Analyse pre-parsed CoNLL-U (gold trees, teaching, another parser's output).

    ``text``: the article the trees were made from; offsets then point into it. Without
    it the text is rebuilt from the ``# text`` comments, one sentence per paragraph.
    """
    from .extract import extract

    return extract(from_conllu(conllu, text=text), doc=doc, model=model)


def analyze_document(document: Any, *, doc: str = "doc", model: ModelSpec = "default") -> Analysis:
    """Analyse a Stanza ``Document`` (e.g. from ``stanza.utils.conll.CoNLL.conll2doc``).

    The document goes through the same extraction as a parsed article; offsets point
    into the text rebuilt from its sentences.
    """
    from .extract import extract

    return extract(from_conllu("{:C}".format(document)), doc=doc, model=model)


def read_text_file(path: str | os.PathLike, *, newline: str | None = "") -> str:
    """Read a UTF-8 (optionally BOM-prefixed) file, with a clear error when that fails.

    Line ends are kept as they are in the file (``newline=""``): a CRLF file keeps its
    ``\r\n``, so offsets claimkit reports point into the file's characters exactly as
    ``open(path, encoding="utf-8-sig", newline="")`` reads them. ``newline=None``
    translates them to ``\n`` (used for CoNLL-U, whose offsets are not into itself).
    """
    p = Path(path)
    try:
        with open(p, encoding="utf-8-sig", newline=newline) as f:
            return f.read()
    except FileNotFoundError:
        raise InputFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{p}: is a directory") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputFileError(f"{p}: {exc.strerror}") from None


def doc_name(path: str | os.PathLike) -> str:
    """The ``doc`` value for a file: its name without ``.txt``/``.conllu``/``.html``."""
    name = Path(path).name
    for suf in (".txt", ".conllu", ".html", ".htm"):
        if name.endswith(suf):
            return name[: -len(suf)]
    return name


def analyze_file(path: str | os.PathLike, *, conllu: bool | None = None, text_path: str | os.PathLike | None = None,
                 stanza_dir: str | os.PathLike | None = None, cache: bool = True,
                 max_chars: int | None = DEFAULT_MAX_CHARS, model: ModelSpec = "default",
                 exact_parse: bool | None = None) -> Analysis:
    """Analyse one file: raw text (``.txt``, ``.html``) or CoNLL-U (``.conllu`` or ``conllu=True``).

    ``doc`` is the file name without its extension. Offsets point into the text file as
    read with ``newline=""`` (CRLF kept; see :func:`read_text_file`).
    """
    is_conllu = conllu if conllu is not None else str(path).endswith(".conllu")
    body = read_text_file(path, newline=None if is_conllu else "")
    if is_conllu:
        text = read_text_file(text_path) if text_path else None
        return analyze_conllu(body, text=text, doc=doc_name(path), model=model)
    return analyze(body, doc=doc_name(path), stanza_dir=stanza_dir, cache=cache, max_chars=max_chars, model=model,
                   exact_parse=exact_parse)
