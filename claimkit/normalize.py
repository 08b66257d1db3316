"""Arabic normalisers for lexicon matching.

Small pure functions with compiled patterns as module constants, in the manner of
CAMeL Tools' ``dediac``/``normalize`` utilities. They are used to *compare* words
(a lemma from the model, a surface form, a lexicon entry); they never change the
text whose offsets claimkit reports.

What is folded and why:

* diacritics (harakat, tanween, shadda, sukun, dagger alef): the lemmatiser returns
  vocalised lemmas (``قَال``) while news text is mostly unvocalised;
* tatweel (kashida), which is pure typography;
* hamza carriers ``أ إ آ ٱ`` -> ``ا``, ``ؤ`` -> ``و``, ``ئ`` -> ``ي``: news spelling of
  hamza is inconsistent (مؤكدا / موكدا, أكد / اكد);
* alef maqsura ``ى`` -> ``ي`` (رأى / رأي, على / علي);
* ta marbuta ``ة`` -> ``ه`` only in :func:`normalize_for_match`, where word-final
  ة/ه confusion is common in web text.

Not handled: Persian/Urdu letter variants beyond ``ک ی`` and presentation forms
(the cleaner already applies NFKC to those).
"""
from __future__ import annotations

import re
import unicodedata

#: Arabic diacritics: tanween, harakat, shadda, sukun, extended marks, dagger alef.
DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"
TATWEEL_RE = re.compile(TATWEEL)
HAMZA_ALEF_RE = re.compile("[\u0622\u0623\u0625\u0671]")  # آ أ إ ٱ
_TRANSLATE = str.maketrans({"\u0624": "\u0648", "\u0626": "\u064a", "\u0649": "\u064a",
                            "\u06a9": "\u0643", "\u06cc": "\u064a"})
TEH_MARBUTA_RE = re.compile("\u0629")
ARABIC_LETTER_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]")
PUNCT_RE = re.compile(r"[^\w\s]")


def strip_diacritics(text: str) -> str:
    """Remove harakat, tanween, shadda, sukun and the dagger alef."""
    return DIACRITICS_RE.sub("", text)


def strip_tatweel(text: str) -> str:
    """Remove tatweel (kashida) elongation."""
    return TATWEEL_RE.sub("", text)


def normalize_hamza(text: str) -> str:
    """Fold hamza carriers and alef variants: أ إ آ ٱ -> ا, ؤ -> و, ئ -> ي; also ى -> ي."""
    return HAMZA_ALEF_RE.sub("\u0627", text).translate(_TRANSLATE)


def normalize_teh_marbuta(text: str) -> str:
    """Fold ta marbuta into ha (ة -> ه)."""
    return TEH_MARBUTA_RE.sub("\u0647", text)


def normalize_for_match(text: str) -> str:
    """The key used to look words up in claimkit's lexicons.

    Diacritics and tatweel removed, hamza/alef/ya folded, ta marbuta folded,
    NFKC applied (presentation forms, ligatures).
    """
    text = unicodedata.normalize("NFKC", text or "")
    return normalize_teh_marbuta(normalize_hamza(strip_tatweel(strip_diacritics(text))))


def normalize_name(text: str) -> str:
    """A comparison key for entity names: :func:`normalize_for_match`, punctuation dropped,
    spaces collapsed. "أحمد أبو زيد" and "احمد ابو زيد" get the same key."""
    return " ".join(PUNCT_RE.sub(" ", normalize_for_match(text)).split())


#: Possessive pronouns written attached to a noun (رئيستها، دعوته، مراسلنا), longest first.
POSSESSIVE_SUFFIXES = ("هما", "هم", "ها", "ه", "نا")


def strip_possessive(word: str, suffixes: tuple[str, ...] = POSSESSIVE_SUFFIXES) -> str | None:
    """The noun under an attached possessive pronoun, its ta marbuta restored (رئيستها → رئيسه,
    دعوته → دعوه), or None when ``word`` (normalised, article already stripped) has none."""
    for p in suffixes:
        if word.endswith(p) and len(word) - len(p) >= 3:
            base = word[: -len(p)]
            return base[:-1] + "ه" if base.endswith("ت") else base
    return None


#: Conjunctions written attached to the next word (وقال، فإن).
CONJUNCTIONS = ("و", "ف")


def strip_conjunction(word: str) -> str:
    """Drop one attached conjunction و/ف from a normalised word (والتي → التي, وقال → قال).

    Words of two letters or fewer are returned unchanged (ولي is not و + لي here)."""
    return word[1:] if word[:1] in CONJUNCTIONS and len(word) > 2 else word


def arabic_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Arabic letters (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if ARABIC_LETTER_RE.match(c)) / len(letters)
