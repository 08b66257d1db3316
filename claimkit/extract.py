"""Stage 6: from a parsed article to claim records.

Runs the stages in order for every sentence — cue candidates (``cues``), confirmation
with source/channel/content/mode (``frames``) — then, in text order over the whole
article, linking (``linking``) with source typing (``source_types``) and hedging
(``hedging``), and builds the :class:`~claimkit.records.Claim` records with their
evidence (why each claim was found).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .candidates import SpeakerCandidate, open_cues, speaker_candidates
from .cues import Cue, find_cues, match_participle, match_verb
from .frame_words import trim
from .frames import Frame, confirm, content_end
from .units import Unit, units_of
from .hedging import grade
from .linking import Link, Linker
from .model import ModelSpec, resolve_model
from .ner import ensure_entities
from .normalize import normalize_for_match
from .records import HEDGING_NAMES, Analysis, Claim, Sentence
from .treebank import ParsedDoc, Sent


def sentence_frames(sent: Sent, text: str, units: list[Unit] | None = None, cues: list | None = None) -> list[Frame]:
    """Confirmed frames of one sentence, without duplicates.

    A participle merged into a finite cue ("علق قائلا: …") is not a claim of its own;
    cues inside a frame's cue span, or inside a direct quotation, are dropped. A frame
    whose content has no word (``قال: ""``, ``قال الوزير: «»``) reports nothing and is dropped.
    """
    units = units if units is not None else units_of(sent, text)
    cues = cues if cues is not None else find_cues(sent, text, units)
    frames = [f for f in (confirm(sent, cue, text, units) for cue in cues)
              if f is not None and _has_words(text, f.content_span)]
    out: list[Frame] = []
    for f in frames:
        if any(f.cue_span[0] < g.cue_span[1] and g.cue_span[0] < f.cue_span[1] for g in out):
            continue
        if any(g.mode == "direct" and g.content_span[0] <= f.cue_span[0] < g.content_span[1] for g in out):
            continue  # a cue inside a quotation is the quoted speaker's own report (optional in the guidelines)
        if f.cue.kind == "participle" and any(
                g is not f and g.cue.kind == "verb" and any("merged" in e for e in g.evidence)
                and g.content_span == f.content_span for g in frames):
            continue
        out.append(f)
    return out


def _has_words(text: str, span: tuple[int, int]) -> bool:
    return any(ch.isalnum() for ch in text[span[0]:span[1]])


def _cue_lemma(frame: Frame, word, text: str) -> str:
    """The lexicon lemma of the cue verb; for phrases, the phrase itself (normalised).
    An impersonal verb phrase (يذكر، يقال) gives its verb's lemma (ذكر، قال)."""
    if frame.cue.entry:
        return frame.cue.entry.lemma
    if frame.cue.first == frame.cue.last:
        hit = match_verb(word)
        if hit:
            return hit[0].lemma
    return normalize_for_match(text[frame.cue_span[0]:frame.cue_span[1]])


def _cue_class(frame: Frame) -> str:
    cls = frame.cue.cue_class
    if frame.impersonal and cls in ("say", "reveal", "assert", "deny"):
        return "impersonal"
    return cls


def chosen_frame(sent: Sent, text: str, units: list[Unit], start: int, end: int) -> Frame:
    """The frame of a cue a reader chose by hand (a missed claim), always built.

    The chosen word is read as the cue the lexicon would give it (verb, participle, source
    phrase — first-person verbs too, which the extractor skips on purpose), else as a plain
    ``say`` verb, and confirmed like any cue so source, channel, content and mode come from
    the same rules. When no frame fits, the content is the rest of the sentence after the
    cue and the source is left empty: the reader corrects it.
    """
    word_units = [u for u in units if not u.punct and u.start < end and start < u.end]
    if not word_units:
        raise ValueError(f"no word of sentence {sent.index} at offsets {start}–{end}")
    first, last = word_units[0].first, word_units[-1].last
    candidates = [c for c in find_cues(sent, text, units) if c.first <= last and first <= c.last]
    for i in range(first, last + 1):
        w = sent.words[i]
        hit = match_verb(w)
        participle = match_participle(w)
        if hit:
            candidates.append(Cue(sent.index, i, i, "verb", hit[0], hit[1], "hand"))
        elif participle:
            candidates.append(Cue(sent.index, i, i, "participle", participle, "participle", "hand"))
    candidates.append(Cue(sent.index, first, last, "verb", None, "perfect", "hand"))
    for cue in candidates:
        frame = confirm(sent, cue, text, units)
        if frame is not None:
            frame.evidence.insert(0, "cue chosen by hand")
            return frame
    k = units.index(word_units[-1]) + 1
    r = trim(units, k, content_end(sent, units, k)) if k < len(units) else None
    a, b = (units[r[0]].start, units[r[1] - 1].end) if r else (word_units[-1].end, word_units[-1].end)
    return Frame(candidates[-1], (word_units[0].start, word_units[-1].end), "indirect", (a, b),
                 evidence=["cue chosen by hand; no frame found: the content is the rest of the sentence"])


@dataclass
class Draft:
    """A proposed claim: the rules' frame and link, and the candidates a model may choose from.

    ``open_cue``: proposed beyond the lexicon (``candidates.open_cues``); the rules alone never
    keep such a claim. ``speakers`` is empty unless candidates were asked for.
    """

    sent: Sent
    frame: Frame
    link: Link
    cue_class: str
    hedging: tuple
    nested: bool
    open_cue: bool = False
    speakers: list[SpeakerCandidate] = field(default_factory=list)
    chosen: bool = False        # its cue was chosen by a reader (``chosen=``): always kept


def propose(parsed: ParsedDoc, *, candidates: bool = False,
            chosen: tuple[tuple[int, int], ...] = ()) -> tuple[list[Draft], Linker]:
    """Stages 1–5 by the rules, in text order: every confirmed frame, linked, typed and graded.

    With ``candidates=True`` the unlisted cues of :func:`~claimkit.candidates.open_cues` are
    proposed too (linked, but never the current speaker), and every draft carries its speaker
    candidates — what a trained model (``model.py``) decides between. ``chosen``: cue spans
    ``(start, end)`` a reader picked (a missed claim, see :func:`chosen_frame`); a draft is made
    for each and marked ``chosen``.
    """
    ensure_entities(parsed)
    text = parsed.text
    linker = Linker(text, parsed.sents, parsed.entities)
    drafts: list[Draft] = []
    for sent in parsed.sents:
        units = units_of(sent, text)
        cues = find_cues(sent, text, units)
        frames = sentence_frames(sent, text, units, cues)
        extra = _open_frames(sent, text, units, cues, frames) if candidates else []
        here: list = []
        picked = _chosen_frames(sent, text, units, frames + extra, chosen)
        for frame in sorted(frames + extra + picked, key=lambda f: f.cue_span[0]):
            is_open = any(frame is f for f in extra)
            nested = any(g is not frame and g.content_span[0] <= frame.cue_span[0] < g.content_span[1]
                         for g in frames)
            link = linker.link(sent, frame, here, nested or is_open)
            if not is_open:
                here.append((frame, link))
            cls = _cue_class(frame)
            draft = Draft(sent, frame, link, cls, grade(sent, units, frame, cls, text), nested, is_open,
                          chosen=any(frame.cue_span[0] < b and a < frame.cue_span[1] for a, b in chosen))
            if candidates:
                draft.speakers = speaker_candidates(linker, sent, frame, link)
            drafts.append(draft)
        linker.note_sentence(sent, bool(frames))
    return drafts, linker


def _chosen_frames(sent: Sent, text: str, units: list[Unit], found: list[Frame],
                   chosen: tuple[tuple[int, int], ...]) -> list[Frame]:
    """Frames for the chosen cue spans in this sentence that no found frame already covers."""
    return [chosen_frame(sent, text, units, a, b) for a, b in chosen
            if sent.start <= a < sent.end and not any(f.cue_span[0] < b and a < f.cue_span[1] for f in found)]


def _open_frames(sent: Sent, text: str, units: list[Unit], cues: list, frames: list[Frame]) -> list[Frame]:
    """Frames the rules did not keep, for the cue model to decide: lexicon cues confirmed with a
    relaxed search for their complement, and unlisted cues (:func:`~claimkit.candidates.open_cues`);
    never overlapping a kept cue, never inside a direct quotation."""
    taken = {i for c in cues for i in range(c.first, c.last + 1)}
    found = {f.cue.first for f in frames}
    relaxed = [replace(c, matched_by=c.matched_by + "+relaxed") for c in cues
               if c.first not in found and c.kind in ("verb", "participle")]
    out = []
    for cue in relaxed + open_cues(sent, [u for u in units if not u.punct], taken):
        f = confirm(sent, cue, text, units, relaxed="relaxed" in cue.matched_by)
        if f is None or not _has_words(text, f.content_span):
            continue
        if any(g.cue_span[0] < f.cue_span[1] and f.cue_span[0] < g.cue_span[1] for g in frames + out):
            continue
        if any(g.mode == "direct" and g.content_span[0] <= f.cue_span[0] < g.content_span[1] for g in frames):
            continue
        out.append(f)
    return out


def extract(parsed: ParsedDoc, doc: str = "doc", model: ModelSpec = "default",
            chosen: tuple[tuple[int, int], ...] = ()) -> Analysis:
    """All claims of a parsed article, as an :class:`~claimkit.records.Analysis`.

    ``model``: the trained decisions (``"default"``: the model shipped with claimkit; a folder
    written by ``claimkit train``; a loaded :class:`~claimkit.model.Model`), or ``None`` /
    ``"rules"`` for the rules alone. Records are built once the whole article is linked, so
    every claim of an entity carries its final (fullest) name even when the full name appears later.
    ``chosen``: cue spans picked by a reader (the review's missed claims): each gives a claim,
    whatever the rules or the model would decide, with their reading of its speaker.
    """
    text = parsed.text
    m = resolve_model(model)
    drafts, linker = propose(parsed, candidates=m is not None, chosen=chosen)
    records = []
    for d in drafts:
        if m is None:
            if d.open_cue and not d.chosen:
                continue
            entity = d.link.entity.name if d.link.entity else ""
            records.append(_record(doc, text, d, entity, d.link.source_type, (f"entity: {d.link.reason}",)))
            continue
        decision = m.decide(d, linker)
        if decision.keep or d.chosen:
            records.append(_record(doc, text, d, decision.entity, decision.source_type, decision.evidence))
    sentences = tuple(Sentence(s.index, s.start, s.end, text[s.start:s.end], s.paragraph) for s in parsed.sents)
    return Analysis(doc=doc, text=text, records=tuple(records), sentence_spans=sentences,
                    entity_spans=tuple(parsed.entities or ()))


def _record(doc: str, text: str, d: Draft, entity: str, stype: str, entity_evidence: tuple[str, ...]) -> Claim:
    sent, frame, cls = d.sent, d.frame, d.cue_class
    level, hedge_cues, hedge_ev = d.hedging
    src, ch = frame.source_span, frame.channel_span
    c0, c1 = frame.content_span
    return Claim(
        doc=doc, sentence=sent.index,
        cue=text[frame.cue_span[0]:frame.cue_span[1]], cue_start=frame.cue_span[0], cue_end=frame.cue_span[1],
        cue_lemma=_cue_lemma(frame, sent.words[frame.cue.first], text), cue_class=cls,
        source=text[src[0]:src[1]] if src else "", source_start=src[0] if src else None,
        source_end=src[1] if src else None,
        entity=entity, source_type=stype,
        channel=text[ch[0]:ch[1]] if ch else "",
        content=text[c0:c1], content_start=c0, content_end=c1,
        mode=frame.mode, hedging=HEDGING_NAMES[level], hedging_level=level, hedge_cues=tuple(hedge_cues),
        evidence=tuple(frame.evidence) + entity_evidence + tuple(hedge_ev),
    )
