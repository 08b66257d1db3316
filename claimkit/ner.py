"""Arabic named entities (persons, organisations, places) in a parsed article.

What: :class:`EntityTagger`, a trained CRF tagger of PER / ORG / LOC entities over claimkit's
tokens (MISC too when trained with it; the shipped tagger reads MISC as O), and :func:`tag_parsed`, which finds the entities of a
:class:`~claimkit.treebank.ParsedDoc` as :class:`EntitySpan` objects (first/last word,
original offsets, coarse and fine type, confidence) and marks every word with its BIO
label (``Word.ner``) and that label's probability (``Word.ner_p``).

Why: the speaker decisions need to know whether a word is part of a name, and where the
name ends; the parse alone does not say.

Method: FANE, the training data, writes orthographic words with only the conjunction و
split off, so the tagger reads claimkit's *tokens* (one surface token = the words Stanza
split it into): the token's written form, without a leading و/ف when it was split off,
folded FANE-style (:func:`claimkit.ner_data.fane_form`), is tagged by python-crfsuite
with the features of :mod:`claimkit.ner_features`. Each entity is projected back onto
words: from the first token's first word, skipping one-letter proclitic words (ل ب ك و ف),
to the last token's last word, skipping trailing pronoun enclitics. A name the clitic
splitter broke (سيرغي → س + يرغي, لافروف → ل + افروف) is one token, so the entity covers
the word as written; a proclitic is kept when the whole form is a known name and the rest
is not (لافروف), and cut off when the rest is a known name (لروسيا → روسيا), even when the
parser left it attached. A second pass over the article (:func:`propagate_names`) tags
again, as a person, a word of a person's name found with confidence elsewhere in the
article (قال جنبلاط after وليد جنبلاط). The fine class (``Politician``, ``Media``…) comes
from a naive Bayes table over the entity's word stems and the three words before it
(:class:`FineTyper`), among the fine classes of the predicted coarse type.

A tagger folder holds ``config.json`` (format, version, feature version, labels, training
data and their licence, held-out scores), ``tagger.crfsuite`` (the CRF weights),
``gazetteers.json`` and ``fine_types.json``. Anything missing, damaged or incompatible
raises :class:`claimkit.model.ModelError` naming the file. A Stanza pipeline with its own
NER processor can be used instead: :class:`~claimkit.treebank.StanzaBuilder` reads its
labels, and :func:`ensure_entities` then keeps them.

Not handled: nested entities; entities across sentence boundaries; the fine class of an
entity read from Stanza's NER (left ""); entities are not written to the CoNLL-U parse cache
(a cached parse is tagged again, in milliseconds).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .model import ModelError, read_json, write_json
from .ner_data import bio_spans, fane_form
from .ner_features import FEATURES_VERSION, Gazetteers, fine_keys, key, sentence_features
from .normalize import normalize_for_match

if TYPE_CHECKING:
    from .treebank import ParsedDoc, Sent

#: Tagger folder format; bump when the layout of the files changes.
TAGGER_FORMAT = 1
FORMAT_NAME = "claimkit-entity-tagger"
WEIGHTS_FILE = "tagger.crfsuite"
GAZETTEERS_FILE = "gazetteers.json"
FINE_FILE = "fine_types.json"
#: The tagger shipped with claimkit.
DEFAULT_TAGGER_DIR = Path(__file__).resolve().parent / "models" / "tagger"
#: One-letter proclitic words left out of an entity (لروسيا → the entity is روسيا).
PROCLITIC_WORDS = frozenset("لبكوف")
CONJUNCTION_WORDS = frozenset("وف")
#: A person's name must have this mean score to be propagated through the article.
PROPAGATE_MIN_SCORE = 0.7
#: Stanza's entity types → claimkit's.
STANZA_TYPES = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "MISC": "MISC"}


@dataclass(frozen=True)
class EntitySpan:
    """One named entity of a parsed article."""

    sentence: int      # Sent.index
    first: int         # first word index in sent.words (inclusive)
    last: int          # last word index (inclusive)
    start: int         # offsets into ParsedDoc.text, end exclusive; text[start:end] == self.text
    end: int
    text: str
    type: str          # "PER" | "ORG" | "LOC" | "MISC"
    fine_type: str     # FANE fine class, e.g. "Politician", "Government", "Media", "Nation" ("" if unknown)
    score: float       # the tagger's confidence (mean marginal of the span's labels)


class FineTyper:
    """Naive Bayes choice of an entity's fine class among those of its coarse type."""

    def __init__(self, counts: dict[str, dict[str, dict[str, int]]]) -> None:
        self.counts = counts
        self._tables: dict[str, list[tuple[str, float, dict[str, float], float]]] = {}
        for coarse, fines in counts.items():
            n_all = sum(c.get("#", 0) for c in fines.values()) or 1
            vocab = len({w for c in fines.values() for w in c}) + 1
            rows = []
            for fine, c in sorted(fines.items()):
                words = sum(n for w, n in c.items() if w != "#")
                denom = words + vocab
                rows.append((fine, math.log((c.get("#", 0) + 1) / (n_all + len(fines))),
                             {w: math.log((n + 1) / denom) for w, n in c.items() if w != "#"},
                             math.log(1 / denom)))
            self._tables[coarse] = rows

    def fine(self, coarse: str, forms: Sequence[str], a: int, b: int) -> str:
        """The likeliest fine class of the entity of type ``coarse`` on tokens ``a``..``b`` of a sentence
        of FANE-style ``forms`` ("" if the type has none)."""
        rows = self._tables.get(coarse)
        if not rows:
            return ""
        keys = fine_keys(forms, a, b)
        best, best_score = "", -math.inf
        for fine, prior, table, unseen in rows:
            s = prior + sum(table.get(k, unseen) for k in keys)
            if s > best_score:
                best, best_score = fine, s
        return best


class EntityTagger:
    """A loaded tagger folder: the CRF, its gazetteers, the fine-class table and the config."""

    def __init__(self, path: Path, config: dict[str, Any], gazetteers: Gazetteers,
                 fine_counts: dict[str, dict[str, dict[str, int]]]) -> None:
        import pycrfsuite

        self.path = path
        self.config = config
        self.gazetteers = gazetteers
        self.table = gazetteers.lookup()
        self.fine_typer = FineTyper(fine_counts)
        self._crf = pycrfsuite.Tagger()
        self._lock = threading.Lock()
        weights = path / WEIGHTS_FILE
        if not weights.is_file():
            raise ModelError(f"{weights}: missing from the tagger folder (train one with `claimkit train-tagger`)")
        # crfsuite reads the file unchecked (a truncated file crashes the process): check it against the
        # digest written with it first
        digest = weights_digest(weights)
        if digest != config.get("weights_sha256"):
            raise ModelError(f"{weights}: damaged CRF weights file (its SHA-256 {digest[:12]}… is not the "
                             f"{str(config.get('weights_sha256'))[:12]}… of config.json); retrain with "
                             f"`claimkit train-tagger`")
        try:
            self._crf.open(str(weights))
        except (ValueError, OSError) as exc:
            raise ModelError(f"{weights}: damaged CRF weights file ({exc}); retrain with "
                             f"`claimkit train-tagger`") from None
        labels = set(self._crf.labels())
        if not labels or not labels <= set(config.get("labels", [])) | {"O"}:
            raise ModelError(f"{weights}: its labels {sorted(labels)} do not match config.json's "
                             f"{config.get('labels')}")
        self.labels = sorted(labels)

    # -- disk -------------------------------------------------------------------------------
    @classmethod
    def build(cls, path: str | os.PathLike, config: dict[str, Any], gazetteers: Gazetteers,
              fine_counts: dict[str, dict[str, dict[str, int]]]) -> "EntityTagger":
        """Write the side files and config beside an already written weights file, and load the folder."""
        folder = Path(path)
        write_json(folder / GAZETTEERS_FILE, gazetteers.to_json(), compact=True)
        write_json(folder / FINE_FILE, fine_counts, compact=True)
        write_json(folder / "config.json", config, compact=False)
        return cls.from_disk(folder)

    def to_disk(self, path: str | os.PathLike) -> Path:
        """Write this tagger to the folder ``path`` (the weights file is copied)."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        src = self.path / WEIGHTS_FILE
        if out.resolve() != self.path.resolve():
            tmp = out / (WEIGHTS_FILE + ".tmp")
            tmp.write_bytes(src.read_bytes())
            os.replace(tmp, out / WEIGHTS_FILE)
        write_json(out / GAZETTEERS_FILE, self.gazetteers.to_json(), compact=True)
        write_json(out / FINE_FILE, self.fine_typer.counts, compact=True)
        write_json(out / "config.json", self.config, compact=False)
        return out

    @classmethod
    def from_disk(cls, path: str | os.PathLike) -> "EntityTagger":
        """Load a tagger folder, checking every file; :class:`ModelError` names the file at fault."""
        folder = Path(path)
        if not folder.is_dir():
            raise ModelError(f"{folder}: no such tagger folder (write one with `claimkit train-tagger --out "
                             f"{folder}`)")
        cfg_path = folder / "config.json"
        config = read_json(cfg_path, "tagger folder")
        if config.get("format") != FORMAT_NAME or config.get("version") != TAGGER_FORMAT:
            raise ModelError(f"{cfg_path}: not a claimkit entity tagger of format {TAGGER_FORMAT} (found format "
                             f"{config.get('format')!r}, version {config.get('version')!r})")
        if config.get("features") != FEATURES_VERSION:
            raise ModelError(f"{cfg_path}: trained on features version {config.get('features')!r}, this claimkit "
                             f"computes version {FEATURES_VERSION}; retrain with `claimkit train-tagger`")
        gpath, fpath = folder / GAZETTEERS_FILE, folder / FINE_FILE
        try:
            gaz = Gazetteers.from_json(read_json(gpath, "tagger folder"))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{gpath}: damaged gazetteers file ({exc!r})") from None
        fine = read_json(fpath, "tagger folder")
        try:
            tagger = cls(folder, config, gaz, fine)
        except ModelError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ModelError(f"{fpath}: damaged fine-class table ({exc!r})") from None
        return tagger

    # -- tagging ----------------------------------------------------------------------------
    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[tuple[str, float]]]:
        """:meth:`tag_forms` of each sentence of an article, then :func:`propagate_names` across it."""
        labels = [self.tag_forms(s) for s in sentences]
        return propagate_names(sentences, labels, self.gazetteers.common)

    def tag_forms(self, forms: Sequence[str]) -> list[tuple[str, float]]:
        """BIO labels (coarse types) and their marginal probabilities for a sentence of token forms."""
        if not forms:
            return []
        folded = [fane_form(f) or f for f in forms]
        feats = sentence_features(folded, self.table)
        crf = self._crf
        with self._lock:  # the crfsuite tagger keeps the current sentence: one thread at a time
            crf.set(feats)
            labels = crf.tag()
            return [(lab, crf.marginal(lab, i)) for i, lab in enumerate(labels)]


def weights_digest(path: Path) -> str:
    """SHA-256 of a weights file (stored in config.json, checked before crfsuite opens the file)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelError(f"{path}: cannot be read ({exc.strerror})") from None


def tag_forms_batch(tagger: EntityTagger, sentences: Sequence[Sequence[str]]) -> list[list[tuple[str, float]]]:
    """:meth:`EntityTagger.tag_forms` of each sentence (no propagation across sentences)."""
    return [tagger.tag_forms(s) for s in sentences]


def propagate_names(forms: Sequence[Sequence[str]], labels: list[list[tuple[str, float]]],
                    common: frozenset[str], min_score: float = PROPAGATE_MIN_SCORE) -> list[list[tuple[str, float]]]:
    """Second pass over an article: a word of a person's name tagged with confidence somewhere
    (جنبلاط in "وليد جنبلاط") makes the same word a person wherever the CRF left it O (قال جنبلاط).
    Words common outside names in the training data (``common``) and one- or two-letter words are
    never propagated. A propagated word gets the mean score of the names that gave it."""
    found: dict[str, list[float]] = {}
    for fs, labs in zip(forms, labels):
        for typ, a, b in bio_spans([lab for lab, _ in labs]):
            score = sum(p for _, p in labs[a:b + 1]) / (b - a + 1)
            if typ != "PER" or score < min_score:
                continue
            for f in fs[a:b + 1]:
                k = key(fane_form(f))
                if len(k) >= 3 and k not in common:
                    found.setdefault(k, []).append(score)
    if not found:
        return labels
    out = []
    for fs, labs in zip(forms, labels):
        new = list(labs)
        for j, f in enumerate(fs):
            if new[j][0] != "O":
                continue
            scores = found.get(key(fane_form(f)))
            if scores:
                cont = j > 0 and new[j - 1][0][2:] == "PER"
                new[j] = ("I-PER" if cont else "B-PER", round(sum(scores) / len(scores), 4))
        out.append(new)
    return out


# -- loading ------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> EntityTagger:
    return EntityTagger.from_disk(path)


def load_tagger(path: str | os.PathLike | None = None) -> EntityTagger:
    """Load a tagger folder (``None``: the shipped tagger); cached per folder and modification time."""
    p = Path(path) if path is not None else DEFAULT_TAGGER_DIR
    cfg = p / "config.json"
    try:
        mtime = cfg.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load_cached(str(p), mtime)


# -- claimkit documents ---------------------------------------------------------------------------
def _tokens(sent: "Sent") -> list[list[int]]:
    """Word indices of each surface token of a sentence, in order."""
    groups: list[list[int]] = []
    prev = None
    for w in sent.words:
        if w.token != prev or not groups:
            groups.append([])
            prev = w.token
        groups[-1].append(w.i)
    return groups


def token_form(sent: "Sent", text: str, idx: list[int]) -> str:
    """The written form of a token as FANE writes it: a split-off leading و/ف dropped."""
    ws = sent.words
    first = ws[idx[0]]
    if len(idx) > 1 and first.text in CONJUNCTION_WORDS and first.end - first.start == 1:
        first = ws[idx[1]]
    form = text[first.start:ws[idx[-1]].end]
    return form or ws[idx[0]].text


def _span_words(sent: "Sent", toks: list[list[int]], a: int, b: int, known: bool = False) -> tuple[int, int]:
    """First and last word of tokens ``a``..``b``: leading proclitic words of token ``a`` and trailing
    pronoun enclitics of token ``b`` left out. ``known``: token ``a`` as written is a known name
    (لافروف split ل + افروف): its proclitic is part of the name and kept."""
    ws = sent.words
    first_tok, last_tok = toks[a], toks[b]
    k = 0
    while not known and k + 1 < len(first_tok) and ws[first_tok[k]].text in PROCLITIC_WORDS \
            and ws[first_tok[k]].end - ws[first_tok[k]].start == 1:
        k += 1
    m = len(last_tok) - 1
    while m > 0 and ws[last_tok[m]].upos == "PRON" and (a != b or m > k):
        m -= 1
    first = first_tok[k]
    last = last_tok[m]
    return first, max(first, last)


def _known_as_written(tagger: EntityTagger, form: str, typ: str) -> bool:
    """Is ``form`` (its first letter a proclitic) a name of type ``typ`` only as written: لافروف is
    known and افروف is not, while لروسيا is روسيا after ل."""
    if len(form) < 3 or form[0] not in PROCLITIC_WORDS:
        return False
    feat = f"g={typ}"
    return feat in tagger.table.get(normalize_for_match(form), ()) \
        and feat not in tagger.table.get(normalize_for_match(form[1:]), ())


def _known_after_proclitic(tagger: EntityTagger, form: str, typ: str) -> bool:
    """Is ``form`` a proclitic ل/ب/ك before a known name of type ``typ`` (لروسيا → روسيا)?"""
    if len(form) < 4 or form[0] not in "لبك":
        return False
    return f"g={typ}" in tagger.table.get(normalize_for_match(form[1:]), ())


def _project(sent: "Sent", text: str, toks: list[list[int]], forms: list[str],
             labels: Sequence[tuple[str, float]], tagger: EntityTagger,
             inner: frozenset[str] = frozenset()) -> list[EntitySpan]:
    """Set ``ner``/``ner_p`` on a sentence's words from its tokens' labels and return its entities.
    ``inner``: normalised forms seen inside a name of the article (لافروف in سيرغي لافروف), whose
    first letter is part of the name wherever they start one."""
    ws = sent.words
    for t, (lab, p) in zip(toks, labels):
        for i in t:
            # a word left out of its token's entity (a proclitic) gets the token's chance of not being in it
            ws[i].ner, ws[i].ner_p = "O", (p if lab == "O" else 1.0 - p)
    out: list[EntitySpan] = []
    folded = [fane_form(f) for f in forms]
    for typ, a, b in bio_spans([lab for lab, _ in labels]):
        in_name = normalize_for_match(folded[a]) in inner
        known = in_name or _known_as_written(tagger, folded[a], typ)
        first, last = _span_words(sent, toks, a, b, known)
        score = sum(p for _, p in labels[a:b + 1]) / (b - a + 1)
        for ti in range(a, b + 1):
            for i in toks[ti]:
                if first <= i <= last:
                    ws[i].ner = ("B-" if i == first else "I-") + typ
                    ws[i].ner_p = labels[ti][1]
        start, end = ws[first].start, ws[last].end
        if len(toks[a]) == 1 and not in_name and _known_after_proclitic(tagger, folded[a], typ) \
                and text[start:start + 1] == forms[a][:1]:
            start += 1  # a proclitic the parser left attached (لروسيا): the entity is روسيا
        fine = tagger.fine_typer.fine(typ, folded, a, b)
        out.append(EntitySpan(sentence=sent.index, first=first, last=last, start=start, end=end,
                              text=text[start:end], type=typ, fine_type=fine, score=round(score, 4)))
    return out


def tag_parsed(parsed: "ParsedDoc", tagger: EntityTagger | None = None) -> list[EntitySpan]:
    """The entities of a parsed article (also stored as ``parsed.entities``, and as BIO labels on its
    words). A document already tagged is returned as is."""
    if parsed.entities is not None:
        return parsed.entities
    tagger = tagger or load_tagger()
    text = parsed.text
    toks = [_tokens(s) for s in parsed.sents]
    forms = [[token_form(s, text, t) for t in ts] for s, ts in zip(parsed.sents, toks)]
    labels = tagger.tag_document(forms)
    inner = frozenset(normalize_for_match(fane_form(fs[i])) for fs, labs in zip(forms, labels)
                      for _, a, b in bio_spans([lab for lab, _ in labs]) for i in range(a + 1, b + 1))
    ents: list[EntitySpan] = []
    for sent, ts, fs, labs in zip(parsed.sents, toks, forms, labels):
        ents.extend(_project(sent, text, ts, fs, labs, tagger, inner))
    parsed.entities = ents
    return ents


def ensure_entities(parsed: "ParsedDoc") -> "ParsedDoc":
    """Tag ``parsed`` with the default tagger unless it already has entities (from this tagger or
    from Stanza's NER); returns it."""
    if parsed.entities is None:
        tag_parsed(parsed)
    return parsed


def entities_from_words(sent: "Sent", text: str) -> list[EntitySpan]:
    """Entity spans of a sentence whose words already carry BIO labels (``Word.ner``)."""
    out = []
    for typ, a, b in bio_spans([w.ner for w in sent.words]):
        ws = sent.words[a:b + 1]
        start, end = ws[0].start, ws[-1].end
        score = sum(w.ner_p for w in ws) / len(ws)
        out.append(EntitySpan(sentence=sent.index, first=a, last=b, start=start, end=end, text=text[start:end],
                              type=typ, fine_type="", score=round(score, 4)))
    return out


# -- Stanza interop -------------------------------------------------------------------------------
def stanza_type(label: str) -> str:
    """claimkit's type of a Stanza entity type (PERSON → PER, GPE → LOC…), "MISC" for the rest."""
    return STANZA_TYPES.get(label.upper(), "MISC")


def tag_stanza_document(doc: Any, tagger: EntityTagger | None = None) -> Any:
    """Set ``token.ner`` (BIOES, as Stanza's NER does) on every token of a Stanza ``Document`` and build
    ``doc.ents``; returns ``doc``."""
    tagger = tagger or load_tagger()
    sentences = []
    for s in doc.sentences:
        forms = []
        for tok in s.tokens:
            words = [w.text for w in tok.words]
            form = tok.text
            if len(words) > 1 and words[0] in CONJUNCTION_WORDS and form[:1] == words[0]:
                form = form[1:]
            forms.append(form)
        sentences.append(forms)
    labels: list[str] = []
    for labs in tagger.tag_document(sentences):
        labels.extend(_to_bioes([lab for lab, _ in labs]))
    doc.set(["ner"], labels, to_token=True)
    doc.build_ents()
    return doc


def _to_bioes(tags: Sequence[str]) -> list[str]:
    out = ["O"] * len(tags)
    for typ, a, b in bio_spans(tags):
        if a == b:
            out[a] = "S-" + typ
        else:
            out[a], out[b] = "B-" + typ, "E-" + typ
            for i in range(a + 1, b):
                out[i] = "I-" + typ
    return out
