"""Stage 3: link every claim to an entity across the article.

Rules (ANNOTATION.md "Linking sources across the article"), applied in text order:

1. **Names.** A source with a personal name creates or joins the entity whose name
   ends with the same words: "مولوتكوف" and "أبو زيد" join "إيفان مولوتكوف" and
   "أحمد أبو زيد". The entity's display name is the fullest name seen.
2. **Role nouns.** A source whose head is a role noun without a name (السفير،
   المتحدث) joins the nearest earlier entity whose mentions carried that role.
3. **Groups.** Other sources join an earlier entity with the same words once the
   article ال is ignored ("مراقبون" / "المراقبون").
4. **Participles** (مشددا، متهما) take the subject of the verb they continue — the
   cue's own claim when that verb is a cue, otherwise its subject phrase.
5. **Dropped subjects** (وتابع أنه…، وأضاف أن…) take the most recent earlier claim
   whose source agrees with the cue verb in gender and number, looking back at most
   :data:`MAX_SENTENCES_BACK` sentences, within the same paragraph or across one
   paragraph break when the new paragraph opens with a continuing conjunction
   (و/ف). A ``# newdoc`` in CoNLL-U input is never crossed.
6. Impersonal cues have no entity (the article's own voice).

Gender comes from the cue verb's agreement (a verb before its subject agrees in
gender), number from the source's head noun (the verb stays singular before a
plural subject). Unknown features agree with anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .frames import Frame
from .lexicon import noun_type, strip_article
from .normalize import normalize_name, strip_conjunction
from .source_types import head_word, is_name_word, name_words, source_type
from .treebank import Sent

#: How many sentences back a dropped subject may find its antecedent.
MAX_SENTENCES_BACK = 4


@dataclass
class Entity:
    """A source entity: display name, name words, roles, type and agreement features."""

    name: str
    key: tuple[str, ...]
    named: bool
    source_type: str
    gender: str = ""
    number: str = ""
    roles: set[str] = field(default_factory=set)


@dataclass
class Link:
    """The linking decision for one frame."""

    entity: Entity | None
    source_type: str
    reason: str


def _agree(a: str, b: str) -> bool:
    return not a or not b or a == b


def _features(sent: Sent, frame: Frame) -> tuple[str, str]:
    """(gender, number) of the speaker as shown by the cue word (verb or participle)."""
    w = sent.words[frame.cue.first]
    g = {"Masc": "M", "Fem": "F"}.get(w.feat("Gender"), "")
    n = {"Sing": "S", "Plur": "P", "Dual": "P"}.get(w.feat("Number"), "")
    norm = strip_conjunction(w.norm)
    lemma = frame.cue.entry.lemma if frame.cue.entry else ""
    if norm == lemma:   # the bare 3rd person masculine singular (لفت، قال): no suffix to read
        return g or "M", n or "S"
    if frame.cue.kind == "participle":
        if norm.endswith(("ين", "ون")):
            n = "P"
        elif norm.endswith("ه") or norm.endswith("تين"):
            g = g or "F"
    elif norm.endswith(("وا", "ون")):
        n = "P"
    elif norm.endswith("ت") and frame.cue.form == "perfect":
        g = "F"
    elif norm.startswith("ت") and frame.cue.form == "imperfect":
        g = "F"
    return g, n


def _noun_number(sent: Sent, first: int, last: int) -> str:
    h = head_word(sent, first, last)
    if h.feat("Number") in ("Plur", "Dual") or h.norm.endswith(("ون", "ين", "ات")) and len(h.norm) > 4:
        return "P"
    return "S" if h.feat("Number") == "Sing" else ""


class Linker:
    """Links frames to entities in text order; keeps the entities of one document."""

    def __init__(self, text: str, sents: list[Sent]):
        self.text = text
        self.sents = sents
        self.entities: list[Entity] = []
        self.history: list[tuple[int, Entity, str, str]] = []   # (sentence, entity, gender, number)
        self.docid = None

    def _mention(self, sent: Sent, first: int, last: int, gender: str,
                 span: tuple[int, int] | None = None) -> Link:
        """Resolve an explicit source phrase (words first..last; ``span``: its exact offsets) to an entity."""
        stype, why = source_type(sent, first, last)
        nw = name_words(sent, first, last)
        number = _noun_number(sent, first, last)
        head = head_word(sent, first, last)
        role = strip_article(head.norm) if noun_type(head.norm).startswith("title") or \
            noun_type(head.norm) == "official" else ""
        roles = {strip_article(sent.words[i].norm) for i in range(first, last + 1)
                 if noun_type(sent.words[i].norm).startswith("title")}
        if nw and stype == "person":
            name = self.text[sent.words[nw[0]].ostart:sent.words[nw[1]].oend]
            key = tuple(normalize_name(name).split())
            for e in reversed(self.entities):
                if e.named and (e.key[-len(key):] == key or key[-len(e.key):] == e.key):
                    if len(key) > len(e.key):
                        e.name, e.key = name, key
                    e.roles |= roles
                    return Link(e, e.source_type, f"name «{name}» links to «{e.name}»")
            e = Entity(name, key, True, stype, gender, number, roles)
            self.entities.append(e)
            return Link(e, stype, f"new named source «{name}» ({why})")
        words_key = tuple(normalize_name(self.text[span[0]:span[1]] if span else
                                         self.text[sent.words[first].ostart:sent.words[last].oend]).split())
        if 0 < len(words_key) <= 2:
            for e in reversed(self.entities):
                if e.named and len(e.key) > len(words_key) and e.key[-len(words_key):] == words_key:
                    return Link(e, e.source_type, f"surname «{' '.join(words_key)}» links to «{e.name}»")
        if role:
            for e in reversed(self.entities):
                if role in e.roles and e.named:
                    return Link(e, e.source_type, f"role noun «{head.text}» refers back to «{e.name}»")
        span_text = self.text[span[0]:span[1]] if span else self.text[sent.words[first].ostart:sent.words[last].oend]
        key = tuple(strip_article(t) for t in normalize_name(span_text).split())
        for e in reversed(self.entities):
            if not e.named and e.key == key:
                return Link(e, e.source_type, f"same source as earlier «{e.name}»")
        e = Entity(span_text, key, False, stype, gender, number, roles)
        self.entities.append(e)
        return Link(e, stype, f"new source «{span_text}» ({why})")

    def _antecedent(self, sent: Sent, gender: str, number: str) -> Link:
        first_in_par = sent.index == 0 or self.sents[sent.index - 1].paragraph != sent.paragraph
        continuing = bool(sent.words) and (sent.words[0].norm in ("و", "ف") or sent.words[0].upos == "CCONJ")
        for si, e, g, n in reversed(self.history):
            prev = self.sents[si]
            if sent.index - si > MAX_SENTENCES_BACK or prev.docid != sent.docid:
                break
            if prev.paragraph != sent.paragraph:
                if not (first_in_par and continuing and prev.paragraph == sent.paragraph - 1):
                    break
            if _agree(g, gender) and _agree(n, number):
                return Link(e, e.source_type, f"dropped subject agrees with «{e.name}» "
                                              f"(sentence {si}, gender/number {g or '?'}{n or '?'})")
        return Link(None, "person", "dropped subject with no agreeing source in reach: left unresolved")

    def link(self, sent: Sent, frame: Frame, frames_here: list[tuple[Frame, Link]]) -> Link:
        """Link one frame; ``frames_here`` are the earlier frames of the same sentence."""
        if frame.impersonal:
            return Link(None, "author", "impersonal cue: the article's own voice")
        gender, number = _features(sent, frame)
        if frame.source_words:
            first, last = frame.source_words
            link = self._mention(sent, first, last, gender, frame.source_span)
            n = _noun_number(sent, first, last)
        elif frame.cue.kind == "participle":
            link = self._participle(sent, frame, frames_here, gender, number)
            n = number
        else:
            link = self._antecedent(sent, gender, number)
            n = number
        if link.entity is not None:
            if not link.entity.gender:
                link.entity.gender = gender
            self.history.append((sent.index, link.entity, link.entity.gender or gender, n or link.entity.number))
        return link

    def _participle(self, sent: Sent, frame: Frame, frames_here: list[tuple[Frame, Link]], gender: str,
                    number: str) -> Link:
        anchor = frame.anchor
        if anchor is not None:
            for f, lk in reversed(frames_here):
                if f.cue.first == anchor and lk.entity is not None:
                    return Link(lk.entity, lk.source_type, f"participle continues the claim of «{lk.entity.name}»")
            subj = _subject_of(sent, anchor)
            if subj is not None:
                link = self._mention(sent, subj[0], subj[1], gender)
                return Link(link.entity, link.source_type, "participle: subject of the verb it continues — "
                            + link.reason)
        for f, lk in reversed(frames_here):
            if lk.entity is not None:
                return Link(lk.entity, lk.source_type, f"participle continues «{lk.entity.name}»")
        return self._antecedent(sent, gender, number)


def _subject_of(sent: Sent, verb: int) -> tuple[int, int] | None:
    """Word range of the nsubj of ``verb`` (tree), cut at punctuation and clauses."""
    for w in sent.words:
        if w.head == verb and w.deprel == "nsubj" and w.upos not in ("PRON",):
            sub = sent.subtree(w.i)
            a = min(sub)
            b = a
            while b + 1 <= max(sub) and b + 1 in sub and not sent.words[b + 1].is_punct:
                b += 1
            while b + 1 < len(sent.words) and is_name_word(sent, sent.words[b + 1]):
                b += 1  # a name in apposition after the title (القائد العام للجيش الليبي خليفة حفتر)
            return a, b
    return None
