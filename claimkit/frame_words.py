"""The closed-class words and word lists that frames are built from, and the small tests on
orthographic units that both cue confirmation (``frames.py``) and source phrases
(``subjects.py``) use: complementizers, quotation marks, relative pronouns, finite verbs,
definite and possessed nouns, and the data-file word lists (time words, setting nouns,
performative objects, nouns of wishing, propositional nouns, fact prepositions).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import load_pairs, noun_type, strip_article, word_list
from .normalize import strip_conjunction, strip_possessive
from .treebank import Sent
from .units import Unit


#: Complementizer orthographic words (normalised): أن/إن with optional ب and pronoun.
COMP_RE = re.compile(r"^[وف]?ب?ان(ه|ها|هم|هما|هن|ني|نا|ك|كم)?$")

#: Words before أن that make it a temporal or purpose conjunction, not a complementizer (بعد أن).
NON_COMP_BEFORE = {"بعد", "قبل", "منذ", "رغم", "بالرغم", "حتي", "دون", "بدون", "بدلا", "لاجل", "كي", "ريثما", "الا",
                   "سبق"}   # سبق أن: "had previously"

#: Prepositions that may sit between a cue and its complementizer (شدد على أن، أشار إلى أن).
COMP_PREPS = {"على", "علي", "الى", "الي", "من", "ب"}

OPEN_QUOTES = '"“«„‘\''

CLOSE_QUOTES = '"”»“’\''

STOP_PUNCT = {".", "!", "؟", "?", ";", "؛"}

COMMAS = {",", "،"}

RELATIVES = {"الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي", "اللاتي", "اللايي", "اللذان", "اللتان"}

PRONOUN_SUBJECTS = {"هو", "هي", "هم", "هما", "هن"}

@lru_cache(maxsize=1)
def temporal_words() -> frozenset[str]:
    return frozenset(strip_article(w) for w in word_list("temporal.txt"))

@lru_cache(maxsize=1)
def context_nouns() -> frozenset[str]:
    return frozenset(word_list("context_nouns.txt"))

@lru_cache(maxsize=1)
def propositional_nouns() -> frozenset[str]:
    return frozenset(strip_article(w) for w in word_list("propositional_nouns.txt"))

@lru_cache(maxsize=1)
def fact_prepositions() -> dict[str, str]:
    """Cue lemma → the preposition that introduces its fact (``data/fact_prepositions.tsv``)."""
    return {lemma: prep for lemma, prep in load_pairs("fact_prepositions.tsv")}

@lru_cache(maxsize=1)
def non_report_nouns() -> frozenset[str]:
    return frozenset(strip_article(w) for w in word_list("non_report_nouns.txt"))

@lru_cache(maxsize=1)
def performatives() -> frozenset[str]:
    return frozenset(strip_article(w) for w in word_list("performatives.txt"))

def has_finite_verb(sent: Sent, u: Unit) -> bool:
    return any(sent.words[i].upos == "VERB" and sent.words[i].feat("VerbForm") not in ("Part", "Ger")
               for i in range(u.first, u.last + 1))

def sentence_end(units: list[Unit], k: int) -> int:
    """Index of the unit that ends the sentence's clause material starting at ``k``."""
    j = k
    while j < len(units) and not (units[j].punct and units[j].norm in STOP_PUNCT and j > k):
        j += 1
    return j

def trim(units: list[Unit], a: int, b: int) -> tuple[int, int] | None:
    """Unit range [a, b) without leading/trailing punctuation (quotes handled by the caller)."""
    while a < b and units[a].punct and units[a].norm not in OPEN_QUOTES:
        a += 1
    while b > a and units[b - 1].punct and units[b - 1].norm not in CLOSE_QUOTES:
        b -= 1
    return (a, b) if a < b else None

def noun_forms(norm: str) -> set[str]:
    """A noun's look-up forms: without the article, a conjunction, an attached pronoun (دعوته → دعوه)."""
    forms = {strip_article(norm), strip_article(strip_conjunction(norm))}
    return forms | {b for w in forms if (b := strip_possessive(w)) is not None}

def possessed_noun(sent: Sent, u: Unit) -> bool:
    """A noun with an attached possessive pronoun (كلمته، رده، سؤاله)."""
    ws = [sent.words[i] for i in range(u.first, u.last + 1)]
    return len(ws) >= 2 and ws[0].upos == "NOUN" and ws[-1].upos == "PRON"

def definite_noun(sent: Sent, u: Unit) -> bool:
    w = sent.words[u.first]
    return not u.punct and u.first == u.last and u.norm.startswith("ال") and w.upos == "NOUN" \
        and w.feat("Definite") in ("Def", "")

def title_unit(u: Unit) -> bool:
    t = noun_type(u.norm)
    return t.startswith("title") or t == "official"
