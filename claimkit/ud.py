"""Documents out of a Universal Dependencies treebank file (CoNLL-U), with their news outlet.

A UD treebank such as UD_Arabic-PADT is one long CoNLL-U file of sentences. News analysis
needs whole documents, so :func:`split_documents` cuts the file where a document starts:

- at a ``# newdoc`` comment (``# newdoc id = afp.20000715.0075``), or
- where the ``sent_id`` names another document (``AFP_ARB_20000715.0004-p3`` → document
  ``AFP_ARB_20000715.0004``; PADT v2 ``afp.20000715.0075:p1u1`` → ``afp.20000715.0075``), or
- where the paragraph/unit number in the ``sent_id`` starts again (``…-p8`` followed by
  ``…-p1``), for files whose ids do not name the document.

Each :class:`UDDocument` keeps its sentences' CoNLL-U unchanged and its text (the
``# text`` lines, one sentence per line), so :func:`claimkit.analyze_conllu` analyses it
on the gold trees, without parsing. :func:`outlet_of` names the agency or paper from the
document id (``afp``, ``xin``, ``alh``/``hyt``, ``umh``, ``nhr``…) or, failing that, from
the dateline of the first lines (``(اف ب)``, ``» الحياة «``, ``/ شينخوا /``…).

Not handled: sentences split across files, treebanks whose ids neither name documents nor
number paragraphs (each file is then one document), outlets not listed in :data:`OUTLET_CODES`
or :data:`DATELINES` (reported as ``"unidentified"``).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ConlluError, InputFileError

#: Document-id prefixes (lower case, before the first ``_``, ``.`` or digit) → outlet.
OUTLET_CODES: dict[str, str] = {
    "afp": "AFP", "xin": "Xinhua", "xinhua": "Xinhua", "alh": "Al-Hayat", "hyt": "Al-Hayat", "hayat": "Al-Hayat",
    "umh": "Ummah", "ummah": "Ummah", "nhr": "An-Nahar", "ann": "An-Nahar", "nahar": "An-Nahar",
    "asb": "Asharq Al-Awsat", "aaw": "Asharq Al-Awsat", "ahr": "Al-Ahram", "ahram": "Al-Ahram",
    "rtr": "Reuters", "reuters": "Reuters",
}
#: Dateline patterns of the first lines → outlet (the agency named between brackets or dashes).
DATELINES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\(\s*[اإأ]\s?ف\s?ب\s*\)"), "AFP"),
    (re.compile(r"[-(/«»\"]\s*الحياة\s*[-)/«»\"]"), "Al-Hayat"),
    (re.compile(r"[(/]\s*شينخوا\s*[)/]"), "Xinhua"),
    (re.compile(r"\(\s*رويترز\s*\)"), "Reuters"),
    (re.compile(r"\(\s*[اأ]\s?ب\s*\)"), "AP"),
)
UNIDENTIFIED = "unidentified"

_SENT_ID = re.compile(r"^(?P<doc>.*?)(?:-p|:p)(?P<par>\d+)(?:u(?P<unit>\d+))?$")


@dataclass(frozen=True)
class UDDocument:
    """One document of a treebank: its id, outlet, CoNLL-U block and text (one sentence per line)."""

    doc: str
    outlet: str
    conllu: str
    text: str

    @property
    def sentences(self) -> int:
        return self.text.count("\n") + 1 if self.text else 0


def _sentence_blocks(conllu: str) -> list[list[str]]:
    blocks, current = [], []
    for line in conllu.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _comment(block: list[str], key: str) -> str | None:
    for line in block:
        if line.startswith("#"):
            k, sep, v = line[1:].partition("=")
            if sep and k.strip() == key:
                return v.strip()
            if not sep and k.strip() == key:  # "# newdoc" without an id
                return ""
    return None


def outlet_of(doc: str, text: str = "") -> str:
    """The outlet of a document: from its id prefix, else from the dateline in ``text``'s first lines."""
    m = re.match(r"[A-Za-z]+", doc or "")
    if m and m.group(0).lower() in OUTLET_CODES:
        return OUTLET_CODES[m.group(0).lower()]
    head = "\n".join(text.splitlines()[:3])[:400]
    for pattern, outlet in DATELINES:
        if pattern.search(head):
            return outlet
    return UNIDENTIFIED


def split_documents(conllu: str, name: str = "doc") -> list[UDDocument]:
    """Cut a treebank's CoNLL-U into documents (see the module docstring for the rules).

    ``name`` prefixes generated ids (``NAME-001``…) when the file names no documents.
    Raises :class:`ConlluError` when the text has no sentence with a token line.
    """
    blocks = [b for b in _sentence_blocks(conllu) if any(ln and ln[0].isdigit() for ln in b)]
    if not blocks:
        raise ConlluError(f"{name}: no CoNLL-U sentences found")
    groups: list[tuple[str | None, list[list[str]]]] = []
    prev_doc: str | None = None
    prev_pos: tuple[int, int] | None = None
    for b in blocks:
        newdoc = _comment(b, "newdoc id")
        if newdoc is None:
            newdoc = _comment(b, "newdoc")
        sent_id = _comment(b, "sent_id") or ""
        m = _SENT_ID.match(sent_id)
        doc_from_id = m.group("doc") if m else None
        pos = (int(m.group("par")), int(m.group("unit") or 0)) if m else None
        starts = (not groups or newdoc is not None
                  or (doc_from_id is not None and doc_from_id != prev_doc)
                  or (pos is not None and prev_pos is not None and pos <= prev_pos))
        if starts:
            groups.append((newdoc or None, []))
        groups[-1][1].append(b)
        prev_doc, prev_pos = doc_from_id, pos
        if groups[-1][0] is None and doc_from_id and not _generic(doc_from_id):
            groups[-1] = (doc_from_id, groups[-1][1])
    docs = []
    for k, (doc_id, sents) in enumerate(groups, 1):
        text = "\n".join(_comment(b, "text") or "" for b in sents)
        doc = doc_id or f"{name}-{k:03d}"
        docs.append(UDDocument(doc=doc, outlet=outlet_of(doc_id or "", text),
                               conllu="\n\n".join("\n".join(b) for b in sents) + "\n\n", text=text))
    return docs


def _generic(doc_id: str) -> bool:
    """True for sent_id prefixes that do not name a document (``padtdev-s``: every document starts with it)."""
    return not re.search(r"\d", doc_id)


def read_documents(path: str | os.PathLike) -> list[UDDocument]:
    """The documents of a CoNLL-U file (see :func:`split_documents`); the file name prefixes generated ids."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{p}: not UTF-8 text") from None
    return split_documents(raw, name=p.name.removesuffix(".conllu"))
