"""Arabic named-entity training data: readers, coarse classes, the FANE-style normaliser and the fixed split.

What: readers for the two corpora the entity tagger (:mod:`claimkit.ner`) is trained on —
FANE (NewsFANE and WikiFANE, Alotaibi & Lee 2014) and AQMAR (Mohit et al. 2012), all
CC BY-SA 3.0 — the mapping of their fine classes to the coarse PER / ORG / LOC / MISC
types, and the one documented train/test split.

Why: the corpora differ in format and orthography, and the tagger must see at run time
exactly the form of words it was trained on.

Method:

* FANE files are ``token<TAB>tag`` lines with a UTF-8 BOM, CRLF line ends, U+200E marks
  and a tab-only line between sentences; AQMAR files are ``token<SPACE>tag`` with blank
  lines between sentences and real orthography. Both are read into :class:`NerSentence`
  (tags kept fine, e.g. ``B-Politician``; AQMAR's ``MIS0``… become ``MISC``). A stray
  ``I-`` after another type is read as ``B-`` (BIO repaired).
* :func:`fane_form` folds a word the way FANE's text is written: diacritics, tatweel and
  bidi/zero-width marks removed, ``أ إ آ ٱ`` → ``ا``, ``ى`` → ``ي`` (FANE applies the last
  fold only partly, so it is applied to the training text too). ``ة ؤ ئ ء`` are kept, as
  FANE keeps them. The fold is per token: at run time the tagger keeps each token's own
  offsets, so no character map is needed.
* Coarse classes: persons (``Politician``, ``Athlete``…) → PER; organisations
  (``Government``, ``Media``, ``Group``, ``Police``…) → ORG; geo-political entities and
  natural locations (``Nation``, ``Population-Center``, ``Water-Body``…) → LOC; the rest
  (facilities, products, works, vehicles, weapons) → MISC.
* Split (:func:`load_split`): ``test`` = the last sixth of NewsFANE's sentences (as is
  usual for ANERcorp, whose text NewsFANE re-annotates); ``train`` = the rest of NewsFANE
  + WikiFANE + AQMAR (files in name order); ``dev`` = the last sixth of the NewsFANE part
  of ``train``, for tuning (``train_minus_dev`` is train without it).

Not handled: document boundaries (FANE has none), nested entities, FANE's letter-split
abbreviations (``د ب ا``) beyond what the tagger learns from them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .errors import InputFileError

#: FANE fine classes by coarse type (the rest are MISC).
PER_CLASSES = frozenset({"Politician", "Other_PER", "Athlete", "Artist", "Scientist", "Businessperson",
                         "Religious_PER", "Lawyer", "Engineer"})
ORG_CLASSES = frozenset({"Government", "Police", "Non-Governmental", "Commercial", "Educational", "Media",
                         "Religious_ORG", "Sports", "Group", "Entertainment", "Medical-Science"})
LOC_CLASSES = frozenset({"Nation", "Population-Center", "State-or-Province", "GPE-Cluster", "County-or-District",
                         "Continent", "Water-Body", "Land-Region-Natural", "Celestial"})
COARSE_TYPES = ("PER", "ORG", "LOC", "MISC")
#: The types the tagger is scored on.
SCORED_TYPES = ("PER", "ORG", "LOC")

NEWS_FILE = "fane/NewsFANE_Gold_2014_170K.txt"
WIKI_FILE = "fane/WikiFANE_Gold_2014_500K.txt"
AQMAR_DIR = "aqmar"
#: The licence of every training corpus (stated in each trained tagger's config.json).
DATA_LICENCE = "CC BY-SA 3.0 (NewsFANE, WikiFANE, AQMAR)"

#: Marks stripped from every token: BOM, bidi marks and embeddings, zero-width characters.
MARKS_RE = re.compile("[\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069\u00ad]")
DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FANE_FOLD = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
                            "\u0649": "\u064a", "\u06a9": "\u0643", "\u06cc": "\u064a"})
TAG_RE = re.compile(r"^([BI])-(.+)$")
#: Lone surrogates (``json.loads`` can make them): the CRF reads UTF-8, so each becomes U+FFFD.
SURROGATE_RE = re.compile("[\ud800-\udfff]")
AQMAR_MISC_RE = re.compile(r"^MIS")


@dataclass(frozen=True)
class NerSentence:
    """One training sentence: tokens (as read, marks stripped) and their BIO tags with fine classes."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    """The fixed split (see the module docstring)."""

    train: list[NerSentence]
    test: list[NerSentence]
    dev: list[NerSentence]
    train_minus_dev: list[NerSentence]
    news_train: int = 0         # train starts with this many NewsFANE sentences
    news_train_minus_dev: int = 0


def fane_form(token: str) -> str:
    """``token`` written as FANE writes it (see the module docstring)."""
    t = MARKS_RE.sub("", unicodedata.normalize("NFKC", SURROGATE_RE.sub("\ufffd", token)))
    return DIACRITICS_RE.sub("", t).translate(_FANE_FOLD)


def coarse_type(fine: str) -> str:
    """PER / ORG / LOC / MISC for a fine class (FANE's or AQMAR's), "" for none."""
    if not fine or fine == "O":
        return ""
    if fine in PER_CLASSES or fine == "PER":
        return "PER"
    if fine in ORG_CLASSES or fine == "ORG":
        return "ORG"
    if fine in LOC_CLASSES or fine == "LOC":
        return "LOC"
    return "MISC"


def coarse_tag(tag: str) -> str:
    """``B-Politician`` → ``B-PER``; ``O`` stays ``O``."""
    m = TAG_RE.match(tag)
    return f"{m.group(1)}-{coarse_type(m.group(2))}" if m else "O"


def fine_class(tag: str) -> str:
    """The fine class of a FANE tag (``B-Politician`` → ``Politician``); "" for O and coarse-only tags."""
    m = TAG_RE.match(tag)
    if not m or m.group(2) in ("PER", "ORG", "LOC", "MISC"):
        return ""
    return m.group(2)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_bytes().decode("utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file (the NER data folder holds fane/ and aqmar/)") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None


def _repair(tags: list[str]) -> tuple[str, ...]:
    """BIO repaired: an ``I-X`` that does not continue an ``X`` becomes ``B-X``."""
    out: list[str] = []
    prev = "O"
    for t in tags:
        m = TAG_RE.match(t)
        if not m:
            t = "O"
        elif m.group(1) == "I" and (prev == "O" or prev[2:] != m.group(2)):
            t = "B-" + m.group(2)
        out.append(t)
        prev = t
    return tuple(out)


def _read_columns(path: Path, sep: str | None) -> list[NerSentence]:
    sents: list[NerSentence] = []
    toks: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if toks:
            sents.append(NerSentence(tuple(toks), _repair(tags)))
        toks.clear()
        tags.clear()

    for line in _read_lines(path):
        line = MARKS_RE.sub("", line)
        if not line.strip():
            flush()
            continue
        parts = line.rsplit(sep, 1) if sep else line.split()
        if len(parts) != 2 or not parts[0].strip():
            continue  # a line without a tag column carries no annotation
        tok, tag = parts[0].strip(), parts[1].strip()
        toks.append(tok)
        tags.append(tag)
    flush()
    return sents


def read_fane(path: str | Path) -> list[NerSentence]:
    """Sentences of a FANE file (NewsFANE or WikiFANE); tags keep FANE's fine classes."""
    return _read_columns(Path(path), "\t")


def read_aqmar(path: str | Path) -> list[NerSentence]:
    """Sentences of one AQMAR file, or of every ``*.txt`` of an AQMAR folder in name order.

    AQMAR's ``MIS0``/``MIS1``/``MIS-2``… become ``MISC``; other odd tags (``OO``) become O."""
    p = Path(path)
    files = sorted(p.glob("*.txt")) if p.is_dir() else [p]
    out: list[NerSentence] = []
    for f in files:
        for s in _read_columns(f, " "):
            tags = []
            for t in s.tags:
                m = TAG_RE.match(t)
                if m and AQMAR_MISC_RE.match(m.group(2)):
                    t = f"{m.group(1)}-MISC"
                elif m and m.group(2) not in ("PER", "ORG", "LOC"):
                    t = "O"
                tags.append(t)
            out.append(NerSentence(s.tokens, _repair(tags)))
    return out


def load_split(data_dir: str | Path) -> Split:
    """The fixed split of the NER data folder (``fane/`` and ``aqmar/``, as in ``shared/ner``)."""
    d = Path(data_dir)
    if not d.is_dir():
        raise InputFileError(f"{d}: no such NER data folder (it holds fane/ and aqmar/)")
    news = read_fane(d / NEWS_FILE)
    cut = len(news) - len(news) // 6
    news_train, test = news[:cut], news[cut:]
    dev_cut = len(news_train) - len(news_train) // 6
    rest = read_fane(d / WIKI_FILE) + read_aqmar(d / AQMAR_DIR)
    return Split(train=news_train + rest, test=test, dev=news_train[dev_cut:],
                 train_minus_dev=news_train[:dev_cut] + rest, news_train=len(news_train), news_train_minus_dev=dev_cut)


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entities of a BIO tag sequence as (type, first, last) token indices."""
    out: list[tuple[str, int, int]] = []
    cur: list | None = None
    for i, t in enumerate(list(tags) + ["O"]):
        if cur and not (t.startswith("I-") and t[2:] == cur[0]):
            out.append((cur[0], cur[1], i - 1))
            cur = None
        if t.startswith("B-") or (t.startswith("I-") and cur is None):
            cur = [t[2:], i]
    return out
