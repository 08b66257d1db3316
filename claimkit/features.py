"""Features of the three learned decisions: is it a claim, who speaks, what kind of source.

Every feature is a named indicator (``"cue_kind=verb"``, ``"rule"``…) so that a linear
model's weights can be read, and ``Claim.explain()`` can name the features that decided.
They are computed from what the rules proposed (``extract.Draft``) and from the speaker
candidates (``candidates.SpeakerCandidate``); nothing here looks at gold data.

Lexical features are few and closed: the cue's lemma (so the model learns that أراد أن is
not reported speech) and the lexicon class of a head noun; names and content words are never
features. Change any feature and bump :data:`FEATURES_VERSION`: a model trained on other
features is refused on load (``model.py``).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .entity_names import key_entity_type, key_fine_type
from .lexicon import noun_type
from .normalize import strip_conjunction
from .noun_classes import lookup as noun_class_lookup, word_noun_classes
from .source_types import entity_label, head_word, surely_not_entity

if TYPE_CHECKING:
    from .candidates import SpeakerCandidate
    from .extract import Draft
    from .linking import Linker

_QUOTED = re.compile("«[^»]*»")
#: Version of the feature definitions; stored in every model's config.
#: 2: noun classes of the candidate's first word and of the source's head noun; entity-tagger
#: types of the candidate's words and of the source's head; entity-span candidates.
FEATURES_VERSION = 2


def bucket(n: int, edges: tuple[int, ...], mark: str = "") -> str:
    """``n`` as the first edge it does not exceed (``mark`` before it), or ``>last``: a feature value."""
    for e in edges:
        if n <= e:
            return f"{mark}{e}"
    return f">{edges[-1]}"


def _agreement(draft: "Draft") -> tuple[str, str]:
    from .linking import _features   # not at import time: linking pulls in the whole rule chain

    return _features(draft.sent, draft.frame)


def _reason_class(reason: str) -> str:
    """The rule behind a link, in a few words ("dropped subject continues", "role", "name")."""
    words = _QUOTED.sub("«»", reason).split()
    return " ".join(words[:3]) if words else ""


def _word_before(draft: "Draft") -> str:
    i = draft.frame.cue.first
    sent = draft.sent
    while i > 0:
        i -= 1
        w = sent.words[i]
        if not w.is_punct and w.norm not in ("و", "ف"):
            return w.upos if w.upos in ("VERB", "NOUN", "PROPN", "ADJ") else w.norm
        if w.is_punct:
            return "PUNCT"
    return "START"


def _complementizer(draft: "Draft", text: str) -> str:
    """The words between the cue (and its source) and the content start, reduced to the
    marker that opens the content: إن vs أن is kept (only إن follows قال-type verbs)."""
    gap = text[draft.frame.cue_span[1]:draft.frame.content_span[0]].split()
    last = gap[-1] if gap else ""
    for mark in (":", "«", '"', "“"):
        if mark in last:
            return "quote"
    for k in ("بأن", "بان", "إن", "أن", "ان", "على", "إلى", "الى"):
        if last.startswith(k) or last.startswith("و" + k):
            return k
    return "other" if last else "none"


def cue_features(draft: "Draft", text: str) -> dict[str, float]:
    """Is this proposed frame a claim? Lexicon status, cue lemma and form, the content's
    marker and length, the source found, the sentence position."""
    f, sent = draft.frame, draft.sent
    w = sent.words[f.cue.first]
    n_content = len(text[f.content_span[0]:f.content_span[1]].split())
    lemma = f.cue.entry.lemma if f.cue.entry else strip_conjunction(w.norm)
    marker = _complementizer(draft, text)
    feats = {
        "bias": 1.0,
        "open_cue" if f.cue.matched_by == "open" else "lexicon_cue": 1.0,
        f"cue_kind={f.cue.kind}": 1.0,
        f"cue_form={f.cue.form}": 1.0,
        f"cue_class={draft.cue_class}": 1.0,
        f"cue_lemma={lemma}": 1.0,
        f"cue_upos={w.upos}": 1.0,
        f"cue_deprel={w.deprel.split(':')[0]}": 1.0,
        f"mode={f.mode}": 1.0,
        f"marker={marker}": 1.0,
        f"content_words={bucket(n_content, (2, 5, 12, 30))}": 1.0,
        f"before={_word_before(draft)}": 1.0,
        "has_source" if f.source_span else "no_source": 1.0,
    }
    if f.cue.weak:
        feats["weak_cue"] = 1.0
    if "relaxed" in f.cue.matched_by:
        feats["relaxed"] = 1.0
        feats[f"relaxed×mode={f.mode}"] = 1.0
    gap = len(text[f.cue_span[1]:f.content_span[0]].split())
    feats[f"gap_words={bucket(gap, (0, 1, 3, 6, 10))}"] = 1.0
    if f.impersonal:
        feats["impersonal"] = 1.0
    if draft.nested:
        feats["nested"] = 1.0
    if sent.index == 0:
        feats["headline"] = 1.0
    if f.channel_span:
        feats["channel"] = 1.0
    if f.source_span:
        feats[f"open×source={draft.open_cue}"] = 1.0
        head = sent.words[f.source_words[1]] if f.source_words else None
        if head is not None:
            feats[f"source_noun={noun_type(head.norm) or head.upos}"] = 1.0
    feats[f"open×marker={draft.open_cue}×{marker}"] = 1.0
    return feats


def speaker_features(draft: "Draft", cand: "SpeakerCandidate", linker: "Linker") -> dict[str, float]:
    """Is this candidate the speaker of this claim? Where it comes from (the rules' choice, a
    recent speaker, a titled name, a name run, the tree subject), distance, agreement with the
    cue, what kind of noun it is, and whether the claim writes its own source."""
    f = draft.frame
    gender, number = _agreement(draft)
    has_src = bool(f.source_span)
    feats: dict[str, float] = {}
    ctx = f"src={has_src}|{f.cue.kind}"
    for k in sorted(cand.kinds):
        feats[f"from={k}"] = 1.0
        feats[f"from={k}|{ctx}"] = 1.0
    if "rule" in cand.kinds:
        rc = _reason_class(cand.facts.get("rule_reason", ""))
        feats[f"rule_reason={rc}"] = 1.0
    e = cand.entity
    if e is not None:
        g_ok = not gender or not e.gender or gender == e.gender
        n_ok = not number or not e.number or number == e.number or \
            (e.number == "P" and number == "S" and gender == "F")
        feats[f"agrees_gender={g_ok}"] = 1.0
        feats[f"agrees_number={n_ok}"] = 1.0
        feats[f"named={e.named}"] = 1.0
        feats[f"type={e.source_type}"] = 1.0
        if e.roles:
            feats["has_title"] = 1.0
        mentions = linker.turns_of(e)
        feats[f"salience={bucket(mentions, (0, 1, 3))}"] = 1.0
    elif cand.key:
        feats[f"type={cand.stype or 'person'}"] = 1.0
        feats["named=raw"] = 1.0
    else:
        feats[f"none|{ctx}"] = 1.0
        feats[f"none|impersonal={f.impersonal}"] = 1.0
    facts = cand.facts
    if "hist_rank" in facts:
        feats[f"hist_rank={bucket(facts['hist_rank'], (0, 1, 2))}"] = 1.0
        feats[f"hist_dist={bucket(facts['hist_dist'], (0, 1, 2, 4))}"] = 1.0
        feats[f"hist_kind={facts['hist_kind']}"] = 1.0
        feats[f"hist_rank0|{ctx}"] = float(facts["hist_rank"] == 0)
    if "mention_dist" in facts:
        feats[f"mention_dist={bucket(facts['mention_dist'] + 1, (0, 1, 2, 4))}"] = 1.0
    if "run_words" in facts:
        feats[f"run_before_cue={facts['run_before_cue']}"] = 1.0
        feats[f"run_in_source={facts['run_in_source']}"] = 1.0
        feats[f"run_gap={facts['run_gap']}"] = 1.0
        feats[f"run_words={facts['run_words']}"] = 1.0
        feats[f"run_in_gap={facts['run_in_gap']}|{ctx}"] = 1.0
        feats[f"run_in_gap={facts['run_in_gap']}|tagged={facts.get('tagged')}"] = 1.0
    if "subj_head_type" in facts:
        feats[f"subject_head={facts['subj_head_type']}"] = 1.0
    words = e.key if e is not None else cand.key
    ent = key_entity_type(linker.entity_keys, words)
    feats[f"ner={ent}"] = 1.0
    feats[f"ner={ent}|{ctx}"] = 1.0
    if "ent_type" in cand.facts:
        feats[f"ent_in_source={cand.facts['ent_in_source']}|{cand.facts['ent_type']}"] = 1.0
        feats[f"ent_before_cue={cand.facts['ent_before_cue']}|{ctx}"] = 1.0
        feats[f"ent_gap={cand.facts['ent_gap']}"] = 1.0
    if words:
        first, n = _word_class(words[0]), bucket(len(words), (1, 2, 3, 5))
        feats.update(noun_class_features(noun_class_lookup(words[0]), "first_noun_class"))
        feats[f"first_word={first}"] = 1.0
        feats[f"last_word={_word_class(words[-1])}"] = 1.0
        feats[f"n_words={n}"] = 1.0
        feats[f"shape={first}|{n}"] = 1.0
    rival = any(c is not cand and c.facts.get("run_in_source") and c.facts.get("tagged") for c in draft.speakers)
    feats[f"rival_name_in_source={rival}|{'rule' in cand.kinds}"] = 1.0
    if "rule" in cand.kinds and f.source_words:
        a, b = f.source_words
        h = head_word(draft.sent, a, b)
        feats[f"src_head_upos={h.upos}"] = 1.0
        feats[f"src_head_ner={entity_label(h) or 'O'}|sure={surely_not_entity(h)}"] = 1.0
        feats.update(noun_class_features(word_noun_classes(h), "src_head_class"))
        feats[f"src_head_deprel={h.deprel.split(':')[0]}"] = 1.0
        feats[f"src_head_on_cue={h.head == f.cue.first}"] = 1.0
    if "tagged" in facts:
        feats[f"run_tagged={facts['tagged']}"] = 1.0
    if draft.nested:
        feats["nested_claim"] = 1.0
    return {k: v for k, v in feats.items() if v}


def noun_class_features(dist: dict[str, float] | None, prefix: str) -> dict[str, float]:
    """A noun-class distribution (``noun_classes``) as weighted indicators: ``{prefix}=person``
    0.9, ``{prefix}=act`` 0.1; ``{prefix}=unknown`` when the table does not know the word (a
    name, mostly). Weights, not a hard class: the table is sense-blind (مدينة is place and group)."""
    if not dist:
        return {f"{prefix}=unknown": 1.0}
    return {f"{prefix}={c}": w for c, w in dist.items()}


def _word_class(word: str) -> str:
    """A name-key word as a lexicon class: a source noun's type, an article noun, or unknown."""
    t = noun_type(word)
    if t:
        return t.split("-")[0]
    return "al" if word.startswith("ال") else "unknown"


def type_features(draft: "Draft", cand: "SpeakerCandidate", linker: "Linker") -> dict[str, float]:
    """What kind of source is the chosen speaker? The type the rules give the entity (from all
    its mentions) and this claim's source phrase, whether it is named, and the lexicon class of
    its first word. Few features on purpose: about 500 typed claims train this decision."""
    feats = {"bias": 1.0, f"cand_type={cand.source_type(linker)}": 1.0}
    if "rule" in cand.kinds:
        feats[f"rule_type={draft.link.source_type}"] = 1.0
    e = cand.entity
    words = e.key if e is not None else cand.key
    if e is not None:
        feats[f"named={e.named}"] = 1.0
    if words:
        feats[f"first_word={_word_class(words[0])}"] = 1.0
        feats.update(noun_class_features(noun_class_lookup(words[0]), "first_noun_class"))
        feats[f"ner={key_entity_type(linker.entity_keys, words)}"] = 1.0
        fine = key_fine_type(linker.fine_types, words)
        if fine:
            feats[f"fine={fine}"] = 1.0
    else:
        feats["no_entity"] = 1.0
    if draft.frame.impersonal:
        feats["impersonal"] = 1.0
    return feats
