"""Stage 4: what kind of source speaks, and which words of the source are its name.

Source types follow ANNOTATION.md: ``person`` (a named individual, also a role noun
with a name in apposition), ``organization``, ``official`` (unnamed people identified
by an official role: مصدر مسؤول، المتحدث باسم الوزارة), ``anonymous`` (unnamed people
or groups: مراقبون، خبراء، مصادر مطلعة), ``media``, ``document``, ``author``.

Method: the head noun of the source phrase (after quantifiers such as العديد من، أحد)
is looked up in ``data/source_nouns.tsv``; role nouns are ``person`` when a name
stands in apposition, otherwise ``official`` (or ``person`` for non-official roles
such as المرشح); an unknown head that looks like a name is a ``person``. Names are
found as runs of words that are not function words, not definite (no ال), not in the
lexicons and not tagged as verbs, adjectives or particles; a run directly after a
preposition is the object of that preposition (في ليبيا) and is not a name.

Not handled: names written with the article (الأمريكي as a person), transliterated
company names without a noun (ميكروسوفت is typed ``person``), women's names tagged
as adjectives.
"""
from __future__ import annotations

from .lexicon import load, noun_type, strip_article
from .noun_classes import word_noun_classes
from .treebank import Sent, Word

NOT_NAME_UPOS = {"ADP", "SCONJ", "CCONJ", "PRON", "DET", "NUM", "VERB", "AUX", "PART", "PUNCT", "SYM", "ADJ"}
FUNCTION_WORDS = {"في", "من", "على", "علي", "الى", "الي", "عن", "مع", "ب", "ل", "و", "ف", "بين", "حول", "ضد",
                  "عند", "لدى", "لدي", "ثم", "او", "ان", "قد", "ما", "لا", "لم", "لن", "هذا", "هذه", "ذلك", "تلك",
                  "باسم", "اسم", "بلسان", "لسان", "عام", "السابق", "السابقه"}


#: How sure the entity tagger must be that a word is outside every entity before a common noun
#: it marks "O" stops counting as a possible name (``Word.ner_p``; 0 when the document was not tagged).
NOT_ENTITY_P = 0.9


def entity_label(w: Word) -> str:
    """The coarse entity type the tagger gave ``w`` (``PER``, ``ORG``, ``LOC``, ``MISC``), or ""."""
    return w.ner[2:] if w.ner != "O" else ""


def surely_not_entity(w: Word) -> bool:
    """The tagger is sure ``w`` is outside every entity, and the parser does not call it a name:
    a common noun (أهمية، قطاع، أسر) standing where a name could."""
    return w.ner == "O" and w.ner_p >= NOT_ENTITY_P and w.upos not in ("X", "PROPN")


def is_name_word(sent: Sent, w: Word) -> bool:
    if not w.is_punct and (_surface_name(sent, w) or name_read_as_verb(sent, w)):
        return True
    if entity_label(w) == "PER" and not w.is_punct and w.upos not in ("ADP", "CCONJ", "SCONJ", "PART", "VERB", "AUX"):
        return True
    if surely_not_entity(w) or entity_label(w) == "LOC":
        return False   # a common noun the tagger is sure of, or a place: not part of a personal name
    if w.is_punct or w.upos in NOT_NAME_UPOS and w.upos not in ("X", "PROPN"):
        return False
    n = w.norm
    if len(n) < 2 or n.startswith("ال") or n.isdigit():
        return False
    if n in FUNCTION_WORDS and not _surface_name(sent, w):
        return False
    if noun_type(n) or noun_type(w.onorm):
        return False
    if w.upos not in ("X", "PROPN") and (len(n) >= 6 and n.endswith("ات") or len(n) >= 5 and n.endswith("ون")):
        return False  # a sound plural (مشتركات، مسؤولون) is a common noun
    # a noun with an attached pronoun (زوجته، خصمه) is a relation noun, not a name
    nxt = sent.words[w.i + 1] if w.i + 1 < len(sent.words) else None
    if nxt is not None and nxt.token == w.token and nxt.upos == "PRON":
        return False
    return True


#: Names that normalise like a function word: علي (with yeh) is the name, على (alef maksura)
#: the preposition; the surface form decides when the tagger calls it a noun or a name.
SURFACE_NAMES = {"علي"}

def name_read_as_verb(sent: Sent, w: Word) -> bool:
    """A first name the tagger read as a verb (أمجد، أكرم، يزيد): between a definite noun or a
    title and a family name, with a complementizer right after ("قال وزير الإعلام أمجد العضايلة إن")."""
    if w.upos not in ("VERB", "AUX") or w.i == 0 or w.i + 2 >= len(sent.words):
        return False
    prev, nxt = sent.words[w.i - 1], sent.words[w.i + 1]
    if prev.is_punct or nxt.is_punct or not (prev.norm.startswith("ال") or noun_type(prev.norm)):
        return False
    surname = nxt.upos in ("X", "PROPN") or nxt.norm.startswith("ال") and not noun_type(nxt.norm)
    return surname and any(sent.words[k].upos == "SCONJ" or sent.words[k].norm in ("ان", "انه", "بان")
                           for k in range(w.i + 2, min(len(sent.words), w.i + 4)))


def _surface_name(sent: Sent, w: Word) -> bool:
    """علي written with yeh and followed by an indefinite word (علي حسن) is a name, whatever the tagger says."""
    nxt = sent.words[w.i + 1] if w.i + 1 < len(sent.words) else None
    return w.text in SURFACE_NAMES and nxt is not None and not nxt.is_punct and not nxt.norm.startswith("ال")


QUOTE_MARKS = set('"“”«»„‘’\'')

NAME_LINKS = {"ابو", "بن", "ابن", "عبد", "ال", "بنت", "ام", "دي", "فون", "فان", "ولد"}   # ولد: محمد ولد عبد العزيز


def _trim_run(sent: Sent, run: list[int]) -> list[int]:
    """Trim a candidate name run to the name proper.

    With words the tagger marked as names (X/PROPN), trailing untagged words are cut
    ("أحمد أبو زيد | دعم"); a run of untagged nouns keeps two words, three when a
    linking word (أبو، بن، عبد) sits inside ("خليفة حفتر | عملية").
    """
    tagged = [k for k, i in enumerate(run) if sent.words[i].upos in ("X", "PROPN")]
    if tagged:
        while tagged[-1] + 1 < len(run) and _attached(sent, run[tagged[-1] + 1], run[:tagged[-1] + 1]):
            tagged.append(tagged[-1] + 1)   # سامي نصر: an untagged surname the tree attaches to the name
        for k in range(tagged[0] + 1, tagged[-1]):
            w = sent.words[run[k]]
            if w.upos not in ("X", "PROPN") and w.norm not in NAME_LINKS and not continues_name(sent, w):
                return _trim_run(sent, run[:k])   # بوش | خطاب | كلينتون: a common noun between two names

        end = tagged[-1] + 1
        while end < len(run) and continues_name(sent, sent.words[run[end]]):
            end += 1   # العقيد أحمد المسماري: a family name with the article closes the name
        return run[:end]
    limit = 3 if any(sent.words[i].norm in NAME_LINKS for i in run[:3]) else 2
    return run[:limit]


def _attached(sent: Sent, i: int, run: list[int]) -> bool:
    """Does the tree attach word ``i`` to the name words ``run`` as part of the name (flat, nmod)?"""
    w = sent.words[i]
    return w.head in run and w.deprel in ("flat", "flat:name", "nmod", "compound", "appos") and w.upos == "NOUN"


#: Definite adjectives that describe a named person rather than end the name (فلان السابق).
NAME_DESCRIPTORS = {"السابق", "السابقه", "الجديد", "الجديده", "الحالي", "الحاليه", "الراحل", "الراحله", "الاول",
                    "الثاني", "الثالث", "الاكبر", "الاصغر", "نفسه", "ذاته", "ايضا"}


def _after_definite_title(sent: Sent, w: Word) -> bool:
    """Is ``w`` an untagged first name right after a definite title (المستشار سامح …)?"""
    t = sent.words[w.i - 1] if w.i > 0 else None
    return t is not None and t.norm.startswith("ال") and noun_type(t.norm).startswith("title") and \
        is_name_word(sent, w)


def _is_article_surname(sent: Sent, w: Word) -> bool:
    """A family name written with the article after a first name (أيمن الصفدي، محمد الأمين،
    فاروق العقدة after a tagged first name)."""
    if not w.norm.startswith("ال") or noun_type(w.norm) or w.norm in NAME_DESCRIPTORS:
        return False
    prev = sent.words[w.i - 1] if w.i > 0 else None
    nxt = sent.words[w.i + 1] if w.i + 1 < len(sent.words) else None
    # an untagged definite word after a tagged first name ends the name only where the noun
    # phrase ends (before punctuation, a verb, a title or أن): فاروق العقدة محافظ…، not كيلي البالغة من…
    ends_phrase = nxt is None or nxt.is_punct or nxt.upos in ("VERB", "AUX", "SCONJ") or \
        nxt.norm in ("ان", "انه", "بان") or \
        noun_type(nxt.norm).startswith("title") or noun_type(nxt.norm) == "official"
    return w.upos in ("X", "PROPN") or w.norm.endswith("ي") and w.upos in ("NOUN", "ADJ") or \
        w.upos in ("NOUN", "ADJ") and prev is not None and \
        (prev.upos in ("X", "PROPN") or name_read_as_verb(sent, prev) or _after_definite_title(sent, prev)) \
        and not prev.norm.startswith("ال") and ends_phrase


def continues_name(sent: Sent, w: Word) -> bool:
    """Does ``w`` continue a name begun before it: a family name with the article (أيمن الصفدي),
    the family word آل (محمد بن راشد آل مكتوم; normalised like the article), or the second part
    of a compound name after عبد/أبو/بن (عبد الفتاح، أبو الغيط)?"""
    prev = sent.words[w.i - 1] if w.i > 0 else None
    nxt = sent.words[w.i + 1] if w.i + 1 < len(sent.words) else None
    if w.norm == "ال" and nxt is not None and is_name_word(sent, nxt):
        return True
    if w.norm == "الله" and prev is not None and (is_name_word(sent, prev) or prev.norm in NAME_LINKS):
        return True   # عبد الله، رام الله، نصر الله
    return _is_article_surname(sent, w) or (w.norm.startswith("ال") and prev is not None
                                            and prev.norm in NAME_LINKS and not noun_type(w.norm))


#: Words that open a clause or aside inside a source phrase: a name after them belongs to that
#: clause ("المدرب الذي يعمل في … رفح", "الرئيس كلينتون الذي … مصفقا"), not to the speaker.
NAME_SCOPE_STOPS = {"الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي", "اللاتي", "الا", "(", "وهو", "وهي"}


def name_scope(sent: Sent, first: int, last: int) -> int:
    """Last word index of the part of a source phrase that can hold the speaker's name and titles:
    up to a relative clause, a parenthesis or a comma."""
    for i in range(first + 1, last + 1):
        if sent.words[i].norm in NAME_SCOPE_STOPS or sent.words[i].text in ("(", "،", ","):
            return i - 1
    return last


def name_words(sent: Sent, first: int, last: int) -> tuple[int, int] | None:
    """Word range (inclusive) of the personal name inside words [first, last], or None.

    Only the part before a relative clause, a parenthesis or a comma is searched. A person
    the entity tagger found there wins (titles and article words it tagged with the name are
    left out); else the lexical name runs below are used. Among
    several name runs the one at the head wins, then the first one that follows a title
    (الأمير خالد بن حمد آل ثاني ولي عهد الدوحة → the first run; دبي is a genitive), else the last.
    """
    last = name_scope(sent, first, last)
    persons = [run for a, b in entity_runs(sent, first, last, "PER") if (run := _without_titles(sent, a, b))]
    if persons:
        return _preferred_run(sent, first, last, persons)
    runs: list[list[int]] = []
    cur: list[int] = []
    for i in range(first, last + 1):
        w = sent.words[i]
        if is_name_word(sent, w) or cur and continues_name(sent, w):
            cur.append(i)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    runs = [_trim_run(sent, r) for r in runs]
    cleaned = []
    head = _head_index(sent, first, last)
    for run in runs:
        prev = sent.words[run[0] - 1] if run[0] > 0 else None
        nxt = sent.words[run[-1] + 1] if run[-1] + 1 < len(sent.words) else None
        if prev is not None and prev.text in QUOTE_MARKS and nxt is not None and nxt.text in QUOTE_MARKS:
            continue        # مندوب في "أوبك": a quoted name is an organisation or a title, not the speaker
        if prev is not None and run[0] > first and (prev.upos == "ADP" or prev.norm in FUNCTION_WORDS):
            run = run[1:]   # في ليبيا إيفان مولوتكوف: ليبيا is the object of في
        elif prev is not None and run[0] > first and prev.upos == "NOUN" and not noun_type(prev.norm) \
                and not prev.norm.startswith("ال"):
            continue        # قضية دافي: the genitive of a construct-state noun, not the speaker's name
        elif prev is not None and run[0] > first and noun_type(prev.norm) in ("organization", "media", "document") \
                and not prev.norm.startswith("ال"):
            continue        # ممثل شركة فايزر: the name of the company (a construct), not of the speaker;
                            # after a definite noun (وزير الخارجية أحمد سالم) the name is the speaker's
        if run and prev is not None and run[0] == prev.i + 1 and prev.i == head and noun_type(prev.norm) \
                and not prev.norm.startswith("ال") \
                and len(run) == 1 and sent.words[run[0]].norm.endswith("ي") and len(sent.words[run[0]].norm) >= 4:
            continue        # مسؤول أوروبي: a nisba adjective after an indefinite head, not a name
        if run and not any(sent.words[i].upos in ("X", "PROPN") for i in run) and run[0] != head and \
                not (prev is not None and (noun_type(prev.norm) and (prev.norm.startswith("ال") or prev.i == head)
                                           or prev.upos in ("ADJ", "PRON", "PUNCT")
                                           or prev.norm.startswith("ال"))):
            continue        # untagged words count as a name only at the head or after a definite title
                            # (رئيس قطاع: the genitive of a title in construct is not a name)
        if run:
            cleaned.append(run)
    if not cleaned:
        return None
    return _preferred_run(sent, first, last, cleaned)


def entity_runs(sent: Sent, first: int, last: int, typ: str) -> list[tuple[int, int]]:
    """Word ranges (inclusive) of the tagger's entities of type ``typ`` inside words [first, last]."""
    runs: list[tuple[int, int]] = []
    for i in range(first, last + 1):
        w = sent.words[i]
        if entity_label(w) != typ:
            continue
        if w.ner.startswith("I-") and runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        elif w.ner.startswith("I-") and runs and all(sent.words[k].ner == "O" and len(sent.words[k].text) == 1
                                                     for k in range(runs[-1][1] + 1, i)):
            runs[-1] = (runs[-1][0], i)   # a one-letter proclitic inside the span (عبد ال له)
        else:
            runs.append((i, i))
    return runs


def _is_title_word(w: Word) -> bool:
    t = noun_type(w.norm)
    return t.startswith("title") or t == "official"


def _object_noun(w: Word) -> bool:
    """An indefinite accusative common noun (وفدا، بيانا): the object after a name, never part of it.
    A known common noun (the noun-class table has it) written with the accusative alif."""
    return w.upos == "NOUN" and w.norm.endswith("ا") and not w.norm.startswith("ال") and len(w.norm) >= 4 \
        and word_noun_classes(w) is not None


def _without_titles(sent: Sent, a: int, b: int) -> list[int]:
    """The name inside tagged person words [a, b]: leading titles and role nouns the tagger took
    in with the name (الدكتور سامر الحلبي، الملك محمد السادس) and a trailing object noun
    (استقبل … أحمد ولد سالم | وفدا) are left out; nothing is left when every word is a title or
    carries the article (الموريتاني tagged alone)."""
    while a <= b and (_is_title_word(sent.words[a]) or sent.words[a].text == "."):
        a += 1
    while b > a and _object_noun(sent.words[b]):
        b -= 1
    words = sent.words[a:b + 1]
    if not words or all(w.norm.startswith("ال") for w in words):
        return []
    return list(range(a, b + 1))


def _preferred_run(sent: Sent, first: int, last: int, cleaned: list[list[int]]) -> tuple[int, int]:
    """Among name runs of a source phrase: the one at the head, then the first after a title, else the last."""
    head = _head_index(sent, first, last)
    for run in cleaned:
        if run[0] == head:
            return run[0], run[-1]
    for run in cleaned:
        prev = sent.words[run[0] - 1] if run[0] > 0 else None
        if prev is not None and prev.text == "." and prev.i > first:
            prev = sent.words[prev.i - 1]   # د. أحمد الحكيم: the abbreviated title
        if prev is not None and prev.i >= first and (noun_type(prev.norm).startswith("title")
                                                     or noun_type(prev.norm) == "official"):
            return run[0], run[-1]
    return cleaned[-1][0], cleaned[-1][-1]


def _head_index(sent: Sent, first: int, last: int) -> int:
    """First content word of a source phrase, after quantifiers (العديد من، أحد، بعض)."""
    i = first
    while i <= last:
        w = sent.words[i]
        if w.is_punct or w.upos in ("ADP", "CCONJ") and len(w.norm) <= 2 or noun_type(w.norm) == "quantifier" \
                or w.norm in ("من",):
            i += 1
            continue
        return i
    return first


#: Unnamed-source nouns that become ``official`` when tied to an institution (مصادر حزب الله،
#: مصدر في الخارجية): a source identified by its affiliation (ANNOTATION.md "official").
AFFILIABLE = {"مصدر", "مصادر"}


def _affiliated(sent: Sent, head: int, last: int) -> bool:
    """Is the source noun at ``head`` followed by an institution or a name, directly (idafa) or
    after في/لدى/داخل/ب?"""
    i = head + 1
    if i <= last and sent.words[i].norm in ("في", "لدي", "لدى", "داخل", "ب", "من"):
        i += 1
    if i > last:
        return False
    w = sent.words[i]
    t = noun_type(w.norm) or noun_type(w.onorm)
    return t in ("organization", "official") or t.startswith("title") or w.upos in ("X", "PROPN")


def head_word(sent: Sent, first: int, last: int) -> Word:
    """The head noun of a source phrase (first content word after quantifiers)."""
    return sent.words[_head_index(sent, first, last)]


def source_type(sent: Sent, first: int, last: int) -> tuple[str, str]:
    """(source_type, reason) for the source words [first, last] of a sentence."""
    head = head_word(sent, first, last)
    t = noun_type(head.norm) or noun_type(head.onorm)   # the whole word, if the model split it (و + كالة)
    named = name_words(sent, first, last) is not None
    mods = load().official_modifiers
    if t == "anonymous" and named and head.feat("Number") not in ("Plur", "Dual") \
            and entity_runs(sent, first, name_scope(sent, first, last), "PER"):
        return "person", f"«{head.text}» with a name the tagger marks as a person in apposition"
    if t == "anonymous":
        if any(strip_article(sent.words[i].norm) in mods for i in range(first, last + 1)):
            return "official", f"«{head.text}» with an official modifier"
        if strip_article(head.norm) in AFFILIABLE and _affiliated(sent, head.i, last):
            return "official", f"«{head.text}» attached to an institution"
        return "anonymous", f"«{head.text}» names an unnamed group or person"
    if t in ("media", "document", "organization"):
        return t, f"head noun «{head.text}» is a {t} noun"
    if t == "official":
        return ("person", "official role with a name") if named else ("official", f"unnamed official «{head.text}»")
    if t.startswith("title"):
        if named:
            return "person", f"role noun «{head.text}» with a name in apposition"
        return ("official" if t == "title-official" else "person"), f"role noun «{head.text}» without a name"
    if named:
        return "person", "a personal name"
    if head.feat("Number") == "Plur" or len(head.norm) >= 6 and head.norm.endswith(("ات", "ون", "ين")):
        return "anonymous", f"«{head.text}»: an unnamed group"
    return "person", f"«{head.text}»: no lexicon entry, taken as a person"
