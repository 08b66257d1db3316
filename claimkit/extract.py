"""Placeholder: replaced by the extraction stages."""
from __future__ import annotations

from .records import Analysis, Sentence
from .treebank import ParsedDoc


def extract(parsed: ParsedDoc, doc: str = "doc") -> Analysis:
    sents = tuple(Sentence(s.index, s.start, s.end, parsed.text[s.start:s.end], s.paragraph) for s in parsed.sents)
    return Analysis(doc=doc, text=parsed.text, records=(), sentence_spans=sents)
