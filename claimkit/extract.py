"""Stage 6: from a parsed article to claim records.

Runs the stages in order for every sentence — cue candidates (``cues``), confirmation
with source/channel/content/mode (``frames``) — then, in text order over the whole
article, linking (``linking``) with source typing (``source_types``) and hedging
(``hedging``), and builds the :class:`~claimkit.records.Claim` records with their
evidence (why each claim was found).
"""
from __future__ import annotations

from .cues import Cue, find_cues, match_participle, match_verb
from .frames import Frame, confirm, content_end
from .frame_words import trim
from .units import Unit, units_of
from .hedging import grade
from .linking import Linker
from .normalize import normalize_for_match
from .records import HEDGING_NAMES, Analysis, Claim, Sentence
from .treebank import ParsedDoc, Sent


def sentence_frames(sent: Sent, text: str, units: list[Unit] | None = None) -> list[Frame]:
    """Confirmed frames of one sentence, without duplicates.

    A participle merged into a finite cue ("علق قائلا: …") is not a claim of its own;
    cues inside a frame's cue span, or inside a direct quotation, are dropped. A frame
    whose content has no word (``قال: ""``, ``قال الوزير: «»``) reports nothing and is dropped.
    """
    units = units if units is not None else units_of(sent, text)
    frames = [f for f in (confirm(sent, cue, text, units) for cue in find_cues(sent, text, units))
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


def extract(parsed: ParsedDoc, doc: str = "doc", chosen: tuple[tuple[int, int], ...] = ()) -> Analysis:
    """All claims of a parsed article, as an :class:`~claimkit.records.Analysis`.

    Records are built once the whole article is linked, so every claim of an entity
    carries its final (fullest) name even when the full name appears later.
    ``chosen``: cue spans ``(start, end)`` picked by a reader (see :func:`chosen_frame`);
    each gives a claim even where the rules found none, linked like every other claim.
    """
    text = parsed.text
    linker = Linker(text, parsed.sents)
    found = []
    for sent in parsed.sents:
        units = units_of(sent, text)
        here: list = []
        frames = sentence_frames(sent, text, units)
        for a, b in chosen:
            if sent.start <= a < sent.end and not any(f.cue_span[0] < b and a < f.cue_span[1] for f in frames):
                frames.append(chosen_frame(sent, text, units, a, b))
                frames.sort(key=lambda f: f.cue_span)
        for frame in frames:
            nested = any(g is not frame and g.content_span[0] <= frame.cue_span[0] < g.content_span[1]
                         for g in frames)
            link = linker.link(sent, frame, here, nested)
            here.append((frame, link))
            cls = _cue_class(frame)
            found.append((sent, frame, link, cls, grade(sent, units, frame, cls, text)))
        linker.note_sentence(sent, bool(frames))
    records = tuple(_record(doc, text, *item) for item in found)
    sentences = tuple(Sentence(s.index, s.start, s.end, text[s.start:s.end], s.paragraph) for s in parsed.sents)
    return Analysis(doc=doc, text=text, records=records, sentence_spans=sentences)


def _record(doc: str, text: str, sent: Sent, frame: Frame, link, cls: str, hedging) -> Claim:
    level, hedge_cues, hedge_ev = hedging
    src, ch = frame.source_span, frame.channel_span
    c0, c1 = frame.content_span
    return Claim(
        doc=doc, sentence=sent.index,
        cue=text[frame.cue_span[0]:frame.cue_span[1]], cue_start=frame.cue_span[0], cue_end=frame.cue_span[1],
        cue_lemma=_cue_lemma(frame, sent.words[frame.cue.first], text), cue_class=cls,
        source=text[src[0]:src[1]] if src else "", source_start=src[0] if src else None,
        source_end=src[1] if src else None,
        entity=link.entity.name if link.entity else "", source_type=link.source_type,
        channel=text[ch[0]:ch[1]] if ch else "",
        content=text[c0:c1], content_start=c0, content_end=c1,
        mode=frame.mode, hedging=HEDGING_NAMES[level], hedging_level=level, hedge_cues=tuple(hedge_cues),
        evidence=tuple(frame.evidence) + (f"entity: {link.reason}",) + tuple(hedge_ev),
    )
