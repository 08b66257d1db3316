"""Named mentions anywhere in an article: a personal name with the titles written around it.

News introduces a person once with name and titles ("رئيس الوزراء سامي ولد عبد الله",
"كريم ناصر وزير الخارجية"), often in a sentence that is not itself a claim, and then
quotes them by title alone ("وأكد رئيس الوزراء أن…", "وكشف وزير الخارجية أن…"). Linking
(``linking.py``) uses these mentions so that a title refers to the person it was given to.

Method: every title noun of ``data/source_nouns.tsv`` (title-*, official) opens a window of
up to :data:`WINDOW` words, cut at punctuation, verbs, complementizers and relative
pronouns; a personal name found there (``source_types.name_words``) is a mention whose
*descriptor* is the set of title words before it. A name right before a title ("أحمد ماهر
وزير الخارجية") is a mention described by the title words after it.

Not handled: titles separated from the name by a comma and a clause, and names the tagger
did not mark that also fail ``source_types.is_name_word``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lexicon import noun_type, strip_article
from .normalize import normalize_name, strip_possessive
from .source_types import FUNCTION_WORDS, NAME_LINKS, continues_name, is_name_word, name_words
from .treebank import Sent

#: Largest number of words from a title to the name it introduces.
WINDOW = 9
#: Attached possessive pronouns stripped from descriptor words (رئيستها → رئيسه).
POSSESSIVES = ("هما", "هم", "ها", "ه")
#: Words that end a title window.
WINDOW_STOPS = {"الذي", "التي", "الذين", "ان", "انه", "بان", "الا"}


@dataclass(frozen=True)
class Mention:
    """A personal name written with titles: where, the name as written, its key, its title words."""

    sentence: int
    first: int
    last: int
    name: str
    key: tuple[str, ...]
    descriptor: frozenset[str]
    possessed: bool = False     # a title with an attached pronoun (رئيستها): its genitive is implicit


def stem(word_norm: str) -> tuple[str, bool]:
    """(comparison stem, had a possessive pronoun) of a normalised word: article and an
    attached possessive stripped when the rest is a lexicon noun (رئيستها → رئيسه)."""
    w = strip_article(word_norm)
    base = strip_possessive(w, POSSESSIVES)
    if base is not None and noun_type(base):
        return base, True
    return w, False


def descriptor(sent: Sent, first: int, last: int) -> tuple[frozenset[str], bool]:
    """Stems of the content words in [first, last] (function words, names and punctuation left out)."""
    words, possessed = set(), False
    for i in range(first, last + 1):
        w = sent.words[i]
        if w.is_punct or w.norm in FUNCTION_WORDS or w.upos in ("ADP", "CCONJ", "PRON", "DET") \
                or is_name_word(sent, w):
            continue
        s, p = stem(w.norm)
        if s:
            words.add(s)
            possessed |= p and bool(noun_type(s))
    return frozenset(words), possessed


def is_title(word_norm: str) -> bool:
    """A role noun that is given to named people (السفير، وزير، الدكتور): ``title-*`` in the lexicon.
    Unnamed-official nouns (مسؤول، مصدر، نواب) are not titles."""
    t = noun_type(word_norm) or noun_type(stem(word_norm)[0])
    return t.startswith("title")


def _tagged(sent: Sent, nw: tuple[int, int]) -> bool:
    """Is the run a believable name? It holds a word the tagger marked as a name (X/PROPN), or —
    the weak tagger often misses names — it has two words or more and the shape of a name: a
    linking word (بن، ولد، أبو، عبد) or a family name with the article (فاروق العقدة), or it follows
    a definite title directly (الدكتور فاروق العقدة). Untagged nouns after a title are otherwise
    too often its genitive or object."""
    words = [sent.words[i] for i in range(nw[0], nw[1] + 1)]
    if any(w.upos in ("X", "PROPN") for w in words):
        return True
    if len(words) < 2:
        return False
    prev = sent.words[nw[0] - 1] if nw[0] > 0 else None
    return any(w.norm in NAME_LINKS for w in words) or words[-1].norm.startswith("ال") or \
        (prev is not None and prev.norm.startswith("ال") and is_title(prev.norm))


#: Prepositions that end a title window (a title's complements use باسم، لـ، في).
WINDOW_PREPS = {"الى", "الي", "على", "علي", "مع", "من", "حول", "ضد"}   # عن stays: النائب عن دائرة نابلس


def _window_end(sent: Sent, i: int) -> int:
    """Last word of the title phrase opened at ``i``: titles, definite nouns and adjectives
    (وزير الخارجية المصري), names; it stops at punctuation, verbs, complementizers, relative
    pronouns, prepositions of the verb (إلى، على) and a common noun without the article
    ("وزير الخارجية أحمد ماهر | مذكرة …")."""
    j = i
    while j + 1 < len(sent.words) and j + 1 <= i + WINDOW:
        w = sent.words[j + 1]
        if w.is_punct or w.norm in WINDOW_STOPS or w.norm in WINDOW_PREPS or \
                w.upos in ("VERB", "AUX") and not is_name_word(sent, w):
            break
        if w.upos == "NOUN" and not w.norm.startswith("ال") and not is_title(w.norm) and \
                not is_name_word(sent, w) and noun_type(w.norm) != "organization" and w.norm not in FUNCTION_WORDS:
            break   # (اسم/لسان of المتحدث باسم…، الناطق بلسان… go on)
        j += 1
    return j


def find_mentions(text: str, sents: list[Sent]) -> list[Mention]:
    """All titled personal-name mentions of the article, in text order."""
    out: list[Mention] = []
    for sent in sents:
        seen: set[tuple[int, int]] = set()
        for i, w in enumerate(sent.words):
            if w.is_punct or not is_title(w.norm):
                continue
            nw = name_words(sent, i, _window_end(sent, i))
            if nw and nw[0] > i and nw not in seen and _tagged(sent, nw):
                seen.add(nw)
                desc, poss = descriptor(sent, i, nw[0] - 1)
                after = nw[1] + 1   # a second title in apposition: الدكتور سامر الحلبي محافظ البنك المركزي
                if after + 1 < len(sent.words) and sent.words[after].text in ("،", ","):
                    after += 1      # … or after a comma: المستشار فلان، المتحدث الرسمي باسم …
                if after < len(sent.words) and is_title(sent.words[after].norm):
                    more, p2 = descriptor(sent, after, _window_end(sent, after))
                    desc, poss = desc | more, poss or p2
                out.append(_mention(text, sent, nw, desc, poss))
                continue
            # a name right before the title: "أحمد ماهر وزير الخارجية"
            j = i - 1
            while j >= 0 and (is_name_word(sent, sent.words[j]) or
                              continues_name(sent, sent.words[j]) and j > 0 and is_name_word(sent, sent.words[j - 1])):
                j -= 1
            if j < i - 1 and (j < 0 or not is_title(sent.words[j].norm)):
                nw = name_words(sent, j + 1, i - 1)
                if nw and nw not in seen and _tagged(sent, nw):
                    seen.add(nw)
                    desc, poss = descriptor(sent, i, _window_end(sent, i))
                    out.append(_mention(text, sent, nw, desc, poss))
    return out


def _mention(text: str, sent: Sent, nw: tuple[int, int], desc: frozenset[str], poss: bool) -> Mention:
    name = text[sent.words[nw[0]].ostart:sent.words[nw[1]].oend]
    return Mention(sent.index, nw[0], nw[1], name, tuple(normalize_name(name).split()), desc, poss)


def role_matches(role: frozenset[str], head: str, desc: frozenset[str], possessed: bool,
                 key: tuple[str, ...] = ()) -> bool:
    """Does a role phrase (its stems, its head stem) describe someone introduced with ``desc``?

    The head title must be among the descriptor's words, and so must the role's other words
    (الرئيس الموريتاني ⊆ الرئيس الموريتاني معاوية…), unless the introduction's title carried a
    possessive pronoun whose genitive the role spells out (رئيسة المجموعة ~ رئيستها فلانة)."""
    if head not in desc:
        return False
    # a family name with the article reads like an adjective (النائب المصري ~ معاوية المصري)
    return role <= desc | {strip_article(k) for k in key} or possessed
