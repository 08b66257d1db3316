"""Stage 1: cue candidates — words and phrases that may introduce a reported claim.

Method: lexicon look-up on the normalised surface form *and* on the model's
normalised lemma (either suffices), restricted by part of speech, followed (in
``frames.py``) by structural confirmation. Four kinds of cue, after ANNOTATION.md:

* ``verb``: a finite reporting verb (قال، أوضح، يرى…), any person and tense, with
  its attached و/ف;
* ``participle``: a circumstantial active participle continuing a report (مشددا،
  مؤكدةً، موضحين), never sentence-initial;
* ``phrase``: a source phrase (بحسب، وفقا لـ، نقلا عن…);
* ``impersonal``: an impersonal phrase (يذكر أن، من المعروف أن، تم التأكيد);
* ``document``: "it is stated in" + a document (جاء في البيان، ورد فيه), source type document.

Not handled here: nominal cues (جدال، اللوم), which the guidelines leave optional;
first-person cues (أعتقد، نرى), which are the narrator's or nested voice and are
also optional — they are skipped on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lexicon import CueEntry, load
from .normalize import CONJUNCTIONS, strip_conjunction
from .treebank import Sent, Word
from .units import Unit, units_of

VERBAL_UPOS = {"VERB", "AUX"}
NON_CUE_UPOS = {"ADP", "SCONJ", "CCONJ", "PRON", "DET", "NUM", "PUNCT", "PART", "SYM"}
PARTICIPLE_UPOS = {"ADJ", "NOUN", "VERB", "X", "ADV"}
#: Conjunction prefixes that may remain glued when the MWT splitter misses them.
CONJ_PREFIXES = CONJUNCTIONS
PRONOUN_SUFFIXES = ("هما", "هم", "ها", "ه", "ني", "نا", "كم", "ك")


@dataclass(frozen=True)
class Cue:
    """A cue candidate: where it is, what it is, and which lexicon entry matched."""

    sent: int
    first: int                 # first word index of the cue
    last: int                  # last word index (inclusive)
    kind: str                  # verb | participle | phrase | impersonal | document
    entry: CueEntry | None     # lexicon entry (verbs and participles)
    form: str = ""             # perfect | imperfect | participle | phrase
    matched_by: str = ""       # "form" or "lemma" (for the explanation)
    weak: bool = False         # verb form on a word not tagged VERB: needs a complementizer

    @property
    def cue_class(self) -> str:
        if self.kind == "phrase":
            return "according_to"
        if self.kind == "impersonal":
            return "impersonal"
        return self.entry.cue_class if self.entry else "say"


def _variants(norm: str) -> list[str]:
    """The word and its forms without a glued conjunction or object pronoun."""
    out = [norm]
    for p in CONJ_PREFIXES:
        if norm.startswith(p) and len(norm) > 3:
            out.append(norm[1:])
    for v in list(out):
        for s in PRONOUN_SUFFIXES:
            if v.endswith(s) and len(v) - len(s) >= 3:
                out.append(v[: -len(s)])
                break
    return out


def match_verb(w: Word, surface: str | None = None) -> tuple[CueEntry, str, str, bool] | None:
    """(entry, form kind, matched_by, first_person) when ``w`` is a reporting verb.

    ``surface``: the normalised orthographic word, tried when the model split it badly
    (وصفها → و + صف + ها).
    """
    lex = load()
    if w.upos in NON_CUE_UPOS:
        return None
    for v in _variants(surface or w.norm):
        hits = lex.verb_forms.get(v)
        if hits and (w.upos in VERBAL_UPOS or w.nlemma in lex.lemmas or w.upos == "X"):
            h = hits[0]
            return h.entry, h.kind, "form", h.first_person
    if w.upos in VERBAL_UPOS and w.nlemma in lex.lemmas:
        e = lex.lemmas[w.nlemma][0]
        first = w.feat("Person") == "1"
        kind = "imperfect" if w.feat("Aspect") == "Imp" else "perfect"
        return e, kind, "lemma", first
    return None


def match_participle(w: Word) -> CueEntry | None:
    """The entry when ``w`` is a circumstantial participle of a reporting verb (مشددا، مؤكدةً)."""
    if w.upos not in PARTICIPLE_UPOS:
        return None
    lex = load()
    for v in _variants(w.norm):
        hits = lex.participles.get(v)
        if hits:
            return hits[0]
    return None


def _phrase_at(units: list[Unit], u: int, phrase: tuple[str, ...]) -> int | None:
    """Index of the last unit of ``phrase`` starting at unit ``u``, else None.

    A final part ending in "+" (``ل+``) only requires the next unit to start with it; that
    unit is not part of the phrase (it carries the source).
    """
    for k, part in enumerate(phrase):
        if u + k >= len(units):
            return None
        norm = units[u + k].norm
        if k == 0 and norm != part and strip_conjunction(norm) == part:
            norm = part
        if part.endswith("+"):
            return u + k - 1 if k and norm.startswith(part[:-1]) and len(norm) > len(part) else None
        if norm != part:
            return None
    return u + len(phrase) - 1


def _first_phrase(units: list[Unit], u: int,
                  phrases: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], int] | None:
    """The first (longest) phrase matching at unit ``u`` and the index of its last unit."""
    for phrase in phrases:
        end = _phrase_at(units, u, phrase)
        if end is not None:
            return phrase, end
    return None


def find_cues(sent: Sent, text: str, units: list[Unit] | None = None) -> list[Cue]:
    """All cue candidates of a sentence, in text order (not yet confirmed).

    ``units``: the sentence's :func:`~claimkit.units.units_of`, when the caller has them.
    Phrases and positions are counted over word units (punctuation left out).
    """
    lex = load()
    words = sent.words
    units = [x for x in (units if units is not None else units_of(sent, text)) if not x.punct]
    cues: list[Cue] = []
    taken: set[int] = set()
    for u, unit in enumerate(units):
        norm, first, last = unit.norm, unit.first, unit.last
        if first in taken:
            continue
        hit = None
        for kind, phrases in (("document", lex.document_phrases), ("impersonal", lex.impersonal),
                              ("phrase", lex.source_phrases)):
            hit = _first_phrase(units, u, phrases)
            if hit:
                break
        if hit:
            phrase, end = hit
            if phrase[-1] not in ("ما", "لما"):  # بحسب ما / وفقا لما + verb: the verb is the cue
                cues.append(Cue(sent.index, first, units[end].last, kind, None, "phrase", "phrase"))
            taken.update(range(first, units[end].last + 1))
            continue
        for i in range(first, last + 1):
            w = words[i]
            if w.upos == "CCONJ" or w.is_punct or w.norm in CONJ_PREFIXES:
                continue  # the conjunction و/ف, whatever the tagger called it
            hit = match_verb(w) or (match_verb(w, norm) if last > first else None)
            if hit:
                entry, kind, how, first_person = hit
                if not first_person:  # first person: narrator's or nested voice (optional in the guidelines)
                    cues.append(Cue(sent.index, i, i, "verb", entry, kind, how,
                                    weak=w.upos not in VERBAL_UPOS))
                    taken.add(i)
                break
            entry = match_participle(w)
            if entry:  # a sentence-initial participle must be followed by أن (checked in frames)
                # a participle at the start of the sentence needs أن — unless it follows a verb
                # ("ومضى قائلا:", "وعاد مؤكدا أن…"), whose subject it shares
                after_verb = u == 1 and any(words[k].upos in VERBAL_UPOS for k in range(units[0].first, units[0].last + 1))
                cues.append(Cue(sent.index, i, i, "participle", entry, "participle", "form",
                                weak=u == 0 or u == 1 and not after_verb))
                taken.add(i)
            break
    return cues
