"""Noun classes: the shipped table and the lookup of words in it (no shared data needed).

The expected classes are what the table (Arabic WordNet, WordNet 3.0 lexicographer classes,
PADT glosses) says for words where it is right; they guard the build and the lookup, not a
claim that every entry is right.
"""
from __future__ import annotations

import re
from importlib import resources

import pytest

from claimkit.noun_classes import (CLASSES, candidate_forms, load_table, lookup, noun_class_source,
                                   noun_classes, top_class, word_noun_classes)
from claimkit.normalize import normalize_for_match
from claimkit.treebank import Word


def word(text: str, lemma: str = "", upos: str = "NOUN", number: str = "") -> Word:
    """A parsed word as the treebank builds it (norm and nlemma filled)."""
    feats = {"Number": number} if number else {}
    return Word(i=0, text=text, lemma=lemma, upos=upos, xpos="", feats=feats, head=-1, deprel="root",
                start=0, end=len(text), norm=normalize_for_match(text), nlemma=normalize_for_match(lemma))


@pytest.mark.parametrize("form, expected", [
    ("متحدث", "person"),
    ("وزير", "person"),
    ("خبير", "person"),
    ("جيش", "group"),
    ("شرطة", "group"),
    ("لجنة", "group"),
    ("بيان", "communication"),
    ("تقرير", "communication"),
    ("دستور", "communication"),
    ("أهمية", "attribute"),
    ("حرص", "state"),             # noun.feeling
    ("عدم", "state"),
    ("مدينة", "group"),           # group 0.5, place 0.5: ties go to the earlier class
    ("العراق", "place"),
])
def test_top_class_of_lemma(form: str, expected: str) -> None:
    assert top_class(noun_classes(form)) == expected


@pytest.mark.parametrize("form, expected", [
    ("المتحدث", "person"),        # article
    ("والوزير", "person"),        # conjunction + article
    ("للجنة", "group"),           # ل + ال written لل
    ("بالعراق", "place"),         # preposition + article
    ("الشرطة", "group"),
    ("المسؤولون", "person"),      # sound masculine plural
    ("المسؤولين", "person"),      # sound plural, oblique
    ("الخبيرين", "person"),       # dual, oblique
    ("مسؤولو", "person"),         # construct plural
    ("خبيرا", "person"),          # accusative alef
    ("رئيسه", "person"),          # possessive
    ("مراسلنا", "person"),
    ("التقارير", None),           # a broken plural the Arabic WordNet does not list
    ("كيتي", None),
])
def test_top_class_of_surface_form(form: str, expected: str | None) -> None:
    dist = lookup(normalize_for_match(form))
    assert (top_class(dist) if dist else None) == expected


@pytest.mark.parametrize("w, expected", [
    (word("الخبراء", "خَبِير", number="Plur"), "person"),      # the lemma finds a broken plural
    (word("مسؤولي", "مَسؤُول", number="Plur"), "person"),
    (word("مسؤولي", "", number="Plur"), "person"),            # construct ي taken off a plural
    (word("البرلمان", "بَرلَمَان"), "group"),
    (word("المسؤول", "مَسؤُول", upos="ADJ"), "person"),       # nominal adjective
    (word("قال", "قَال", upos="VERB"), None),
    (word("غينادي", "غينادي", upos="X"), None),
])
def test_word_noun_classes(w: Word, expected: str | None) -> None:
    dist = word_noun_classes(w)
    assert (top_class(dist) if dist else None) == expected


@pytest.mark.parametrize("form, number, kept, dropped", [
    ("صحفي", "Sing", "صحفي", "صحف"),      # nisba ي is not a construct ending on a singular
    ("صحفي", "", "صحفي", "صحف"),
    ("مسوولي", "Plur", "مسوول", ""),
    ("فلسطين", "Sing", "فلسطين", "فلسط"),  # a singular keeps its ين
    ("وزير", "", "وزير", ""),
])
def test_candidate_forms_follow_number(form: str, number: str, kept: str, dropped: str) -> None:
    forms = candidate_forms(form, number)
    assert forms[0] == form and kept in forms
    assert not dropped or dropped not in forms


def test_stripped_bases_keep_three_letters() -> None:
    assert all(len(f) >= 3 for f in candidate_forms("والعلم"))
    assert candidate_forms("بنك")[0] == "بنك"


def test_unknown_word_is_none() -> None:
    assert noun_classes("زززز") is None
    assert noun_class_source("زززز") is None
    assert top_class(None) == ""


def test_source_marker() -> None:
    assert noun_class_source("عدم") == "awn"
    assert noun_class_source("وزير") == "awn"


def test_top_class_ties_go_to_the_earlier_class() -> None:
    assert top_class({"other": 0.5, "person": 0.5}) == "person"
    assert top_class({"place": 0.55, "group": 0.45}) == "place"


def test_returned_distribution_is_a_copy() -> None:
    noun_classes("وزير")["person"] = 0.0
    assert noun_classes("وزير")["person"] > 0.5


def test_table_rows_are_well_formed() -> None:
    table = load_table()
    assert len(table) > 5000
    for key, (pairs, source) in table.items():
        assert len(key) > 1 and key == normalize_for_match(key)
        assert source in {"awn", "awn-pl", "gloss", "awn+gloss"}
        assert pairs and all(c in CLASSES for c, _ in pairs)
        assert abs(sum(w for _, w in pairs) - 1) <= 0.05


def test_table_is_small_and_states_its_licences() -> None:
    raw = resources.files("claimkit.data").joinpath("noun_classes.tsv").read_text(encoding="utf-8")
    assert len(raw.encode()) < 1_000_000
    header = "\n".join(line for line in raw.splitlines() if line.startswith("#"))
    for notice in ("CC BY-SA 3.0", "WordNet 3.0 Copyright 2006 by Princeton University"):
        assert notice in header
    assert not re.search("[\u064b-\u0652]", raw.split("\n# * PADT")[-1])   # keys carry no diacritics
