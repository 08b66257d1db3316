"""The persons and organisations of an article, as name keys: what the entity tagger says a
candidate speaker is.

What: :func:`article_entity_keys` collects the name key (``normalize_name`` words) of every
person and organisation span the tagger marked (``Word.ner``, see ``claimkit.ner``);
:func:`key_entity_type` says how those spans cover a candidate's name key: the key *is* an
entity (``PER``), an entity ends or sits inside it (``PER-in``: وزير الخارجية سيرغي لافروف),
or no entity touches it (``none``).

Why: a speaker candidate reaches the speaker decision as a name key (a linked entity, a
recent speaker, a titled mention); the tagger's view of those words is the strongest sign of
whether they can speak at all (أهمية، قطاع are never tagged).

Not handled: places (LOC) and other entities are not collected: a place speaks only as its
government, which the rules' lexicon types.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .normalize import normalize_name
from .source_types import entity_runs

if TYPE_CHECKING:
    from .treebank import Sent

#: Source types of the tagger's coarse entity types, as a candidate's starting guess (the type
#: decision learns the rest).
ENTITY_SOURCE_TYPES = {"PER": "person", "ORG": "organization"}


def article_entity_keys(text: str, sents: "list[Sent]") -> dict[tuple[str, ...], str]:
    """Name key → coarse type (``PER``/``ORG``) of every person or organisation the tagger found
    in the article; a key tagged with both types keeps the later one."""
    keys: dict[tuple[str, ...], str] = {}
    for sent in sents:
        for typ in ENTITY_SOURCE_TYPES:
            for a, b in entity_runs(sent, 0, len(sent.words) - 1, typ):
                key = tuple(normalize_name(text[sent.words[a].start:sent.words[b].end]).split())
                if key:
                    keys[key] = typ
    return keys


def article_fine_types(spans: list | None) -> dict[tuple[str, ...], str]:
    """Name key → the tagger's fine class (``Politician``, ``Government``, ``Media``…) of every
    entity span of the article (``ParsedDoc.entities``); spans without a fine class are left out."""
    out: dict[tuple[str, ...], str] = {}
    for e in spans or ():
        key = tuple(normalize_name(e.text).split())
        if key and e.fine_type:
            out[key] = e.fine_type
    return out


def key_fine_type(fine: dict[tuple[str, ...], str], key: tuple[str, ...]) -> str:
    """The fine class of the entity a name key is or ends with (a title before the name), or ""."""
    if key in fine:
        return fine[key]
    return next((f for k, f in fine.items() if len(k) < len(key) and key[-len(k):] == k), "")


def key_entity_type(known: dict[tuple[str, ...], str], key: tuple[str, ...]) -> str:
    """How the entities ``known`` (from :func:`article_entity_keys`) cover the name key ``key``:
    ``PER``/``ORG`` (it is one), ``PER-in``/``ORG-in`` (one ends it, else one is inside it), ``none``."""
    if not key:
        return "none"
    if key in known:
        return known[key]
    inside = "none"
    for k, typ in known.items():
        if len(k) < len(key):
            if key[-len(k):] == k:
                return f"{typ}-in"
            if any(key[i:i + len(k)] == k for i in range(len(key) - len(k))):
                inside = f"{typ}-in"
    return inside
