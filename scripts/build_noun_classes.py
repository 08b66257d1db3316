"""Build ``claimkit/data/noun_classes.tsv``: what kind of thing an Arabic noun lemma names.

What: for every single-word Arabic noun lemma found in the Arabic WordNet or glossed in PADT, a
distribution over eight coarse classes (person, group, place, communication, act, attribute,
state, other), so that the speaker decision can weigh "is this head noun a person or an
institution?" as a feature.

Why: abstract and place nouns (أهمية، حرص، عدم، الدستور، قطاع) sit where a speaker could and get
taken for one; a class distribution tells them from متحدث، وزير، الشرطة.

Method:

1. Arabic WordNet (OMW edition of AWN v2): each noun synset of a lemma (``arb:lemma``) counts
   once; the lemma's AWN distribution is uniform over its synsets, each synset giving its
   WordNet 3.0 lexicographer class (``noun_lexnames.tsv``) mapped by :data:`LEXNAME_CLASS`.
   Broken plurals (``arb:lemma:brokenplural``) get the distribution of their synsets as extra
   keys, used only when the plural is not itself a lemma.
2. PADT glosses: the ``Gloss=`` items of each NOUN / PROPN / X lemma of the PADT dev file
   (``collection,group,bloc``). Each distinct gloss item is matched, case and all, to the WordNet
   noun synsets whose first English lemma it is (so a name glossed ``Kitty`` finds no common
   noun ``kitty``, while ``Baghdad`` finds the city); the item's distribution is uniform over those
   synsets (WordNet's data file has no sense ranking, so every matching synset counts the same),
   and the lemma's gloss distribution is the mean over its matched items.
3. Combined: AWN alone when the gloss source has nothing, glosses alone when AWN has nothing,
   otherwise ``AWN_WEIGHT`` × AWN + (1 − ``AWN_WEIGHT``) × glosses. The source column says which.

Keys are :func:`claimkit.normalize.normalize_for_match` of the lemma (diacritics off, hamza and
alef folded, ى→ي and ة→ه folded); one-letter keys and multiword lemmas are dropped; weights are
rounded to 2 decimals and classes under 0.01 dropped.

Not handled: only the first English lemma of each WordNet synset is known, so a gloss word
that is a second synonym of a synset does not find it; senses are not frequency-weighted.

Usage: ``python scripts/build_noun_classes.py [--shared ../shared] [--out claimkit/data/noun_classes.tsv]``
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimkit.normalize import normalize_for_match  # noqa: E402

#: The eight coarse classes, in output order.
CLASSES = ("person", "group", "place", "communication", "act", "attribute", "state", "other")

#: WordNet lexicographer file → coarse class; every other lexname → ``other``.
LEXNAME_CLASS = {
    "noun.person": "person",
    "noun.group": "group",
    "noun.location": "place",
    "noun.communication": "communication",
    "noun.act": "act",
    "noun.event": "act",
    "noun.attribute": "attribute",
    "noun.state": "state",
    "noun.feeling": "state",
}

#: Weight of the AWN distribution when a lemma also has a gloss distribution.
AWN_WEIGHT = 0.7
#: UPOS tags whose PADT glosses are used (names are X in PADT).
GLOSS_UPOS = frozenset({"NOUN", "PROPN", "X"})
GLOSS_RE = re.compile(r"(?:^|\|)Gloss=([^|]*)")
ARABIC_KEY_RE = re.compile(r"^[\u0621-\u064a]{2,}$")

HEADER = """\
# Noun classes: what kind of thing an Arabic noun lemma names (a feature for speaker decisions).
# Columns: lemma (normalize_for_match: no diacritics, hamza/alef folded, ى→ي, ة→ه) <TAB>
#   distribution over person group place communication act attribute state other (weights summing
#   to ~1, 2 decimals, classes under 0.01 dropped) <TAB> source: awn, gloss, awn+gloss (AWN {awn_w:.1f}
#   + glosses {gloss_w:.1f}) or awn-pl (an AWN broken plural).
# WordNet lexnames → classes: noun.person→person, noun.group→group, noun.location→place,
#   noun.communication→communication, noun.act and noun.event→act, noun.attribute→attribute,
#   noun.state and noun.feeling→state, all others→other.
# AWN: uniform over a lemma's noun synsets. Glosses: each PADT Gloss= item of a NOUN/PROPN/X lemma
#   matched to the WordNet 3.0 noun synsets whose first English lemma it is, uniform over them,
#   then averaged over the lemma's matched items.
# Built with: python scripts/build_noun_classes.py --shared ../shared{flags}
#   ({n} lemmas: {n_awn} awn, {n_pl} awn-pl, {n_gloss} gloss, {n_both} awn+gloss)
#
# Sources and licences:
# * Arabic WordNet (AWN v2, Open Multilingual Wordnet edition, wn-data-arb.tab); Abouenour, Bouzoubaa,
#   Rosso (c) 2015; Alkhalifa, Elkateb (c) 2007. CC BY-SA 3.0
#   (http://creativecommons.org/licenses/by-sa/3.0/). This table is derived from it and is
#   therefore distributed under CC BY-SA 3.0 as well.
# * Princeton WordNet 3.0 lexicographer classes (data.noun), under the WordNet 3.0 licence:
#   WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
#   Permission to use, copy, modify and distribute this software and database and its documentation
#   for any purpose and without fee or royalty is hereby granted, provided that you agree to comply
#   with the following copyright notice and statements, including the disclaimer, and that the same
#   appear on ALL copies of the software, database and documentation, including modifications that
#   you make for internal use or for distribution.
#   THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS
#   OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY
#   MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE
#   OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD
#   PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
#   The name of Princeton University or Princeton may not be used in advertising or publicity
#   pertaining to distribution of the software and/or database. Title to copyright in this
#   software, database and any associated documentation shall at all times remain with Princeton
#   University and LICENSEE agrees to preserve same.
# * PADT glosses (UD_Arabic-PADT v1 dev, from the Prague Arabic Dependency Treebank), CC BY-NC-SA 3.0
#   (https://creativecommons.org/licenses/by-nc-sa/3.0/): the rows marked gloss or awn+gloss derive
#   from it, so with them the table may be used for non-commercial purposes only and shared alike.
#   The two share-alike clauses (BY-SA and BY-NC-SA) cannot both be met by one table; rebuild
#   with --no-glosses for a pure CC BY-SA 3.0 table (AWN + WordNet only).
"""


def map_lexname(lexname: str) -> str:
    """The coarse class of a WordNet lexicographer file name."""
    return LEXNAME_CLASS.get(lexname, "other")


def read_lexnames(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(synset → coarse class, first English lemma → its synsets)."""
    classes: dict[str, str] = {}
    by_lemma: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        next(f)
        for line in f:
            synset, lexname, lemma = line.rstrip("\n").split("\t")
            classes[synset] = map_lexname(lexname)
            by_lemma[lemma].append(synset)
    return classes, by_lemma


def uniform(classes: list[str]) -> dict[str, float]:
    """A distribution giving each listed class (one per sense) an equal share."""
    counts = Counter(classes)
    return {c: n / len(classes) for c, n in counts.items()}


def key_of(lemma: str) -> str | None:
    """The table key of an Arabic lemma, or None for multiword / one-letter / non-Arabic ones."""
    key = normalize_for_match(lemma).strip()
    return key if ARABIC_KEY_RE.match(key) else None


def read_awn(path: Path, synset_class: dict[str, str]) -> tuple[dict[str, dict[str, float]],
                                                                 dict[str, dict[str, float]]]:
    """(lemma key → AWN distribution, broken-plural key → distribution)."""
    senses: dict[str, set[str]] = defaultdict(set)
    plurals: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or not cols[0].endswith("-n") or cols[0] not in synset_class:
                continue
            key = key_of(cols[2])
            if key is None:
                continue
            if cols[1] == "arb:lemma":
                senses[key].add(cols[0])
            elif cols[1] == "arb:lemma:brokenplural":
                plurals[key].add(cols[0])

    def dist(table: dict[str, set[str]]) -> dict[str, dict[str, float]]:
        return {k: uniform([synset_class[s] for s in sorted(v)]) for k, v in table.items()}

    return dist(senses), dist(plurals)


def read_glosses(path: Path) -> dict[str, set[str]]:
    """Lemma key → its distinct PADT gloss items, NOUN / PROPN / X words only."""
    glosses: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line[:1].isdigit():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 10 or "-" in cols[0] or cols[3] not in GLOSS_UPOS:
                continue
            m = GLOSS_RE.search(cols[9])
            key = key_of(cols[2])
            if m and key:
                glosses[key].update(g.strip() for g in m.group(1).split(",") if g.strip())
    return glosses


def gloss_distribution(items: set[str], synset_class: dict[str, str],
                       by_lemma: dict[str, list[str]]) -> dict[str, float] | None:
    """Mean over the matched gloss items of a uniform distribution over their synsets."""
    dists = [uniform([synset_class[s] for s in by_lemma[g]]) for g in sorted(items) if g in by_lemma]
    if not dists:
        return None
    out: Counter[str] = Counter()
    for d in dists:
        for c, w in d.items():
            out[c] += w / len(dists)
    return dict(out)


def mix(a: dict[str, float], b: dict[str, float], wa: float) -> dict[str, float]:
    """``wa`` × a + (1 − wa) × b."""
    return {c: wa * a.get(c, 0.0) + (1 - wa) * b.get(c, 0.0) for c in set(a) | set(b)}


def fmt(dist: dict[str, float]) -> str:
    """``person:0.80 group:0.20``: classes by descending weight, 2 decimals, under 0.01 dropped."""
    items = sorted(((c, round(w, 2)) for c, w in dist.items()), key=lambda x: (-x[1], CLASSES.index(x[0])))
    return " ".join(f"{c}:{w:.2f}" for c, w in items if w >= 0.01)


def build(shared: Path, use_glosses: bool = True) -> dict[str, tuple[dict[str, float], str]]:
    """Lemma key → (distribution, source)."""
    synset_class, by_lemma = read_lexnames(shared / "lexicon/wordnet30/noun_lexnames.tsv")
    awn, plurals = read_awn(shared / "lexicon/omw_arb/wn-data-arb.tab", synset_class)
    gloss: dict[str, dict[str, float]] = {}
    if use_glosses:
        for key, items in read_glosses(shared / "ud/ar_padt-v1dev-converted.conllu").items():
            d = gloss_distribution(items, synset_class, by_lemma)
            if d:
                gloss[key] = d
    table: dict[str, tuple[dict[str, float], str]] = {}
    for key in set(awn) | set(gloss) | set(plurals):
        if key in awn and key in gloss:
            table[key] = (mix(awn[key], gloss[key], AWN_WEIGHT), "awn+gloss")
        elif key in awn:
            table[key] = (awn[key], "awn")
        elif key in gloss:
            table[key] = (gloss[key], "gloss")
        else:
            table[key] = (plurals[key], "awn-pl")
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "claimkit/data/noun_classes.tsv")
    ap.add_argument("--no-glosses", action="store_true", help="AWN only (a CC BY-SA 3.0 table)")
    args = ap.parse_args(argv)
    table = build(args.shared, use_glosses=not args.no_glosses)
    sources = Counter(src for _, src in table.values())
    header = HEADER.format(flags=" --no-glosses" if args.no_glosses else "", awn_w=AWN_WEIGHT, gloss_w=1 - AWN_WEIGHT, n=len(table), n_awn=sources["awn"],
                           n_pl=sources["awn-pl"], n_gloss=sources["gloss"], n_both=sources["awn+gloss"])
    if args.no_glosses:   # no PADT rows: the PADT licence paragraph does not apply
        header = header[: header.index("# * PADT glosses")]
    lines = [f"{k}\t{fmt(d)}\t{src}" for k, (d, src) in sorted(table.items())]
    args.out.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table)} lemmas {dict(sources)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
