"""Loading claimkit's lexicons from ``claimkit/data`` (one data file per lexicon).

* ``cues.tsv``: reporting verbs with class, frames and generated surface forms;
* ``source_phrases.tsv``: "according to" phrases;
* ``impersonal.tsv``: impersonal reporting phrases (يذكر أن، من المعروف أن);
* ``document_phrases.tsv``: "it is stated in" phrases whose source is a document (جاء في، ورد فيه);
* ``hedges.tsv``: hedges and boosters;
* ``source_nouns.tsv``: head nouns that type a source; ``official_modifiers.txt``.

Every key is passed through :func:`~claimkit.normalize.normalize_for_match`, so
entries may be written with or without hamza and diacritics.

Surface forms of verbs are generated from the perfect and imperfect 3rd person
stems with the common subject affixes (قالت، قالوا، يقولون، تقول…); defective verbs
(نفى، رأى، ادعى) and hollow verbs (قال → قلت) get their stem variants. The model's
lemma is a second, independent way to match, so an unforeseen form is still found
when the lemmatiser gets it right, and a lemmatiser error is survived when the form
is listed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .normalize import normalize_for_match


@dataclass(frozen=True)
class CueEntry:
    """One reporting verb of ``cues.tsv``."""

    lemma: str          # normalised perfect 3ms
    imperfect: str
    participle: str
    cue_class: str
    frames: str         # subset of "cqoi"
    gloss: str


@dataclass(frozen=True)
class FormHit:
    """A surface form matched to a cue entry, and how (``perfect``, ``imperfect``, ``participle``)."""

    entry: CueEntry
    kind: str
    first_person: bool = False


def _rows(name: str) -> list[tuple[list[str], str]]:
    """Data rows of a data file: (tab-separated columns, comment)."""
    raw = resources.files("claimkit.data").joinpath(name).read_text(encoding="utf-8")
    out = []
    for line in raw.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        body, _, comment = line.partition("#")
        cols = [c.strip() for c in body.rstrip().split("\t")]
        out.append(([c for c in cols if c != ""] if len(cols) > 1 else cols, comment.strip()))
    return out


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """The normalised first column of a one-entry-per-line data file (comments dropped), in order."""
    return tuple(normalize_for_match(cols[0]) for cols, _ in _rows(name))


@lru_cache(maxsize=None)
def load_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """The normalised first two columns of a two-column data file (comments dropped), in order."""
    return tuple((normalize_for_match(cols[0]), normalize_for_match(cols[1])) for cols, _ in _rows(name)
                 if len(cols) >= 2)


def _perfect_forms(lemma: str) -> dict[str, bool]:
    """Perfect-tense surface forms → is-first-person."""
    forms = {lemma: False}
    stems = [lemma]
    if lemma.endswith("ي"):          # defective: نفي → نفت، نفوا
        stems.append(lemma[:-1])
    if len(lemma) == 3 and lemma[1] == "ا":  # hollow: قال → قلت
        stems.append(lemma[0] + lemma[2])
    for s in stems:
        for suf in ("ت", "وا", "و", "ا", "تا", "ن"):
            forms.setdefault(s + suf, False)
        for suf in ("نا", "تم"):
            forms.setdefault(s + suf, True)
    return forms


def _imperfect_forms(imperfect: str) -> dict[str, bool]:
    """Imperfect-tense surface forms → is-first-person (أقول، نقول)."""
    if not imperfect.startswith("ي") or len(imperfect) < 3:
        return {}
    stem = imperfect[1:]
    stems = [stem]
    if stem.endswith("ي"):
        stems.append(stem[:-1])
    forms: dict[str, bool] = {}
    for s in stems:
        for pre, first in (("ي", False), ("ت", False), ("ن", True), ("ا", True)):
            forms.setdefault(pre + s, first)
            for suf in ("ون", "ان", "وا", "ين", "ن"):
                forms.setdefault(pre + s + suf, first)
    return forms


def _participle_forms(part: str) -> set[str]:
    if not part or part == "-":
        return set()
    stems = {part}
    if part.endswith("ي"):
        stems.add(part[:-1])
    out = set()
    for s in stems:
        for suf in ("ا", "ه", "ين", "ون", "تين", "ات", "ان"):
            out.add(s + suf)
    return out


@dataclass(frozen=True)
class Lexicon:
    """All lexicons, normalised and indexed for lookup."""

    entries: tuple[CueEntry, ...]
    verb_forms: dict[str, tuple[FormHit, ...]]
    lemmas: dict[str, tuple[CueEntry, ...]]
    participles: dict[str, tuple[CueEntry, ...]]
    source_phrases: tuple[tuple[str, ...], ...]
    impersonal: tuple[tuple[str, ...], ...]
    document_phrases: tuple[tuple[str, ...], ...]
    hedges: tuple[tuple[tuple[str, ...], str], ...]
    source_nouns: dict[str, str]
    official_modifiers: frozenset[str]


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read and index every data file (once per process)."""
    entries = []
    for cols, comment in _rows("cues.tsv"):
        if len(cols) < 5:
            continue
        lemma, imperf, part, cls, frames = cols[:5]
        entries.append(CueEntry(normalize_for_match(lemma), normalize_for_match(imperf),
                                normalize_for_match(part) if part != "-" else "", cls,
                                "" if frames == "-" else frames, comment))
    verb_forms: dict[str, list[FormHit]] = {}
    lemmas: dict[str, list[CueEntry]] = {}
    participles: dict[str, list[CueEntry]] = {}
    for e in entries:
        lemmas.setdefault(e.lemma, []).append(e)
        for f, first in _perfect_forms(e.lemma).items():
            verb_forms.setdefault(f, []).append(FormHit(e, "perfect", first))
        for f, first in _imperfect_forms(e.imperfect).items():
            verb_forms.setdefault(f, []).append(FormHit(e, "imperfect", first))
        for f in _participle_forms(e.participle):
            participles.setdefault(f, []).append(e)
        if e.participle:
            lemmas.setdefault(e.participle, [])  # participle lemmas are matched via participles
    phrases = tuple(tuple(normalize_for_match(cols[0]).split()) for cols, _ in _rows("source_phrases.tsv"))
    impersonal = tuple(tuple(normalize_for_match(cols[0]).split()) for cols, _ in _rows("impersonal.tsv"))
    documents = tuple(tuple(normalize_for_match(cols[0]).split()) for cols, _ in _rows("document_phrases.tsv"))
    hedges = tuple((tuple(normalize_for_match(cols[0]).split()), cols[1]) for cols, _ in _rows("hedges.tsv"))
    nouns = {normalize_for_match(cols[0]): cols[1] for cols, _ in _rows("source_nouns.tsv")}
    mods = frozenset(word_list("official_modifiers.txt"))
    return Lexicon(
        entries=tuple(entries),
        verb_forms={k: tuple(v) for k, v in verb_forms.items()},
        lemmas={k: tuple(v) for k, v in lemmas.items() if v},
        participles={k: tuple(v) for k, v in participles.items()},
        source_phrases=tuple(sorted(phrases, key=len, reverse=True)),
        impersonal=tuple(sorted(impersonal, key=len, reverse=True)),
        document_phrases=tuple(sorted(documents, key=len, reverse=True)),
        hedges=tuple(sorted(hedges, key=lambda h: len(h[0]), reverse=True)),
        source_nouns=nouns,
        official_modifiers=mods,
    )


def strip_article(word: str) -> str:
    """Drop a leading definite article (normalised ال / لل) from a normalised word."""
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    if word.startswith("لل") and len(word) > 3:
        return word[2:]
    return word


def noun_type(word_norm: str) -> str:
    """The ``source_nouns.tsv`` type of a normalised word (article stripped), or ""."""
    nouns = load().source_nouns
    w = strip_article(word_norm)
    if w not in nouns and w[:1] in ("ل", "ب") and len(w) > 3:   # an unsplit preposition: لجريدة، بحسب
        w = strip_article(w[1:]) if not w.startswith("لل") else w[2:]
    if w in nouns:
        return nouns[w]
    if w.endswith("ت") and w[:-1] + "ه" in nouns:   # ta marbuta before a clitic: سيرته → سيرت
        return nouns[w[:-1] + "ه"]
    if w.endswith("ا") and len(w) > 3 and w[:-1] in nouns:   # accusative tanween: مندوبا، مصدرا
        return nouns[w[:-1]]
    for suf in ("ه", "ات", "ون", "ين", "ان", "و", "تان", "تين"):
        # plural, dual and construct-state endings not listed: مسؤولون، مسؤولان، مسؤولو البنتاغون
        stem = w[: -len(suf)]
        if not w.endswith(suf) or len(stem) < 3:
            continue
        if stem in nouns:
            return nouns[stem]
        if stem + "ه" in nouns:   # feminine dual: متحدثتان
            return nouns[stem + "ه"]
    return ""
