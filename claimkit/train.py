"""Training the decisions from gold folders, and cross-validation by document.

Method ("rules propose, trained models decide"): each gold document is analysed by the rules
with candidates (``extract.propose(candidates=True)``); each proposal is matched to the gold
claims by cue overlap, exactly as the scorer matches (``evaluate.match``), and becomes
training examples:

* ``cue`` — a proposal matched to a required gold claim is a claim (1), an unmatched one is
  not (0); one matched to an optional gold claim teaches nothing and is left out;
* ``speaker`` — for a matched claim, each candidate is right (1) when its name counts as the
  gold entity under the scorer's alias rules (``evaluate.entity_correct``), else 0; a claim
  with no right candidate, or only right ones, is left out;
* ``source_type`` — the gold type of a matched claim, from the features of its right speaker.

Each decision is a scikit-learn ``LogisticRegression`` over ``DictVectorizer`` indicators, with a
fixed ``random_state``: the same data and seed give byte-identical model files.

Cross-validation (:func:`cross_validate`) splits the *documents* into K folds (seeded
shuffle), trains on K−1 and scores the held-out fold with the reference scorer's rules, and
scores the rules alone on the same folds in the same run. Only held-out numbers are reported.
"""
from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import InputFileError
from .evaluate import count_doc, entity_correct, gold_files, load_jsonl, match, reliance, reliance_summary, summarize
from .features import FEATURES_VERSION, cue_features, speaker_features, type_features
from .model import MODEL_FORMAT, LinearDecider, Model
from .records import SOURCE_TYPES

#: Regularisation of the three logistic regressions (inverse strength, scikit-learn's ``C``).
C_VALUES = {"cue": 0.5, "speaker": 0.1, "source_type": 1.0}
DEFAULT_SEED = 13


@dataclass
class GoldDoc:
    """One gold document: its name, gold records and parsed article."""

    name: str
    gold: list[dict]
    parsed: Any
    source: str = ""   # the gold folder (or file) it was read from, as given


@dataclass
class Examples:
    """Training examples of the three decisions (feature dicts and labels)."""

    cue: list[tuple[dict, int]] = field(default_factory=list)
    speaker: list[list[tuple[dict, int]]] = field(default_factory=list)   # one group per claim
    source_type: list[tuple[dict, str]] = field(default_factory=list)
    docs: int = 0
    claims: int = 0

    def extend(self, other: "Examples") -> None:
        self.cue += other.cue
        self.speaker += other.speaker
        self.source_type += other.source_type
        self.docs += other.docs
        self.claims += other.claims


# -- reading gold ---------------------------------------------------------------------------------

def read_gold_docs(golds: Sequence[str | Path], *, conllu: bool = False, stanza_dir: str | None = None,
                   cache: bool = True, progress: bool = False) -> list[GoldDoc]:
    """Every ``NAME.claims.jsonl`` of the gold folders with its parsed text: the gold trees
    ``NAME.conllu`` with ``conllu=True`` (offsets into ``NAME.txt``), else a Stanza parse of ``NAME.txt``."""
    from .pipeline import parse, read_text_file
    from .treebank import from_conllu

    docs: list[GoldDoc] = []
    seen: set[str] = set()
    files = [(Path(g).name, f) for g in golds for f in gold_files(g)]
    for source, f in files:
        if not f.name.endswith(".claims.jsonl"):
            raise InputFileError(f"{f}: gold files must be named NAME.claims.jsonl with NAME.txt beside them")
        name = f.name[: -len(".claims.jsonl")]
        if name in seen:
            raise InputFileError(f"{f}: document {name} is given twice")
        seen.add(name)
        txt, trees = f.with_name(name + ".txt"), f.with_name(name + ".conllu")
        if not txt.is_file():
            raise InputFileError(f"{txt}: no text beside {f.name}")
        text = read_text_file(txt)
        if conllu and trees.is_file():
            parsed = from_conllu(read_text_file(trees, newline=None), text=text)
        else:
            parsed = parse(text, stanza_dir=stanza_dir, cache=cache)
        docs.append(GoldDoc(name, [dict(r, doc=name) for r in load_jsonl(f)], parsed, source))
        if progress:
            print(f"\rread {len(docs)}/{len(files)} documents", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    return docs


# -- examples -------------------------------------------------------------------------------------

def _right_candidates(gold: dict, draft, linker) -> list[bool]:
    return [entity_correct(gold, {"entity": c.display(linker), "source_type": c.source_type(linker)})
            for c in draft.speakers]


def doc_examples(doc: GoldDoc) -> Examples:
    """The training examples of one gold document (see the module docstring)."""
    from .extract import propose

    drafts, linker = propose(doc.parsed, candidates=True)
    text = doc.parsed.text
    pred = [{"cue_start": d.frame.cue_span[0], "cue_end": d.frame.cue_span[1]} for d in drafts]
    gm = match(doc.gold, pred)
    gold_of = {j: doc.gold[i] for i, j in gm.items()}
    ex = Examples(docs=1, claims=sum(1 for g in doc.gold if not g.get("optional")))
    for j, d in enumerate(drafts):
        g = gold_of.get(j)
        if g is not None and g.get("optional"):
            continue
        ex.cue.append((cue_features(d, text), int(g is not None)))
        if g is None or d.frame.impersonal or not d.speakers:
            continue
        right = _right_candidates(g, d, linker)
        if any(right) and not all(right):
            ex.speaker.append([(speaker_features(d, c, linker), int(r)) for c, r in zip(d.speakers, right)])
        best = next((c for c, r in zip(d.speakers, right) if r), d.speakers[0])
        if g.get("source_type") in SOURCE_TYPES:
            ex.source_type.append((type_features(d, best, linker), g["source_type"]))
    return ex


# -- fitting --------------------------------------------------------------------------------------

def _fit(name: str, rows: list[tuple[dict, Any]], seed: int, binary: bool) -> LinearDecider:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X_dicts, y = [r[0] for r in rows], [r[1] for r in rows]
    if len(set(y)) < 2:
        raise InputFileError(f"cannot train the {name} decision: the gold data gives only one kind of example "
                             f"({len(y)} examples); add documents with claims")
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform(X_dicts)
    clf = LogisticRegression(C=C_VALUES[name], solver="liblinear" if binary else "lbfgs", max_iter=5000,
                             random_state=seed)
    clf.fit(X, y)
    names = vec.get_feature_names_out()
    rows_w = [{str(n): float(w) for n, w in zip(names, row) if w} for row in clf.coef_]
    classes = ("no", "yes") if binary else tuple(str(c) for c in clf.classes_)
    return LinearDecider(name, classes, tuple(rows_w), tuple(float(b) for b in clf.intercept_))


def fit(ex: Examples, *, seed: int = DEFAULT_SEED, trained_on: dict | None = None) -> Model:
    """Fit the three deciders on examples."""
    config = {"format": "claimkit-model", "version": MODEL_FORMAT, "features": FEATURES_VERSION,
              "seed": seed, "cue_threshold": 0.5, "C": C_VALUES,
              "trained_on": trained_on or {"documents": ex.docs, "required_claims": ex.claims},
              "examples": {"cue": len(ex.cue), "speaker": sum(len(g) for g in ex.speaker),
                           "source_type": len(ex.source_type)}}
    return Model(cue=_fit("cue", ex.cue, seed, True), speaker=_fit("speaker", [r for g in ex.speaker for r in g], seed, True),
                 source_type=_fit("source_type", ex.source_type, seed, False), config=config)


@dataclass
class TrainResult:
    model: Model
    documents: int
    claims: int
    seconds: float
    path: Path | None = None


def train(golds: Sequence[str | Path], out: str | Path | None = None, *, conllu: bool = False, seed: int = DEFAULT_SEED,
          stanza_dir: str | None = None, cache: bool = True, progress: bool = False) -> TrainResult:
    """Train every decision from gold folders and (with ``out``) write the model folder."""
    t0 = time.perf_counter()
    docs = read_gold_docs(golds, conllu=conllu, stanza_dir=stanza_dir, cache=cache, progress=progress)
    ex = Examples()
    for d in docs:
        ex.extend(doc_examples(d))
    sources = sorted({str(Path(g).name) for g in golds})
    model = fit(ex, seed=seed, trained_on={"documents": ex.docs, "required_claims": ex.claims, "gold": sources,
                                           "trees": "gold" if conllu else "parsed"})
    path = model.to_disk(out) if out is not None else None
    return TrainResult(model, ex.docs, ex.claims, time.perf_counter() - t0, path)


# -- cross-validation -----------------------------------------------------------------------------

def folds_by_document(names: Iterable[str], k: int, seed: int = DEFAULT_SEED) -> list[list[str]]:
    """K folds of document names: a seeded shuffle dealt round-robin; no document is in two folds."""
    names = sorted(set(names))
    if k < 2 or k > len(names):
        raise InputFileError(f"--cv {k}: need 2 ≤ K ≤ the number of documents ({len(names)})")
    random.Random(seed).shuffle(names)
    return [sorted(names[i::k]) for i in range(k)]


def _records(doc: GoldDoc, model: Model | None) -> list[dict]:
    from .extract import extract

    return [c.to_dict() for c in extract(doc.parsed, doc=doc.name, model=model)]


def cross_validate(golds: Sequence[str | Path], k: int = 5, *, conllu: bool = False, seed: int = DEFAULT_SEED,
                   stanza_dir: str | None = None, cache: bool = True, progress: bool = False,
                   fraction: float = 1.0, predictions: list[dict] | None = None) -> dict[str, Any]:
    """K-fold cross-validation by document of the learned system, beside the rules alone.

    ``fraction`` < 1 trains each fold on that share of its training documents (a seeded
    sample): the learning curve. Returns ``{"learned": summary, "rules": summary, "folds": [...]}``
    with the scorer's summary keys, and ``"by_gold"``: the same two summaries for the held-out
    documents of each gold folder given (a set the rules were written on shows itself there).
    ``"reliance"`` holds, for both systems, how often the article's top source is right and
    the distance between the gold and output share distributions (``evaluate.reliance``), overall
    and by gold folder. A ``predictions`` list receives every document's held-out records of
    the learned system (each document once, from the one fold that held it out), for an index
    or a chart built only from claims no model was trained on.
    """
    docs = read_gold_docs(golds, conllu=conllu, stanza_dir=stanza_dir, cache=cache, progress=progress)
    by_name = {d.name: d for d in docs}
    examples = {d.name: doc_examples(d) for d in docs}
    folds = folds_by_document(by_name, k, seed)
    total = {"learned": Counter(), "rules": Counter()}
    by_gold = {d.source: {"learned": Counter(), "rules": Counter()} for d in docs}
    rel: dict[str, dict[str, dict]] = {"learned": {}, "rules": {}}
    out_folds = []
    for n, test in enumerate(folds):
        train_names = sorted(set(by_name) - set(test))
        if fraction < 1.0:
            train_names = sorted(random.Random(seed + n).sample(train_names, max(2, round(fraction * len(train_names)))))
        ex = Examples()
        for name in train_names:
            ex.extend(examples[name])
        model = fit(ex, seed=seed)
        fold = {"fold": n, "test_documents": test, "train_documents": len(train_names)}
        for system, m in (("learned", model), ("rules", None)):
            c: Counter = Counter()
            for name in test:
                recs = _records(by_name[name], m)
                one = count_doc(by_name[name].gold, recs)
                rel[system][name] = reliance(by_name[name].gold, recs)
                if system == "learned" and predictions is not None:
                    predictions.extend(recs)
                c.update(one)
                by_gold[by_name[name].source][system].update(one)
            total[system].update(c)
            fold[system] = summarize(c)
        out_folds.append(fold)
        if progress:
            print(f"fold {n + 1}/{k}: attribution F1 learned {fold['learned']['attribution_F1']:.3f}, "
                  f"rules {fold['rules']['attribution_F1']:.3f}", file=sys.stderr)
    if predictions is not None:
        predictions.sort(key=lambda r: r["doc"])   # stable: each document's claims stay in text order
    per_gold = {g: {"documents": sum(d.source == g for d in docs), "learned": summarize(t["learned"]),
                    "rules": summarize(t["rules"]),
                    "reliance": {s: reliance_summary(r for n, r in rel[s].items() if by_name[n].source == g)
                                 for s in rel}} for g, t in by_gold.items()}
    return {"learned": summarize(total["learned"]), "rules": summarize(total["rules"]), "folds": out_folds,
            "by_gold": per_gold,
            "reliance": {s: {**reliance_summary(r.values()), "per_doc": dict(sorted(r.items()))} for s, r in rel.items()},
            "k": k, "seed": seed, "documents": len(docs), "trees": "gold" if conllu else "parsed"}


def format_cv(result: dict[str, Any]) -> str:
    """The cross-validation table: one row per field, learned beside rules."""
    rows = [("claims found (tp / fp / fn)", "tp"), ("cue precision", "cue_P"), ("cue recall", "cue_R"),
            ("cue F1", "cue_F1"), ("entity", "entity_acc"), ("source type", "source_type_acc"),
            ("mode", "mode_acc"), ("hedging", "hedging_acc"), ("content token F1", "content_tokF1"),
            ("attribution F1", "attribution_F1")]
    L, R = result["learned"], result["rules"]
    lines = [f"{result['k']}-fold cross-validation by document, {result['documents']} documents "
             f"({result['trees']} trees), seed {result['seed']}: held-out scores only",
             f"{'':30} {'learned':>16} {'rules only':>16}"]
    for label, key in rows:
        if key == "tp":
            a, b = f"{L['tp']} / {L['fp']} / {L['fn']}", f"{R['tp']} / {R['fp']} / {R['fn']}"
        else:
            a, b = f"{L[key]:.3f}", f"{R[key]:.3f}"
        lines.append(f"{label:30} {a:>16} {b:>16}")
    rel = result.get("reliance")
    if rel:
        lines.append(f"{'top source right (articles)':30} {rel['learned']['top_source_right']:>16.3f} "
                     f"{rel['rules']['top_source_right']:>16.3f}")
        lines.append(f"{'reliance share distance':30} {rel['learned']['share_distance']:>16.3f} "
                     f"{rel['rules']['share_distance']:>16.3f}")
    per_gold = result.get("by_gold") or {}
    if len(per_gold) > 1:
        lines.append("held-out attribution F1 by gold folder:")
        for g, s in per_gold.items():
            label = f"{g} ({s['documents']} documents)"
            lines.append(f"  {label:28} {s['learned']['attribution_F1']:>16.3f} {s['rules']['attribution_F1']:>16.3f}")
        if all("reliance" in s for s in per_gold.values()):
            lines.append("held-out top source right by gold folder:")
            for g, s in per_gold.items():
                label = f"{g} ({s['reliance']['learned']['articles_with_source']} articles)"
                lines.append(f"  {label:28} {s['reliance']['learned']['top_source_right']:>16.3f} "
                             f"{s['reliance']['rules']['top_source_right']:>16.3f}")
    return "\n".join(lines)
