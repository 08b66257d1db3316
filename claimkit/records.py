"""Result records: :class:`Claim`, :class:`Analysis`, and their table forms.

A :class:`Claim` carries exactly the fields of ANNOTATION.md's "Output record"
(in that order), plus an ``evidence`` tuple that says why the claim was found; the
evidence is never serialised, so JSON/CSV output has exactly the documented keys.

:class:`Analysis` is what :func:`claimkit.analyze` returns: the input text, the
claims as records and as a pandas DataFrame, a per-entity source table and the
sentence index.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # pandas is imported lazily so that `claimkit --help` stays fast
    import pandas as pd

#: Output record keys, in ANNOTATION.md order.
RECORD_KEYS: tuple[str, ...] = (
    "doc", "sentence", "cue", "cue_start", "cue_end", "cue_lemma", "cue_class",
    "source", "source_start", "source_end", "entity", "source_type", "channel",
    "content", "content_start", "content_end", "mode", "hedging", "hedging_level", "hedge_cues",
)
CUE_CLASSES = ("say", "assert", "reveal", "opinion", "predict", "allege", "accuse", "deny",
               "according_to", "impersonal")
SOURCE_TYPES = ("person", "organization", "official", "anonymous", "media", "document", "author")
MODES = ("indirect", "direct", "mixed", "nominal", "according_to")
HEDGING_NAMES = ("boosted", "neutral", "hedged", "speculative")  # index = hedging_level
#: Columns of :attr:`Analysis.entities`.
ENTITY_COLUMNS = ("text", "start", "end", "type", "fine_type", "sentence", "score")


@dataclass(frozen=True)
class Claim:
    """One attributed claim (ANNOTATION.md "Output record").

    Offsets are character offsets into the analysed text, end exclusive;
    ``source_start``/``source_end`` are ``None`` when the source is dropped.
    """

    doc: str
    sentence: int
    cue: str
    cue_start: int
    cue_end: int
    cue_lemma: str
    cue_class: str
    source: str
    source_start: int | None
    source_end: int | None
    entity: str
    source_type: str
    channel: str
    content: str
    content_start: int
    content_end: int
    mode: str
    hedging: str
    hedging_level: int
    hedge_cues: tuple[str, ...] = ()
    evidence: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: named entities (:class:`claimkit.ner.EntitySpan`) overlapping the source span; never serialised
    entities: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The output record: exactly :data:`RECORD_KEYS`, ``hedge_cues`` as a list."""
        d = {k: getattr(self, k) for k in RECORD_KEYS}
        d["hedge_cues"] = list(self.hedge_cues)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Claim":
        """Build a claim from an output record (extra keys such as gold ``optional`` are ignored)."""
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        kw["hedge_cues"] = tuple(kw.get("hedge_cues") or ())
        kw["evidence"] = tuple(kw.get("evidence") or ())
        kw["entities"] = tuple(kw.get("entities") or ())
        for key in ("source_start", "source_end"):
            kw.setdefault(key, None)
        return cls(**kw)

    def explain(self) -> str:
        """A readable account of why this claim was found and how each field was set."""
        head = f"«{self.cue}» ({self.cue_class}, {self.mode}) → {self.entity or '—'} [{self.source_type}], " \
               f"{self.hedging} ({self.hedging_level})"
        lines = list(self.evidence)
        if self.entities:
            lines.append("entities: " + ", ".join(
                f"{e.text} ({e.type}{', ' + e.fine_type if e.fine_type else ''} {e.score:.2f})" for e in self.entities))
        return "\n".join([head] + [f"  - {line}" for line in lines])


@dataclass(frozen=True)
class Sentence:
    """One sentence of the analysed text: its index and character span."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one article.

    ``records`` holds :class:`Claim` objects; ``claims``, ``sources`` and
    ``sentences`` are pandas DataFrames built from them on first use.
    """

    doc: str
    text: str
    records: tuple[Claim, ...]
    sentence_spans: tuple[Sentence, ...] = ()
    #: the named entities of the text (:class:`claimkit.ner.EntitySpan`), in text order
    entity_spans: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.entity_spans:  # each claim learns the entities inside its source span (for explain())
            object.__setattr__(self, "records", tuple(_with_entities(c, self.entity_spans) for c in self.records))

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):
        return iter(self.records)

    @cached_property
    def claims(self) -> "pd.DataFrame":
        """One row per claim; the columns are :data:`RECORD_KEYS`."""
        return claims_dataframe(self.records)

    @cached_property
    def sources(self) -> "pd.DataFrame":
        """One row per linked entity (see :func:`sources_dataframe`)."""
        return sources_dataframe(self.records)

    @cached_property
    def entities(self) -> "pd.DataFrame":
        """One row per named entity found by the tagger (:mod:`claimkit.ner`): its text, offsets into
        the analysed text, coarse type (PER / ORG / LOC / MISC), fine type, sentence and score."""
        return dataframe([{k: getattr(e, k) for k in ENTITY_COLUMNS} for e in self.entity_spans], ENTITY_COLUMNS)

    @cached_property
    def sentences(self) -> "pd.DataFrame":
        """Sentence index, paragraph, character span and text."""
        return dataframe([asdict(s) for s in self.sentence_spans], ["index", "start", "end", "text", "paragraph"])

    def to_dicts(self) -> list[dict[str, Any]]:
        """The output records of every claim."""
        return [c.to_dict() for c in self.records]

    def explain(self, i: int) -> str:
        """Why claim ``i`` was found: cue, path to source and content, linking and hedging."""
        return self.records[i].explain()


def _with_entities(claim: Claim, entities: Sequence[Any]) -> Claim:
    """``claim`` with the entities that overlap its source span (itself when none do)."""
    if claim.source_start is None or claim.source_end is None:
        return claim
    hits = tuple(e for e in entities if e.start < claim.source_end and claim.source_start < e.end)
    return replace(claim, entities=hits) if hits else claim


def dataframe(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> "pd.DataFrame":
    """The one constructor of claimkit's DataFrame views (claims, sources, sentences, chart data).

    pandas 3 stores strings with pyarrow, which refuses lone surrogates (``"\udc80"``, as
    ``json.loads`` can produce): in these views each is shown as U+FFFD, one character for
    one, so lengths and offsets still line up (:func:`claimkit.surrogates.for_display`). The
    records, ``Analysis.text`` and JSONL output keep the exact strings. ``columns``: their
    order (None: the rows' keys).
    """
    import pandas as pd

    from .surrogates import displayable_rows

    return pd.DataFrame(displayable_rows(rows), columns=None if columns is None else list(columns))


def claims_dataframe(records: Iterable[Claim]) -> "pd.DataFrame":
    """A DataFrame with one row per claim and exactly the output-record columns."""
    df = dataframe([c.to_dict() for c in records], RECORD_KEYS)
    for col in ("source_start", "source_end"):
        df[col] = df[col].astype("Int64")
    return df


def entity_label(claim: Claim) -> str:
    """The name a claim is grouped under in source tables and charts.

    The linked entity; the article's own voice for impersonal claims; "(unresolved)"
    for a dropped subject that could not be linked.
    """
    if claim.entity:
        return claim.entity
    return "(author)" if claim.source_type == "author" else "(unresolved)"


def sources_dataframe(records: Iterable[Claim]) -> "pd.DataFrame":
    """Per-entity reliance table.

    Columns: ``entity``, ``source_type`` (the most frequent type among its claims),
    ``claims``, ``claim_share`` (of all claims), ``words`` (words of content attributed
    to it), ``word_share``, ``mean_hedging`` (0–3), ``first_sentence``.
    Sorted by claims, then words, descending.
    """
    records = list(records)
    cols = ["entity", "source_type", "claims", "claim_share", "words", "word_share",
            "mean_hedging", "first_sentence"]
    if not records:
        return dataframe([], cols)
    groups: dict[str, list[Claim]] = {}
    for c in records:
        groups.setdefault(entity_label(c), []).append(c)
    total_claims = len(records)
    total_words = sum(len(c.content.split()) for c in records) or 1
    rows = []
    for name, cs in groups.items():
        words = sum(len(c.content.split()) for c in cs)
        rows.append({
            "entity": name,
            "source_type": Counter(c.source_type for c in cs).most_common(1)[0][0],
            "claims": len(cs),
            "claim_share": len(cs) / total_claims,
            "words": words,
            "word_share": words / total_words,
            "mean_hedging": sum(c.hedging_level for c in cs) / len(cs),
            "first_sentence": min(c.sentence for c in cs),
        })
    df = dataframe(rows, cols)
    return df.sort_values(["claims", "words"], ascending=False, kind="stable").reset_index(drop=True)
