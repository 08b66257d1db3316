"""Stage 2b: the source phrase of a cue — where the speaker's words begin and end.

The subject after a verb cue (VSO: "وأضاف السفير لوكالة نوفوستي أن…") runs to the first word
that cannot belong to its noun phrase: punctuation, a finite verb outside a relative clause, a
complementizer, time words (skipped when they come first: "كما ذكر اليوم الثلاثاء مسؤولون"),
a setting (في كلمته), a channel (لوكالة X), a ḥāl participle (الوزير | معقبا), a preposition the
verb governs (عن، على ضرورة), a possessed object, or a second definite noun. A subject before
the cue (SVO, "إلا أن مندوبا رفيعا في "أوبك" صرح", "أما فلان …، فيرى") comes from the tree's
nsubj or a linear run back to the clause start. Linear rules first, the tree as a second
opinion: the parser is weak.

Not handled: discontinuous sources, and subjects the tokenizer splits (names read as clitic + verb).
"""
from __future__ import annotations

from .cues import match_participle
from .frame_words import (CLOSE_QUOTES, COMMAS, COMP_PREPS, COMP_RE, OPEN_QUOTES, RELATIVES, STOP_PUNCT,
                          PRONOUN_SUBJECTS, context_nouns, definite_noun, has_finite_verb, non_report_nouns,
                          noun_forms, possessed_noun, temporal_words, title_unit, trim)
from .lexicon import noun_type, strip_article
from .normalize import strip_conjunction
from .source_types import continues_name, is_name_word, name_read_as_verb
from .treebank import Sent
from .units import ABBREVIATION_DOT, Unit, unit_of_word


def is_source_like(sent: Sent, units: list[Unit], a: int, b: int) -> bool:
    """Does units [a, b) name something that can speak: a source noun (after quantifiers such
    as العديد من) or a name? "وفقا للقانون", "حسب الحاجة" do not."""
    for u in units[a:b]:
        if u.punct:
            continue
        t = noun_type(u.norm)
        if t == "quantifier" or u.norm == "من":
            continue
        return bool(t) or any(sent.words[i].upos in ("X", "PROPN") for i in range(u.first, u.last + 1))
    return False

def np_end(sent: Sent, units: list[Unit], a: int, limit: int, stop_at_an: bool = False) -> int:
    """End (exclusive) of a noun phrase starting at unit ``a``: stops at punctuation,
    a finite verb, a complementizer, time words, setting phrases, a demonstrative, a
    second definite noun (الرئيس | المعارضة: a definite noun cannot head an idafa), and
    with ``stop_at_an`` at عن (نقلت وكالة X | عن مصادر…)."""
    j = a
    temporal = temporal_words()
    while j < limit:
        u = units[j]
        if u.punct and u.norm == ABBREVIATION_DOT:
            j += 1   # د. أحمد الحكيم
            continue
        if u.punct:
            if u.norm in COMMAS and j + 1 < limit and title_unit(units[j + 1]):
                j += 1
                continue
            if u.norm in COMMAS and j > a:
                close = closing_apposition(sent, units, j, limit)
                if close is not None:
                    return close   # المتحدث باسم الأمم المتحدة، ستيفان دوجاريك، | أن…
            if u.norm in OPEN_QUOTES + CLOSE_QUOTES and j > a:
                # a quoted name inside the phrase (جريدة "سانت لويس…") is kept
                close = next((m for m in range(j + 1, min(limit, j + 8)) if units[m].punct
                              and units[m].norm in CLOSE_QUOTES), None)
                if close is not None and u.norm in OPEN_QUOTES:
                    j = close + 1
                    continue
            break
        if j > a and (COMP_RE.match(u.norm) or u.norm in ("ان",)):
            break
        if j > a and has_finite_verb(sent, u) and not any(units[m].norm in RELATIVES for m in range(a, j)) \
                and not name_read_as_verb(sent, sent.words[u.first]):
            break
        if j > a and (strip_article(u.norm) in temporal or u.norm.isdigit() or u.norm in ("دون", "بدون")
                      or u.norm in DEMONSTRATIVES or u.norm == "عن" and (stop_at_an or
                                                                       not takes_an(sent, units[j - 1]))):
            # نقلت وكالة X عن مصادر…: the agency is the source; هذه/ذلك opens another phrase
            break
        if j > a and u.norm in ("في", "خلال") and j + 1 < limit and \
                (strip_article(units[j + 1].norm) in context_nouns() or possessed_noun(sent, units[j + 1])):
            break   # في كلمته، في رده، في سؤاله: the setting of the statement, not the speaker
        if j > a and u.norm in ("على", "علي", "الى", "الي") and j + 1 < limit and \
                noun_forms(units[j + 1].norm) & non_report_nouns():
            break   # شدد المصدر | على ضرورة…
        if j > a and possessed_noun(sent, u) and definite_noun(sent, units[j - 1]):
            break   # الرئيس | دعوته: a noun with a possessive after a definite noun is the object
        if j > a and is_circumstantial(sent, u, units[j - 1]):
            break   # الوزير | معقبا على…: an accusative ḥāl after a definite subject
        if j > a and channel_start(sent, units, j):
            break
        if j > a and definite_noun(sent, u) and definite_noun(sent, units[j - 1]):
            break
        j += 1
    return j

def takes_an(sent: Sent, u: Unit) -> bool:
    """Does ``u`` govern a following عن inside a noun phrase (نيابة عن، الصادر عن، المسؤول عن)?
    After other words عن belongs to the verb (أعرب الوزير | عن…، تحدث الخبير | عن…)."""
    w = sent.words[u.last]
    return "نيابه" in u.norm or w.upos in ("ADJ", "VERB") and u.norm.startswith("ال")

def is_circumstantial(sent: Sent, u: Unit, prev: Unit) -> bool:
    """Is ``u`` an indefinite accusative adjective/participle (معقبا، مصفقا، مبتسما) right after a
    definite noun or a name — a ḥāl, which cannot belong to the noun phrase?"""
    w = sent.words[u.first]
    if u.punct or prev.punct or u.first != u.last or not u.norm.endswith("ا") or u.norm.startswith("ال"):
        return False
    if w.upos not in ("ADJ", "VERB", "NOUN") or w.feat("Case") not in ("Acc", "") or \
            w.feat("Definite") not in ("Ind", ""):
        return False
    # the participle of a derived verb (مُفعِّلاً: معقبا، مصفقا، مبتسما) or a word the tree makes a ḥāl
    participle_shape = u.norm.startswith("م") and len(u.norm) >= 5
    if w.upos == "NOUN" and not (participle_shape or w.deprel in ("xcomp", "advcl") or match_participle(w)):
        return False
    p = sent.words[prev.last]
    return p.norm.startswith("ال") or p.upos in ("X", "PROPN")

def closing_apposition(sent: Sent, units: list[Unit], j: int, limit: int) -> int | None:
    """End of a name in apposition between two commas right before the complement:
    the index of the closing comma, or None."""
    m = next((k for k in range(j + 1, min(limit, j + 7)) if units[k].punct), None)
    if m is None or units[m].norm not in COMMAS or m + 1 >= len(units) or m == j + 1:
        return None
    nxt = units[m + 1]
    if not (COMP_RE.match(nxt.norm) or nxt.norm == ":"):
        return None
    if any(sent.words[i].upos in ("X", "PROPN") for k in range(j + 1, m) for i in range(units[k].first, units[k].last + 1)):
        return m
    return None

def is_apposition(sent: Sent, u: Unit) -> bool:
    """Does unit ``u``, right after a comma, open an apposition (a title, a definite noun phrase
    or a name: "جو ستيرنليب، رئيس منطقة…", "كوري شولمان، المساعدة الخاصة…", "دنفر، كولورادو")?"""
    if u.punct:
        return False
    w = sent.words[u.first]
    return title_unit(u) or (u.norm.startswith("ال") and w.upos in ("NOUN", "ADJ", "X", "PROPN")) or \
        w.upos in ("X", "PROPN")

def channel_start(sent: Sent, units: list[Unit], j: int) -> bool:
    """Is unit ``j`` the start of a channel (لوكالة نوفوستي، لصحيفة…، لـ"الجزيرة نت")?"""
    u = units[j]
    if not u.punct and u.norm == "ل" and j + 1 < len(units) and units[j + 1].punct \
            and units[j + 1].norm in OPEN_QUOTES:
        return True
    if u.punct or not u.norm.startswith("ل") or len(u.norm) < 4:
        return False
    rest = u.norm[1:]
    return noun_type(rest) == "media" or noun_type(strip_article(rest)) == "media" or \
        (rest.startswith("ل") and noun_type(rest[1:]) == "media")

def find_channel(sent: Sent, units: list[Unit], a: int, b: int, text: str) -> tuple[int, int] | None:
    """The channel span inside gap units [a, b): an outlet after لـ, written without the preposition."""
    for j in range(a, b):
        if channel_start(sent, units, j) and units[j].norm == "ل":
            close = next((m for m in range(j + 2, b) if units[m].punct and units[m].norm in CLOSE_QUOTES), None)
            if close is not None and close > j + 2:
                return units[j + 2].start, units[close - 1].end   # لـ"الجزيرة نت" → الجزيرة نت
            return None
        if channel_start(sent, units, j):
            u = units[j]
            end = j + 1
            while end < b and not units[end].punct and not COMP_RE.match(units[end].norm) and \
                    strip_article(units[end].norm) not in temporal_words() and \
                    not has_finite_verb(sent, units[end]):
                end += 1
            start = u.start + 1
            if text[start:start + 1] == "ـ":
                start += 1
            while start < units[end - 1].end and text[start].isspace():
                start += 1
            return start, units[end - 1].end
    return None

DEMONSTRATIVES = {"هذا", "هذه", "ذلك", "تلك", "هولاء", "اولئك"}

#: Words that cannot end a subject phrase (a preposition or conjunction left dangling).
DANGLING = {"من", "في", "على", "علي", "الى", "الي", "عن", "مع", "ب", "ل", "و", "ف", "او", "ثم", "بين",
            "قد", "لقد"}   # وكان الوزير | قد أعلن

def pronominal(sent: Sent, u: Unit) -> bool:
    """Is unit ``u`` a pronoun, a prepositional phrase or a particle + pronoun (لكنها، إنه, فيه)?"""
    if u.norm in PRONOUN_SUBJECTS:
        return True
    main = [sent.words[i] for i in range(u.first, u.last + 1) if sent.words[i].upos != "CCONJ"]
    return bool(main) and (main[0].upos == "ADP" or all(w.upos in ("PRON", "SCONJ", "PART") for w in main)
                           or main[-1].upos == "PRON" and main[0].norm in ("لكن", "ان", "لان"))

#: First and second person pronouns: after a third-person reporting verb they cannot be its
#: subject, so they open the quoted words ("وأضاف نحن في حالة انقراض").
SPEAKER_PRONOUNS = {"انا", "نحن", "انت", "انتم", "انتما", "انتن"}


def circumstantial(sent: Sent, u: Unit) -> bool:
    """Is unit ``u`` an indefinite accusative participle, a circumstantial (ḥāl) such as مدافعا،
    معربا، مشيرا: م… ending in tanween alif, not a name the tagger or parser marked?"""
    w = sent.words[u.first]
    n = strip_conjunction(w.norm)
    return u.first == u.last and n.startswith("م") and n.endswith("ا") and len(n) >= 5 \
        and w.upos not in ("X", "PROPN") and not w.ner.startswith(("B-PER", "I-PER")) and not n.endswith("اا")


def clean_subject(sent: Sent, units: list[Unit], a: int, e: int) -> tuple[int, int] | None:
    """Trim a subject phrase: punctuation and dangling prepositions at the end; a lone
    demonstrative ("ادعى هذه المرة أنه…") is not a subject."""
    r = trim(units, a, e)
    while r and r[1] > r[0] and units[r[1] - 1].norm in DANGLING:
        r = trim(units, r[0], r[1] - 1)
    if not r or all(units[m].norm in DEMONSTRATIVES for m in range(*r)):
        return None
    return r

#: Time prepositions: the noun phrase after them is their object, never the speaker.
TIME_PREPOSITIONS = {"قبل", "بعد", "خلال", "عقب", "منذ", "اثناء", "طوال"}

def skip_time(units: list[Unit], a: int, b: int) -> int:
    """First unit at or after ``a`` that is not a time expression ("كما ذكر اليوم الثلاثاء
    مسؤولون…", "أكد أول أمس…", "قال يوم 5 مايو…"): the subject may stand after it."""
    while a < b:
        n = units[a].norm
        if n in TIME_PREPOSITIONS:
            return b   # "صرح قبل أشهر عدة بأن…": a time phrase with its own object; the subject is elsewhere
        if strip_article(n) in temporal_words() or n.isdigit() or \
                n == "اول" and a + 1 < b and units[a + 1].norm == "امس":
            a += 1
        else:
            break
    return a

def subject_in_gap(sent: Sent, units: list[Unit], a: int, b: int, cue_word: int,
                    cue_lemma: str = "") -> tuple[int, int] | None:
    """Subject units [s, e) right after a verb cue, inside the gap [a, b), or None (dropped)."""
    a = skip_time(units, a, b)
    if a >= b:
        return None
    u = units[a]
    if u.punct or pronominal(sent, u) or channel_start(sent, units, a):
        return None  # a prepositional phrase or a pronoun: no written subject here
    if u.norm in SPEAKER_PRONOUNS or circumstantial(sent, u):
        return None  # "وأضاف نحن…": the quotation begins; "وقال مدافعا عن…": a ḥāl, the subject is dropped
    if u.norm in COMP_PREPS or u.norm in ("في", "خلال", "عن", "الى", "على", "لـ", "ل"):
        return None
    e = np_end(sent, units, a, b, stop_at_an=cue_lemma == "نقل")
    # the tree can cut the subject at an object/addressee of the cue (أخبر شاهد عيان الشرطة أن)
    for j in range(a + 1, e):
        w = sent.words[units[j].first]
        if w.head == cue_word and w.deprel in ("obj", "iobj") and units[j - 1].norm not in COMMAS \
                and noun_type(units[j - 1].norm) != "quantifier" and sent.words[units[j - 1].last].upos != "ADP" \
                and not (is_name_word(sent, w) and w.feat("Case") != "Acc"):
            # الناشطة الحقوقية سارة حسن: a name in apposition, not an object (an object is accusative)
            e = j
            break
    return extend_to_entity(sent, units, clean_subject(sent, units, a, e), b)


def extend_to_entity(sent: Sent, units: list[Unit], r: tuple[int, int] | None, limit: int) -> tuple[int, int] | None:
    """Subject units [s, e) that end inside a person or organisation the entity tagger found run on
    to the entity's end (before unit ``limit``): a source ends at a name's edge, not where the parser
    lost it ("سفير البرازيل جواو سيلفا": سيلفا split س + يلفا and read as a verb)."""
    if r is None:
        return None
    s, e = r
    while e < limit and not units[e].punct:
        last = sent.words[units[e - 1].last].ner
        nxt = sent.words[units[e].first].ner
        if last == "O" or not nxt.startswith("I-") or nxt[2:] != last[2:] or nxt[2:] not in ("PER", "ORG"):
            break
        e += 1
    return s, e

def subject_before(sent: Sent, units: list[Unit], cu: int, cue_word: int) -> tuple[int, int] | None:
    """Subject-first order (المصادر قالت إن…، لكن أحد الخبراء نبه إلى أن…، إلا أن مندوبا رفيعا في
    "أوبك" صرح…، أما فلان (٤٥ سنة)، وهو صائغ، فيرى أن…).

    A topic opened by أما and resumed by ف before the cue is the subject as a whole. Else the
    cue's ``nsubj`` just before it (a relative clause inside it allowed), or the noun phrase that
    runs back from the cue to the clause start (sentence start, a comma, لكن/و, أن) when it
    names something that can speak. A pronoun (لكنها تقول) leaves the subject dropped.
    """
    topic = amma_topic(sent, units, cu) or _kana_subject(sent, units, cu)
    if topic is not None:
        return topic
    subj = [w for w in sent.words if w.head == cue_word and w.deprel.startswith("nsubj") and w.i < cue_word]
    a = unit_of_word(units, min(sent.subtree(subj[0].i))) if subj else None
    if a is not None and (COMP_RE.match(units[a].norm) or units[a].norm in ("لكن", "و", "ف")):
        a += 1
    if a is None:
        a = cu
        while a > 0 and (not units[a - 1].punct or short_quote_mark(units, a - 1, cu)) \
                and cu - a < 8 and units[a - 1].norm not in ("لكن", "و", "ف") \
                and not has_finite_verb(sent, units[a - 1]) and not COMP_RE.match(units[a - 1].norm) \
                and strip_conjunction(units[a - 1].norm) not in RELATIVES:
            a -= 1
        while a < cu and units[a].punct and units[a].norm in OPEN_QUOTES + CLOSE_QUOTES and not any(
                units[m].punct and units[m].norm in CLOSE_QUOTES for m in range(a + 1, cu)):
            a += 1
        if a < cu and strip_conjunction(units[a].norm) in RELATIVES:
            return None   # …والتي يزعم أنها: the noun before a relative clause is not its subject
        if a == cu or not is_source_like(sent, units, a, cu) or sent.words[units[a].first].upos == "ADP":
            return None
    relative = next((m for m in range(a, cu) if strip_conjunction(units[m].norm) in RELATIVES), None)
    clause_end = relative if relative is not None else cu
    if cu - a > (16 if relative is not None else 8) or \
            any(units[m].punct and units[m].norm not in OPEN_QUOTES + CLOSE_QUOTES for m in range(a, clause_end)) or \
            any(has_finite_verb(sent, units[m]) for m in range(a, clause_end)) or pronominal(sent, units[a]):
        return None
    return clean_subject(sent, units, a, cu)

def short_quote_mark(units: list[Unit], m: int, cu: int) -> bool:
    """Is the quotation mark at ``m`` part of a short quoted name inside a subject before the cue
    (مندوبا رفيعا في "أوبك" صرح)? A longer quotation is reported speech, not a subject."""
    if units[m].norm not in OPEN_QUOTES + CLOSE_QUOTES:
        return False
    marks = [k for k in range(max(0, m - 5), cu) if units[k].punct and units[k].norm in OPEN_QUOTES + CLOSE_QUOTES]
    return len(marks) == 2 and marks[1] - marks[0] <= 4

#: كان and its forms: "وكان مصدر مسؤول في الوزارة، قال إن…" (the subject of كان speaks).
KANA = {"كان", "كانت", "وكان", "وكانت", "فكان", "فكانت"}


def _kana_subject(sent: Sent, units: list[Unit], cu: int) -> tuple[int, int] | None:
    """"وكان X، قال…": the noun phrase between كان and a comma right before the cue."""
    if cu < 3 or not (units[cu - 1].punct and units[cu - 1].norm in COMMAS):
        return None
    start = next((m for m in range(cu - 2, max(-1, cu - 14), -1) if units[m].norm in KANA), None)
    if start is None or any(units[m].punct for m in range(start + 1, cu - 1)):
        return None
    r = clean_subject(sent, units, start + 1, cu - 1)
    return r if r and is_source_like(sent, units, r[0], r[1]) else None


def amma_topic(sent: Sent, units: list[Unit], cu: int) -> tuple[int, int] | None:
    """"أما X …، فيرى أن…": the units of the topic X (up to the cue), or None."""
    if not units[cu].norm.startswith("ف") or cu < 2:
        return None
    start = next((m for m in range(cu - 1, -1, -1) if strip_conjunction(units[m].norm) == "اما"), None)
    if start is None or cu - start > 20 or any(units[m].punct and units[m].norm in STOP_PUNCT for m in range(start, cu)):
        return None
    r = trim(units, start + 1, cu)
    return r if r and is_source_like(sent, units, r[0], r[1]) else None

def after_named_subject(sent: Sent, units: list[Unit], a: int) -> int | None:
    """Unit after a "role … Name" subject (وأكد المتحدث باسم الوزارة أحمد أبو زيد | دعم…).

    In verb–subject–object order nothing marks where the subject ends; a personal
    name closing the subject does. Returns None when no name is found in reach.
    """
    seen_name = False
    for j in range(a, min(len(units), a + 12)):
        u = units[j]
        if u.punct:
            return j if seen_name else None
        w = sent.words[u.last if sent.words[u.last].upos != "PRON" else u.first]
        tagged = w.upos in ("X", "PROPN")
        if is_name_word(sent, w) and (tagged or seen_name != "tagged"):
            seen_name = "tagged" if tagged or seen_name == "tagged" else "untagged"
        elif seen_name and continues_name(sent, w):
            continue   # رام الله، عبد الله: the name goes on
        elif seen_name:
            return j
        elif has_finite_verb(sent, u):
            return None
    return None
