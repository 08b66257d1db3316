"""LAS and UAS of the reference (exact) and default (fast) parse against gold trees.

    python benchmarks/parse_agreement.py [--gold-dir ../shared/gold] [--json OUT.json]

Texts: the 224 PUD sentences (``pud_attribution.ar.txt`` / ``.conllu``) and the PADT
documents ``padttr51`` … ``padttr93`` of ``padt_train`` (``NAME.txt`` / ``NAME.conllu``),
which the parser never trained on. Each text is parsed as it is, in one piece, by
Stanza's pipeline as it comes (``exact``) and by claimkit's default, fast pipeline.

**Alignment.** Both the gold file and the parse are read as tokens (a surface token, or
a multi-word token with its syntactic words) placed on the text with its whitespace
removed: gold tokens by matching their forms in order, parsed tokens by Stanza's
character offsets. A syntactic word whose token's words spell the token exactly gets
its own character span; other words are identified by their token's span and their
position in it. A parsed word is aligned to the gold word with the same span (or the
same token span and position). **Tokenisation mismatches** — words on either side with
no counterpart, e.g. a clitic split differently — count as errors: scores are F1 over
words (precision over parsed words, recall over gold words, as in the CoNLL 2018 shared
task), and the share of gold words aligned is printed. A word's head is correct when it
is aligned to the gold head (or both are the root); LAS also needs the same universal
relation (the part before ``:``, as in CoNLL 2018); ``LAS (full)`` compares whole labels.
Both pipelines share the same tokenizer model, so mismatches fall on both alike.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"


@dataclass
class Word:
    key: tuple                      # alignment key (see the module docstring)
    sent: int
    id: int
    head: int
    deprel: str


@dataclass
class Tree:
    words: list[Word] = field(default_factory=list)


def _squeeze(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and for each original offset its offset in that text."""
    out, where, n = [], [], 0
    for ch in text:
        where.append(n)
        if not ch.isspace():
            out.append(ch)
            n += 1
    where.append(n)
    return "".join(out), where


def _keys(start: int, form: str, words: list[str]) -> list[tuple]:
    """Alignment keys of a token's words: own spans when the words spell the token."""
    end = start + len(form)
    if "".join(words) == form:
        keys, pos = [], start
        for w in words:
            keys.append(("span", pos, pos + len(w)))
            pos += len(w)
        return keys
    return [("tok", start, end, i, len(words)) for i in range(len(words))]


def read_gold(conllu: str, squeezed: str) -> Tree:
    """Gold words with their keys; tokens are placed by matching their forms in order."""
    tree, pos, sent, fresh = Tree(), 0, -1, True
    mwt_end, mwt_form, mwt_words = 0, "", []

    def place(form: str, words: list[tuple[int, int, str, str]]) -> None:
        nonlocal pos
        form = re.sub(r"\s+", "", form)
        at = squeezed.find(form, pos, pos + 50 + len(form)) if form else -1
        if at < 0:   # not found near here: the words stay unaligned
            keys = [("gold-unplaced", sent, w[0]) for w in words]
        else:
            keys = _keys(at, form, [re.sub(r"\s+", "", w[3]) for w in words])
            pos = at + len(form)
        for k, (i, head, rel, _) in zip(keys, words):
            tree.words.append(Word(k, sent, i, head, rel))

    for line in conllu.splitlines():
        if not line.strip():
            fresh = True
            continue
        if line.startswith("#"):
            continue
        if fresh:
            sent, fresh = sent + 1, False
        cols = line.split("\t")
        if "-" in cols[0]:
            mwt_end, mwt_form, mwt_words = int(cols[0].split("-")[1]), cols[1], []
            continue
        if "." in cols[0]:
            continue
        word = (int(cols[0]), int(cols[6]), cols[7], cols[1])
        if mwt_form:
            mwt_words.append(word)
            if word[0] == mwt_end:
                place(mwt_form, mwt_words)
                mwt_form, mwt_words, mwt_end = "", [], 0
        else:
            place(cols[1], [word])
    return tree


def read_parse(doc, where: list[int]) -> Tree:
    """Parsed words with their keys, tokens placed by Stanza's character offsets."""
    tree = Tree()
    for s, sent in enumerate(doc.sentences):
        for tok in sent.tokens:
            start, end = where[tok.start_char], where[tok.end_char]
            words = [re.sub(r"\s+", "", w.text) for w in tok.words]
            if "".join(words) == re.sub(r"\s+", "", tok.text) and len("".join(words)) == end - start:
                keys = _keys(start, "".join(words), words)
            else:
                keys = [("tok", start, end, i, len(words)) for i in range(len(words))]
            for k, w in zip(keys, tok.words):
                tree.words.append(Word(k, s, w.id, w.head, w.deprel))
    return tree


def score(gold: Tree, system: Tree) -> dict[str, float]:
    """Aligned-word F1 of UAS, LAS (universal relation) and LAS with whole labels."""
    g_by_key = {w.key: w for w in gold.words}
    s_key = {(w.sent, w.id): w.key for w in system.words}
    g_key = {(w.sent, w.id): w.key for w in gold.words}
    aligned = uas = las = las_full = 0
    for w in system.words:
        g = g_by_key.get(w.key)
        if g is None:
            continue
        aligned += 1
        sys_head = None if w.head == 0 else s_key.get((w.sent, w.head))
        gold_head = None if g.head == 0 else g_key.get((g.sent, g.head))
        if (w.head == 0) != (g.head == 0) or (sys_head is not None and sys_head != gold_head):
            continue
        uas += 1
        if w.deprel.split(":")[0] == g.deprel.split(":")[0]:
            las += 1
        if w.deprel == g.deprel:
            las_full += 1
    n_gold, n_sys = len(gold.words), len(system.words)

    def f1(c: int) -> float:
        return 100 * 2 * c / (n_gold + n_sys) if n_gold + n_sys else 0.0

    return {"UAS": f1(uas), "LAS": f1(las), "LAS_full": f1(las_full), "aligned": 100 * aligned / n_gold,
            "gold_words": n_gold, "system_words": n_sys, "uas_n": uas, "las_n": las, "las_full_n": las_full,
            "aligned_n": aligned}


def texts(gold_dir: Path) -> list[tuple[str, str, str]]:
    """(name, text, gold CoNLL-U) of the PUD sentences and the documents padttr51–93."""
    out = [("pud_attribution.ar", (gold_dir / "pud_attribution.ar.txt").read_text(encoding="utf-8"),
            (gold_dir / "pud_attribution.ar.conllu").read_text(encoding="utf-8"))]
    for n in range(51, 94):
        name = f"padttr{n:02d}.ar"
        t, c = gold_dir / "padt_train" / f"{name}.txt", gold_dir / "padt_train" / f"{name}.conllu"
        if t.is_file() and c.is_file():
            out.append((name, t.read_text(encoding="utf-8"), c.read_text(encoding="utf-8")))
    return out


def add(total: dict, part: dict) -> None:
    for k in ("gold_words", "system_words", "uas_n", "las_n", "las_full_n", "aligned_n"):
        total[k] = total.get(k, 0) + part[k]


def summary(total: dict) -> dict:
    n = total["gold_words"] + total["system_words"]
    return {"UAS": 100 * 2 * total["uas_n"] / n, "LAS": 100 * 2 * total["las_n"] / n,
            "LAS_full": 100 * 2 * total["las_full_n"] / n, "aligned": 100 * total["aligned_n"] / total["gold_words"],
            **total}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=GOLD)
    ap.add_argument("--stanza-dir", default=None)
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args(argv)
    from claimkit.parsing import get_pipeline

    items = texts(args.gold_dir)
    if not items:
        sys.exit(f"no gold texts in {args.gold_dir}")
    modes = {"reference (exact)": True, "default (fast)": False}
    parts: dict[str, dict[str, dict]] = {"PUD": {}, "PADT padttr51-93": {}}
    labels_same = words_same = heads_same = 0
    for name, text, conllu in items:
        squeezed, where = _squeeze(text)
        gold = read_gold(conllu, squeezed)
        part = "PUD" if name.startswith("pud") else "PADT padttr51-93"
        trees = {}
        for label, exact in modes.items():
            doc = get_pipeline(args.stanza_dir, exact=exact)(text)
            trees[label] = read_parse(doc, where)
            add(parts[part].setdefault(label, {}), score(gold, trees[label]))
        a, b = trees.values()
        if [w.key for w in a.words] == [w.key for w in b.words]:
            words_same += len(a.words)
            heads_same += sum(x.head == y.head for x, y in zip(a.words, b.words))
            labels_same += sum((x.head, x.deprel) == (y.head, y.deprel) for x, y in zip(a.words, b.words))
    result: dict = {}
    print(f"{'texts':18} {'parse':18} {'UAS':>7} {'LAS':>7} {'LAS full':>9} {'aligned':>8} {'gold words':>11}")
    overall: dict[str, dict] = {}
    for part, by_mode in parts.items():
        for label, total in by_mode.items():
            s = summary(dict(total))
            result.setdefault(part, {})[label] = s
            add(overall.setdefault(label, {}), total)
            print(f"{part:18} {label:18} {s['UAS']:7.2f} {s['LAS']:7.2f} {s['LAS_full']:9.2f} {s['aligned']:7.2f}% "
                  f"{s['gold_words']:>11,}")
    for label, total in overall.items():
        s = summary(dict(total))
        result.setdefault("all", {})[label] = s
        print(f"{'all':18} {label:18} {s['UAS']:7.2f} {s['LAS']:7.2f} {s['LAS_full']:9.2f} {s['aligned']:7.2f}% "
              f"{s['gold_words']:>11,}")
    ref, fast = (result["all"][k] for k in modes)
    print(f"default - reference: UAS {fast['UAS'] - ref['UAS']:+.2f}, LAS {fast['LAS'] - ref['LAS']:+.2f}, "
          f"LAS full {fast['LAS_full'] - ref['LAS_full']:+.2f} points")
    if words_same:
        print(f"the two parses, word by word ({words_same:,} words tokenised alike): same head "
              f"{100 * heads_same / words_same:.3f} %, same head and label {100 * labels_same / words_same:.3f} %")
    result["agreement"] = {"words": words_same, "same_head": heads_same, "same_head_and_label": labels_same}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
