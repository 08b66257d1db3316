"""claimkit's view of a parsed article: sentences of words with heads and offsets.

Extraction never looks at Stanza objects directly; it reads :class:`ParsedDoc`,
which is built either from a Stanza ``Document`` (:func:`from_stanza`) or from
CoNLL-U text (:func:`from_conllu`, read with the ``conllu`` package so that a cached
parse loads without importing PyTorch). Both give the same structure, so a
pre-parsed article and a freshly parsed one go through exactly the same rules.

Offsets (``start``/``end``) are always into the *original* article text, end
exclusive. A word inside a multiword token (``لوكالة`` = ``ل`` + ``وكالة``) gets the
part of the token it covers: one-letter proclitics take one character from the left,
pronoun enclitics their length from the right, the stem the rest. ``ostart``/``oend``
is the whole orthographic word (the run of tokens written without a space), which is
what cue spans use ("Cue spans keep attached و/ف/ب as written").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from sys import intern
from typing import TYPE_CHECKING, Any, Iterator

from .errors import ConlluError
from .normalize import normalize_for_match, strip_diacritics

if TYPE_CHECKING:
    from .clean import CleanText

PROCLITICS = set("وفبلكس")
PUNCT_CHARS_RE = re.compile(r"^[^\w]+$")


@dataclass(slots=True)
class Word:
    """One syntactic word (UD word) with its tree links and original offsets.

    Slotted: a long article has hundreds of thousands of them."""

    i: int                 # 0-based index in the sentence
    text: str
    lemma: str
    upos: str
    xpos: str
    feats: dict[str, str]
    head: int              # 0-based index of the head word, -1 for the root
    deprel: str
    start: int
    end: int
    ostart: int = 0        # orthographic word span (whitespace-delimited, punctuation excluded)
    oend: int = 0
    token: int = 0         # index of the surface token
    space_after: bool = True
    norm: str = ""         # normalize_for_match(text)
    nlemma: str = ""       # normalize_for_match(lemma)
    onorm: str = ""        # normalize_for_match of the whole orthographic word (وكالة even if split و + كالة)
    ner: str = "O"         # entity label, BIO with the coarse type ("B-PER"), set by claimkit.ner
    ner_p: float = 0.0     # the tagger's probability of that label

    @property
    def is_punct(self) -> bool:
        return self.upos == "PUNCT" or bool(PUNCT_CHARS_RE.match(self.text))

    def feat(self, name: str) -> str:
        return self.feats.get(name, "")


@dataclass
class Sent:
    """One sentence: words, span, and the document/paragraph it belongs to."""

    index: int
    words: list[Word]
    start: int
    end: int
    paragraph: int = 0
    docid: str = ""
    sent_id: str = ""
    children: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.children = [[] for _ in self.words]
        for w in self.words:
            if 0 <= w.head < len(self.words):
                self.children[w.head].append(w.i)

    def subtree(self, i: int) -> list[int]:
        """Indices of word ``i`` and all its descendants, in order (cycle-safe)."""
        seen, stack = set(), [i]
        while stack:
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            stack.extend(self.children[j])
        return sorted(seen)

    def ancestors(self, i: int) -> Iterator[int]:
        """Heads above word ``i``, nearest first (stops on a cycle)."""
        seen = {i}
        j = self.words[i].head
        while 0 <= j < len(self.words) and j not in seen:
            yield j
            seen.add(j)
            j = self.words[j].head


@dataclass
class ParsedDoc:
    """A parsed article: its original text and its sentences."""

    text: str
    sents: list[Sent]
    model: str = ""
    entities: list | None = None   # claimkit.ner.EntitySpan list once tagged (None: not tagged yet)

    def to_conllu(self) -> str:
        """CoNLL-U with ``start_char``/``end_char`` (original offsets) in MISC."""
        return to_conllu(self)


def _word_spans(tok_start: int, tok_text: str, words: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """Split a multiword token's span among its words (see module docstring)."""
    n = len(words)
    if n == 1:
        return [(tok_start, tok_start + len(tok_text))]
    lo, hi = 0, len(tok_text)
    spans: list[tuple[int, int] | None] = [None] * n
    a, b = 0, n - 1
    while a < b and len(words[a][0]) == 1 and words[a][0] in PROCLITICS and lo < hi:
        spans[a] = (lo, lo + 1)
        lo += 1
        a += 1
    while b > a and words[b][1] == "PRON" and hi - len(words[b][0]) > lo:
        spans[b] = (hi - len(words[b][0]), hi)
        hi -= len(words[b][0])
        b -= 1
    for k in range(a, b + 1):
        spans[k] = (lo, hi)
    return [(tok_start + s, tok_start + e) for s, e in spans]  # type: ignore[misc]


def _finish(sents: list[Sent], text: str) -> None:
    """Fill orthographic spans and normalised forms."""
    for s in sents:
        ws = s.words
        k = 0
        while k < len(ws):
            j = k
            while j + 1 < len(ws) and (not ws[j].space_after or ws[j + 1].token == ws[j].token):
                j += 1
            run = [w for w in ws[k:j + 1] if not w.is_punct] or ws[k:j + 1]
            # split the run at punctuation so "،قال" does not glue a comma to a cue
            os_, oe = run[0].start, run[-1].end
            for w in ws[k:j + 1]:
                w.ostart, w.oend = (os_, oe) if not w.is_punct else (w.start, w.end)
            k = j + 1
        for w in ws:  # interned: a long article repeats the same forms many times
            w.norm = intern(normalize_for_match(w.text))
            w.nlemma = intern(normalize_for_match(w.lemma or w.text))
            w.onorm = intern(normalize_for_match(text[w.ostart:w.oend]).strip("\"“”«»„'()[]"))


class StanzaBuilder:
    """Builds a :class:`ParsedDoc` from Stanza parses of consecutive blocks of ``clean.text``.

    :meth:`add` takes one block's ``Document`` and the block's offset in ``clean.text``
    and keeps only claimkit's :class:`Sent`/:class:`Word` view of it, so the Stanza
    object can be dropped at once (this is what keeps long articles' memory bounded).
    Sentence numbers and paragraphs run on across blocks.
    """

    def __init__(self, clean: "CleanText", model: str = "") -> None:
        self.clean = clean
        self.model = model
        self.sents: list[Sent] = []
        self._para = 0
        self._prev_end: int | None = None
        self._feats_seen: dict[str, dict[str, str]] = {"": {}}
        self._has_ner = False

    def _feats(self, feats: str | None) -> dict[str, str]:
        """The FEATS dict; equal FEATS share one (read-only) dict, which saves memory on long articles."""
        key = feats or ""
        d = self._feats_seen.get(key)
        if d is None:
            d = self._feats_seen[key] = dict(f.split("=", 1) for f in key.split("|"))
        return d

    def add(self, doc: Any, offset: int = 0) -> None:
        """Add the sentences of ``doc``, a parse of ``clean.text[offset:…]``."""
        text, clean = self.clean.text, self.clean
        for s in doc.sentences:
            if not s.tokens:
                continue
            words: list[Word] = []
            first = s.tokens[0].start_char + offset
            if self._prev_end is not None:
                gap = text[self._prev_end:first]
                if gap.count("\n") >= 3:
                    # a blank line in the input (cleaning doubles every line break, so that a line
                    # break ends a sentence): a new paragraph. A single line break keeps the paragraph.
                    self._para += 1
            token_ner: list[str | None] = []
            for ti, tok in enumerate(s.tokens):
                token_ner.append(getattr(tok, "ner", None))
                ts, te = tok.start_char + offset, tok.end_char + offset
                wl = [(w.text, w.upos) for w in tok.words]
                spans = _word_spans(ts, text[ts:te], wl)
                space_after = tok.spaces_after != "" if hasattr(tok, "spaces_after") else True
                if te < len(text) and not text[te:te + 1].isspace():
                    space_after = False
                for w, (cs, ce) in zip(tok.words, spans):
                    os_, oe = clean.span(cs, ce)
                    feats = self._feats(w.feats)
                    words.append(Word(i=len(words), text=intern(w.text), lemma=intern(w.lemma or w.text),
                                      upos=intern(w.upos or "X"),
                                      xpos=intern(w.xpos or "_"), feats=feats, head=(w.head or 0) - 1,
                                      deprel=intern(w.deprel or "dep"), start=os_, end=oe, token=ti,
                                      space_after=space_after))
            if not words:
                continue
            if any(token_ner):
                self._has_ner = True
                _read_stanza_ner(words, token_ner)
            self._prev_end = s.tokens[-1].end_char + offset
            self.sents.append(Sent(index=len(self.sents), words=words, start=words[0].start, end=words[-1].end,
                                   paragraph=self._para))

    def finish(self) -> ParsedDoc:
        """The parsed article (offsets into ``clean.original``)."""
        _finish(self.sents, self.clean.original)
        doc = ParsedDoc(text=self.clean.original, sents=self.sents, model=self.model)
        if self._has_ner:  # Stanza's own NER ran: its entities are kept (claimkit.ner.ensure_entities)
            from .ner import entities_from_words

            doc.entities = [e for s in self.sents for e in entities_from_words(s, doc.text)]
        return doc


def _read_stanza_ner(words: list[Word], token_ner: list[str | None]) -> None:
    """Word labels (BIO, claimkit's types) from Stanza's token-level BIOES NER labels: a token that
    starts an entity gives B- to its first word after one-letter proclitics, I- to the rest."""
    from .ner import PROCLITIC_WORDS, stanza_type

    by_token: dict[int, list[Word]] = {}
    for w in words:
        by_token.setdefault(w.token, []).append(w)
    for ti, label in enumerate(token_ner):
        if not label or label == "O" or "-" not in label:
            continue
        prefix, typ = label.split("-", 1)
        typ = stanza_type(typ)
        ws = by_token.get(ti, [])
        k = 0
        if prefix in ("B", "S"):
            while k + 1 < len(ws) and ws[k].text in PROCLITIC_WORDS:
                k += 1
        for n, w in enumerate(ws[k:]):
            w.ner = ("B-" if n == 0 and prefix in ("B", "S") else "I-") + typ
            w.ner_p = 1.0


def from_stanza(doc: Any, clean: "CleanText", model: str = "") -> ParsedDoc:
    """Build a :class:`ParsedDoc` from a Stanza ``Document`` parsed from ``clean.text``."""
    builder = StanzaBuilder(clean, model)
    builder.add(doc)
    return builder.finish()


def _align(text: str, pos: int, form: str) -> tuple[int, int] | None:
    """Find ``form`` in ``text`` at or shortly after ``pos`` (insensitive to diacritics, tatweel
    and the marks the cleaner drops)."""
    from .clean import DROP_RE

    while pos < len(text) and text[pos].isspace():
        pos += 1
    if text.startswith(form, pos):
        return pos, pos + len(form)
    # tolerate diacritics/tatweel in the text that the CoNLL-U form lacks
    target = strip_diacritics(form).replace("\u0640", "")
    j, k = pos, 0
    while j < len(text) and k < len(target):
        ch = text[j]
        if ch == target[k]:
            k += 1
        elif not (strip_diacritics(ch) == "" or ch == "\u0640" or DROP_RE.match(ch)):
            break
        j += 1
    if k == len(target) and target:
        return pos, j
    found = text.find(form, pos, pos + 80 + len(form))
    if found >= 0:
        return found, found + len(form)
    return None


def from_conllu(conllu_text: str, text: str | None = None) -> ParsedDoc:
    """Build a :class:`ParsedDoc` from CoNLL-U.

    With ``text``, tokens are aligned to it (using ``start_char``/``end_char`` in MISC when
    they fit). Without it, the text is rebuilt from each sentence's ``# text`` comment
    (or its tokens and ``SpaceAfter``), one sentence per paragraph, separated by a blank
    line, as in the gold ``.txt`` files. ``# newdoc`` and ``# newpar`` comments start new
    documents and paragraphs (the linker never looks across a ``newdoc``).

    Raises :class:`ConlluError` when the input is not CoNLL-U or does not match ``text``.
    """
    import conllu

    try:
        token_lists = conllu.parse(conllu_text)
    except Exception as exc:  # the conllu package raises several exception types
        raise ConlluError(f"not valid CoNLL-U: {exc}") from None
    token_lists = [tl for tl in token_lists if len(tl)]
    for n, tl in enumerate(token_lists):
        for tok in tl:
            if not all(k in tok for k in ("id", "form", "head", "deprel", "misc")):
                raise ConlluError(f"not valid CoNLL-U: sentence {n + 1} has a line without the 10 columns "
                                  f"(token {tok.get('form', '?')!r})")
    if not token_lists:
        raise ConlluError("no sentences found in the CoNLL-U input")
    for n, tl in enumerate(token_lists):
        _check_structure(tl, n)
    rebuilt = text is None
    if rebuilt:
        parts = []
        for tl in token_lists:
            parts.append(tl.metadata.get("text") or _text_from_tokens(tl))
        text = "\n\n".join(parts) + "\n"
    sents: list[Sent] = []
    pos, para, docid = 0, -1, ""
    for n, tl in enumerate(token_lists):
        md = tl.metadata
        if "newdoc id" in md or "newdoc" in md:
            docid = md.get("newdoc id", f"doc{n}")
            para += 1
        elif "newpar id" in md or "newpar" in md or rebuilt or n == 0:
            para += 1
        words: list[Word] = []
        ti = -1
        mwt_end = 0
        pending: list[tuple[Any, int]] = []
        for tok in tl:
            tid = tok["id"]
            if isinstance(tid, tuple):
                if len(tid) == 3 and tid[1] == "-":
                    ti += 1
                    mwt_end = tid[2]
                    span = _token_span(text, pos, tok)
                    if span is None:
                        raise ConlluError(f"sentence {n + 1}: token {tok['form']!r} not found in the text near "
                                          f"offset {pos}")
                    pos = span[1]
                    pending.append((tok, ti))
                    mwt = (span, tok)
                continue  # empty nodes (8.1) are ignored
            if not isinstance(tid, int):
                continue
            misc = tok["misc"] or {}
            if tid <= mwt_end:
                (s0, e0), mtok = mwt
                comps = [t for t in tl if isinstance(t["id"], int) and mtok["id"][0] <= t["id"] <= mtok["id"][2]]
                spans = _word_spans(s0, text[s0:e0], [(c["form"], c["upos"] or "") for c in comps])
                cs, ce = spans[tid - mtok["id"][0]]
                space_after = (mtok["misc"] or {}).get("SpaceAfter") != "No"
                tok_index = ti
            else:
                ti += 1
                span = _token_span(text, pos, tok)
                if span is None:
                    raise ConlluError(f"sentence {n + 1}: token {tok['form']!r} not found in the text near offset {pos}")
                cs, ce = span
                pos = ce
                space_after = misc.get("SpaceAfter") != "No"
                tok_index = ti
            head = tok["head"]
            feats = dict(tok["feats"] or {})
            words.append(Word(i=len(words), text=tok["form"], lemma=tok["lemma"] or tok["form"],
                              upos=tok["upos"] or "X", xpos=tok["xpos"] or "_", feats=feats,
                              head=(head - 1) if isinstance(head, int) else -1, deprel=tok["deprel"] or "dep",
                              start=cs, end=ce, token=tok_index, space_after=space_after))
        if words:
            sents.append(Sent(index=len(sents), words=words, start=words[0].start, end=words[-1].end,
                              paragraph=max(para, 0), docid=docid, sent_id=md.get("sent_id", "")))
    _finish(sents, text)
    return ParsedDoc(text=text, sents=sents)


def _check_structure(tl: Any, n: int) -> None:
    """Refuse a sentence whose tree is broken (raises :class:`ConlluError` naming sentence and token).

    Checked: word ids are 1, 2, 3…; every HEAD is 0 or a word of the sentence, and not the
    word itself; following heads from any word reaches the root (no cycle); a multiword
    range ``a-b`` covers words that exist; ``start_char``/``end_char`` in MISC are
    integers. A HEAD of ``_`` (no tree) is accepted and read as a root.
    """
    where = f"sentence {n + 1}" + (f" ({tl.metadata['sent_id']})" if tl.metadata.get("sent_id") else "")
    ids = [tok["id"] for tok in tl if isinstance(tok["id"], int)]
    if ids != list(range(1, len(ids) + 1)):
        raise ConlluError(f"not valid CoNLL-U: {where}: word ids are not 1, 2, 3… ({ids[:12]})")
    nwords = len(ids)
    heads: dict[int, int] = {}
    for tok in tl:
        tid, form = tok["id"], tok.get("form", "?")
        if isinstance(tid, tuple) and len(tid) == 3 and tid[1] == "-":
            if not (isinstance(tid[0], int) and isinstance(tid[2], int) and 1 <= tid[0] <= tid[2] <= nwords):
                raise ConlluError(f"not valid CoNLL-U: {where}: the multiword token {form!r} ({tid[0]}-{tid[2]}) "
                                  f"covers words the sentence does not have (it has {nwords})")
        for key in ("start_char", "end_char"):
            value = (tok["misc"] or {}).get(key)
            if value is not None and not str(value).isdigit():
                raise ConlluError(f"not valid CoNLL-U: {where}: token {form!r} has {key}={value!r}, not a number")
        if not isinstance(tid, int):
            continue
        head = tok["head"]
        if head is None:
            continue
        if not isinstance(head, int) or not 0 <= head <= nwords:
            raise ConlluError(f"not valid CoNLL-U: {where}: word {tid} {form!r} has HEAD {head}, outside the "
                              f"sentence (0–{nwords})")
        if head == tid:
            raise ConlluError(f"not valid CoNLL-U: {where}: word {tid} {form!r} is its own head")
        heads[tid] = head
    for start in heads:
        seen, j = set(), start
        while j in heads:
            if j in seen:
                raise ConlluError(f"not valid CoNLL-U: {where}: the heads of word {start} form a cycle "
                                  f"({' → '.join(map(str, sorted(seen)))})")
            seen.add(j)
            j = heads[j]


def _match_key(s: str) -> str:
    """What a token's form and its span in the text must share: the lexicon key without the
    characters the cleaner drops (bidi and zero-width marks, lone surrogates)."""
    from .clean import DROP_RE

    return normalize_for_match(DROP_RE.sub("", s))


def _form_fits(span_text: str, form: str) -> bool:
    a, b = _match_key(span_text), _match_key(form)
    # a ligature (ﷺ) stands for several words; each of them maps to the one character
    return a == b or (bool(b) and b in a and any("\ufb50" <= ch <= "\ufeff" for ch in span_text))


def _token_span(text: str, pos: int, tok: Any) -> tuple[int, int] | None:
    misc = tok["misc"] or {}
    try:
        s, e = int(misc["start_char"]), int(misc["end_char"])
        if 0 <= s <= e <= len(text) and _form_fits(text[s:e], tok["form"]):
            return s, e
    except (KeyError, ValueError, TypeError):
        pass
    return _align(text, pos, tok["form"])


def _text_from_tokens(tl: Any) -> str:
    out = []
    for tok in tl:
        if isinstance(tok["id"], int) and any(isinstance(t["id"], tuple) and t["id"][0] <= tok["id"] <= t["id"][2]
                                              for t in tl):
            continue
        out.append(tok["form"])
        if (tok["misc"] or {}).get("SpaceAfter") != "No":
            out.append(" ")
    return "".join(out).strip()


def to_conllu(doc: ParsedDoc) -> str:
    """Serialise a :class:`ParsedDoc` as CoNLL-U (multiword tokens rebuilt from word spans)."""
    lines: list[str] = []
    for s in doc.sents:
        if s.index == 0 or s.paragraph != doc.sents[s.index - 1].paragraph:
            lines.append(f"# newpar id = p{s.paragraph}")
        if s.docid and (s.index == 0 or s.docid != doc.sents[s.index - 1].docid):
            lines.insert(len(lines) - 1 if lines and lines[-1].startswith("# newpar") else len(lines),
                         f"# newdoc id = {s.docid}")
        if s.sent_id:
            lines.append(f"# sent_id = {s.sent_id}")
        lines.append(f"# text = {doc.text[s.start:s.end].replace(chr(13), ' ').replace(chr(10), ' ')}")
        by_tok: dict[int, list[Word]] = {}
        for w in s.words:
            by_tok.setdefault(w.token, []).append(w)
        for ws in by_tok.values():
            ts, te = min(w.start for w in ws), max(w.end for w in ws)
            sa = "" if ws[-1].space_after else "SpaceAfter=No|"
            if len(ws) > 1:
                lines.append(f"{ws[0].i + 1}-{ws[-1].i + 1}\t{doc.text[ts:te]}\t_\t_\t_\t_\t_\t_\t_\t"
                             f"{sa}start_char={ts}|end_char={te}")
            for w in ws:
                feats = "|".join(f"{k}={v}" for k, v in sorted(w.feats.items())) or "_"
                misc = f"start_char={w.start}|end_char={w.end}" if len(ws) > 1 else \
                    f"{sa}start_char={w.start}|end_char={w.end}"
                lines.append("\t".join([str(w.i + 1), _safe(w.text), _safe(w.lemma), w.upos, w.xpos, feats,
                                        str(w.head + 1), w.deprel, "_", misc]))
        lines.append("")
    return "\n".join(lines) + "\n"


def _safe(s: str) -> str:
    return (s or "_").replace("\t", " ").replace("\r", " ").replace("\n", " ") or "_"
