"""Who can speak in an article under review: the names a reviewer picks from, and what a picked name brings.

A correction of a claim's speaker must save exactly what the reviewer chose: the new
entity, the names that article uses for that entity (its ``entity_aliases``), a source span
only when it names that entity, and a source type that follows the entity. This module
answers those questions for :class:`claimkit.review.Review`:

- :func:`article_names`: the personal names the article writes, cleaned for a chooser
  (``mentions.find_mentions`` reads a title window, which can cut a name the tokenizer split,
  "نيكولاي ب|اتروشيف", or glue the next noun onto it, "أحمد أبو زيد دعم"), plus runs of
  two or more words the tagger marked as names that no title introduces;
- :class:`Speakers`: the chooser's list (the machine's speakers first, in text order, then
  the other names), and for any entity its aliases in the article, whether a source phrase
  names it, and its source type (the type its other claims have, else the type the source
  rules give the words that name it);
- :func:`without_channel`: a proposed source with the channel it spoke to cut off
  ("السفير لوكالة نوفوستي" → "السفير").

Not handled: a typed name the article never writes gets no aliases but itself and no type
of its own (the claim keeps its type); nicknames and transliteration variants are not found.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from .lexicon import strip_article
from .normalize import normalize_name
from .treebank import Sent

#: Tags of words that may be part of a personal name.
NAME_TAGS = ("X", "PROPN")
#: Tags of words that end a name (a verb, a particle, a conjunction, a pronoun).
NOT_NAME_TAGS = ("VERB", "AUX", "SCONJ", "CCONJ", "PRON", "DET", "PART", "PUNCT", "NUM")
#: Nouns of the channel a speaker spoke *to* (لوكالة، لقناة، لصحيفة): not part of the speaker.
CHANNEL_NOUNS = frozenset(strip_article(normalize_name(w)) for w in (
    "وكالة", "قناة", "صحيفة", "جريدة", "إذاعة", "تلفزيون", "موقع", "مجلة", "شبكة", "راديو", "وكالات"))
#: Words that make one surname with the next word (أبو زيد، بن علي، عبد الله): that word alone is no alias.
SURNAME_LINKS = frozenset(normalize_name(w) for w in ("أبو", "بن", "ابن", "عبد", "آل", "أبي", "بنت"))
#: Shortest surname counted as a mention on its own (shorter ones match inside other words).
MIN_SURNAME = 3


@dataclass(frozen=True)
class Found:
    """A name written in the article: the text, and the words of the parse that hold it."""

    name: str
    sentence: int
    first: int
    last: int


def _word_after(text: str, end: int) -> tuple[int, int] | None:
    """The whitespace-delimited word right after ``end`` (one space between), without trailing punctuation."""
    if end >= len(text) or text[end] != " ":
        return None
    a = end + 1
    b = a
    while b < len(text) and not text[b].isspace():
        b += 1
    while b > a and not text[b - 1].isalpha():
        b -= 1
    return (a, b) if b > a else None


def _complete(text: str, sent: Sent, first: int, last: int) -> tuple[int, int]:
    """A one-word name extended by the next written word when the parse split that word
    ("نيكولاي ب|اتروشيف": a preposition the tagger cut off a surname) and it is not a verb or particle."""
    if first != last:
        return first, last
    nxt = _word_after(text, sent.words[last].end)
    if nxt is None:
        return first, last
    inside = [k for k in range(last + 1, len(sent.words)) if sent.words[k].start < nxt[1]]
    if len(inside) < 2 or sent.words[inside[-1]].upos in NOT_NAME_TAGS:
        return first, last
    return first, inside[-1]


def _tagged_runs(sent: Sent) -> Iterable[tuple[int, int]]:
    """Runs of two or more consecutive words the tagger marked as names."""
    k = 0
    while k < len(sent.words):
        if sent.words[k].upos in NAME_TAGS and sent.words[k].text.isalpha():
            j = k
            while j + 1 < len(sent.words) and sent.words[j + 1].upos in NAME_TAGS and sent.words[j + 1].text.isalpha():
                j += 1
            if j > k:
                yield k, j
            k = j + 1
        else:
            k += 1


def article_names(text: str, sents: Sequence[Sent]) -> list[Found]:
    """The personal names the article writes (see the module docstring), in text order, one per spelling."""
    from .mentions import find_mentions

    spans = []
    for m in find_mentions(text, sents):
        first, last = _complete(text, sents[m.sentence], m.first, m.last)
        spans.append((m.sentence, first, last))
    covered = {(s, k) for s, a, b in spans for k in range(a, b + 1)}
    for s, sent in enumerate(sents):
        for a, b in _tagged_runs(sent):
            if not any((s, k) in covered for k in range(a, b + 1)):
                spans.append((s, a, b))
    out: dict[str, Found] = {}
    for s, a, b in sorted(spans, key=lambda t: sents[t[0]].words[t[1]].start):
        name = text[sents[s].words[a].start:sents[s].words[b].end]
        out.setdefault(" ".join(name.split()), Found(" ".join(name.split()), s, a, b))
    return list(out.values())


def without_channel(name: str) -> str:
    """``name`` cut before a channel it was said to ("السفير لوكالة نوفوستي" → "السفير"); unchanged otherwise."""
    words = name.split()
    for k, w in enumerate(words[1:], 1):
        key = normalize_name(w)
        if key.startswith("ل") and strip_article(key[1:]) in CHANNEL_NOUNS:
            return " ".join(words[:k])
    return name


def _contains(haystack: str, needle: str) -> bool:
    """Does normalised ``haystack`` hold normalised ``needle`` as whole words?"""
    h, n = f" {normalize_name(haystack)} ", f" {normalize_name(needle)} "
    return len(n.strip()) >= MIN_SURNAME and n in h


class Speakers:
    """The speakers of one article: the chooser's list and what an entity brings to a claim.

    ``text``, ``sents``: the article and its parse; ``machine``: the machine's gold records
    (their entities, aliases and types are what the machine knew about each speaker).
    """

    def __init__(self, text: str, sents: Sequence[Sent], machine: Sequence[Mapping[str, Any]]):
        self.text = text
        self.sents = sents
        self.machine = list(machine)
        entities = [r["entity"] for r in self.machine if r.get("entity")]
        known = {normalize_name(a) for r in self.machine for a in r.get("entity_aliases") or []}
        self.found: list[Found] = []
        for f in article_names(text, sents):
            key = normalize_name(f.name)
            # a name that is a machine speaker with a word glued on ("أحمد أبو زيد دعم") is that speaker,
            # and one of its aliases ("أبو زيد") is not another speaker
            if key in known - {normalize_name(e) for e in entities} or \
                    any(key != normalize_name(e) and key.startswith(normalize_name(e) + " ") for e in entities):
                continue
            self.found.append(f)
        self.machine_entities = list(dict.fromkeys(entities))

    def choices(self, claims: Iterable[Mapping[str, Any]] = ()) -> list[str]:
        """Entity names to choose from: the machine's speakers, then the speakers given by hand,
        then every other name the article writes, in order of first appearance, one per spelling."""
        names = self.machine_entities + [c["entity"] for c in claims if c.get("entity")] + \
            [f.name for f in self.found]
        seen, out = set(), []
        for n in names:
            key = normalize_name(n)
            if key and key not in seen:
                seen.add(key)
                out.append(n)
        return out

    def aliases(self, entity: str) -> list[str]:
        """The names the article uses for ``entity``: the entity, the aliases the machine gave
        it, and its surname where the article writes the surname alone."""
        if not entity:
            return []
        out = [entity]
        key = normalize_name(entity)
        for r in self.machine:
            if normalize_name(r.get("entity") or "") == key:
                out += [a for a in r.get("entity_aliases") or [] if a]
        words = entity.split()
        if len(words) >= 2 and len(words[-1]) >= MIN_SURNAME and normalize_name(words[-2]) not in SURNAME_LINKS \
                and self.type_of(entity) == "person" and _contains(self.text, words[-1]):
            out.append(words[-1])
        return list(dict.fromkeys(out))

    def names(self, phrase: str, entity: str) -> bool:
        """Does the source ``phrase`` name ``entity`` (holds one of its aliases as whole words)?"""
        return bool(phrase and entity) and any(_contains(phrase, a) for a in self.aliases(entity))

    def type_of(self, entity: str, claims: Iterable[Mapping[str, Any]] = ()) -> str | None:
        """The source type ``entity`` has: the commonest among ``claims`` that have it, else the
        machine's, else what the source rules say of the words naming it in the article; None
        when the article never writes it."""
        key = normalize_name(entity)
        if not key:
            return "author"
        for records in (list(claims), self.machine):
            types = Counter(r.get("source_type") for r in records
                            if normalize_name(r.get("entity") or "") == key and r.get("source_type"))
            if types:
                return types.most_common(1)[0][0]
        from .source_types import source_type

        for f in self.found:
            if normalize_name(f.name) == key:
                return source_type(self.sents[f.sentence], f.first, f.last)[0]
        return None

    def resolve(self, name: str) -> str:
        """A proposed speaker name as the entity it refers to: a machine speaker whose aliases hold it, else itself."""
        key = normalize_name(name)
        for r in self.machine:
            if key and any(normalize_name(a) == key for a in [r.get("entity") or ""] + list(r.get("entity_aliases") or [])):
                return r["entity"]
        return name
