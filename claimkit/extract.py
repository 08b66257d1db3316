"""Stage 6: from a parsed article to claim records.

Runs the stages in order for every sentence — cue candidates (``cues``), confirmation
with source/channel/content/mode (``frames``) — then, in text order over the whole
article, linking (``linking``) with source typing (``source_types``) and hedging
(``hedging``), and builds the :class:`~claimkit.records.Claim` records with their
evidence (why each claim was found).
"""
from __future__ import annotations

from .cues import find_cues
from .frames import Frame, units_of, confirm
from .hedging import grade
from .linking import Linker
from .records import HEDGING_NAMES, Analysis, Claim, Sentence
from .treebank import ParsedDoc, Sent


def sentence_frames(sent: Sent, text: str) -> list[Frame]:
    """Confirmed frames of one sentence, without duplicates.

    A participle merged into a finite cue ("علق قائلا: …") is not a claim of its own;
    cues inside a frame's cue span are dropped.
    """
    units = units_of(sent, text)
    frames: list[Frame] = []
    for cue in find_cues(sent, text):
        frame = confirm(sent, cue, text, units)
        if frame is not None:
            frames.append(frame)
    out: list[Frame] = []
    taken: list[tuple[int, int]] = []
    for f in frames:
        if any(f.cue_span[0] < b and a < f.cue_span[1] for a, b in taken):
            continue
        if any(g.mode == "direct" and g.content_span[0] <= f.cue_span[0] < g.content_span[1] for g in out):
            continue  # a cue inside a quotation is the quoted speaker's own report (optional in the guidelines)
        if f.cue.kind == "participle" and any(
                g is not f and g.cue.kind == "verb" and any("merged" in e for e in g.evidence)
                and g.content_span == f.content_span for g in frames):
            continue
        taken.append(f.cue_span)
        out.append(f)
    return out


def _cue_class(frame: Frame) -> str:
    cls = frame.cue.cue_class
    if frame.impersonal and cls in ("say", "reveal", "assert", "deny"):
        return "impersonal"
    return cls


def extract(parsed: ParsedDoc, doc: str = "doc") -> Analysis:
    """All claims of a parsed article, as an :class:`~claimkit.records.Analysis`."""
    text = parsed.text
    linker = Linker(text, parsed.sents)
    records: list[Claim] = []
    for sent in parsed.sents:
        units = units_of(sent, text)
        here = []
        for frame in sentence_frames(sent, text):
            link = linker.link(sent, frame, here)
            here.append((frame, link))
            cls = _cue_class(frame)
            level, hedge_cues, hedge_ev = grade(sent, units, frame, cls, text)
            src = frame.source_span
            ch = frame.channel_span
            c0, c1 = frame.content_span
            cue_word = sent.words[frame.cue.first if frame.cue.kind != "phrase" else frame.cue.first]
            records.append(Claim(
                doc=doc, sentence=sent.index,
                cue=text[frame.cue_span[0]:frame.cue_span[1]], cue_start=frame.cue_span[0],
                cue_end=frame.cue_span[1],
                cue_lemma=frame.cue.entry.lemma if frame.cue.entry else cue_word.norm,
                cue_class=cls,
                source=text[src[0]:src[1]] if src else "", source_start=src[0] if src else None,
                source_end=src[1] if src else None,
                entity=link.entity.name if link.entity else "",
                source_type=link.source_type,
                channel=text[ch[0]:ch[1]] if ch else "",
                content=text[c0:c1], content_start=c0, content_end=c1,
                mode=frame.mode, hedging=HEDGING_NAMES[level], hedging_level=level,
                hedge_cues=tuple(hedge_cues),
                evidence=tuple(frame.evidence) + (f"entity: {link.reason}",) + tuple(hedge_ev),
            ))
    # entity names may have grown after a claim was built (a fuller name seen later): refresh
    sentences = tuple(Sentence(s.index, s.start, s.end, text[s.start:s.end], s.paragraph) for s in parsed.sents)
    return Analysis(doc=doc, text=text, records=tuple(records), sentence_spans=sentences)
