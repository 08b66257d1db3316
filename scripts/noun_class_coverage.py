"""Coverage of ``claimkit/data/noun_classes.tsv`` and the classes of gold source heads.

What: (1) the share of NOUN tokens and of distinct noun lemmas of a CoNLL-U file that
:func:`claimkit.noun_classes.word_noun_classes` gives a distribution, for the shipped table and
for the table rebuilt from the Arabic WordNet alone (``--no-glosses``); split by treebank (PADT / PUD sentence ids). (2) The top class of the first and the last word of every
gold ``source`` string of the given ``*.claims.jsonl`` files.

Why: a number to check the table against before it is used as a feature.

Not handled: the gold heads are looked up by surface form only (no parse), so broken plurals
the table lacks are missed there.

Usage: ``python scripts/noun_class_coverage.py [--shared ../shared]``
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_noun_classes import build, fmt  # noqa: E402
from claimkit import noun_classes as nc  # noqa: E402
from claimkit.normalize import normalize_for_match  # noqa: E402
from claimkit.treebank import from_conllu  # noqa: E402


def bank_of(sent_id: str) -> str:
    """PADT (``padtdev-s-p1``) or PUD (``n01001013``, ``w01…``) from a sentence id."""
    return "padt" if sent_id.startswith("padt") else "pud"


def coverage(conllu: Path, tables: dict[str, nc.Table]) -> dict[str, dict[str, tuple[int, int, int, int]]]:
    """Treebank → table name → (tokens covered, tokens, lemmas covered, lemmas)."""
    doc = from_conllu(conllu.read_text(encoding="utf-8"))
    nouns = [(bank_of(s.sent_id), w) for s in doc.sents for w in s.words if w.upos == "NOUN"]
    out: dict[str, dict[str, tuple[int, int, int, int]]] = {}
    for name, table in tables.items():
        for bank in sorted({b for b, _ in nouns}) + ["all"]:
            words = [w for b, w in nouns if bank in ("all", b)]
            hits = [nc.word_noun_classes(w, table) is not None for w in words]
            lemmas: dict[str, bool] = {}
            for w, h in zip(words, hits):
                lemmas[w.nlemma] = lemmas.get(w.nlemma, False) or h
            out.setdefault(bank, {})[name] = (sum(hits), len(hits), sum(lemmas.values()), len(lemmas))
    return out


def gold_heads(paths: list[Path]) -> dict[str, Counter[str]]:
    """Which word → top class counts over the gold sources (first word, last word)."""
    out: dict[str, Counter[str]] = {"first": Counter(), "last": Counter()}
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            src = json.loads(line).get("source") or ""
            words = normalize_for_match(src).split()
            if not words:
                continue
            for which, w in (("first", words[0]), ("last", words[-1])):
                out[which][nc.top_class(nc.lookup(w)) or "None"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    awn = build(args.shared, use_glosses=False)
    awn_only = nc.parse_table("\n".join(f"{k}\t{fmt(d)}\t{src}" for k, (d, src) in awn.items()))
    cov = coverage(args.shared / "ud/train.conllu", {"awn": awn_only, "awn+gloss": nc.load_table()})
    print("bank\ttable\tnoun tokens covered\tdistinct noun lemmas covered")
    for bank, variants in cov.items():
        for variant, (th, tn, lh, ln) in variants.items():
            print(f"{bank}\t{variant}\t{th}/{tn} = {th / tn:.1%}\t{lh}/{ln} = {lh / ln:.1%}")
    heads = gold_heads(sorted((args.shared / "gold/padt_dev").glob("*.claims.jsonl")))
    for which, counts in heads.items():
        total = sum(counts.values())
        print(f"gold source {which} word ({total}):", ", ".join(f"{c} {n}" for c, n in counts.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
