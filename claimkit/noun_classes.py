"""What kind of thing a noun names: a distribution over coarse WordNet classes.

What: :func:`noun_classes` gives the class distribution of a normalised lemma or word
(``{"person": 0.9, "act": 0.1}``) from ``data/noun_classes.tsv``; :func:`word_noun_classes`
does the same for a parsed :class:`~claimkit.treebank.Word`, trying its lemma, its form and
the form's likely bases; :func:`top_class` names the heaviest class.

Why: the speaker decision confuses abstract and place nouns (أهمية، حرص، عدم، الدستور، قطاع)
with speakers; whether a head noun names a person or a group is a strong *feature* for it.
The distribution is a feature, never a rule: the table is partial and sense-blind.

Method: the table (built by ``scripts/build_noun_classes.py --no-glosses`` from the Arabic
WordNet and WordNet 3.0 lexicographer classes, CC BY-SA 3.0; see its header) is keyed
by :func:`~claimkit.normalize.normalize_for_match`, so ة/ه and ى/ي are already folded. A word
is looked up by, in order: its lemma; its form; the form with an attached conjunction
(و ف), preposition (ب ل ك) and the article (ال، لل) removed; each of these with a possessive
pronoun removed (رئيستها → رئيسه) or with a sound plural (ون ين ات), dual (ان ين تان تين),
construct (مسؤولو، مسؤولي) or accusative-alef (خبيرا) ending taken back to the singular.
The UD ``Number`` feature gates the endings: a singular keeps its ون ين ات (فلسطين، قانون), and
the construct ي, which is also the nisba ending (عراقي، صحفي), is taken off only a plural or
dual. The first hit wins; every stripped base must keep three letters.

Not handled: broken plurals that the Arabic WordNet does not list (خبراء) are found only
through the lemma; no sense disambiguation (مدينة is place and group alike); words outside
the nominal parts of speech get None.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Iterator, Mapping

from .normalize import normalize_for_match, strip_possessive

if TYPE_CHECKING:
    from .treebank import Word

#: The classes of the table, in tie-breaking order.
CLASSES = ("person", "group", "place", "communication", "act", "attribute", "state", "other")
TABLE = "noun_classes.tsv"
#: Parts of speech whose words are looked up (names are X in PADT; nominal adjectives such as
#: المسؤول are often ADJ). An empty tag (an unparsed word) is looked up too.
NOMINAL_UPOS = frozenset({"NOUN", "PROPN", "X", "ADJ", ""})
MIN_BASE = 3

#: Attached conjunction, then preposition, then article: و/ف + ب/ل/ك + ال, or ل + ل (لل = ل + ال).
PREFIX_RE = re.compile("^(?P<conj>[وف])?(?P<prep>[بكل])?(?P<art>ال)?")
LL_RE = re.compile("^(?P<conj>[وف])?لل")
#: Plural, dual and construct endings → what replaces them to get the singular.
NUMBER_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("تان", ("ه",)), ("تين", ("ه",)),
    ("ون", ("",)), ("ين", ("",)), ("ان", ("",)), ("ات", ("ه", "")), ("و", ("",)),
)
#: The construct plural ي (مسؤولي) is also the nisba ending (عراقي، صحفي): only taken off when
#: the word is known to be plural or dual.
CONSTRUCT_YA: tuple[tuple[str, tuple[str, ...]], ...] = (("ي", ("",)),)
#: Accusative indefinite alef (خبيرا), whatever the number.
ACCUSATIVE: tuple[tuple[str, tuple[str, ...]], ...] = (("ا", ("",)),)
ENTRY_RE = re.compile(r"^(?P<cls>[a-z]+):(?P<w>[0-9.]+)$")


#: Lemma key → ((class, weight) pairs by descending weight, source).
Table = Mapping[str, tuple[tuple[tuple[str, float], ...], str]]


def parse_table(raw: str) -> Table:
    """Read the text of a noun-classes table (``#`` comments, tab-separated rows)."""
    out: dict[str, tuple[tuple[tuple[str, float], ...], str]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        pairs = []
        for item in cols[1].split():
            m = ENTRY_RE.match(item)
            if m:
                pairs.append((m["cls"], float(m["w"])))
        out[cols[0]] = (tuple(pairs), cols[2] if len(cols) > 2 else "")
    return out


@lru_cache(maxsize=1)
def load_table() -> Table:
    """The shipped table, read once per process."""
    return parse_table(resources.files("claimkit.data").joinpath(TABLE).read_text(encoding="utf-8"))


def noun_classes(form: str) -> dict[str, float] | None:
    """The class distribution of a lemma or word as it stands (normalised here too), or None."""
    hit = load_table().get(normalize_for_match(form))
    return dict(hit[0]) if hit else None


def noun_class_source(form: str) -> str | None:
    """Which source gave the entry of ``form``: ``awn``, ``gloss``, ``awn+gloss``, ``awn-pl``; or None."""
    hit = load_table().get(normalize_for_match(form))
    return hit[1] if hit else None


def _prefix_stripped(form: str) -> Iterator[str]:
    """``form`` without its attached conjunction, preposition and article, least stripped first."""
    m = PREFIX_RE.match(form)
    conj, prep, art = (len(m["conj"] or ""), len(m["prep"] or ""), len(m["art"] or ""))
    cuts = [conj, conj + prep, conj + prep + art]
    ll = LL_RE.match(form)
    if ll:
        cuts.append(ll.end())
    for cut in sorted(set(cuts)):
        if cut and len(form) - cut >= MIN_BASE:
            yield form[cut:]


def _endings(number: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The endings worth taking off a word of grammatical ``number`` (Sing, Dual, Plur or "")."""
    if number == "Sing":
        return ACCUSATIVE
    if number in ("Plur", "Dual"):
        return NUMBER_ENDINGS + CONSTRUCT_YA + ACCUSATIVE
    return NUMBER_ENDINGS + ACCUSATIVE


def _singulars(base: str, number: str) -> Iterator[str]:
    """``base`` with a possessive pronoun or a plural / dual / construct ending taken off."""
    owned = strip_possessive(base)
    if owned:
        yield owned
    for ending, replacements in _endings(number):
        if base.endswith(ending) and len(base) - len(ending) >= MIN_BASE:
            for rep in replacements:
                yield base[: -len(ending)] + rep


def candidate_forms(form: str, number: str = "") -> tuple[str, ...]:
    """The keys tried for a normalised surface form of grammatical ``number`` (the UD
    ``Number`` feature: Sing, Dual, Plur; "" when unknown), in order, without repeats."""
    bases = [form, *_prefix_stripped(form)]
    out: dict[str, None] = dict.fromkeys(bases)
    for base in bases:
        out.update(dict.fromkeys(_singulars(base, number)))
    return tuple(k for k in out if k)


def lookup(form: str, number: str = "", table: Table | None = None) -> dict[str, float] | None:
    """The distribution of the first candidate of a normalised form found in ``table`` (the
    shipped one by default), or None."""
    table = load_table() if table is None else table
    for key in candidate_forms(form, number):
        hit = table.get(key)
        if hit:
            return dict(hit[0])
    return None


def word_noun_classes(word: Word, table: Table | None = None) -> dict[str, float] | None:
    """The class distribution of a parsed word: by its lemma, else by its form and the form's
    bases (see the module docstring); None for a non-nominal word or one the table lacks."""
    if word.upos not in NOMINAL_UPOS:
        return None
    table = load_table() if table is None else table
    lemma = word.nlemma or normalize_for_match(word.lemma)
    if lemma in table:
        return dict(table[lemma][0])
    return lookup(word.norm or normalize_for_match(word.text), word.feats.get("Number", ""), table)


def top_class(dist: Mapping[str, float] | None) -> str:
    """The heaviest class of a distribution (ties go to the earlier of :data:`CLASSES`); "" for None."""
    if not dist:
        return ""
    return max(dist, key=lambda c: (dist[c], -CLASSES.index(c) if c in CLASSES else -len(CLASSES)))
