"""Stage 2: confirm a cue and find its source, channel, content and mode.

A cue candidate becomes a claim only when the sentence shows reported content
(ANNOTATION.md "Not cues": a verb of saying with no reported content is not a claim):

* ``c`` frame — a complementizer (أن، إن، أنه، بأن، على أن، إلى أن، من أن) after the cue,
  separated from it only by the source phrase, a channel, time words or an apposition;
* ``q`` frame — a colon or an opening quotation mark in the same position, or a
  quotation ending just before a post-posed cue ("…"، قال فلان);
* ``o`` frame — a propositional object (أكد دعم مصر، متهما الجماعات بـ…), for the verbs
  the lexicon marks with ``o``;
* source phrases (بحسب، وفقا لـ) need a source-like noun phrase after them;
* document phrases (جاء في البيان أن…، جاء فيه:) take the document as the source;
* a fact after a preposition (كشف عن وجود…، اعترف بعدم…) for the cues of ``fact_prepositions.tsv``.

Rejected: أن governed by a noun of wishing (أمله في أن), relative ما before the cue, participles
that are adjectives (رقابة مشددة) or predicates (ليس مستبعدا), performative and signing objects.
The source phrase itself is found in ``subjects.py``.

The search is linear over orthographic words, with the dependency tree as a second
opinion (an ``obj`` child for nominal content, an ``nsubj`` before the cue for
subject-first clauses, ``obj``/``iobj`` to stop a subject at the addressee). The
model is weak (LAS ≈ 57 from raw text), so every tree-based choice has a linear
fallback and no rule depends on a single arc being right.

Not handled: content that precedes the cue without quotation marks, cues whose
content spans several sentences of the parser, and discontinuous sources.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cues import Cue, match_participle, match_verb
from .frame_words import (CLOSE_QUOTES, COMMAS, COMP_PREPS, COMP_RE, NON_COMP_BEFORE, OPEN_QUOTES, RELATIVES,
                          STOP_PUNCT, definite_noun, fact_prepositions, has_finite_verb, non_report_nouns, noun_forms,
                          performatives, possessed_noun, propositional_nouns, sentence_end, temporal_words, trim)
from .lexicon import load, noun_type, strip_article
from .normalize import strip_conjunction
from .source_types import is_name_word, name_read_as_verb
from .subjects import (after_named_subject, clean_subject, find_channel, is_apposition, is_source_like, np_end,
                       pronominal, skip_time, subject_before, subject_in_gap)
from .treebank import Sent
from .units import Unit, unit_of_word, units_of

#: Largest number of words (punctuation not counted) between a cue and its complementizer.
MAX_GAP = 22
#: Prepositions after which a cue-like word is a verbal noun (في رده، بعد إعلانه), not a verb.
SETTING_PREPS = {"في", "ب", "ل", "على", "علي", "الى", "الي", "من", "عن", "بعد", "قبل", "خلال", "اثناء", "عقب"}
#: Extra reach when a relative clause stands in that gap ("وأوضح الوزير في رده على سؤال طرحه عليه
#: أحد النواب عن دائرة … إلى أن").
RELATIVE_EXTRA_GAP = 12
#: Hedge predicates that open a new coordinated clause ("، ومن المنتظر أن…") and end the content.
CLAUSE_OPENERS = {("من", "المنتظر"), ("من", "المقرر"), ("من", "المتوقع"), ("من", "المرجح"), ("من", "المحتمل")}


@dataclass
class Frame:
    """A confirmed cue with its spans (original offsets) and how they were found."""

    cue: Cue
    cue_span: tuple[int, int]
    mode: str
    content_span: tuple[int, int]
    source_span: tuple[int, int] | None = None
    channel_span: tuple[int, int] | None = None
    impersonal: bool = False
    anchor: int | None = None          # participles: the word whose subject speaks
    source_words: tuple[int, int] | None = None   # first/last word index of the source
    evidence: list[str] = field(default_factory=list)


def _participle_entry(sent: Sent, u: Unit):
    for i in range(u.first, u.last + 1):
        e = match_participle(sent.words[i])
        if e:
            return e
    return None


def _cue_at(sent: Sent, u: Unit) -> str:
    """'verb' / 'participle' / '' — is unit ``u`` itself a reporting cue?"""
    for i in range(u.first, u.last + 1):
        w = sent.words[i]
        if w.upos == "CCONJ" or w.norm in ("و", "ف"):
            continue
        hit = match_verb(w)
        if hit and hit[0].frames and not hit[3]:
            return "verb"
        if match_participle(w):
            return "participle"
        return ""
    return ""


def content_end(sent: Sent, units: list[Unit], k: int) -> int:
    """Index (exclusive) of the last unit of a content that starts at unit ``k``.

    The content runs to the end of the sentence and stops before a following participle
    or cue after a comma, before "، ومن المنتظر أن…"-type clauses and before a post-posed
    source phrase ("، بحسب…").
    """
    lex = load()
    end = sentence_end(units, k)
    j = k + 1
    quote_depth = 0
    while j < end:
        u = units[j]
        if u.punct and u.norm in OPEN_QUOTES + CLOSE_QUOTES:
            quote_depth ^= 1
        if not u.punct and not quote_depth and _cue_at(sent, u) == "participle" and _introduces_clause(units, j) \
                and not _predicate(units, j):
            return j   # "… على حد سواء مشيرا إلى أن …": a participle with its own complement
        if u.punct and u.norm in COMMAS and not quote_depth and j + 1 < end:
            nxt = units[j + 1]
            after = units[j + 2] if j + 2 < end else None
            if not nxt.punct and _cue_at(sent, nxt):
                return j
            norm = strip_conjunction(nxt.norm)
            if after is not None and (norm, after.norm) in CLAUSE_OPENERS:
                return j
            if any(phrase[0] == norm or phrase[0] == nxt.norm for phrase in lex.source_phrases):
                return j
        j += 1
    return end


#: Copulas and negations: a participle after them is a predicate (ليس مستبعدا، بات مؤكدا), not a ḥāl.
COPULAS = {"ليس", "ليست", "غير", "لا", "ما", "كان", "كانت", "بات", "باتت", "اصبح", "اصبحت", "يبدو", "بدا"}


def _predicate(units: list[Unit], j: int) -> bool:
    """Is the participle at unit ``j`` the predicate of a copula or negation right before it?"""
    return j > 0 and not units[j - 1].punct and strip_conjunction(units[j - 1].norm) in COPULAS


def _introduces_clause(units: list[Unit], j: int) -> bool:
    """Is unit ``j`` followed by a complementizer, directly or after إلى/على/من (مشيرا إلى أن)?"""
    k = j + 1
    if k < len(units) and units[k].norm in COMP_PREPS and not units[k].punct:
        k += 1
    return k < len(units) and bool(COMP_RE.match(units[k].norm))


def _strip_wrapping_quotes(text: str, units: list[Unit], a: int, b: int) -> tuple[int, int]:
    """Drop quotation marks that wrap the whole content (inner quoted fragments stay)."""
    if b - a >= 2 and units[a].punct and units[a].norm in OPEN_QUOTES and units[b - 1].punct \
            and units[b - 1].norm in CLOSE_QUOTES:
        inner = [u for u in units[a + 1:b - 1] if u.punct and u.norm in OPEN_QUOTES + CLOSE_QUOTES]
        if not inner:
            a, b = a + 1, b - 1
    elif units[a].punct and units[a].norm in OPEN_QUOTES and not any(
            u.punct and u.norm in CLOSE_QUOTES for u in units[a + 1:b]):
        a += 1
    r = trim(units, a, b)
    return r or (a, b)


#: Nouns that name what follows them in quotation marks (منظمة "أصوات في البرية"، عملية "…"،
#: بعنوان "…"): such a quotation is a name or a title, not the speaker's words.
NAMING_NOUNS = {"اسم", "باسم", "بعنوان", "عنوان", "شعار", "عمليه", "كتيبه", "مشروع", "برنامج", "حمله", "مبادره",
                "خطه", "كتاب", "فيلم", "مسلسل", "اغنيه", "روايه", "مسرحيه", "قانون", "بيان"}


def _quoted_speech(sent: Sent, units: list[Unit], a: int, b: int) -> bool:
    """Does units [a, b) hold a quoted fragment of the speaker's words ("mixed" content)?

    A quotation of only tagged names, or one right after a noun that it names (an
    organization, outlet or document noun, or منظمة/عملية/بعنوان…), is a name or a title —
    "a scare-quoted term or a quoted name does not make a claim mixed" (ANNOTATION.md)."""
    k = a
    while k < b:
        u = units[k]
        if not (u.punct and u.norm in OPEN_QUOTES + CLOSE_QUOTES):
            k += 1
            continue
        end = next((m for m in range(k + 1, b) if units[m].punct and units[m].norm in OPEN_QUOTES + CLOSE_QUOTES), b)
        words = [units[m] for m in range(k + 1, end) if not units[m].punct]
        before = units[k - 1] if k > 0 and not units[k - 1].punct else None
        names_only = words and all(all(sent.words[i].upos in ("X", "PROPN") for i in range(w.first, w.last + 1))
                                   for w in words)
        naming = before is not None and (noun_type(before.norm) in ("organization", "media", "document")
                                         or noun_forms(before.norm) & NAMING_NOUNS)
        if words and not names_only and not (naming and len(words) <= 4):
            return True
        k = end + 1
    return False


def _span(units: list[Unit], r: tuple[int, int] | None) -> tuple[int, int] | None:
    return (units[r[0]].start, units[r[1] - 1].end) if r else None


def _quoted_name_end(sent: Sent, units: list[Unit], j: int, limit: int) -> int | None:
    """Closing-quote index when the quotation opened at ``j`` is a short quoted name inside a
    phrase (نقابة "فورس أوفريير" عن…), not the reported words."""
    for m in range(j + 1, min(limit, j + 11)):
        if units[m].punct and units[m].norm in CLOSE_QUOTES:
            nxt = units[m + 1] if m + 1 < len(units) else None
            if nxt is not None and not (nxt.punct and nxt.norm in STOP_PUNCT) and \
                    (m - j <= 5 and not (not nxt.punct and _cue_at(sent, nxt)) or COMP_RE.match(nxt.norm)):
                return m   # a longer title only before أن; words followed by another cue were speech
            return None
        if units[m].punct:
            return None
    return None


def _quote_is_speech(sent: Sent, units: list[Unit], j: int, near: bool = False) -> bool:
    """A quotation opened at ``j`` reports words when it runs to the end of the sentence
    (or is long): a short quoted term (بقولهم "ماري نوستروم") does not."""
    words = 0
    for m in range(j + 1, len(units)):
        u = units[m]
        if u.punct and u.norm in CLOSE_QUOTES:
            rest = [x for x in units[m + 1:] if not (x.punct and x.norm in STOP_PUNCT)]
            next_cue = bool(rest) and not rest[0].punct and bool(_cue_at(sent, rest[0]))
            # "…" وأضاف "…", and a quotation right after the cue and its subject, are speech
            return words >= 3 and (not rest or words >= 6 or next_cue or near)
        if u.punct and u.norm in STOP_PUNCT and words >= 3:
            continue
        if not u.punct:
            words += 1
    return words >= 3


def _scan_forward(sent: Sent, units: list[Unit], cu: int, relaxed: bool = False) -> tuple[str, int, int | None]:
    """From the cue unit, find ('c'|'q'|'', index of the frame unit, merged participle unit).

    Between the cue and its complement may stand the source, a channel, time words, an
    apposition and a relative clause. A finite verb outside a relative clause ends the
    search for a complementizer (it starts another clause), but not for a colon, which
    announces the words themselves even after a long setting ("قالت ليف في مقابلة أجريت
    معها مؤخراً: …").

    ``relaxed``: a verb, a clause break or another cue in between does not end the search —
    how ``extract.propose(candidates=True)`` proposes a frame the rules rejected, for the cue
    model to decide.
    """
    limit = min(len(units), cu + 1 + MAX_GAP)
    relative_seen = verb_seen = clause_break = False
    extended = False
    verbs: list[int] = []
    j = cu + 1
    while j < limit:
        u = units[j]
        if u.punct:
            limit = min(len(units), limit + 1)   # the gap is counted in words, not punctuation marks
            if u.norm in STOP_PUNCT:
                break
            if u.norm == ":":
                return ("q", j, None) if not clause_break or relaxed else ("", j, None)
            if u.norm in OPEN_QUOTES:
                end = _quoted_name_end(sent, units, j, limit)
                if end is not None and j == cu + 1 and not (end + 1 < limit and COMP_RE.match(units[end + 1].norm)):
                    end = None   # right after the cue only a quoted name followed by أن is a subject
                if end is None:
                    return ("q", j, None) if _quote_is_speech(sent, units, j, near=j <= cu + 3) else ("", j, None)
                j = end
            elif u.norm in COMMAS and j + 1 < limit and not is_apposition(sent, units[j + 1]):
                clause_break = True
            j += 1
            continue
        if COMP_RE.match(u.norm) and units[j - 1].norm not in NON_COMP_BEFORE:
            if verb_seen and not relative_seen and not _between_commas(units, verbs, j) and not relaxed:
                return "", j, None
            if _wish_noun_before(units, j):
                return "", j, None   # أعرب عن أمله في أن…: the clause is hoped for, not reported
            return "c", j, None
        if u.norm in RELATIVES or u.norm in ("حيث",):
            relative_seen = True
        if relative_seen and not extended:   # a relative clause lengthens the subject or setting
            limit, extended = min(len(units), limit + RELATIVE_EXTRA_GAP), True
        kind = _cue_at(sent, u)
        if kind and not units[j - 1].punct and units[j - 1].norm in SETTING_PREPS:
            kind = ""   # في رده، بعد تصريحه: after a preposition the word is a noun, not a verb
        if kind == "participle" and units[j - 1].punct and units[j - 1].norm in COMMAS:
            return "", j, None  # "وجدت الأمر سهلاً، موضحةً: …": the participle reports on its own
        if kind == "participle":
            # "علق قائلا: …": one speech act; the finite cue takes the participle's words
            f, k, _ = _scan_forward(sent, units, j)
            return (f, k, j) if f else ("", j, None)
        if kind == "verb" and not relaxed:
            return "", j, None
        if has_finite_verb(sent, u) and not relative_seen and name_read_as_verb(sent, sent.words[u.first]):
            j += 1
            continue   # وزير الإعلام | أمجد | العضايلة إن…: a first name shaped like a verb (أفعل)
        if has_finite_verb(sent, u) and not relative_seen:
            if _after_indefinite_noun(sent, units, j) or (
                    not verbs and not clause_break and _indefinite_subject(sent, units, cu + 1, j)):
                relative_seen = True   # مسؤول | رفض الكشف عن هويته: an asyndetic relative clause
                if not extended:
                    limit, extended = min(len(units), limit + RELATIVE_EXTRA_GAP), True
            else:
                verb_seen = True
                verbs.append(j)
        j += 1
    return "", -1, None


def _indefinite_subject(sent: Sent, units: list[Unit], a: int, j: int) -> bool:
    """Is units [a, j) an indefinite noun with its modifiers and prepositional phrases
    ("مسؤول في البنتاغون | رفض الكشف عن هويته")? The verb at ``j`` then describes it."""
    if a >= j or units[a].punct:
        return False
    head = sent.words[units[a].last]
    if head.upos != "NOUN" or units[a].norm.startswith("ال") or head.feat("Definite") not in ("Ind", "") \
            or possessed_noun(sent, units[a]) or not noun_type(units[a].norm):
        return False
    return j - a <= 6 and not any(units[m].punct for m in range(a, j))


def _after_indefinite_noun(sent: Sent, units: list[Unit], j: int) -> bool:
    """Does the finite verb at unit ``j`` follow an indefinite noun directly? In Arabic a
    clause after an indefinite noun is its relative clause without a relative pronoun
    (صفة جملة: "مسؤول رفض الكشف عن هويته"، "بيان أصدرته الوزارة"، "سؤال وجهه إليه النائب")."""
    if j == 0 or units[j - 1].punct:
        return False
    p = sent.words[units[j - 1].last]
    return p.upos in ("NOUN", "ADJ") and not units[j - 1].norm.startswith("ال") and \
        p.feat("Definite") in ("Ind", "") and not possessed_noun(sent, units[j - 1]) and \
        not COMP_RE.match(units[j - 1].norm)


def _wish_noun_before(units: list[Unit], j: int) -> bool:
    """Is the complementizer at ``j`` governed by a noun of wishing or calling (``non_report_nouns.txt``),
    directly or through a preposition (أمله في أن، دعوته إلى أن، ضرورة أن)?"""
    k = j - 1
    if k >= 0 and units[k].norm in ("في", "الى", "الي", "على", "علي") and not units[k].punct:
        k -= 1
    if k < 0 or units[k].punct:
        return False
    return bool(noun_forms(units[k].norm) & non_report_nouns())


def _between_commas(units: list[Unit], verbs: list[int], j: int) -> bool:
    """Do all the "verbs" seen lie in a comma-delimited apposition right before the
    complementizer at ``j`` ("المتحدث باسم الأمم المتحدة، ستيفان دوجاريك، أن…")? The
    tokenizer splits names starting with س/ب/ل as if they were verbs with a clitic."""
    if j < 2 or not (units[j - 1].punct and units[j - 1].norm in COMMAS):
        return False
    opening = next((m for m in range(j - 2, -1, -1) if units[m].punct and units[m].norm in COMMAS), None)
    return opening is not None and j - 1 - opening <= 8 and all(opening < v < j - 1 for v in verbs)


def _backward_quote(units: list[Unit], cu: int) -> tuple[int, int] | None:
    """'"…"، قال فلان': a quotation that ends just before the cue (only a comma between)."""
    j = cu - 1
    while j >= 0 and units[j].punct and units[j].norm in COMMAS:
        j -= 1
    if j < 1 or not (units[j].punct and units[j].norm in CLOSE_QUOTES) or j == cu - 1:
        return None
    for k in range(j - 1, -1, -1):
        if units[k].punct and units[k].norm in OPEN_QUOTES:
            return (k, j + 1) if j - k > 1 else None
    return None


def _obj_start(sent: Sent, units: list[Unit], cue_word: int, after: int) -> int | None:
    """Unit index where a propositional object of the cue starts (tree ``obj``/``ccomp``/``xcomp``)."""
    cands = [w for w in sent.words if w.head == cue_word and w.deprel in ("obj", "ccomp", "xcomp")
             and w.i > cue_word and w.upos not in ("PRON",)]
    for w in cands:
        first = min(sent.subtree(w.i))
        k = unit_of_word(units, max(first, units[after].first if after < len(units) else first))
        if k >= after:
            return k
    return None


def confirm(sent: Sent, cue: Cue, text: str, units: list[Unit] | None = None, relaxed: bool = False) -> Frame | None:
    """Confirm a cue and build its frame, or return None (not a claim).

    ``relaxed``: look past verbs and other cues for the complement (see :func:`_scan_forward`);
    only the candidate generator for the cue model asks for this."""
    units = units or units_of(sent, text)
    cu = unit_of_word(units, cue.first)
    cue_last_unit = unit_of_word(units, cue.last)
    cue_span = (units[cu].start, units[cue_last_unit].end)
    if cue.kind == "phrase":
        return _according_to(sent, cue, units, cu, cue_last_unit, cue_span, text)
    if cue.kind == "document":
        return _stated_in(sent, cue, units, cu, cue_last_unit, cue_span, text)
    frames = cue.entry.frames if cue.entry else "cq"
    if cue.kind == "impersonal":
        frames = "cq"
    blocked = _blocked_context(sent, cue, units, cu)
    if blocked:
        return None
    kind, k, merged = _scan_forward(sent, units, cue_last_unit, relaxed)
    if cue.weak and (kind != "c" or k > cue_last_unit + 2):
        return None  # a verb form the tagger did not take for a verb needs a complement clause
    if merged is not None:
        merged_entry = next((e for e in [_participle_entry(sent, units[merged])] if e), None)
        frames = merged_entry.frames if merged_entry else frames
    ev: list[str] = [f"cue «{text[cue_span[0]:cue_span[1]]}»: {cue.kind} "
                     f"({cue.entry.lemma if cue.entry else 'phrase'}, {cue.cue_class}) matched by {cue.matched_by}"]
    if kind == "c" and "c" in frames:
        content_a = k + 1
        mode = "indirect"
        ev.append(f"complementizer «{text[units[k].start:units[k].end]}» after the cue → indirect content")
    elif kind == "q" and "q" in frames or kind == "q" and "c" in frames and units[k].norm == ":":
        content_a = k + 1 if units[k].norm == ":" else k
        mode = "direct"
        ev.append("colon or quotation after the cue → direct content")
    else:
        back = _backward_quote(units, cu) if "q" in frames or "c" in frames else None
        if back and cue.kind == "verb":
            a, b = _strip_wrapping_quotes(text, units, *back)
            ev.append("quotation just before the cue → direct content")
            src = subject_in_gap(sent, units, cue_last_unit + 1, sentence_end(units, cue_last_unit + 1),
                                  cue.last)
            return Frame(cue, cue_span, "direct", (units[a].start, units[b - 1].end), _span(units, src),
                         None, False, None, _words(units, src), ev)
        if cue.kind == "verb" and _as_reported_by(units, cu) is not None:
            return _reported_by(sent, cue, units, cu, cue_last_unit, cue_span, text, ev)
        if cue.kind == "impersonal" and cue_last_unit + 1 < len(units) and units[cue_last_unit + 1].norm in COMMAS:
            ev.append("impersonal phrase and a comma → the rest of the clause is the content")
            k, kind = cue_last_unit + 1, "comma"
        elif cue.kind == "verb" and cue.entry and cue.entry.lemma in fact_prepositions() and \
                (about := _about_fact(sent, units, cue_last_unit, fact_prepositions()[cue.entry.lemma])) is not None:
            return _object_frame(sent, cue, units, cu, cue_last_unit, cue_span, text, ev, *about,
                                 "a state of affairs {} after the cue's preposition")
        elif "o" not in frames or kind == "q":
            return None
        else:
            return _nominal(sent, cue, units, cu, cue_last_unit, cue_span, text, ev)
    if kind == "comma":
        content_a, mode = k + 1, "indirect"
    # content
    end = content_end(sent, units, content_a)
    if mode == "direct":
        end = _quote_close(sent, units, content_a, end)
    r = trim(units, content_a, end)
    if not r:
        return None
    a, b = _strip_wrapping_quotes(text, units, *r) if mode == "direct" else r
    if mode == "indirect" and units[a].punct and units[a].norm in OPEN_QUOTES:
        a, b = _strip_wrapping_quotes(text, units, a, b)
        mode = "mixed"   # قال إن "…": the quotation wraps the clause after the complementizer
        ev.append("quotation wrapping the clause after the complementizer → mixed")
    elif mode == "indirect" and _quoted_speech(sent, units, a, b):
        mode = "mixed"
        ev.append("quoted fragment of the speaker's words inside the indirect content → mixed")
    gap_end = merged if merged is not None else k
    frame = Frame(cue, cue_span, mode, (units[a].start, units[b - 1].end), evidence=ev)
    if merged is not None:
        ev.append(f"participle «{text[units[merged].start:units[merged].end]}» introduces the same words: merged")
    _fill_source(sent, cue, units, cu, cue_last_unit, gap_end, frame, text)
    return frame


#: The closing mark of each opening quotation mark.
QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»", "„": "“", "‘": "’", "'": "'"}


def _quote_close(sent: Sent, units: list[Unit], a: int, end: int) -> int:
    """End of direct content opened by a quotation mark at ``a``: just after its closing mark
    when another cue follows it ("فقال "…" وأضاف خدام "…"", "…" مؤكدا أن…), else ``end``."""
    if a >= len(units) or not (units[a].punct and units[a].norm in QUOTE_PAIRS):
        return end
    close = QUOTE_PAIRS[units[a].norm]
    for m in range(a + 1, end):
        if units[m].punct and units[m].norm == close:
            nxt = [k for k in range(m + 1, min(end, m + 3)) if not units[k].punct]
            return m + 1 if nxt and _cue_at(sent, units[nxt[0]]) else end
    return end


#: Relative ما (بما يفيد، مما يؤكد، ما يقدر بنحو): the cue's subject is "what", a thing.
RELATIVE_MA = {"ما", "بما", "مما", "فيما", "لما"}
#: Adverbs followed by a non-relative ما (غالبا ما توصف: "is often described").
ADVERBS_WITH_MA = {"غالبا", "كثيرا", "نادرا", "قليلا", "طالما", "قلما", "سرعان", "عاده", "دايما"}


def _blocked_context(sent: Sent, cue: Cue, units: list[Unit], cu: int) -> str:
    """Why the words before a cue make it no claim, or "":

    * relative ما right before a verb cue: "بما يفيد…", "ما يؤكد اعتزامه" (what indicates…);
    * a verb cue with an object pronoun right after a relative pronoun: "التي أعلنها المكتب"
      (the object is the antecedent noun, not a reported clause);
    * a participle right after an indefinite noun, with no comma: an adjective agreeing with
      that noun ("رقابة مشددة"، "معلومات مؤكدة"), not a circumstantial ḥāl.
    """
    prev = units[cu - 1] if cu > 0 else None
    if prev is None or prev.punct:
        return ""
    if cue.kind == "verb" and prev.norm in RELATIVE_MA and _as_reported_by(units, cu) is None and \
            not (cu >= 2 and strip_conjunction(units[cu - 2].norm) in ADVERBS_WITH_MA):
        return "relative ما"
    w = sent.words[cue.first]
    if cue.kind == "verb" and strip_conjunction(prev.norm) in RELATIVES and \
            any(sent.words[i].upos == "PRON" for i in range(w.i + 1, units[cu].last + 1)):
        return "relative clause with a resumptive object"
    if cue.kind == "participle" and _predicate(units, cu):
        return "predicate after a copula or negation (ليس مستبعدا أن…)"
    if cue.kind == "participle" and not _introduces_clause(units, cu):
        p = sent.words[prev.last]
        if p.upos in ("NOUN", "ADJ") and not prev.norm.startswith("ال") and p.feat("Definite") in ("Ind", "") \
                and not COMP_RE.match(prev.norm) and not has_finite_verb(sent, prev) and not possessed_noun(sent, prev):
            return "adjective after an indefinite noun"
    return ""


def _words(units: list[Unit], r: tuple[int, int] | None) -> tuple[int, int] | None:
    return (units[r[0]].first, units[r[1] - 1].last) if r else None


def _fill_source(sent: Sent, cue: Cue, units: list[Unit], cu: int, cl: int, gap_end: int, frame: Frame,
                 text: str) -> None:
    """Source, channel, impersonal flag and participle anchor of a confirmed verb/participle cue."""
    ev = frame.evidence
    if cue.kind == "participle":
        frame.anchor = _participle_anchor(sent, cue.first, frame.content_span)
        ev.append("participle: the source is the subject of the clause it continues")
        return
    gap = (cl + 1, gap_end)
    frame.channel_span = find_channel(sent, units, gap[0], gap[1], text)
    if frame.channel_span:
        ev.append(f"channel «{text[frame.channel_span[0]:frame.channel_span[1]]}» (outlet after لـ)")
    if cue.kind == "impersonal":
        frame.impersonal = True
        ev.append("impersonal phrase: the article's own voice")
        return
    src = subject_in_gap(sent, units, gap[0], gap[1], cue.first, cue.entry.lemma if cue.entry else "")
    how = "words between the cue and its content"
    if src is None:
        src = subject_before(sent, units, cu, cue.first)
        how = "subject before the cue (nsubj)"
    pronoun_before = cu > 0 and not units[cu - 1].punct and pronominal(sent, units[cu - 1]) and \
        strip_conjunction(units[cu - 1].norm) not in RELATIVES   # لكنه يعتقد (not: والتي يزعم، passive)
    if src is None and cue.entry and "i" in cue.entry.frames and not pronoun_before and \
            _passive_like(sent, cue, units, cl, gap_end):
        frame.impersonal = True
        ev.append("passive/impersonal form with nothing before its complement → the article's own voice")
        return
    frame.source_span = _span(units, src)
    frame.source_words = _words(units, src)
    if src:
        ev.append(f"source «{text[frame.source_span[0]:frame.source_span[1]]}» from the {how}")
    else:
        ev.append("no subject written: dropped subject, to be linked to an earlier source")


def _passive_like(sent: Sent, cue: Cue, units: list[Unit], cl: int, gap_end: int) -> bool:
    w = sent.words[cue.first]
    if w.feat("Voice") == "Pass":
        return True
    only_preps = all(units[m].norm in COMP_PREPS or units[m].punct for m in range(cl + 1, max(cl + 1, gap_end)))
    return cue.form == "imperfect" and strip_conjunction(w.norm).startswith("ي") and only_preps


def _participle_anchor(sent: Sent, i: int, content: tuple[int, int]) -> int | None:
    """The finite verb a circumstantial participle depends on: its tree head (outside its own
    content), else the nearest verb before it."""
    for h in sent.ancestors(i):
        w = sent.words[h]
        if w.upos == "VERB" and not content[0] <= w.start < content[1]:
            return h
    for j in range(i - 1, -1, -1):
        if sent.words[j].upos == "VERB":
            return j
    return None


def _nominal(sent: Sent, cue: Cue, units: list[Unit], cu: int, cl: int, cue_span: tuple[int, int], text: str,
             ev: list[str]) -> Frame | None:
    """Object-phrase content (mode nominal): أكد … دعم مصر، متهما تلك الجماعات بـ…"""
    if cue.kind == "participle":
        k = cl + 1
        if k >= len(units) or units[k].punct or units[k].norm in ("عن", "في", "الى", "على", "من", "مع"):
            return None
    elif cl + 2 < len(units) and units[cl + 1].norm in ("على", "علي", "الى", "الي"):
        k = cl + 2   # شدد على + the stressed proposition, with a dropped subject
    else:
        k = after_named_subject(sent, units, cl + 1)
        if k is None:
            lin = np_end(sent, units, cl + 1, sentence_end(units, cl + 1))
            split = next((m for m in range(cl + 2, lin) if _indefinite_after_definite(sent, units, m)), None)
            if split is not None:
                k = split   # أعلن الجيش | مقتل ثلاثة…
            elif cl + 1 < lin < len(units) and not units[lin].punct and definite_noun(sent, units[lin]):
                k = lin   # واتهم الرئيس | المعارضة بالسعي…: the second definite noun opens the object
        if k is None:
            k = _obj_start(sent, units, cue.first, cl + 1)
            if k is not None and k == cl + 1 and units[k].norm in ("على", "علي", "الى", "الي") and k + 1 < len(units):
                k += 1  # شدد على + the stressed proposition: the preposition is not content
            elif k is not None and k < len(units) and sent.words[units[k].first].upos == "ADP":
                # the tree took a prepositional phrase of the subject for the object
                # (نفى المتحدث باسم الحكومة | هذه الأنباء): the object starts where the subject ends
                end = np_end(sent, units, cl + 1, sentence_end(units, cl + 1))
                k = end if end < len(units) and not units[end].punct else None
        if k is None or k >= len(units) or units[k].punct or units[cl + 1].norm in ("عن",):
            return None
    if any(units[m].norm in ("عن",) for m in range(max(cl + 1, k - 1), min(len(units), k + 2))):
        return None  # أعلن عن / كشف عن + topic: a topic, not a proposition
    obj_head = sent.words[units[k].first].norm if not units[k].punct else ""
    if strip_article(obj_head) in performatives() or strip_article(obj_head).rstrip("ا") in performatives():
        return None  # أعلن الاستقلال، توقع اتفاقية: a performative act, not a claim
    return _object_frame(sent, cue, units, cu, cl, cue_span, text, ev, k, k, "object phrase {} of the cue")


def _indefinite_after_definite(sent: Sent, units: list[Unit], lin: int) -> bool:
    """Does an indefinite common noun at unit ``lin`` follow a subject ending in a definite word
    (أعلن الجيش | مقتل ثلاثة…)? A definite noun phrase does not go on with an indefinite noun
    (its adjectives and appositions agree in definiteness), so the object starts there."""
    w, prev = sent.words[units[lin].first], sent.words[units[lin - 1].last]
    return w.upos == "NOUN" and not w.norm.startswith("ال") and prev.norm.startswith("ال") \
        and not is_name_word(sent, w) and not units[lin - 1].punct and units[lin].first == units[lin].last \
        and strip_article(units[lin].norm) not in temporal_words() and noun_type(w.norm) == ""


def _object_frame(sent: Sent, cue: Cue, units: list[Unit], cu: int, cl: int, cue_span: tuple[int, int], text: str,
                  ev: list[str], gap_end: int, k: int, why: str) -> Frame | None:
    """A frame whose content is an object phrase starting at unit ``k`` (mode nominal); the source
    is looked for between the cue and ``gap_end``. ``why`` explains it, «first word…» filled in."""
    r = trim(units, k, content_end(sent, units, k))
    if not r:
        return None
    a, b = r
    ev.append(why.format(f"«{text[units[a].start:units[a].end]}…»") + " → nominal content")
    frame = Frame(cue, cue_span, "nominal", (units[a].start, units[b - 1].end), evidence=ev)
    _fill_source(sent, cue, units, cu, cl, gap_end, frame, text)
    return frame


def _about_fact(sent: Sent, units: list[Unit], cl: int, prep: str) -> tuple[int, int] | None:
    """"كشف … عن وجود…"، "كشف … النقاب عن…"، "اعترف بعدم وجود…": (index where the source gap
    ends, index where the fact starts), or None when the preposition introduces a topic
    (كشف عن خطة) or is out of reach. ``prep`` is the cue's preposition (fact_prepositions.tsv)."""
    end = sentence_end(units, cl + 1)
    facts = propositional_nouns()
    for j in range(cl + 1, min(end, cl + 1 + MAX_GAP)):
        u = units[j]
        if u.punct and (u.norm in COMMAS or u.norm == ":"):
            return None
        if prep == "عن" and u.norm == "عن" and j + 1 < end and not units[j + 1].punct:
            veil = j > cl + 1 and strip_article(units[j - 1].norm) == "نقاب"
            noun = units[j + 1].norm
            if veil or strip_article(noun) in facts or strip_article(strip_conjunction(noun)) in facts:
                return (j - 1 if veil else j), j + 1
            return None
        if prep == "ب" and not u.punct and u.norm.startswith("ب") and strip_article(u.norm[1:]) in facts:
            return j, j
    return None


def _stated_in(sent: Sent, cue: Cue, units: list[Unit], cu: int, cl: int, cue_span: tuple[int, int],
               text: str) -> Frame | None:
    """"وجاء في البيان أن…" / "أصدرت بيانا جاء فيه: …": the document is the source; the content
    follows a complementizer, a colon or a quotation."""
    kind, k, _ = _scan_forward(sent, units, cl)
    if kind not in ("c", "q"):
        return None
    ev = [f"document cue «{text[cue_span[0]:cue_span[1]]}» (it is stated in…)"]
    if units[cl].norm in ("في",):
        end = np_end(sent, units, cl + 1, k)
        src = clean_subject(sent, units, cl + 1, end) if end > cl + 1 else None
    else:   # فيه / فيها: the nearest document noun before the cue
        m = next((m for m in range(cu - 1, -1, -1) if not units[m].punct and noun_type(units[m].norm) == "document"), None)
        src = (m, m + 1) if m is not None else None
    if src is None or not is_source_like(sent, units, *src):
        return None
    a = k + 1 if kind == "c" or units[k].norm == ":" else k
    end = content_end(sent, units, a)
    r = trim(units, a, end)
    if not r:
        return None
    mode = "indirect" if kind == "c" else "direct"
    ca, cb = _strip_wrapping_quotes(text, units, *r) if mode == "direct" else r
    if mode == "indirect" and _quoted_speech(sent, units, ca, cb):
        mode = "mixed"
    ev.append(f"source «{text[units[src[0]].start:units[src[1] - 1].end]}»: the document")
    return Frame(cue, cue_span, mode, (units[ca].start, units[cb - 1].end), _span(units, src), None, False, None,
                 _words(units, src), ev)


AS_REPORTED = {("بحسب", "ما"), ("حسب", "ما"), ("وفق", "ما"), ("طبق", "ما"), ("وفقا", "لما"), ("طبقا", "لما"),
               ("تبعا", "لما"), ("استنادا", "لما")}
#: One-word "as" forms before a reporting verb (كما أعلن الوزير، حسبما ذكرت الوكالة).
AS_REPORTED_WORDS = {"كما", "حسبما", "بحسبما", "وفقما"}


def _as_reported_by(units: list[Unit], cu: int) -> int | None:
    """Index of the phrase start when the cue follows "بحسب ما / وفق ما / وفقا لما / كما"."""
    if cu >= 2:
        head = units[cu - 2].norm
        if (head, units[cu - 1].norm) in AS_REPORTED or (head[1:], units[cu - 1].norm) in AS_REPORTED \
                and head[:1] in ("و", "ف"):
            return cu - 2
    if cu >= 1 and strip_conjunction(units[cu - 1].norm) in AS_REPORTED_WORDS:
        return cu - 1
    return None


def _reported_by(sent: Sent, cue: Cue, units: list[Unit], cu: int, cl: int, cue_span: tuple[int, int], text: str,
                 ev: list[str]) -> Frame | None:
    """"بحسب ما أفادت وكالة الأنباء، …" / "…، وفق ما ذكرت الصحيفة": the verb is the cue, its subject
    the source, and the content is the rest of the clause or the clause before (mode according_to)."""
    start = _as_reported_by(units, cu)
    s0 = skip_time(units, cl + 1, sentence_end(units, cl + 1))
    end = np_end(sent, units, s0, sentence_end(units, cl + 1))
    src = clean_subject(sent, units, s0, end) if end > s0 else None
    before = [u for u in units[:start] if not u.punct and u.norm not in ("و", "ف")]
    if not before:
        k = end
        while k < len(units) and units[k].punct and units[k].norm in COMMAS:
            k += 1
        if k < len(units) and COMP_RE.match(units[k].norm.lstrip("ف")):
            k += 1   # بحسب ما أفادت الوكالة، فإن…: the complementizer is not content
        r = trim(units, k, content_end(sent, units, k)) if k < len(units) else None
        ev.append("«بحسب ما / وفق ما» + cue opens the sentence → content is the rest of the clause")
    else:
        j = start
        while j > 0 and units[j - 1].punct:
            j -= 1
        first = max((m + 1 for m in range(j) if units[m].punct and units[m].norm in STOP_PUNCT), default=0)
        r = trim(units, first, j)
        ev.append("post-posed «بحسب ما / وفق ما» + cue → content is the preceding clause")
    if not r:
        return None
    a, b = _strip_wrapping_quotes(text, units, *r)
    frame = Frame(cue, cue_span, "according_to", (units[a].start, units[b - 1].end), _span(units, src),
                  None, False, None, _words(units, src), ev)
    if src:
        ev.append(f"source «{text[frame.source_span[0]:frame.source_span[1]]}»: the subject of the cue")
    return frame


def _according_to(sent: Sent, cue: Cue, units: list[Unit], cu: int, cl: int, cue_span: tuple[int, int],
                  text: str) -> Frame | None:
    """بحسب/وفقا لـ + source: the content is the rest of the clause or the clause before."""
    a = cl + 1
    if a >= len(units) or units[a].punct:
        return None
    end = np_end(sent, units, a, sentence_end(units, a))
    r = trim(units, a, end)
    if not r or not is_source_like(sent, units, *r):
        return None
    s0, s1 = r
    src_start = units[s0].start
    if units[s0].norm.startswith("ل") and (sent.words[units[s0].first].upos == "ADP"
                                           or units[cl].norm.startswith(("وفق", "طبق"))):
        src_start += 1  # وفقا لباركر → باركر; للعهد → لعهد (the preposition is not the source)
    ev = [f"source phrase «{text[cue_span[0]:cue_span[1]]}» with a source-like noun phrase"]
    before = [u for u in units[:cu] if not u.punct and u.norm not in ("و", "ف")]
    if len(before) <= 0 or (cu <= 1 and units[0].norm in ("و", "ف")):
        k = end
        while k < len(units) and units[k].punct and units[k].norm in COMMAS:
            k += 1
        c_end = content_end(sent, units, k) if k < len(units) else k
        rr = trim(units, k, c_end)
        ev.append("phrase opens the sentence → content is the rest of the clause")
    else:
        j = cu
        while j > 0 and units[j - 1].punct:
            j -= 1
        start = 0
        for m in range(j - 1, -1, -1):
            if units[m].punct and units[m].norm in STOP_PUNCT:
                start = m + 1
                break
        rr = trim(units, start, j)
        ev.append("post-posed phrase → content is the preceding clause")
    if not rr:
        return None
    ca, cb = _strip_wrapping_quotes(text, units, *rr)
    frame = Frame(cue, cue_span, "according_to", (units[ca].start, units[cb - 1].end),
                  (src_start, units[s1 - 1].end), None, False, None, (units[s0].first, units[s1 - 1].last), ev)
    return frame
