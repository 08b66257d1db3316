"""What a source phrase says about its speaker, read from the string alone (no parse).

The cross-article index (:mod:`claimkit.index`) sees only the strings claim records carry:
``entity`` ("كوفي عنان"), its aliases or source spans ("الأمين العام للأمم المتحدة كوفي أنان",
"عنان"). :func:`read_phrase` splits such a phrase into

* the **name** words (the first run of words that are not titles, lexicon nouns, function
  words or country words: "كوفي عنان"), with a family name written with the article kept
  after a first name (أيمن الصفدي، أحمد الدرش; not a descriptor such as السابق or a feminine
  adjective such as البالغة) or after أبو/عبد/بن, and a noun between two name words (محمد سيد طنطاوي);
* the **title** words around it ("أمين عام أمم متحده"), article stripped;
* the **country** it names or qualifies (a country, its capital or a nisba adjective, from
  ``data/countries.tsv``);
* whether it is a **group** of coordinated sources ("الولايات المتحدة وبريطانيا").

:func:`name_key` is the comparison key of a name: :func:`claimkit.normalize.normalize_name`
(diacritics, tatweel, hamza, ى/ي, ة/ه) plus what varies in transliterated names: doubled
letters collapsed (أرييل = أريل), a word-initial ع read as alef (عنان = أنان), and أبو/عبد/بن/آل
joined to the next word (عبد الله = عبدالله, أبو الغيط = أبوالغيط).

Not handled: transliteration variants beyond those (ت/ط, س/ص, long vowels written or not:
فيديل / فيدل), names written entirely with the article, and titles the lexicons do not list
(they are read as name words).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .frame_words import RELATIVES
from .lexicon import _rows, noun_type, strip_article
from .normalize import normalize_for_match, normalize_name, strip_possessive
from .source_types import FUNCTION_WORDS, NAME_DESCRIPTORS

#: Link words that belong to the next name word (أبو الغيط، عبد الله، بن لادن، آل مكتوم).
JOINED_LINKS = ("ابو", "عبد", "بن", "ابن", "ال", "ام", "بنت", "ولد")
_DOUBLED = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class Country:
    """A state of ``data/countries.tsv``: its display name and every normalised way to name it."""

    name: str
    names: frozenset[str]
    nisbas: frozenset[str]
    capitals: frozenset[str]


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """The states of ``data/countries.tsv`` (read once)."""
    out = []
    for cols, _ in _rows("countries.tsv"):
        if len(cols) < 4:
            continue
        split = (lambda c: [] if c == "-" else [normalize_name(x) for x in c.split(",") if x.strip()])
        names = {normalize_name(cols[0])} | set(split(cols[1]))
        out.append(Country(cols[0], frozenset(strip_article_words(n) for n in names),
                           frozenset(split(cols[2])), frozenset(strip_article_words(c) for c in split(cols[3]))))
    return tuple(out)


@lru_cache(maxsize=1)
def index_words() -> dict[str, str]:
    """``data/index_words.tsv``: normalised word (article stripped) → role."""
    return {normalize_for_match(cols[0]): cols[1] for cols, _ in _rows("index_words.tsv") if len(cols) >= 2}


def strip_article_words(phrase: str) -> str:
    """Every word of a normalised phrase without its article (الولايات المتحده → ولايات متحده)."""
    return " ".join(strip_article(w) for w in phrase.split())


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, Country], dict[str, Country], dict[str, Country]]:
    names, capitals, nisbas = {}, {}, {}
    for c in countries():
        for n in c.names:
            names[n] = c
        for n in c.capitals:
            capitals.setdefault(n, c)
        for n in c.nisbas:
            nisbas[n] = c
    return names, capitals, nisbas


def _nisba_country(word: str) -> Country | None:
    """The country of a nisba adjective (المصرية، الإسرائيليون), or None."""
    w = strip_article(word)
    nisbas = _country_index()[2]
    for form in (w, w[:-1] if w.endswith("ه") else w, w[:-2] if w.endswith(("ون", "ين")) else w,
                 w[:-2] + "ي" if w.endswith("يه") else w):
        if form in nisbas:
            return nisbas[form]
    return None


def _country_span(words: list[str], i: int) -> tuple[Country, int, str] | None:
    """A country name, capital or nisba starting at ``words[i]``: (country, words used, how)."""
    names, capitals, _ = _country_index()
    for n in (3, 2, 1):
        if i + n > len(words):
            continue
        phrase = " ".join(strip_article(w) for w in words[i:i + n])
        if phrase in names:
            return names[phrase], n, "name"
        if phrase in capitals:
            return capitals[phrase], n, "capital"
        if n == 2 and _nisba_country(words[i]) and _nisba_country(" ".join(words[i:i + 2])) is not None:
            c = _nisba_country(" ".join(words[i:i + 2]))
            return c, 2, "nisba"
    c = _nisba_country(words[i])
    return (c, 1, "nisba") if c else None


def is_common_word(word: str) -> bool:
    """A word that cannot be part of a name: a lexicon noun (also under a possessive pronoun), a
    function word, a relative pronoun, a listed common noun, or a country word."""
    w = strip_article(word)
    if word in FUNCTION_WORDS or word in RELATIVES or w in FUNCTION_WORDS:
        return True
    if noun_type(word) and not noun_type(word) == "quantifier" or index_words().get(w) in ("common", "generic",
                                                                                      "national", "state"):
        return True
    base = strip_possessive(w)
    return bool(base and noun_type(base))


@dataclass(frozen=True)
class Phrase:
    """A source phrase read word by word (see the module docstring)."""

    words: tuple[str, ...]      # normalised words (normalize_name), one-letter words dropped
    name: tuple[str, ...]       # the name words, as written (normalised)
    titles: tuple[str, ...]     # the other words, article stripped (country words excluded)
    country: str                # display name of the country named or qualified, or ""
    country_only: bool          # the phrase is just a country or its capital (مصر، بغداد)
    state: bool                 # the phrase is a country, its capital or its government
    group: bool                 # coordinated sources (A و B, A، B)
    head: str                   # first word, article stripped


def _is_group(text: str, words: list[str]) -> bool:
    if "،" in text or "," in text or " و " in f" {normalize_name(text)} ":
        return True
    for w in words[1:]:
        if w.startswith("و") and len(w) > 3:
            rest = w[1:]
            if rest.startswith("ال") or is_common_word(rest) or _country_span([rest], 0):
                return True
    return False


def _name_runs(words: list[str], common: list[bool]) -> list[tuple[int, int]]:
    """Runs of name words: [start, end) over ``words``."""
    runs, i = [], 0
    while i < len(words):
        w = words[i]
        if common[i] or w.startswith(("ال", "لل")) or w in JOINED_LINKS and i + 1 == len(words):
            i += 1
            continue
        j = i + 1
        while j < len(words):
            prev, cur = words[j - 1], words[j]
            if prev in JOINED_LINKS and not common[j]:
                j += 1                                  # أبو الغيط، عبد الله
            elif not common[j] and not cur.startswith(("ال", "لل")):
                j += 1
            elif (common[j] and not cur.startswith(("ال", "لل")) and cur not in FUNCTION_WORDS and j + 1 < len(words)
                  and not common[j + 1] and not words[j + 1].startswith(("ال", "لل"))):
                j += 1                                  # محمد سيد طنطاوي: a noun between two name words
            elif cur.startswith("ال") and not common[j] and cur not in NAME_DESCRIPTORS and not cur.endswith("ه"):
                j += 1                                  # أيمن الصفدي، أحمد الدرش: a family name with the article
                break
            else:
                break
        runs.append((i, j))
        i = j
    return runs


@lru_cache(maxsize=200_000)
def read_phrase(text: str) -> Phrase:
    """Read a source phrase (an entity, an alias or a source span); cached, since corpora repeat names."""
    all_words = normalize_name(text).split()
    group = _is_group(text, all_words)
    for k, w in enumerate(all_words):
        if w in RELATIVES:          # "كلينتون الذي ألقى…": a relative clause is not part of the source's name
            all_words = all_words[:k]
            break
    words = [w for w in all_words if len(w) > 1 and not w.isdigit()]
    common = [is_common_word(w) for w in words]
    country, used = "", set()
    i = 0
    while i < len(words):
        span = _country_span(words, i)
        if span:
            if not country:
                country = span[0].name
            used.update(range(i, i + span[1]))
            common[i:i + span[1]] = [True] * span[1]
            i += span[1]
        else:
            i += 1
    runs = _name_runs(words, common)
    start, end = runs[0] if runs else (0, 0)
    name = tuple(words[start:end])
    titles = tuple(strip_article(w) for k, w in enumerate(words) if not start <= k < end and k not in used)
    roles = index_words()
    head = strip_article(words[0]) if words else ""
    country_only = bool(words) and len(used) == len(words)
    state = country_only or (bool(country) and not name and roles.get(head) == "state"
                             and all(k in used or k == 0 or roles.get(strip_article(words[k])) == "generic"
                                     for k in range(len(words))))
    return Phrase(tuple(words), name, titles, country, country_only, state and not group, group, head)


def _fold_word(word: str) -> str:
    w = _DOUBLED.sub(r"\1", word)
    return "ا" + w[1:] if w.startswith("ع") and len(w) > 3 else w


def name_key(name: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The comparison key of name words (see the module docstring): كوفي عنان and كوفي أنان,
    أرييل شارون and اريل شارون, عبد الله and عبدالله get the same key."""
    out: list[str] = []
    pending = ""
    for w in name:
        if w in JOINED_LINKS:
            pending += w
            continue
        out.append(_fold_word(pending + w))
        pending = ""
    if pending:
        out.append(_fold_word(pending))
    return tuple(out)


def title_key(titles: tuple[str, ...]) -> str:
    """A title's comparison key: its first two words (رئيس وزراء, امين عام), or ""."""
    words = [t for t in titles if index_words().get(t) != "generic"]
    return " ".join(words[:2])
