"""Orthographic units: the words as written (with their clitics) and the punctuation marks.

Cues, source phrases, complementizers and hedges are matched on these units rather than
on the model's syntactic words, so a clitic split (or a missed one) does not matter:
"وفقا للوكالة" is the units وفقا + للوكالة whatever the multiword-token expander did, and
a quotation mark glued to a word by the tokenizer is still a unit of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from .normalize import normalize_for_match
from .treebank import Sent


@dataclass
class Unit:
    """An orthographic word (or a punctuation mark) with its word indices and span."""

    norm: str
    first: int
    last: int
    start: int
    end: int
    punct: bool


#: Punctuation the tokenizer may leave glued to a word (لـ"الجزيرة) and that units split off.
EDGE_PUNCT = "\"“”«»„‘’'()[]{}"


def units_of(sent: Sent, text: str) -> list[Unit]:
    """Orthographic words and punctuation marks of a sentence, in order.

    Words written together (و + قال, ل + وكالة) form one unit; punctuation is always a
    unit of its own, even when the tokenizer glued a quotation mark to a word.
    """
    units: list[Unit] = []
    joinable = False
    for w in sent.words:
        raw = text[w.start:w.end] or w.text
        if w.is_punct:
            units.extend(Unit(ch, w.i, w.i, w.start + k, w.start + k + 1, True) for k, ch in enumerate(raw))
            joinable = False
            continue
        lead = len(raw) - len(raw.lstrip(EDGE_PUNCT))
        trail = len(raw) - len(raw.rstrip(EDGE_PUNCT)) if lead < len(raw) else 0
        units.extend(Unit(raw[k], w.i, w.i, w.start + k, w.start + k + 1, True) for k in range(lead))
        cs, ce = w.start + lead, w.end - trail
        if cs < ce:
            prev = units[-1] if units else None
            if joinable and not lead and prev is not None and not prev.punct \
                    and sent.words[prev.last].ostart == w.ostart:
                prev.last, prev.end = w.i, ce
                prev.norm = normalize_for_match(text[prev.start:ce])
            else:
                units.append(Unit(normalize_for_match(text[cs:ce]), w.i, w.i, cs, ce, False))
        units.extend(Unit(raw[k], w.i, w.i, w.start + k, w.start + k + 1, True) for k in range(len(raw) - trail, len(raw)))
        joinable = trail == 0 and cs < ce
    return _mark_abbreviations(units)


#: The norm given to the period of an abbreviation (د. أحمد، م. فلان، أ. د.): not a sentence stop.
ABBREVIATION_DOT = "·"


def _mark_abbreviations(units: list[Unit]) -> list[Unit]:
    """A period right after a one-letter word is an abbreviation (د. = الدكتور, م. = المهندس),
    not the end of the clause."""
    for k in range(1, len(units)):
        u, prev = units[k], units[k - 1]
        if u.punct and u.norm == "." and not prev.punct and len(prev.norm) == 1 and prev.end == u.start:
            u.norm = ABBREVIATION_DOT
    return units


def unit_of_word(units: list[Unit], i: int) -> int:
    """Index of the unit that holds word ``i``."""
    for k, u in enumerate(units):
        if u.first <= i <= u.last:
            return k
    return 0
