"""Token features of the entity tagger, and the gazetteers they look words up in.

What: :func:`sentence_features` turns a sentence of FANE-style token forms (see
:func:`claimkit.ner_data.fane_form`) into one list of binary feature names per token,
the input of the CRF in :mod:`claimkit.ner`; :class:`Gazetteers` holds the word lists
those features consult.

Why: the same function must serve training (:mod:`claimkit.ner_train`) and run time, so
that the weights always meet the features they were trained on (:data:`FEATURES_VERSION`
is stored in each tagger's config and checked on load).

Method, per token: the form; its clitic-stripped stem (a conjunction و/ف, a preposition
ب/ل/ك and the article ال dropped; the attached pronoun cut as a separate feature); prefixes
and suffixes; word shape (length, digits, Latin letters, punctuation, article); the forms
and stems of the two tokens on each side and the bigrams with the neighbours; and
gazetteer hits for the token and its neighbours:

* ``name`` lists (PER / ORG / LOC): word stems seen mostly inside entities of that type in
  the training split (at least :data:`MIN_COUNT` times, in at least half of their uses);
* ``trigger`` lists: words seen often right before an entity of a type (قال, الرئيس…);
* title nouns (``data/source_nouns.tsv``), country names and nisba adjectives
  (``data/countries.tsv``) and the forms of the reporting verbs of ``data/cues.tsv`` (a name
  often follows قال, and a verb is never part of it), which claimkit already keeps; title,
  reporting-verb and trigger hits are also seen three tokens away.

Training builds the name and trigger lists from the training split only, with each fold
of the data seeing lists made from the other folds (:func:`jackknife`), so the CRF learns
how far to trust a list it has not memorised.

Not handled: word embeddings or clusters (suffix classes stand in for them); morphology
beyond the clitic strip.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Sequence

from .normalize import normalize_for_match

#: Bump when the features change: a tagger trained on other features is refused.
FEATURES_VERSION = 2
MIN_COUNT = 2
MIN_COMMON = 3
TRIGGER_MIN_COUNT = 5
TRIGGER_MIN_SHARE = 0.3
GAZ_TYPES = ("PER", "ORG", "LOC")
#: Hits also seen three tokens away (a title noun three words before a name).
WIDE_HITS = frozenset({"title", "cue", "tr=PER", "tr=ORG", "tr=LOC"})

LATIN_RE = re.compile(r"[A-Za-z]")
DIGIT_RE = re.compile(r"\d")
PUNCT_ONLY_RE = re.compile(r"^[^\w]+$")
QUOTE_CHARS = frozenset("\"«»“”'")
#: Clitic prefixes stripped before the stem: a conjunction before an article (FANE splits و off
#: otherwise, and وزير is no و + زير), then preposition + article, article, or a lone preposition.
PREFIX_RE = re.compile(r"^(?:[وف](?=[بلك]?ال..|لل..))?(?:(?:[بلك]?ال|لل)(?=..)|[بلك](?=...))?")
PRONOUN_SUFFIX_RE = re.compile(r"(?<=...)(هما|هم|ها|كم|نا|ه)$")


def stem(form: str) -> str:
    """The form without an attached conjunction, preposition and article (والرئيس → رئيس)."""
    return form[PREFIX_RE.match(form).end():]


def key(form: str) -> str:
    """The gazetteer key of a form: its stem, with hamza and ta marbuta folded."""
    return normalize_for_match(stem(form))


@lru_cache(maxsize=1)
def _cue_forms() -> frozenset[str]:
    """Written forms (normalised) of claimkit's reporting verbs and participles (قال، يؤكد، مشيرا…)."""
    from .lexicon import load

    lex = load()
    return frozenset(lex.verb_forms) | frozenset(lex.participles)


@lru_cache(maxsize=1)
def _lexicon_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Title nouns, country names/capitals and nisba adjectives (normalised), from claimkit's data."""
    from .lexicon import _rows

    titles = {normalize_for_match(cols[0]) for cols, _ in _rows("source_nouns.tsv")
              if len(cols) > 1 and cols[1] in ("title-official", "title-person", "official", "person")}
    places, nisbas = set(), set()
    for cols, _ in _rows("countries.tsv"):
        for i, col in enumerate(cols):
            for name in col.split(","):
                name = normalize_for_match(name.strip())
                if not name:
                    continue
                if i == 2:
                    nisbas.add(name)
                    nisbas.add(name + "ه")
                else:
                    places.add(key(name))
    return frozenset(titles), frozenset(places), frozenset(nisbas)


@dataclass
class Gazetteers:
    """Name and trigger word lists by type (keys as :func:`key` makes them)."""

    names: dict[str, frozenset[str]] = field(default_factory=dict)
    triggers: dict[str, frozenset[str]] = field(default_factory=dict)
    #: keys seen at least :data:`MIN_COMMON` times, mostly outside entities (never propagated as names)
    common: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {"names": {t: sorted(v) for t, v in sorted(self.names.items())},
                "triggers": {t: sorted(v) for t, v in sorted(self.triggers.items())},
                "common": sorted(self.common)}

    @classmethod
    def from_json(cls, d: dict) -> "Gazetteers":
        return cls({t: frozenset(v) for t, v in d["names"].items()},
                   {t: frozenset(v) for t, v in d["triggers"].items()}, frozenset(d["common"]))

    def lookup(self) -> dict[str, tuple[str, ...]]:
        """One table key → gazetteer features, for fast lookup while tagging."""
        table: dict[str, list[str]] = defaultdict(list)
        for t, words in sorted(self.names.items()):
            for w in words:
                table[w].append("g=" + t)
        for t, words in sorted(self.triggers.items()):
            for w in words:
                table[w].append("tr=" + t)
        return {k: tuple(v) for k, v in table.items()}


def build_gazetteers(forms: Iterable[Sequence[str]], tags: Iterable[Sequence[str]]) -> Gazetteers:
    """Name and trigger lists from FANE-style forms and their coarse BIO tags."""
    total: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    typed: dict[str, Counter[str]] = {t: Counter() for t in GAZ_TYPES}
    before: Counter[str] = Counter()
    before_typed: dict[str, Counter[str]] = {t: Counter() for t in GAZ_TYPES}
    for fs, ts in zip(forms, tags):
        keys = [key(f) for f in fs]
        for i, (k, t) in enumerate(zip(keys, ts)):
            whole = normalize_for_match(fs[i])
            if t == "O":
                outside[k] += 1
            for kk in {k, whole}:  # the stem and the whole form (لافروف is a name, not ل + افروف)
                total[kk] += 1
                if t[2:] in typed:
                    typed[t[2:]][kk] += 1
            if i + 1 < len(ts):
                before[k] += 1
                nxt = ts[i + 1]
                if nxt.startswith("B-") and nxt[2:] in before_typed:
                    before_typed[nxt[2:]][k] += 1
    names = {t: frozenset(k for k, n in c.items() if n >= MIN_COUNT and n * 2 >= total[k] and len(k) > 1)
             for t, c in typed.items()}
    triggers = {t: frozenset(k for k, n in c.items()
                             if n >= TRIGGER_MIN_COUNT and n >= TRIGGER_MIN_SHARE * before[k])
                for t, c in before_typed.items()}
    common = frozenset(k for k, n in total.items() if n >= MIN_COMMON and outside[k] * 2 > n)
    return Gazetteers(names, triggers, common)


def _length(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3" if n == 3 else "4-5" if n <= 5 else "6-8" if n <= 8 else "9+"


def _token_info(form: str, table: dict[str, tuple[str, ...]]) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """(form, stem, own features, features that neighbours see) of one token."""
    s = stem(form)
    k = normalize_for_match(s)
    titles, places, nisbas = _lexicon_lists()
    own = ["w=" + form, "s=" + s, "len=" + _length(len(s))]
    for n in (1, 2, 3):
        if len(s) > n:
            own.append(f"p{n}={s[:n]}")
            own.append(f"x{n}={s[-n:]}")
    m = PRONOUN_SUFFIX_RE.search(s)
    if m:
        own.append("pron=" + m.group(1))
    if form != s:
        own.append("pre=" + form[: len(form) - len(s)])
    shape = []
    if DIGIT_RE.search(form):
        shape.append("dig")
    if LATIN_RE.search(form):
        shape.append("lat")
    if PUNCT_ONLY_RE.match(form):
        shape.append("quo" if form[0] in QUOTE_CHARS else "pun")
    if "ال" in form[:4] and form != s:
        shape.append("al")
    whole = normalize_for_match(form)
    hits = list(table.get(whole) or table.get(k, ()))
    if k in titles or whole in titles:
        hits.append("title")
    if k in places or whole in places:
        hits.append("place")
    if whole in nisbas or k in nisbas:
        hits.append("nisba")
    cues = _cue_forms()
    if whole in cues or (whole[:1] in "وف" and whole[1:] in cues):
        hits.append("cue")
    own.extend(shape)
    own.extend(hits)
    return form, s, tuple(own), tuple(shape + hits)


def sentence_features(forms: Sequence[str], table: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """CRF features of each token of a sentence of FANE-style forms (``table``: :meth:`Gazetteers.lookup`)."""
    info = [_token_info(f, table) for f in forms]
    n = len(info)
    out: list[list[str]] = []
    for i, (form, s, own, seen) in enumerate(info):
        feats = ["b", *own]
        for d in (-2, -1, 1, 2):
            j = i + d
            if j < 0:
                feats.append(f"{d}:BOS")
                continue
            if j >= n:
                feats.append(f"{d}:EOS")
                continue
            f2, s2, _, seen2 = info[j]
            feats.append(f"{d}:w={f2}")
            feats.append(f"{d}:s={s2}")
            feats.extend(f"{d}:{h}" for h in seen2)
            if abs(d) == 1 and len(s2) > 2:
                feats.append(f"{d}:x2={s2[-2:]}")
        if i > 0:
            feats.append(f"bg-={info[i - 1][1]}|{s}")
        if i + 1 < n:
            feats.append(f"bg+={s}|{info[i + 1][1]}")
        for d in (-3, 3):
            if 0 <= i + d < n:
                feats.extend(f"{d}:{h}" for h in info[i + d][3] if h in WIDE_HITS)
        out.append(feats)
    return out


def jackknife(forms: Sequence[Sequence[str]], tags: Sequence[Sequence[str]], folds: int = 5) -> list[dict]:
    """For each sentence, the lookup table of gazetteers built from the other folds (sentence ``i``
    is in fold ``i % folds``): what the CRF trains with, so that a list hit is no certainty."""
    tables = []
    for k in range(folds):
        idx = [i for i in range(len(forms)) if i % folds != k]
        tables.append(build_gazetteers([forms[i] for i in idx], [tags[i] for i in idx]).lookup())
    return [tables[i % folds] for i in range(len(forms))]


#: Words before an entity that the fine-class table looks at (وزير الخارجية الروسي سيرغي لافروف).
FINE_BEFORE = 3


def fine_keys(forms: Sequence[str], a: int, b: int) -> list[str]:
    """The words the fine-class table (:class:`claimkit.ner.FineTyper`) reads for the entity of tokens
    ``a``..``b``: the keys of its words, and of up to :data:`FINE_BEFORE` words before it (marked ``<``)."""
    keys = [key(f) for f in forms[a:b + 1]]
    keys.extend("<" + key(f) for f in forms[max(0, a - FINE_BEFORE):a])
    return keys
