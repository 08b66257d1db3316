"""Stage 3: link every claim to an entity across the article (a discourse speaker model).

Rules (ANNOTATION.md "Linking sources across the article"), applied in text order; every
decision carries its reason, which ``Claim.explain()`` shows:

1. **Names.** A source with a personal name creates or joins the entity whose name
   ends with the same words: "مولوتكوف" and "أبو زيد" join "إيفان مولوتكوف" and
   "أحمد أبو زيد". Titled names written anywhere in the article (``mentions.py``), claims
   or not, supply the fullest name. The entity's display name is the fullest name seen.
2. **Role nouns.** A definite source headed by a title without a name (السفير، وزير الخارجية،
   الرئيس الموريتاني) refers to the nearest earlier person introduced with that title —
   as a claim's source or anywhere in the text — else to one named within the next
   :data:`FORWARD_SENTENCES` sentences ("An indefinite first mention named later links forward").
3. **Groups and definite anaphora.** Other sources join an earlier entity with the same words
   once the article ال is ignored ("مراقبون" / "المراقبون"), and a definite bare noun joins the
   nearest earlier unnamed source with the same head ("المصدر" → "مصدر رسمي", "المصادر" →
   "مصادر حزب الله").
4. **Participles** (مشددا، متهما) take the speaker of the claim they close: the claim whose
   cue is their verb, or whose content holds that verb; a participle after a non-reporting
   verb takes that verb's subject ("رفض المدرب الحديث…، مشيرا إلى أن").
5. **Dropped and pronoun subjects** (وتابع أنه…، لكنه أوضح) take, nearest first: the subject of
   an earlier verb of the same sentence ("تحدث الدكتور فلان وقال إن…"); the current speaker —
   the most recent claim whose source agrees in gender and number, within
   :data:`MAX_SENTENCES_BACK` sentences (into the previous paragraph when the sentence opens
   with و/ف/ثم); or the subject of the previous sentence's main verb when that
   sentence has no claim ("تحدث الوزير في المؤتمر عن الخطة. وأكد أن…"). A ``# newdoc`` is
   never crossed.
6. Claims nested inside another claim's content ("وأوضح أن المكتب أكد أن…") are the
   speaker's report of someone else: they never become the current speaker.
7. Impersonal cues have no entity (the article's own voice).

Gender comes from the cue verb's agreement (a verb before its subject agrees in
gender), number from the source's head noun (the verb stays singular before a
plural subject; a plural that is not a masculine sound plural takes a feminine
singular verb: وقالت المصادر). Unknown features agree with anything.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .entity_names import article_entity_keys, article_fine_types
from .frame_words import RELATIVES
from .frames import Frame
from .lexicon import noun_type, strip_article
from .mentions import descriptor, find_mentions, is_title, role_matches, stem
from .normalize import normalize_name, strip_conjunction
from .source_types import entity_label, head_word, is_name_word, name_scope, name_words, source_type
from .treebank import Sent

#: How many sentences back a dropped subject may find its antecedent.
MAX_SENTENCES_BACK = 4
#: How many sentences ahead a title without a name may find the name it is given (rule 2).
FORWARD_SENTENCES = 3


@dataclass
class Entity:
    """A source entity: display name, name words, roles, type and agreement features."""

    name: str
    key: tuple[str, ...]
    named: bool
    source_type: str
    gender: str = ""
    number: str = ""
    roles: set[str] = field(default_factory=set)   # title stems it was introduced with (mentions.descriptor)
    possessed: bool = False


@dataclass
class Turn:
    """One step of the speaker history: who spoke (or was the main subject) where."""

    sentence: int
    position: int        # word index of the cue or subject
    entity: Entity
    gender: str
    number: str
    kind: str            # "claim" or "subject"


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
    """Links frames to entities in text order; keeps the entities and the speaker history of one document."""

    def __init__(self, text: str, sents: list[Sent], entity_spans: list | None = None):
        self.text = text
        self.sents = sents
        self.entity_spans = entity_spans   # the tagger's spans (``ParsedDoc.entities``), for fine classes
        self.entities: list[Entity] = []
        self.history: list[Turn] = []
        self.mentions = find_mentions(text, sents)   # in sentence order (mentions_near bisects on it)
        self._mention_sentences = [m.sentence for m in self.mentions]
        self._turn_counts: tuple[int, dict[int, int]] | None = None
        self._entity_keys: dict[tuple[str, ...], str] | None = None
        self._fine_types: dict[tuple[str, ...], str] | None = None

    @property
    def fine_types(self) -> dict[tuple[str, ...], str]:
        """The tagger's fine classes of the article's entities by name key (computed once)."""
        if self._fine_types is None:
            self._fine_types = article_fine_types(self.entity_spans)
        return self._fine_types

    @property
    def entity_keys(self) -> dict[tuple[str, ...], str]:
        """The tagger's persons and organisations of the article as name keys (computed once)."""
        if self._entity_keys is None:
            self._entity_keys = article_entity_keys(self.text, self.sents)
        return self._entity_keys

    def turns_of(self, entity: Entity) -> int:
        """How many turns of the speaker history this entity has (its salience), counted once per
        history length so that asking for every claim stays linear in the article's length."""
        if self._turn_counts is None or self._turn_counts[0] != len(self.history):
            counts: dict[int, int] = {}
            for t in self.history:
                counts[id(t.entity)] = counts.get(id(t.entity), 0) + 1
            self._turn_counts = (len(self.history), counts)
        return self._turn_counts[1].get(id(entity), 0)

    def mentions_near(self, sentence: int, back: int, ahead: int) -> list:
        """The titled mentions of sentences ``sentence - back`` … ``sentence + ahead`` (mentions are in
        text order, so this is a bisection, not a scan of the article)."""
        lo = bisect_left(self._mention_sentences, sentence - back)
        hi = bisect_right(self._mention_sentences, sentence + ahead)
        return self.mentions[lo:hi]

    def entity_for_key(self, key: tuple[str, ...]) -> Entity | None:
        """The entity a name key refers to once the article is linked: a named entity whose name
        ends with ``key`` (or that ``key`` extends), else an unnamed one with the same words."""
        if not key:
            return None
        return self._named_entity(key) or self._unnamed_entity(tuple(strip_article(t) for t in key))

    def _named_entity(self, key: tuple[str, ...]) -> Entity | None:
        """The latest named entity whose name ends with ``key`` or that ``key`` extends (rule 1)."""
        for e in reversed(self.entities):
            if e.named and (e.key[-len(key):] == key or key[-len(e.key):] == e.key):
                return e
        return None

    def _unnamed_entity(self, key: tuple[str, ...]) -> Entity | None:
        """The latest unnamed entity whose words (article dropped) are ``key`` (rule 3)."""
        for e in reversed(self.entities):
            if not e.named and e.key == key:
                return e
        return None

    # -- explicit sources -------------------------------------------------------------
    def _named(self, name: str, key: tuple[str, ...], roles: set[str], possessed: bool, stype: str,
               gender: str, number: str, sentence: int) -> tuple[Entity, str]:
        """The entity of a personal name: an earlier entity whose name ends with the same words,
        else a new one; its name becomes the nearest fuller titled mention up to this sentence
        (news gives the full name first) whose title fits."""
        earlier = [m for m in self.mentions if m.sentence <= sentence]
        for m in sorted(earlier, key=lambda m: sentence - m.sentence):
            if len(m.key) > len(key) and m.key[-len(key):] == key and (not roles or roles & m.descriptor):
                # a title written with this name must fit the titled mention (الرئيس كلينتون ≠ المرشح … كلينتون)
                name, key = m.name, m.key
                roles = roles | m.descriptor
                possessed = possessed or m.possessed
                break
        e = self._named_entity(key)
        if e is not None:
            if len(key) > len(e.key):
                e.name, e.key = name, key
            e.roles |= roles
            e.possessed = e.possessed or possessed
            return e, f"name «{name}» links to «{e.name}»"
        e = Entity(name, key, True, stype, gender, number, set(roles), possessed)
        self.entities.append(e)
        return e, f"new named source «{name}»"

    def _role_referent(self, sent: Sent, role: frozenset[str], head: str) -> tuple[Entity, str] | None:
        """Rule 2: the named person a definite title refers to."""
        for e in reversed(self.entities):
            if e.named and role_matches(role, head, frozenset(e.roles), e.possessed, e.key):
                return e, f"role «{' '.join(sorted(role))}» refers back to «{e.name}»"
        before = [m for m in self.mentions if m.sentence <= sent.index]
        after = [m for m in self.mentions if sent.index < m.sentence <= sent.index + FORWARD_SENTENCES]
        for m, how in [(m, "refers back to") for m in reversed(before)] + [(m, "is named later as") for m in after]:
            if self.sents[m.sentence].docid != sent.docid or not role_matches(role, head, m.descriptor, m.possessed, m.key):
                continue
            e, _ = self._named(m.name, m.key, set(m.descriptor), m.possessed, "person", "", "", m.sentence)
            return e, f"role «{' '.join(sorted(role))}» {how} «{e.name}» (titled mention, sentence {m.sentence})"
        return None

    def _mention(self, sent: Sent, first: int, last: int, gender: str,
                 span: tuple[int, int] | None = None) -> Link:
        """Resolve an explicit source phrase (words first..last; ``span``: its exact offsets) to an entity."""
        stype, why = source_type(sent, first, last)
        nw = name_words(sent, first, last)
        number = _noun_number(sent, first, last)
        head = head_word(sent, first, last)
        scope = name_scope(sent, first, last)   # titles, like names, stop before a relative clause
        roles, possessed = descriptor(sent, first, scope)
        if nw and stype == "person":
            name = self.text[sent.words[nw[0]].ostart:sent.words[nw[1]].oend]
            key = tuple(normalize_name(name).split())
            e, reason = self._named(name, key, set(roles), possessed, stype, gender, number, sent.index)
            return Link(e, e.source_type, f"{reason} ({why})")
        span_text = self.text[span[0]:span[1]] if span else self.text[sent.words[first].ostart:sent.words[last].oend]
        words_key = tuple(normalize_name(span_text).split())
        if 0 < len(words_key) <= 2:
            for e in reversed(self.entities):
                if e.named and len(e.key) > len(words_key) and e.key[-len(words_key):] == words_key:
                    return Link(e, e.source_type, f"surname «{' '.join(words_key)}» links to «{e.name}»")
            for m in reversed([m for m in self.mentions if m.sentence <= sent.index]):
                if len(m.key) > len(words_key) and m.key[-len(words_key):] == words_key:
                    e, reason = self._named(m.name, m.key, set(m.descriptor), m.possessed, "person", gender,
                                            number, m.sentence)
                    return Link(e, e.source_type, f"surname «{' '.join(words_key)}»: {reason}")
        head_stem = stem(head.norm)[0]
        if is_title(head.norm) and _definite(sent, head.i):
            found = self._role_referent(sent, roles, head_stem)
            if found:
                return Link(found[0], found[0].source_type, found[1])
        key = tuple(strip_article(t) for t in normalize_name(span_text).split())
        e = self._unnamed_entity(key)
        if e is not None:
            return Link(e, e.source_type, f"same source as earlier «{e.name}»")
        if _definite(sent, head.i) and len(key) <= 2:
            for e in reversed(self.entities):
                if not e.named and e.key and e.key[0] == key[0] and set(key) <= set(e.key):
                    return Link(e, e.source_type, f"definite «{span_text}» refers back to «{e.name}»")
        e = Entity(span_text, key, False, stype, gender, number, set(roles), possessed)
        self.entities.append(e)
        return Link(e, stype, f"new source «{span_text}» ({why})")

    # -- the current speaker ------------------------------------------------------------
    def _in_reach(self, sent: Sent, si: int) -> bool:
        """Sentence ``si`` may hold the antecedent of a dropped subject in ``sent``: at most
        :data:`MAX_SENTENCES_BACK` sentences back, in the same document, in the same paragraph or
        in the paragraph just before when ``sent`` opens with a continuing conjunction (و/ف/ثم):
        "وأضاف" opening a paragraph continues the speaker above. (Paragraphs are separated by a
        blank line; a single line break only ends a sentence.)"""
        if sent.index - si > MAX_SENTENCES_BACK:
            return False
        return self.same_discourse(sent, si)

    def same_discourse(self, sent: Sent, si: int) -> bool:
        """Sentence ``si`` (earlier) is in the same document and paragraph as ``sent``, or in the
        paragraph just before it when ``sent`` opens with و/ف/ثم (the reach of rule 5, without its
        sentence limit)."""
        prev = self.sents[si]
        if prev.docid != sent.docid:
            return False
        if prev.paragraph == sent.paragraph:
            return True
        opener = sent.words[0] if sent.words else None
        return prev.paragraph == sent.paragraph - 1 and opener is not None and \
            (opener.norm in ("و", "ف", "ثم") or opener.upos == "CCONJ")

    def _antecedent(self, sent: Sent, gender: str, number: str, before: int,
                    frames_here: list[tuple[Frame, Link]] = ()) -> Link:
        """Rule 5 for a dropped subject whose cue is word ``before`` of ``sent``; ``frames_here``:
        the earlier claims of the sentence, whose contents hold no speaker for it."""
        local = self._earlier_subject(sent, before, gender, number, frames_here)
        for t in reversed(self.history):
            if local is not None and (t.sentence < sent.index or t.position < local[0]):
                break   # an earlier verb's subject of this sentence is nearer than that claim
            if not self._in_reach(sent, t.sentence):
                break
            if t.kind == "subject" and t.sentence != sent.index - 1:
                continue
            if _agree(t.gender, gender) and _agree_number(t.number, number, gender, t.entity):
                what = "claim" if t.kind == "claim" else "main-verb subject"
                return Link(t.entity, t.entity.source_type,
                            f"dropped subject continues the current speaker «{t.entity.name}» ({what} "
                            f"in sentence {t.sentence}, gender/number {t.gender or '?'}{t.number or '?'})")
        if local is not None:
            link = self._mention(sent, local[0], local[1], gender)
            return Link(link.entity, link.source_type, "dropped subject: the subject of an earlier verb of "
                        "the same sentence — " + link.reason)
        return Link(None, "person", "dropped subject with no agreeing source in reach: left unresolved")

    def _earlier_subject(self, sent: Sent, before: int, gender: str, number: str,
                         frames_here: list[tuple[Frame, Link]] = ()) -> tuple[int, int] | None:
        """Nearest source-like subject of a verb before word ``before`` of the same sentence; a verb
        inside an earlier claim's content is the reported speaker's, not the narrator's: its subject
        (العلماء in "قال حجي إن العلماء سيجربون…، وأوضح أن…") never speaks for a later cue."""
        contents = [f.content_span for f, _ in frames_here]
        for v in range(before - 1, -1, -1):
            w = sent.words[v]
            if w.upos not in ("VERB", "AUX") or w.feat("VerbForm") in ("Part", "Ger"):
                continue
            if any(a <= w.start < b for a, b in contents):
                continue
            subj = _subject_of(sent, v)
            if subj is not None and _source_like(sent, *subj):
                g = {"Masc": "M", "Fem": "F"}.get(w.feat("Gender"), "")
                if _agree(g, gender):
                    return subj
        return None

    def note_sentence(self, sent: Sent, had_claim: bool) -> None:
        """After a sentence: with no claim, its main verb's subject may be the next dropped subject's speaker."""
        if had_claim:
            return
        root = next((w for w in sent.words if w.head == -1), None)
        if root is None or root.upos not in ("VERB", "AUX"):
            return
        subj = _subject_of(sent, root.i)
        if subj is None or not _source_like(sent, *subj):
            return
        link = self._mention(sent, subj[0], subj[1], {"Masc": "M", "Fem": "F"}.get(root.feat("Gender"), ""))
        if link.entity is not None:
            self.history.append(Turn(sent.index, subj[0], link.entity, link.entity.gender,
                                     _noun_number(sent, *subj) or link.entity.number, "subject"))

    def link(self, sent: Sent, frame: Frame, frames_here: list[tuple[Frame, Link]], nested: bool = False) -> Link:
        """Link one frame; ``frames_here`` are the earlier frames of the same sentence; a ``nested``
        frame (inside another claim's content) is linked but does not become the current speaker."""
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
        elif (rel := relative_antecedent(sent, frame.cue.first)) is not None:
            link = self._mention(sent, rel[0], rel[1], gender)
            link = Link(link.entity, link.source_type,
                        "the cue opens a relative clause: its speaker is the noun the relative pronoun "
                        "refers to — " + link.reason)
            n = _noun_number(sent, *rel) or number
        else:
            link = self._antecedent(sent, gender, number, frame.cue.first, frames_here)
            n = number
        if link.entity is not None:
            if not link.entity.gender:
                link.entity.gender = gender
            if not nested:
                self.history.append(Turn(sent.index, frame.cue.first, link.entity, link.entity.gender or gender,
                                         n or link.entity.number, "claim"))
        return link

    def _participle(self, sent: Sent, frame: Frame, frames_here: list[tuple[Frame, Link]], gender: str,
                    number: str) -> Link:
        """Rule 4."""
        anchor = frame.anchor
        if anchor is not None:
            for f, lk in reversed(frames_here):
                if f.cue.first == anchor and lk.entity is not None:
                    return Link(lk.entity, lk.source_type, f"participle continues the claim of «{lk.entity.name}»")
            a = sent.words[anchor]
            for f, lk in frames_here:
                if lk.entity is not None and f.content_span[0] <= a.start < f.content_span[1]:
                    return Link(lk.entity, lk.source_type, f"participle closes the claim of «{lk.entity.name}» "
                                "(its verb lies in that claim's content)")
            subj = _subject_of(sent, anchor) or self._earlier_subject(sent, frame.cue.first, gender, number,
                                                                      frames_here)
            if subj is not None and _source_like(sent, *subj):
                link = self._mention(sent, subj[0], subj[1], gender)
                return Link(link.entity, link.source_type, "participle: subject of the verb it continues — "
                            + link.reason)
        for f, lk in reversed(frames_here):
            if lk.entity is not None:
                return Link(lk.entity, lk.source_type, f"participle continues «{lk.entity.name}»")
        return self._antecedent(sent, gender, number, frame.cue.first, frames_here)


def _agree_number(entity_number: str, verb_number: str, verb_gender: str, entity: Entity) -> bool:
    """Number agreement, with the feminine singular verb of plurals that are not masculine sound
    plurals (وقالت المصادر، وأشارت الكتائب)."""
    if _agree(entity_number, verb_number):
        return True
    return entity_number == "P" and verb_number == "S" and verb_gender == "F" and \
        not entity.key[-1:][0].endswith(("ون", "ين")) if entity.key else False


def _definite(sent: Sent, i: int) -> bool:
    """Is the noun at ``i`` definite: with ال, a possessive, or a construct chain ending in a definite noun?"""
    w = sent.words[i]
    if w.norm.startswith("ال") or stem(w.norm)[1]:
        return True
    for nxt in sent.words[i + 1:i + 5]:   # a construct chain ending in a definite noun: متحدث مجلس الوزراء
        if nxt.upos not in ("NOUN", "PROPN", "X"):
            return False
        if nxt.norm.startswith("ال"):
            return True
    return False


#: How many words back a relative pronoun's antecedent phrase may reach.
RELATIVE_REACH = 6


def relative_antecedent(sent: Sent, cue: int) -> tuple[int, int] | None:
    """The noun phrase a relative pronoun right before the cue refers to ("عصام حجي (٢٥ عاما) الذي
    قال …", "الوزير الذي أكد …"): the speaker of a cue that opens a relative clause, when it can speak.

    The phrase ends at the last noun before the pronoun (a parenthesised aside and commas between
    them are skipped) and runs back over the name words and nouns of the same phrase (at most
    :data:`RELATIVE_REACH` words); it must be source-like (``_source_like``) or a tagged person or
    organisation. Not handled: a relative pronoun far from its antecedent (after a prepositional
    phrase: "الوزير في الحكومة الذي…" takes the phrase's last noun, which rarely can speak).
    """
    k = cue - 1
    while k >= 0 and sent.words[k].norm in ("قد", "لقد"):
        k -= 1
    if k < 1 or strip_conjunction(sent.words[k].norm) not in RELATIVES:
        return None
    j = k - 1
    depth = 0
    while j >= 0:   # skip an aside in parentheses and commas: عصام حجي (٢٥ عاما) الذي
        t = sent.words[j].text
        if t == ")":
            depth += 1
        elif t == "(":
            depth -= 1
        elif depth == 0 and t not in ("،", ","):
            break
        j -= 1
    if j < 0 or sent.words[j].upos not in ("NOUN", "PROPN", "X", "ADJ"):
        return None
    last = j
    first = j
    while first - 1 >= max(0, last - RELATIVE_REACH + 1):
        w = sent.words[first - 1]
        if w.is_punct or w.upos not in ("NOUN", "PROPN", "X", "ADJ"):
            break
        first -= 1
    if not (_source_like(sent, first, last) or any(entity_label(sent.words[i]) in ("PER", "ORG")
                                                   for i in range(first, last + 1))):
        return None
    return first, last


def _source_like(sent: Sent, first: int, last: int) -> bool:
    """Can the phrase speak: a lexicon source noun or a tagged proper name at its head?"""
    head = head_word(sent, first, last)
    t = noun_type(head.norm) or noun_type(head.onorm)
    return bool(t and t != "quantifier") or head.upos in ("PROPN", "X")


#: Prepositions that a reporting verb governs (شدد على، أشار إلى، كشف عن): a subject stops before them.
VERB_PREPS = {"على", "علي", "الى", "الي", "عن"}


def _subject_of(sent: Sent, verb: int) -> tuple[int, int] | None:
    """Word range of the nsubj of ``verb`` (tree), cut at punctuation, clauses and the
    prepositions a verb governs (the tree may hang "على ضرورة…" under the subject)."""
    for w in sent.words:
        if w.head == verb and w.deprel in ("nsubj", "nsubj:pass") and w.upos not in ("PRON",):
            sub = sent.subtree(w.i)
            a = min(sub)
            b = a
            while b + 1 <= max(sub) and b + 1 in sub and not sent.words[b + 1].is_punct \
                    and sent.words[b + 1].norm not in VERB_PREPS:
                b += 1
            while b + 1 < len(sent.words) and is_name_word(sent, sent.words[b + 1]):
                b += 1  # a name in apposition after the title (القائد العام للجيش الليبي خليفة حفتر)
            return a, b
    return None
