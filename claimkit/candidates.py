"""Candidates for the learned decisions: cues beyond the lexicon, and speakers for a claim.

The rules (``cues``, ``frames``, ``linking``) propose; the trained models (``model.py``)
decide. This module widens what is proposed so that a model has something to choose:

* :func:`open_cues` — every verb, and every participle-shaped word (مفعِّلًا: م… ending in
  tanween alif), that governs a complement clause (أن / إن / أنه…) within two words and is
  not already a lexicon cue. "A lexicon is the starting point, not the limit"
  (ANNOTATION.md): وبيّن أن، واستكمل أن، منوها إلى أن are proposed; the cue model keeps the
  reporting ones and drops verbs of wanting, deciding or being able (أراد أن، قرر أن).
* :func:`speaker_candidates` — for one claim: the rules' choice, "no entity", the recent
  speakers and main-verb subjects of the discourse, the titled names of nearby sentences (both
  within the paragraph, or the one before when the sentence opens with و/ف/ثم, as in rule 5 of
  ``linking``),
  the name runs, the persons and organisations of the entity tagger (``ner``) and the tree
  subject of the cue's own sentence. Each candidate carries the
  facts the speaker model's features are made of (``features.speaker_features``).

Not proposed: nominal cues without a clause (جدال، اللوم), first-person verbs, cues whose
complement lies more than two words away — those stay with the lexicon.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cues import NON_CUE_UPOS, VERBAL_UPOS, Cue
from .features import bucket
from .lexicon import CueEntry, noun_type
from .normalize import normalize_name
from .entity_names import ENTITY_SOURCE_TYPES
from .source_types import entity_runs, head_word, is_name_word, source_type
from .treebank import Sent
from .units import Unit

if TYPE_CHECKING:
    from .frames import Frame
    from .linking import Entity, Link, Linker

#: How far (in word units) after an unlisted cue its complementizer may stand.
OPEN_CUE_REACH = 2
#: Complementizers that open a reported clause (normalised: hamza folded).
COMPLEMENTIZERS = {"ان", "انه", "انها", "انهم", "انهما", "انني", "اننا", "بان", "بانه", "بانها", "بانهم",
                   "الى", "الي"}
#: How many sentences back a recent speaker or titled name is a candidate.
CANDIDATE_SENTENCES_BACK = 6
#: How many distinct recent speakers are candidates.
MAX_HISTORY = 5


def _open_entry(lemma: str) -> CueEntry:
    """A lexicon-like entry for an unlisted cue: class ``say``, complement clauses only."""
    return CueEntry(lemma=lemma, imperfect="", participle="", cue_class="say", frames="c", gloss="")


def _complement_follows(units: list[Unit], u: int) -> bool:
    for k in range(u + 1, min(len(units), u + 1 + OPEN_CUE_REACH)):
        if units[k].punct:
            continue
        if units[k].norm in COMPLEMENTIZERS and units[k].norm not in ("الى", "الي"):
            return True
        if units[k].norm in ("الى", "الي") and k + 1 < len(units) and units[k + 1].norm in COMPLEMENTIZERS:
            return True
    return False


def _participle_shaped(sent: Sent, i: int) -> bool:
    w = sent.words[i]
    return w.upos in ("ADJ", "NOUN", "X", "VERB") and w.norm.startswith("م") and w.norm.endswith("ا") \
        and len(w.norm) >= 5 and i > 0


def open_cues(sent: Sent, units: list[Unit], taken: set[int]) -> list[Cue]:
    """Unlisted cue candidates of a sentence: verbs and participle-shaped words with a complement
    clause right after them, not first person, not already lexicon cues (``taken`` word indices)."""
    out: list[Cue] = []
    for u, unit in enumerate(units):
        if unit.punct or not _complement_follows(units, u):
            continue
        for i in range(unit.first, unit.last + 1):
            w = sent.words[i]
            if i in taken or w.upos in NON_CUE_UPOS or w.feat("Person") == "1":
                continue
            verb = w.upos in VERBAL_UPOS and w.feat("VerbForm") not in ("Part", "Ger")
            part = not verb and _participle_shaped(sent, i)
            if verb or part:
                form = "participle" if part else ("imperfect" if w.feat("Aspect") == "Imp" else "perfect")
                out.append(Cue(sent.index, i, i, "participle" if part else "verb", _open_entry(w.nlemma or w.norm),
                               form, "open", weak=True))
                break
    return out


# -- speakers ----------------------------------------------------------------------------------

@dataclass
class SpeakerCandidate:
    """One possible speaker of a claim.

    ``entity`` is a linked entity (its display name is final only once the article is done);
    otherwise ``text`` is the words as written and ``key`` their name key, resolved to the
    fullest known name by :meth:`display`. ``facts`` are raw facts for the features.
    """

    kinds: set[str]
    entity: "Entity | None" = None
    text: str = ""
    key: tuple[str, ...] = ()
    stype: str = ""
    facts: dict = field(default_factory=dict)

    def _linked(self, linker: "Linker") -> "Entity | None":
        """Its entity, or the entity its words name once the article is linked."""
        return self.entity if self.entity is not None else linker.entity_for_key(self.key)

    def display(self, linker: "Linker") -> str:
        e = self._linked(linker)
        return e.name if e is not None else self.text

    def source_type(self, linker: "Linker") -> str:
        e = self._linked(linker)
        if e is not None:
            return e.source_type
        return (self.stype or "person") if self.key else "author"


def _words_of(entity: "Entity") -> tuple[str, ...]:
    return tuple(normalize_name(entity.name).split())


def _add(cands: list[SpeakerCandidate], kind: str, entity: "Entity | None" = None, text: str = "",
         key: tuple[str, ...] = (), stype: str = "", **facts) -> None:
    """Add a candidate, or merge it into one that names the same speaker: the same entity, or
    the same words (an entity's name, or a name it ends with: "مولوتكوف" in "إيفان مولوتكوف")."""
    words = _words_of(entity) if entity is not None else key
    for c in cands:
        other = _words_of(c.entity) if c.entity is not None else c.key
        same = (entity is not None and c.entity is entity) or (
            bool(words) and bool(other) and (entity is None or c.entity is None) and
            (words == other or words[-len(other):] == other and c.entity is None
             or other[-len(words):] == words and entity is None))
        if same:
            c.kinds.add(kind)
            for k, v in facts.items():
                c.facts.setdefault(k, v)
            if entity is not None and c.entity is None:
                c.entity = entity
            return
    cands.append(SpeakerCandidate({kind}, entity, text, key, stype, dict(facts)))


def name_runs(sent: Sent, skip: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Maximal runs of name-like words of a sentence, outside the character span ``skip``."""
    runs, cur = [], []
    for w in sent.words:
        inside = skip is not None and skip[0] <= w.start < skip[1]
        if not inside and is_name_word(sent, w):
            cur.append(w.i)
            continue
        if cur:
            runs.append((cur[0], cur[-1]))
        cur = []
    if cur:
        runs.append((cur[0], cur[-1]))
    return runs


def speaker_candidates(linker: "Linker", sent: Sent, frame: "Frame", link: "Link") -> list[SpeakerCandidate]:
    """The candidates for one claim's speaker, the rules' choice first (see the module docstring).

    Called right after the rules linked the frame, so the discourse history is the one the
    rules saw at that point.
    """
    text = linker.text
    cands: list[SpeakerCandidate] = []
    cue_at = sent.words[frame.cue.first].start
    _add(cands, "rule", link.entity)
    cands[0].facts["rule_reason"] = link.reason
    _add(cands, "none")
    # the discourse: recent claims' speakers and main-verb subjects, most recent first
    seen: list = []
    for t in reversed(linker.history):
        if sent.index - t.sentence > CANDIDATE_SENTENCES_BACK or not linker.same_discourse(sent, t.sentence):
            break
        if any(t.entity is e for e in seen):
            continue
        if t.sentence == sent.index and t.position >= frame.cue.first and t.kind == "claim":
            continue   # this very claim, just linked
        seen.append(t.entity)
        _add(cands, "history", t.entity, hist_rank=len(seen) - 1, hist_dist=sent.index - t.sentence,
             hist_kind=t.kind, hist_gender=t.gender, hist_number=t.number)
        if len(seen) >= MAX_HISTORY:
            break
    # titled names written nearby (before, and the sentence after)
    for m in linker.mentions_near(sent.index, CANDIDATE_SENTENCES_BACK, 1):
        d = sent.index - m.sentence
        if (linker.same_discourse(sent, m.sentence) if d > 0 else
                linker.same_discourse(linker.sents[m.sentence], sent.index)):
            _add(cands, "mention", text=m.name, key=m.key, stype="person", mention_dist=d,
                 mention_titled=bool(m.descriptor))
    # name runs and the tree subject of this sentence (outside the content)
    content = frame.content_span
    for a, b in name_runs(sent, content):
        span = text[sent.words[a].ostart:sent.words[b].oend]
        key = tuple(normalize_name(span).split())
        if key:
            _add(cands, "name_run", text=span, key=key, stype="person",
                 run_before_cue=sent.words[b].start < cue_at,
                 run_in_gap=frame.cue_span[1] <= sent.words[a].start < frame.content_span[0],
                 run_words=min(b - a + 1, 4),
                 run_in_source=bool(frame.source_span) and frame.source_span[0] <= sent.words[a].start
                 < frame.source_span[1],
                 run_gap=bucket(abs(frame.cue.first - a), (1, 2, 4, 8), mark="≤"),
                 tagged=any(sent.words[i].upos in ("PROPN", "X") for i in range(a, b + 1)))
    # persons and organisations the entity tagger found in this sentence, outside the content
    src = frame.source_span
    for typ, stype in ENTITY_SOURCE_TYPES.items():
        for a, b in entity_runs(sent, 0, len(sent.words) - 1, typ):
            at = sent.words[a].start
            if content[0] <= at < content[1]:
                continue
            span = text[sent.words[a].start:sent.words[b].end]
            key = tuple(normalize_name(span).split())
            if key:
                _add(cands, "entity", text=span, key=key, stype=stype, ent_type=typ,
                     ent_in_source=bool(src) and src[0] <= at < src[1],
                     ent_before_cue=at < cue_at,
                     ent_gap=bucket(abs(frame.cue.first - a), (1, 2, 4, 8), mark="≤"))
    subj = _tree_subject(sent, frame.cue.first)
    if subj is not None:
        a, b = subj
        st, _ = source_type(sent, a, b)
        h = head_word(sent, a, b)
        head_type = noun_type(h.norm) or h.upos
        src = frame.source_words
        if src is not None and src[0] <= h.i <= src[1]:
            # the same phrase as the rules' source, cut by the tree: a second opinion on the rules' choice
            cands[0].kinds.add("tree_subject")
            cands[0].facts.setdefault("subj_head_type", head_type)
        else:
            span = text[sent.words[a].start:sent.words[b].end]
            key = tuple(normalize_name(span).split())
            if key:
                _add(cands, "tree_subject", text=span, key=key, stype=st, subj_head_type=head_type)
    return cands


def _tree_subject(sent: Sent, verb: int) -> tuple[int, int] | None:
    """The nsubj of the cue in the tree, cut at punctuation (a second opinion on the source span)."""
    for w in sent.words:
        if w.head == verb and w.deprel.startswith("nsubj") and w.upos != "PRON":
            sub = sent.subtree(w.i)   # in order
            a = b = sub[0]
            while b + 1 in sub and not sent.words[b + 1].is_punct:
                b += 1
            return a, min(b, a + 8)
    return None

