"""Cutting a long text into blocks of whole paragraphs, so that parsing memory stays bounded.

:func:`split_blocks` returns ``(start, end)`` spans that cover the text exactly, each at most
``max_chars`` long when that is possible. Cuts are made, in order of preference:

1. after a blank line (between paragraphs: Stanza never puts a sentence across one);
2. after a line break;
3. after sentence-final punctuation followed by a space (``. ؟ ! …``);
4. at a space;
5. anywhere (a single "word" longer than a block, which no article has).

Only cuts of kinds 3–5 can split a sentence that the one-piece parse would have kept
whole; then the records of that sentence may differ from a one-piece run.
"""
from __future__ import annotations

import re

#: Default block size (characters of cleaned text given to Stanza at once).
BLOCK_CHARS = 20_000

_CUTS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?؟…]+[\"'»”)]*\s+"), re.compile(r"\s+"))


def split_blocks(text: str, max_chars: int = BLOCK_CHARS) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of consecutive blocks covering ``text``, cut at the best boundary
    (see the module docstring) at or before ``max_chars`` characters from the block start."""
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > max_chars:
        limit = start + max_chars
        cut = None
        for pattern in _CUTS:
            best = None
            for m in pattern.finditer(text, start, limit):
                if m.end() <= limit and m.end() > start:
                    best = m.end()
            if best is not None:
                cut = best
                break
        if cut is None:
            cut = limit
        spans.append((start, cut))
        start = cut
    if start < n or not spans:
        spans.append((start, n))
    return spans
