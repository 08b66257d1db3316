"""Correcting the machine: a review of one article's claims, saved as gold records at every change.

``claimkit.review(analysis, save_to="NAME.claims.jsonl")`` opens the review widget in
JupyterLab (``claimkit.review_widget``); :class:`Review` is the plain-Python object under it,
which the widget calls for every click and which notebooks and tests drive directly::

    r = claimkit.review.Review(analysis, save_to="key/seed.claims.jsonl")
    r.reject(3)                                   # not a claim
    r.set_speaker(5, "أحمد معيتيق")               # the right speaker (a mention or any name)
    r.set_label(2, "hedging", "hedged")           # source_type / mode / hedging / cue_class
    r.set_content(4, start, end)                  # the content span, offsets into the text
    i = r.add_claim(678, 683)                     # a missed cue: the machine proposes the rest
    r.undo()                                      # the last change, whatever it was
    r.redo()                                      # the change just undone, again

**The saved file** is ordinary gold (ANNOTATION.md, "Gold files"): one JSON object per kept or
added claim, in text order, with every output-record key plus ``entity_aliases``, ``optional``
and ``alt_hedging``; offsets point into the exact analysed text, so the file is read by
``claimkit evaluate --gold``, ``claimkit grade`` and anything that reads ``NAME.claims.jsonl``
beside ``NAME.txt``. Rejected claims are simply not in it. Every change rewrites the whole file
atomically (a temporary file in the same folder, then a rename): the file is never half-written,
and when two tabs or two kernels write the same file the later write wins.

**A new speaker** (:meth:`Review.set_speaker`) is saved as exactly what the reviewer chose:
the claim's ``entity`` is the new one, its ``entity_aliases`` are the names the article uses
for that entity (``speakers.Speakers.aliases``), its source span stays only when it names the
new entity, and its source type follows the entity (the type its other claims have, else what
the source rules say of its name) unless given. So a key that corrects a speaker grades a
student who kept the old one as wrong on that claim.

**Colours** of the article's speakers are fixed for the life of the review: the machine's
speakers get theirs in text order when it opens, a speaker given later the next free colour.

**Reopening** a review on an existing file restores it: file records are matched to the
machine's claims by overlapping cue spans (the scorer's matching, ``evaluate.match``); a
machine claim without a match was rejected, a file record without one was added. The undo
and redo histories are not stored (a new session starts with empty ones).

Not handled: several documents in one file (a review is one article), offsets that do not slice
back to the analysed text (the file was saved for another text: :class:`ReviewFileError`).
"""
from __future__ import annotations

import copy
import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .callable_module import make_callable
from .errors import ClaimkitError
from .records import CUE_CLASSES, HEDGING_NAMES, MODES, RECORD_KEYS, SOURCE_TYPES, Analysis
from .render import PALETTE, entity_colors, entity_of, isolate

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from .speakers import Speakers
    from .treebank import ParsedDoc

#: Gold record keys in file order: the output record with ``entity_aliases`` after ``entity``,
#: then ``optional`` and ``alt_hedging`` (ANNOTATION.md "Gold files").
GOLD_KEYS: tuple[str, ...] = tuple(
    k for key in RECORD_KEYS for k in ((key, "entity_aliases") if key == "entity" else (key,))) + (
    "optional", "alt_hedging")
#: The closed lists a reviewer chooses from (ANNOTATION.md), by field.
CHOICES: dict[str, tuple[str, ...]] = {
    "source_type": SOURCE_TYPES, "mode": MODES, "hedging": HEDGING_NAMES, "cue_class": CUE_CLASSES,
}
#: The states of a claim in a review.
KEPT, CORRECTED, REJECTED, ADDED = "kept", "corrected", "rejected", "added"
#: Characters trimmed from a clicked word (punctuation glued to it).
WORD_EDGE = "\"“”«»„‘’'()[]{}.,،؛;:!?؟…-–—"


class ReviewError(ClaimkitError, ValueError):
    """A correction that cannot be applied: an unknown claim number, label or span."""


class ReviewFileError(ClaimkitError, ValueError):
    """A review file that cannot be reopened: not JSON lines, or saved for another text."""


@dataclass
class Change:
    """One applied change: what it did (for the history), and the state before it (for undo)."""

    description: str
    claims: list[dict[str, Any]]
    rejected: set[int]


def gold_record(record: Mapping[str, Any], aliases: list[str] | None = None) -> dict[str, Any]:
    """An output record as a gold record (:data:`GOLD_KEYS`, in order); missing extras get defaults."""
    d = {k: record.get(k) for k in RECORD_KEYS}
    d["hedge_cues"] = list(d.get("hedge_cues") or [])
    d["entity_aliases"] = list(aliases if aliases is not None else record.get("entity_aliases") or [])
    d["optional"] = bool(record.get("optional", False))
    d["alt_hedging"] = record.get("alt_hedging")
    return {k: d[k] for k in GOLD_KEYS}


def quoted(name: Any) -> str:
    """``name`` in guillemets for a message, the name isolated (FSI…PDI) so that an Arabic name
    neither turns the guillemets around nor pulls the words after it into its direction."""
    return f"«{isolate(name)}»"


def word_at(text: str, offset: int) -> tuple[int, int]:
    """The whitespace-delimited word around ``offset``, without glued punctuation (a clicked word)."""
    if not 0 <= offset <= len(text):
        raise ReviewError(f"offset {offset} is outside the text (0–{len(text)})")
    a = offset
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = offset
    while b < len(text) and not text[b].isspace():
        b += 1
    while a < b and text[a] in WORD_EDGE:
        a += 1
    while b > a and text[b - 1] in WORD_EDGE:
        b -= 1
    if a == b:
        raise ReviewError(f"no word at offset {offset}")
    return a, b


class Review:
    """The claims of one article under review, saved to ``save_to`` after every change.

    ``analysis``: the machine's :class:`~claimkit.records.Analysis` (its text is the text the
    offsets index into). ``parsed``: its parse, when the caller has it (otherwise the text is
    parsed on first need — from the parse cache when it was analysed before — to propose
    missed claims and list mentions). Claims are numbered in the order of :attr:`claims`: the
    machine's claims first, then added ones; :attr:`rejected` holds the numbers of rejected ones.
    """

    def __init__(self, analysis: Analysis, save_to: str | os.PathLike, *, parsed: "ParsedDoc | None" = None):
        if not isinstance(analysis, Analysis):
            raise TypeError("Review needs an Analysis (claimkit.analyze(...))")
        self.analysis = analysis
        self.text = analysis.text
        self.doc = analysis.doc
        self.path = Path(save_to)
        if not self.path.parent.is_dir():
            raise ReviewError(f"{self.path}: the folder {self.path.parent} does not exist")
        self._parsed = parsed
        machine = analysis.to_dicts()
        aliases = entity_aliases(machine)
        self.machine: list[dict[str, Any]] = [gold_record(r, aliases.get(r["entity"], [])) for r in machine]
        self.claims: list[dict[str, Any]] = copy.deepcopy(self.machine)
        self.rejected: set[int] = set()
        self.history: list[Change] = []
        self.undone: list[Change] = []     # changes taken back, most recent last (for redo)
        self.listeners: list[Any] = []
        #: Speaker → colour in the article, fixed for the life of the review (see :meth:`colors`).
        self._colors: dict[str, str] = entity_colors(self.machine)
        if self.path.exists():
            self._restore()
        self.save()

    # -- state ------------------------------------------------------------------------
    def _restore(self) -> None:
        from .evaluate import GoldError, load_jsonl, match

        try:
            saved = load_jsonl(self.path)
        except GoldError as exc:
            raise ReviewFileError(f"cannot reopen the review: {exc}") from None
        for n, r in enumerate(saved, 1):
            problem = self._span_problem(r)
            if problem:
                raise ReviewFileError(f"{self.path}, claim {n}: {problem}; was it saved for another text? "
                                      "Move it away to start a new review")
        found = match(saved, self.machine)   # {saved index: machine index}
        for i, j in found.items():
            self.claims[j] = gold_record(saved[i])
        self.rejected = set(range(len(self.machine))) - set(found.values())
        self.claims += [gold_record(r) for i, r in enumerate(saved) if i not in found]

    def _span_problem(self, r: Mapping[str, Any]) -> str:
        for role in ("cue", "content", "source"):
            a, b = r.get(f"{role}_start"), r.get(f"{role}_end")
            if a is None and role == "source":
                continue
            if not (isinstance(a, int) and isinstance(b, int) and 0 <= a <= b <= len(self.text)):
                return f"{role} offsets {a}–{b} are not inside the text"
            if self.text[a:b] != r.get(role):
                return f"{role} {quoted(r.get(role))} is not the text at {a}–{b}"
        return ""

    @property
    def status(self) -> list[str]:
        """The state of each claim, in the order of :attr:`claims`: rejected, added (not one of the
        machine's), else kept as the machine found it or corrected."""
        out = []
        for i in range(len(self.claims)):
            if i in self.rejected:
                out.append(REJECTED)
            elif i >= len(self.machine):
                out.append(ADDED)
            else:
                out.append(KEPT if self._same_as_machine(i) else CORRECTED)
        return out

    def _same_as_machine(self, i: int) -> bool:
        """Machine claim ``i`` is unchanged (aliases aside: they are pooled per entity on saving)."""
        a, b = self.claims[i], self.machine[i]
        return all(a[k] == b[k] for k in GOLD_KEYS if k != "entity_aliases")

    def _change(self, description: str) -> Change:
        """Remember the state before a change (for :meth:`undo`)."""
        return Change(description, copy.deepcopy(self.claims), set(self.rejected))

    def _commit(self, change: Change) -> None:
        self.history.append(change)
        self.undone.clear()     # a new change ends what could be redone
        self.save()

    def _claim(self, i: int) -> dict[str, Any]:
        if not isinstance(i, int) or not 0 <= i < len(self.claims):
            raise ReviewError(f"no claim number {i!r}: claims are numbered 0–{len(self.claims) - 1}")
        return self.claims[i]

    # -- what is saved ----------------------------------------------------------------
    def records(self) -> list[dict[str, Any]]:
        """The gold records of the review (kept, corrected and added claims) in text order."""
        kept = [c for i, c in enumerate(self.claims) if i not in self.rejected]
        aliases = entity_aliases(kept)
        return [dict(c, entity_aliases=aliases.get(c["entity"], []))
                for c in sorted(kept, key=lambda c: (c["cue_start"], c["cue_end"]))]

    def save(self) -> Path:
        """Write :meth:`records` to ``save_to`` atomically (temporary file, then rename)."""
        from .writers import write_text_atomic

        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records())
        write_text_atomic(body, self.path)
        for listener in list(self.listeners):
            listener(self)
        return self.path

    # -- corrections --------------------------------------------------------------------
    def keep(self, i: int) -> None:
        """Keep claim ``i`` (undoes a rejection)."""
        self._claim(i)
        if i not in self.rejected:
            return
        change = self._change(f"kept claim {i} {quoted(self.claims[i]['cue'])}")
        self.rejected.discard(i)
        self._commit(change)

    def reject(self, i: int) -> None:
        """Claim ``i`` is not a claim: it leaves the saved file."""
        self._claim(i)
        if i in self.rejected:
            return
        change = self._change(f"rejected claim {i} {quoted(self.claims[i]['cue'])}")
        self.rejected.add(i)
        self._commit(change)

    def set_speaker(self, i: int, entity: str, *, source_type: str | None = None,
                    source_start: int | None = None, source_end: int | None = None) -> None:
        """The speaker of claim ``i``: an entity name (a mention of the article or any typed name).

        ``""`` means no entity: the author's voice (``source_type`` becomes ``author`` unless
        given). The claim then carries the new entity and the names the article uses for it
        (``entity_aliases``); its source span is kept only when it names the new entity, unless
        ``source_start``/``source_end`` set a new one (the words of the sentence naming the
        speaker). The source type follows the entity (:meth:`speakers.Speakers.type_of`) unless
        ``source_type`` is given.
        """
        c = self._claim(i)
        entity = " ".join(str(entity or "").split())
        if source_type is not None:
            self._check_label("source_type", source_type)
        if source_start is not None or source_end is not None:
            self._check_span(source_start, source_end, "source")
        change = self._change(f"speaker of claim {i} {quoted(c['cue'])} → {quoted(entity) if entity else 'no entity (author)'}")
        who = self.speaker_index
        if source_type is None:
            others = [x for k, x in enumerate(self.claims) if k != i and k not in self.rejected]
            source_type = who.type_of(entity, others) if entity else "author"
            if source_type is None:   # a name the article never writes: keep the type, unless it said "nobody"
                source_type = "person" if c["source_type"] in ("author", "anonymous") else c["source_type"]
        c["entity"] = entity
        c["entity_aliases"] = who.aliases(entity)
        c["source_type"] = source_type
        if source_start is not None:
            c["source"], c["source_start"], c["source_end"] = self.text[source_start:source_end], source_start, source_end
        elif not who.names(c.get("source") or "", entity):
            c["source"], c["source_start"], c["source_end"] = "", None, None
        self._commit(change)

    def set_label(self, i: int, field: str, value: str) -> None:
        """A closed-list field of claim ``i``: ``source_type``, ``mode``, ``hedging`` or ``cue_class``
        (also ``alt_hedging``: a hedging name or None). ``hedging`` sets ``hedging_level`` too."""
        c = self._claim(i)
        if field == "alt_hedging":
            if value is not None:
                self._check_label("hedging", value)
        else:
            self._check_label(field, value)
        if c.get(field) == value:
            return
        change = self._change(f"{field} of claim {i} {quoted(c['cue'])} → {value}")
        c[field] = value
        if field == "hedging":
            c["hedging_level"] = HEDGING_NAMES.index(value)
        self._commit(change)

    def set_optional(self, i: int, optional: bool = True) -> None:
        """Mark claim ``i`` optional (annotators may disagree whether it is a claim)."""
        c = self._claim(i)
        if c["optional"] == bool(optional):
            return
        change = self._change(f"claim {i} {quoted(c['cue'])} {'optional' if optional else 'required'}")
        c["optional"] = bool(optional)
        self._commit(change)

    def set_content(self, i: int, start: int, end: int) -> None:
        """The content span of claim ``i`` (offsets into the text, end exclusive)."""
        c = self._claim(i)
        self._check_span(start, end, "content")
        if (c["content_start"], c["content_end"]) == (start, end):
            return
        change = self._change(f"content of claim {i} {quoted(c['cue'])} → {start}–{end}")
        c["content"], c["content_start"], c["content_end"] = self.text[start:end], start, end
        self._commit(change)

    def add_claim(self, cue_start: int, cue_end: int, **fields: Any) -> int:
        """Add a missed claim whose cue is ``text[cue_start:cue_end]``; returns its number.

        The machine proposes the rest (source, entity, content, mode, hedging) with the same
        rules as for the cues it finds itself (``extract.chosen_frame``); ``fields`` override
        any of it (``entity=``, ``source_type=``, ``mode=``…). A cue on a rejected claim keeps
        that claim again; a cue on a claim already kept changes nothing and returns its number.
        """
        self._check_span(cue_start, cue_end, "cue")
        for k, c in enumerate(self.claims):
            if c["cue_start"] < cue_end and cue_start < c["cue_end"]:
                if k in self.rejected:
                    self.keep(k)
                return k
        record = self.propose(cue_start, cue_end)
        if "entity" in fields:   # a speaker given by hand brings its names and, unless given, its type
            who = self.speaker_index
            fields = {"entity_aliases": who.aliases(fields["entity"]),
                      **({"source_type": t} if (t := who.type_of(fields["entity"], self.claims)) else {}), **fields}
        for key, value in fields.items():
            if key not in GOLD_KEYS:
                raise ReviewError(f"unknown field {key!r}: one of {', '.join(GOLD_KEYS)}")
            if key in CHOICES:
                self._check_label(key, value)
            record[key] = value
        if "hedging" in fields:
            record["hedging_level"] = HEDGING_NAMES.index(fields["hedging"])
        if "entity" in fields and "source_start" not in fields and \
                not self.speaker_index.names(record.get("source") or "", record["entity"]):
            record["source"], record["source_start"], record["source_end"] = "", None, None
        change = self._change(f"added claim {len(self.claims)} {quoted(record['cue'])}")
        self.claims.append(record)
        self._commit(change)
        return len(self.claims) - 1

    def add_claim_at(self, offset: int, **fields: Any) -> int:
        """Add a missed claim whose cue is the word at ``offset`` (a clicked word)."""
        return self.add_claim(*word_at(self.text, offset), **fields)

    def propose(self, cue_start: int, cue_end: int) -> dict[str, Any]:
        """The machine's reading of a cue chosen by hand, as a gold record (not added)."""
        from .extract import extract

        try:
            analysis = extract(self.parsed, doc=self.doc, chosen=((cue_start, cue_end),))
        except ValueError as exc:   # no word of the sentence in the span (punctuation only)
            raise ReviewError(str(exc)) from None
        hit = [c for c in analysis.records if c.cue_start < cue_end and cue_start < c.cue_end]
        if not hit:
            raise ReviewError(f"no sentence holds offsets {cue_start}–{cue_end}")
        rec = hit[0].to_dict()
        if rec.get("entity"):   # "السفير لوكالة نوفوستي": the channel is not the speaker; a title is its holder
            from .speakers import without_channel

            rec["entity"] = self.speaker_index.resolve(without_channel(rec["entity"]))
            rec["source_type"] = self.speaker_index.type_of(rec["entity"]) or rec["source_type"]
            if rec.get("source") and not self.speaker_index.names(rec["source"], rec["entity"]):
                rec["source"], rec["source_start"], rec["source_end"] = "", None, None
        aliases = self.speaker_index.aliases(rec["entity"]) if rec.get("entity") else []
        return gold_record(rec, aliases)

    def undo(self) -> str | None:
        """Undo the last change; returns what it was (None when there is nothing to undo)."""
        return self._step(self.history, self.undone)

    def redo(self) -> str | None:
        """Make the last undone change again; returns what it was (None when there is nothing to redo)."""
        return self._step(self.undone, self.history)

    def _step(self, source: list, target: list) -> str | None:
        """Restore the state saved last on ``source``, keeping today's state on ``target`` (undo and redo)."""
        if not source:
            return None
        change = source.pop()
        target.append(self._change(change.description))
        self.claims, self.rejected = change.claims, change.rejected
        self.save()
        return change.description

    def colors(self) -> dict[str, str]:
        """Speaker (as the article groups it, ``render.entity_of``) → colour, fixed for the life of
        the review: a speaker seen for the first time takes the next colour of the palette."""
        for c in self.claims:
            name = entity_of(c)
            if name not in self._colors:
                self._colors[name] = PALETTE[len(self._colors) % len(PALETTE)]
        return dict(self._colors)

    # -- helpers for choosers ------------------------------------------------------------
    @property
    def parsed(self) -> "ParsedDoc":
        """The article's parse (from the parse cache when it was analysed before)."""
        if self._parsed is None:
            from .pipeline import parse

            self._parsed = parse(self.text)
        return self._parsed

    def speakers(self) -> list[str]:
        """Speaker choices (entity names): the machine's speakers, the speakers given by hand,
        then every other name the article writes (``speakers.Speakers.choices``)."""
        return self.speaker_index.choices(c for k, c in enumerate(self.claims) if k not in self.rejected)

    @functools.cached_property
    def speaker_index(self) -> "Speakers":
        """The article's speakers and names (found once: the text does not change)."""
        from .speakers import Speakers

        return Speakers(self.text, self.parsed.sents, self.machine)

    def summary(self) -> dict[str, int]:
        """How many claims are kept as the machine found them, corrected, rejected and added."""
        status = self.status
        return {s: status.count(s) for s in (KEPT, CORRECTED, REJECTED, ADDED)}

    def corrected_analysis(self) -> Analysis:
        """The reviewed claims as an :class:`~claimkit.records.Analysis` (for tables and charts)."""
        from .plots import as_analysis

        return as_analysis(self.records(), self.text, doc=self.doc)

    def reliance_figure(self) -> "go.Figure":
        """``plots.reliance`` drawn from the reviewed claims."""
        from .plots import reliance

        return reliance(self.corrected_analysis())

    def _check_label(self, field: str, value: Any) -> None:
        if field not in CHOICES:
            raise ReviewError(f"{field!r} has no closed list; one of {', '.join(CHOICES)}")
        if value not in CHOICES[field]:
            raise ReviewError(f"{value!r} is not a {field}: one of {', '.join(CHOICES[field])}")

    def _check_span(self, start: Any, end: Any, role: str) -> None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text)):
            raise ReviewError(f"the {role} span {start}–{end} is not a stretch of the text (0–{len(self.text)})")
        if not self.text[start:end].strip():
            raise ReviewError(f"the {role} span {start}–{end} holds no word")


def entity_aliases(records: list[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The names that count as each entity (gold ``entity_aliases``): the entity itself first,
    then the aliases each of its records carried and their source phrases."""
    out: dict[str, list[str]] = {}
    for r in records:
        ent = r.get("entity") or ""
        if not ent:
            continue
        names = out.setdefault(ent, [ent])
        for name in list(r.get("entity_aliases") or []) + [r.get("source") or ""]:
            if name and name not in names:
                names.append(name)
    return out


def review(analysis: Analysis, save_to: str | os.PathLike, **kwargs: Any):
    """Open the review widget on ``analysis``, saving to ``save_to`` (see the module docstring).

    Returns a :class:`claimkit.review_widget.ReviewWidget`; its ``.review`` is the
    :class:`Review` it drives. Needs the ``notebook`` extra (anywidget).
    """
    from .review_widget import ReviewWidget

    return ReviewWidget(Review(analysis, save_to, **kwargs))


make_callable(__name__, review)
