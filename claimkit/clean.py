"""Input checks and cleaning, with a map back to the caller's exact string.

The parser is given a *cleaned* copy of the article; every offset claimkit reports
is mapped back through :class:`CleanText` so that it points into the input string
the caller passed (end exclusive).

Cleaning, in order:

0. **Folding, before any check**: Arabic presentation forms (U+FB50–FDFF, U+FE70–FEFF:
   what text copied out of many PDFs looks like) and ligatures such as ﷺ are NFKC-folded
   (only those ranges; one input character may give several folded ones, which all map
   back to it), and line ends ``\r\n`` and ``\r`` become ``\n``. Everything after this
   step, the Arabic check and boilerplate detection included, sees the folded text.
1. **HTML**: when the input looks like an HTML page, tags, comments and the bodies
   of ``<script>``/``<style>`` are skipped; block tags (``p div br li h1-6 tr``)
   become line breaks. Entities (``&amp;``) are left as written.
2. **Boilerplate lines**: bullet lines with fewer than three Arabic words (the seed's
   ``• 6/28/2016``), lines with no Arabic letter (``news-picture``) and short lines
   starting with a phrase from ``data/boilerplate.txt`` (``مشاركة :``) become a bare
   line break, so they neither reach the parser nor glue sentences together.
3. **Characters**: tatweel, diacritics (the model was trained on undiacritised text),
   bidi controls, zero-width characters and lone surrogates (``"\udc80"``, which
   ``json.loads`` can produce) are dropped; no-break spaces become spaces; alef wasla
   becomes alef.

Not handled: text inside HTML attributes, right-to-left text hidden in images,
or boilerplate written as whole sentences.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

from .errors import EmptyTextError, NotArabicError, TextTooLongError
from .lexicon import word_list
from .normalize import ARABIC_LETTER_RE, arabic_ratio, normalize_for_match

#: Characters dropped from the parser's copy of the text.
DROP_RE = re.compile("[\u0640\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed"
                     "\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad\ud800-\udfff]")
MARK_RE = re.compile("[\u0640\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed]")
SPACE_LIKE = "\u00a0\u2007\u202f\u3000"
BULLETS = "•·▪●◦‣∙■□◆◇►▶*-–—"
HTML_SNIFF_RE = re.compile(r"<\s*(html|body|p|div|br|span|a|h[1-6]|article|li|ul|meta|script)\b", re.I)
HTML_SKIP_RE = re.compile(r"<!--.*?-->|<\s*(script|style)\b.*?<\s*/\s*\1\s*>|<[^<>]*>", re.I | re.S)
HTML_BLOCK_RE = re.compile(r"<\s*/?\s*(p|div|br|li|h[1-6]|tr|article|section|ul|ol|table)\b", re.I)
#: What :func:`fold` rewrites: presentation forms and ligatures, and CR / CRLF line ends.
FOLD_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]|\r\n?")
LINE_RE = re.compile(r"[^\n]*\n?")

#: Inputs with less than this share of Arabic letters are refused.
MIN_ARABIC_RATIO = 0.5
#: Default upper limit on the input length (characters); see :func:`check_text`.
DEFAULT_MAX_CHARS = 2_000_000


def boilerplate_phrases() -> tuple[str, ...]:
    """Normalised phrases from ``data/boilerplate.txt``."""
    return word_list("boilerplate.txt")


@dataclass(frozen=True)
class CleanText:
    """The parser's copy of a text and the way back to the original.

    ``index[i]`` is the position in ``original`` of cleaned character ``i``.
    """

    original: str
    text: str
    index: array

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned ``[start, end)`` span to the original string."""
        if end <= start:
            pos = self.index[start] if start < len(self.index) else len(self.original)
            return pos, pos
        e = self.index[end - 1] + 1
        while e < len(self.original) and MARK_RE.match(self.original[e]):
            e += 1  # a word's final diacritics and tatweel belong to it (السفيرُ)
        return self.index[start], e

    def pos(self, i: int) -> int:
        """Map one cleaned position to the original string."""
        return self.index[i] if i < len(self.index) else len(self.original)


def check_text(text: object, max_chars: int | None = DEFAULT_MAX_CHARS) -> str:
    """Validate an article before any work is done; returns it unchanged.

    Raises :class:`TypeError` for non-strings, :class:`EmptyTextError` for empty or
    whitespace-only text and :class:`TextTooLongError` above ``max_chars``.
    """
    if not isinstance(text, str):
        raise TypeError(f"claimkit.analyze expects str, got {type(text).__name__}")
    if not DROP_RE.sub("", text).strip():
        raise EmptyTextError("the text is empty or only whitespace: nothing to analyse")
    if max_chars is not None and len(text) > max_chars:
        raise TextTooLongError(f"the text has {len(text):,} characters, over the limit of {max_chars:,}; "
                               "split it, or lift the limit (max_chars=None in Python, --max-chars 0 on the "
                               "command line)")
    return text


def check_arabic(text: str) -> str:
    """Refuse text (already cleaned of markup and boilerplate) that is not Arabic.

    Raises :class:`EmptyTextError` when there are no letters at all and
    :class:`NotArabicError` when under half of the letters are Arabic.
    """
    sample = text if len(text) < 200_000 else text[:100_000] + text[-100_000:]
    if not any(c.isalpha() for c in sample):
        raise EmptyTextError("the text has no words (only digits, punctuation or symbols): nothing to analyse")
    ratio = arabic_ratio(sample)
    if ratio < MIN_ARABIC_RATIO:
        raise NotArabicError(f"only {ratio:.0%} of the letters are Arabic; claimkit analyses Arabic articles "
                             f"(at least {MIN_ARABIC_RATIO:.0%} Arabic letters)")
    return text


def fold(text: str) -> tuple[str, array | None]:
    """Fold presentation forms, ligatures and CR line ends; return the text and a map back.

    Only U+FB50–FDFF and U+FE70–FEFE are NFKC-normalised (NFKC elsewhere would also
    rewrite digits, letters and punctuation the user wrote). The isolated forms of
    diacritics (U+FE70…, NFKC "space + mark") lose their space so that they stay marks.
    ``\r\n`` and a lone ``\r`` become ``\n``. Returns ``(folded, index)`` where
    ``index[i]`` is the position in ``text`` of folded character ``i``, or
    ``(text, None)`` when there is nothing to fold.
    """
    if not FOLD_RE.search(text):
        return text, None
    out: list[str] = []
    index = array("l")
    last = 0
    for m in FOLD_RE.finditer(text):
        s = m.start()
        out.append(text[last:s])
        index.extend(range(last, s))
        ch = m.group(0)
        if ch[0] == "\r":
            folded = "\n"
        else:
            folded = unicodedata.normalize("NFKC", ch)
            folded = folded.strip(" ") or folded
        out.append(folded)
        index.extend([s] * len(folded))
        last = m.end()
    out.append(text[last:])
    index.extend(range(last, len(text)))
    return "".join(out), index


def _is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if not ARABIC_LETTER_RE.search(stripped):
        return True
    words = stripped.split()
    arabic_words = [w for w in words if ARABIC_LETTER_RE.search(w)]
    if stripped[0] in BULLETS and len(arabic_words) < 3:
        return True
    if len(words) <= 5:
        key = normalize_for_match(stripped)
        return any(key.startswith(p) for p in boilerplate_phrases())
    return False


def _skipped_html(text: str) -> tuple[list[tuple[int, int]], set[int]]:
    """Spans to skip in an HTML page, and the positions of block tags (become line breaks)."""
    if not HTML_SNIFF_RE.search(text):
        return [], set()
    spans, blocks = [], set()
    for m in HTML_SKIP_RE.finditer(text):
        spans.append((m.start(), m.end()))
        if HTML_BLOCK_RE.match(m.group(0)):
            blocks.add(m.start())
    return spans, blocks


def clean(text: str) -> CleanText:
    """Build the parser's copy of ``text`` with a position map back to it.

    Raises :class:`EmptyTextError` when nothing but boilerplate or markup is left and
    :class:`NotArabicError` when the (folded) text is not Arabic.
    """
    original = text
    text, folded_index = fold(text)
    out: list[str] = []
    index = array("l")
    skip_spans, block_starts = _skipped_html(text)

    def emit(chars: str, pos: int) -> None:
        out.append(chars)
        index.extend([pos] * len(chars))

    # Pass 1: characters visible after HTML removal, as (pos, char) runs per line.
    visible: list[tuple[int, str]] = []
    k = 0
    for s, e in skip_spans:
        visible.extend((i, text[i]) for i in range(k, s))
        if s in block_starts:
            visible.append((s, "\n"))
        k = e
    if skip_spans:
        visible.extend((i, text[i]) for i in range(k, len(text)))
        lines = _split_runs(visible)
    else:
        lines = [[(m.start() + j, ch) for j, ch in enumerate(m.group(0))]
                 for m in LINE_RE.finditer(text) if m.group(0)]

    for line in lines:
        line_text = "".join(ch for _, ch in line)
        if _is_boilerplate(line_text):
            nl = [p for p, ch in line if ch == "\n"]
            emit("\n", nl[0] if nl else line[-1][0])
            continue
        for pos, ch in line:
            if DROP_RE.match(ch):
                continue
            if ch == "\n":
                emit("\n\n", pos)   # a line break ends a sentence: headlines, datelines, one-line paragraphs
            elif ch in SPACE_LIKE or ch == "\t":
                emit(" ", pos)
            elif ch == "\u0671":
                emit("\u0627", pos)
            else:
                emit(ch, pos)
    cleaned = "".join(out)
    if not cleaned.strip():
        if not ARABIC_LETTER_RE.search(text):
            check_arabic(text)  # no Arabic at all: say so rather than "only boilerplate"
        raise EmptyTextError("nothing is left to analyse once page boilerplate and markup are removed")
    check_arabic(cleaned)
    if folded_index is not None:  # positions in the folded text → positions in the caller's text
        index = array("l", [folded_index[i] for i in index])
    return CleanText(original=original, text=cleaned, index=index)


def _split_runs(chars: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    lines, cur = [], []
    for item in chars:
        cur.append(item)
        if item[1] == "\n":
            lines.append(cur)
            cur = []
    if cur:
        lines.append(cur)
    return lines
