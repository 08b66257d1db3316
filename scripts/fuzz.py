"""Reliability fuzzing: claimkit on thousands of generated odd texts and damaged trees.

    python scripts/fuzz.py [--n 10000] [--trees N] [--cli-every 50] [--seed 0] [--batch 64] [--json OUT.json]

Every text is one of these kinds (in turn), built from sentences of the seed article
and a few reporting templates, a few sentences long:

plain, presentation (PDF-style presentation forms and ligatures, whole text or some
lines), surrogate (lone surrogates, as ``json.loads`` can produce), bidi (RLM/LRM/
embedding and isolate controls, zero-width characters), tatweel, diacritics, html (a
page with tags, scripts, comments, entities), crlf (CRLF and lone CR line ends),
boilerplate (bullets, dates, share lines, only boilerplate), empty (empty, spaces,
only marks or controls), non_arabic (English, digits, symbols), mixed (several of the
above at once, plus Latin words, emoji, empty quotations).

For each text it checks what the README promises:

1. ``claimkit.analyze`` returns an analysis or raises a :class:`claimkit.ClaimkitError`;
   any other exception is counted (and the first few printed);
2. every offset slices back: ``text[cue_start:cue_end] == cue`` (and source, content,
   sentence spans), all within ``0 … len(text)``;
3. deterministic: a second run (from the parse cache the first run wrote) gives the same
   records, or the same error;
4. every public view builds (``scripts/fuzz_views.py``): the ``claims``, ``sources`` and
   ``sentences`` DataFrames, ``explain(i)`` of each claim, the article view HTML (parsed, every
   claim span present), each chart of ``claimkit.plots`` as JSON, the JSONL/CSV/Parquet
   writers (read back equal to the records) and the terminal table; every ``--cli-every``-th
   text also goes through ``claimkit analyze FILE``.

Then ``--trees`` damaged CoNLL-U documents (default: a tenth of ``--n``) go through
``analyze_conllu`` and, every ``--cli-every``-th, ``claimkit analyze --conllu``
(``scripts/fuzz_trees.py``): an analysis or a ``ConlluError``, offsets that slice back, every
view built.

Generation is cheap: texts are short, cache misses are parsed in bulk (Stanza called once
per ``--batch`` texts, as :func:`claimkit.analyze_corpus` does) and the second run reads
the cache. The run uses a temporary parse cache. Exit status 1 when any check failed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "scripts"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

KINDS = ("plain", "presentation", "surrogate", "bidi", "tatweel", "diacritics", "html", "crlf", "boilerplate",
         "empty", "non_arabic", "mixed")

TEMPLATES = [
    "وقال {who} إن {what}.", "وأضاف {who} أن {what}.", "قال {who}: «{what}».", "وأكد {who} أن {what} حتما.",
    "ويرى {who} أن {what} قد يتغير.", "وبحسب {who}، {what}.", "وأشار {who} إلى أن {what}.",
    "قال {who}: \"{what}\"", "وتابع: {what}.", "قال {who}: \"\"", "وقال {who}: «»", "يذكر أن {what}.",
]
WHO = ["الوزير", "السفير الروسي", "المتحدث باسم الحكومة", "مصدر مطلع", "رويترز", "خليفة حفتر", "الرئيس",
       "مسؤول في الوزارة", "المحللون", "وكالة الأنباء"]
WHAT = ["الاجتماع سيعقد غدا في القاهرة", "الحكومة ستدعم المشروع", "الوضع الأمني تحسن كثيرا",
        "المفاوضات وصلت إلى طريق مسدود", "الانتخابات ستجري في موعدها", "الأسعار سترتفع في الشهر المقبل"]
BOILERPLATE = ["  • 6/28/2016", "  • 00:00", "news-picture", "مشاركة :", "اقرأ أيضا:", "• الرئيسية", "Share"]
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200b\u200c\u200d\ufeff"
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
ENGLISH = ["The minister said the talks went well.", "Breaking news: markets fall.", "1234 5678 !!!",
           "Lorem ipsum dolor sit amet.", "😀 🇱🇾 ✔", "<>&\"'"]
LIGATURES = ["\ufdfa", "\ufdfb", "\ufdf2", "\ufdfd"]  # ﷺ ﷻ ﷲ ﷽

# -- presentation forms: a small Arabic shaper (what PDF text extraction gives) ------------------

def _forms() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for cp in range(0xFE70, 0xFEFD):
        ch = chr(cp)
        dec = unicodedata.decomposition(ch).split()
        if len(dec) == 2 and dec[0] in ("<isolated>", "<final>", "<initial>", "<medial>"):
            table[(chr(int(dec[1], 16)), dec[0][1:-1])] = ch
    return table


FORMS = _forms()
LAM_ALEF = {"\u0627": ("\ufefb", "\ufefc"), "\u0623": ("\ufef7", "\ufef8"), "\u0625": ("\ufef9", "\ufefa"),
            "\u0622": ("\ufef5", "\ufef6")}


def _joins_next(ch: str) -> bool:
    return (ch, "initial") in FORMS or ch == "\u0640"


def to_presentation_forms(text: str) -> str:
    """Write Arabic letters as contextual presentation forms (U+FE70–FEFC), with lam-alef
    ligatures, the way text copied out of a PDF often is. Other characters are kept."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        prev_joins = i > 0 and _joins_next(text[i - 1]) and (text[i - 1], "isolated") in FORMS
        if ch == "\u0644" and i + 1 < n and text[i + 1] in LAM_ALEF:
            out.append(LAM_ALEF[text[i + 1]][1 if prev_joins else 0])
            i += 2
            continue
        if (ch, "isolated") not in FORMS:
            out.append(ch)
            i += 1
            continue
        next_joins = i + 1 < n and (text[i + 1], "final") in FORMS and _joins_next(ch)
        has_prev = prev_joins and (ch, "final") in FORMS
        form = "medial" if has_prev and next_joins else "final" if has_prev else "initial" if next_joins else "isolated"
        out.append(FORMS.get((ch, form), FORMS[(ch, "isolated")]))
        i += 1
    return "".join(out)


# -- generation ------------------------------------------------------------------------------

def seed_sentences() -> list[str]:
    """Sentences of the seed article (split at . ؟ !), long enough to be prose."""
    import re

    sents: list[str] = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        for s in re.split(r"(?<=[.؟!])\s+", p.read_text(encoding="utf-8")):
            s = " ".join(s.split())
            if len(s) > 30:
                sents.append(s)
    return sents


def _sentence(rng: random.Random, pool: list[str]) -> str:
    if pool and rng.random() < 0.5:
        s = rng.choice(pool)
        if len(s) > 220:
            s = s[:220].rsplit(" ", 1)[0] + "."
        return s
    return rng.choice(TEMPLATES).format(who=rng.choice(WHO), what=rng.choice(WHAT))


def _article(rng: random.Random, pool: list[str], paragraphs: int | None = None) -> list[str]:
    return [" ".join(_sentence(rng, pool) for _ in range(rng.randint(1, 2)))
            for _ in range(paragraphs or rng.randint(1, 3))]


def _sprinkle(rng: random.Random, text: str, chars: str, rate: float) -> str:
    return "".join(c + (rng.choice(chars) if rng.random() < rate else "") for c in text)


def _surrogates(rng: random.Random, text: str) -> str:
    out = list(text)
    for _ in range(rng.randint(1, 4)):
        out.insert(rng.randint(0, len(out)), chr(rng.randint(0xD800, 0xDFFF)))
    return "".join(out)


def make_text(kind: str, rng: random.Random, pool: list[str]) -> str:
    """One generated text of ``kind`` (see the module docstring)."""
    paras = _article(rng, pool)
    if kind == "plain":
        return "\n\n".join(paras)
    if kind == "presentation":
        if rng.random() < 0.5:
            paras = [to_presentation_forms(p) for p in paras]
        else:  # only some lines, as in a partly copied PDF
            paras = [to_presentation_forms(p) if rng.random() < 0.5 else p for p in paras]
        if rng.random() < 0.4:
            paras[-1] += " " + rng.choice(LIGATURES)
        return "\n\n".join(paras)
    if kind == "surrogate":
        return _surrogates(rng, "\n\n".join(paras))
    if kind == "bidi":
        return _sprinkle(rng, "\n\n".join(paras), BIDI, 0.08)
    if kind == "tatweel":
        return _sprinkle(rng, "\n\n".join(paras), "\u0640", 0.1)
    if kind == "diacritics":
        return _sprinkle(rng, "\n\n".join(paras), DIACRITICS, 0.3)
    if kind == "html":
        body = "".join(f"<p class=\"x\">{p}</p>\n" for p in paras)
        extra = rng.choice(["<script>var s = '<p>قال</p>';</script>", "<!-- قال الوزير -->", "<br/>",
                            "<style>p { color: red }</style>", "&amp; &nbsp;", "<div><span>خبر</span></div>"])
        return f"<html><head><title>خبر</title></head><body>{extra}<h1>عنوان</h1>\n{body}</body></html>"
    if kind == "crlf":
        sep = rng.choice(["\r\n\r\n", "\r\n", "\r\r", "\r"])
        return sep.join(p.replace(". ", ".\r\n") if rng.random() < 0.3 else p for p in paras) + rng.choice(["", "\r\n"])
    if kind == "boilerplate":
        lines = [rng.choice(BOILERPLATE) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.8:
            lines += paras
        rng.shuffle(lines)
        return "\n".join(lines)
    if kind == "empty":
        return rng.choice(["", " ", "\n\n\t", "\u200f\u200e", "\u0640\u0640", "\u064b\u064e", "\ufeff",
                           "\u00a0\u2007", "<p></p>", "\r\n\r\n"])
    if kind == "non_arabic":
        return " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(1, 4)))
    # mixed: several kinds at once
    text = "\n\n".join(paras)
    ops = rng.sample(["pf", "sur", "bidi", "tat", "dia", "crlf", "latin", "empty_quote", "html", "bp"], k=3)
    for op in ops:
        if op == "pf":
            text = to_presentation_forms(text)
        elif op == "sur":
            text = _surrogates(rng, text)
        elif op == "bidi":
            text = _sprinkle(rng, text, BIDI, 0.05)
        elif op == "tat":
            text = _sprinkle(rng, text, "\u0640", 0.05)
        elif op == "dia":
            text = _sprinkle(rng, text, DIACRITICS, 0.2)
        elif op == "crlf":
            text = text.replace("\n", "\r\n")
        elif op == "latin":
            text += " " + rng.choice(ENGLISH)
        elif op == "empty_quote":
            text += "\n\nقال الوزير: «»"
        elif op == "html":
            text = f"<div>{text}</div>"
        else:
            text = rng.choice(BOILERPLATE) + "\n" + text
    return text


def generate(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (kind, text) pairs, the kinds in turn; the same ``seed`` gives the same texts."""
    rng = random.Random(seed)
    pool = seed_sentences()
    return [(KINDS[i % len(KINDS)], make_text(KINDS[i % len(KINDS)], rng, pool)) for i in range(n)]


# -- checks ----------------------------------------------------------------------------------

@dataclass
class Report:
    """Totals of a fuzz run."""

    n: int = 0
    ok: int = 0
    claims: int = 0
    claimkit_errors: Counter = field(default_factory=Counter)
    other_exceptions: list[str] = field(default_factory=list)
    offset_violations: list[str] = field(default_factory=list)
    nondeterministic: list[str] = field(default_factory=list)
    view_problems: list[str] = field(default_factory=list)
    cli_runs: int = 0
    per_kind: dict = field(default_factory=lambda: defaultdict(Counter))
    trees: Counter = field(default_factory=Counter)
    tree_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(self.other_exceptions or self.offset_violations or self.nondeterministic or self.view_problems
                    or self.tree_problems)

    def to_dict(self) -> dict:
        return {"n": self.n, "ok": self.ok, "claims": self.claims, "claimkit_errors": dict(self.claimkit_errors),
                "other_exceptions": len(self.other_exceptions), "offset_violations": len(self.offset_violations),
                "nondeterministic": len(self.nondeterministic), "view_problems": len(self.view_problems),
                "cli_runs": self.cli_runs, "trees": dict(self.trees), "tree_problems": len(self.tree_problems),
                "seconds": round(self.seconds, 1),
                "per_kind": {k: dict(v) for k, v in self.per_kind.items()},
                "examples": (self.other_exceptions + self.offset_violations + self.nondeterministic
                             + self.view_problems + self.tree_problems)[:10]}


def _outcome(fn):
    """("ok", analysis) or ("error", "TypeName") for ClaimkitError, or ("other", "Type: msg")."""
    import claimkit

    try:
        return "ok", fn()
    except claimkit.ClaimkitError as exc:
        return "error", type(exc).__name__
    except Exception as exc:  # what the fuzzer is looking for
        return "other", f"{type(exc).__name__}: {str(exc)[:200]}"


def _first_pass(texts: list[str], stanza_dir: str | None) -> list[tuple[str, object]]:
    """Analyse texts with cache misses parsed in bulk (the stages of claimkit.analyze)."""
    from claimkit.extract import extract
    from claimkit.parsing import model_identity, resolve_stanza_dir
    from claimkit.pipeline import parse_prepared, prepare

    d = resolve_stanza_dir(stanza_dir)
    model = model_identity(d)
    outcomes: list[tuple[str, object] | None] = [None] * len(texts)
    preps: dict[int, object] = {}
    for i, t in enumerate(texts):
        kind, value = _outcome(lambda t=t: prepare(t, model=model))
        if kind != "ok":
            outcomes[i] = (kind, value)
        elif value.parsed is not None:
            outcomes[i] = _outcome(lambda p=value: extract(p.parsed))
        else:
            preps[i] = value
    if preps:
        try:
            parsed = parse_prepared(list(preps.values()), d)
        except Exception:  # find the culprit: one by one through the public API
            parsed = None
        if parsed is None:
            import claimkit

            for i in preps:
                outcomes[i] = _outcome(lambda i=i: claimkit.analyze(texts[i], stanza_dir=stanza_dir))
        else:
            for i, p in zip(preps, parsed):
                outcomes[i] = _outcome(lambda p=p: extract(p))
    return outcomes  # type: ignore[return-value]


def run(n: int, seed: int = 0, batch: int = 64, stanza_dir: str | None = None, verbose: bool = False,
        trees: int | None = None, cli_every: int = 50, snapshot: Callable[[Report], None] | None = None) -> Report:
    """Generate ``n`` texts and ``trees`` damaged tree documents (default ``n // 10``) and check each
    (see the module docstring); every ``cli_every``-th also goes through the command line.

    Trees are interleaved with the text batches (in proportion), and ``snapshot(report)`` is
    called after each batch, so a run stopped early has checked both and said how far it got.
    """
    import claimkit
    from fuzz_trees import tree_sources
    from fuzz_views import file_cli_problems, offset_violations, view_problems

    report = Report()
    t0 = time.perf_counter()
    items = generate(n, seed)
    n_trees = n // 10 if trees is None else trees
    sources = tree_sources(stanza_dir) if n_trees > 0 else []
    done_trees = 0
    for b in range(0, max(len(items), 1), batch):
        chunk = items[b:b + batch]
        texts = [t for _, t in chunk]
        first = _first_pass(texts, stanza_dir)
        for (kind, text), (o1, v1) in zip(chunk, first):
            report.n += 1
            label = f"#{report.n - 1} {kind} {text[:60]!r}"
            o2, v2 = _outcome(lambda: claimkit.analyze(text, stanza_dir=stanza_dir))
            report.per_kind[kind][o1 if o1 != "error" else v1] += 1
            if o1 == "other" or o2 == "other":
                report.other_exceptions.append(f"{label}: {v1 if o1 == 'other' else v2}")
                continue
            if o1 == "error":
                report.claimkit_errors[v1] += 1
                if (o2, v2) != (o1, v1):
                    report.nondeterministic.append(f"{label}: {v1} then {o2} {v2 if o2 == 'error' else ''}")
                continue
            report.ok += 1
            report.claims += len(v1.records)
            bad = offset_violations(text, v1)
            if bad:
                report.offset_violations.append(f"{label}: {bad[:3]}")
            if o2 != "ok" or v2.to_dicts() != v1.to_dicts():
                report.nondeterministic.append(f"{label}: second run differs")
            words = (lambda i, text=text: claimkit.parse(text, stanza_dir=stanza_dir).sents[i].words)
            report.view_problems += [f"{label}: {p}" for p in view_problems(text, v1, words)]
        for k, (kind, text) in enumerate(chunk, start=b):
            if cli_every and k % cli_every == 0:
                report.cli_runs += 1
                report.view_problems += [f"#{k} {kind} {text[:60]!r}: {p}" for p in file_cli_problems(text)]
        if verbose:
            print(f"  {report.n}/{n} texts, {time.perf_counter() - t0:.0f} s: {report.ok} analysed, "
                  f"{sum(report.claimkit_errors.values())} claimkit errors, {len(report.other_exceptions)} other "
                  f"exceptions, {len(report.offset_violations)} offset violations, "
                  f"{len(report.nondeterministic)} nondeterministic, {len(report.view_problems)} view problems",
                  file=sys.stderr, flush=True)
        upto = n_trees if b + batch >= len(items) else n_trees * (b + batch) // max(n, 1)
        run_trees(report, sources, range(done_trees, upto), seed, cli_every)
        done_trees = upto
        report.seconds = time.perf_counter() - t0
        if verbose and n_trees:
            print(f"  trees {done_trees}/{n_trees}: {dict(report.trees)}, {len(report.tree_problems)} problems",
                  file=sys.stderr, flush=True)
        if snapshot is not None:
            snapshot(report)
    return report


def run_trees(report: Report, sources: list[tuple[str, str, str | None]], which: range, seed: int = 0,
              cli_every: int = 50) -> None:
    """Damaged tree documents number ``which`` (of :func:`fuzz_trees.tree_sources`) through
    ``analyze_conllu``, and every ``cli_every``-th through the command line."""
    from fuzz_trees import MUTATIONS, decode_leniently, mutate, tree_cli_problems, tree_problems

    for k in which:
        rng = random.Random(seed * 1_000_003 + k)
        name, conllu, text = sources[k % len(sources)]
        kind = MUTATIONS[k % len(MUTATIONS)]
        raw = mutate(rng, conllu, kind)
        outcome, value, problems = tree_problems(decode_leniently(raw), text)
        report.trees["analysed" if outcome == "ok" else value or "other"] += 1
        report.tree_problems += [f"tree #{k} {kind} {name}: {p}" for p in problems]
        if cli_every and k % cli_every == 0:
            report.cli_runs += 1
            report.tree_problems += [f"tree #{k} {kind} {name}: {p}" for p in tree_cli_problems(raw, text)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="number of generated texts (default 500)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=64, help="texts parsed by Stanza together")
    ap.add_argument("--trees", type=int, default=None, help="damaged tree documents (default: a tenth of --n)")
    ap.add_argument("--cli-every", type=int, default=50, help="every N-th text and tree also through the CLI")
    ap.add_argument("--stanza-dir", default=None)
    ap.add_argument("--json", metavar="OUT", help="also write the report as JSON")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    def snapshot(report: Report) -> None:  # the numbers so far, in case the run is stopped
        if args.json:
            Path(args.json).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="claimkit-fuzz-") as cache:
        os.environ["CLAIMKIT_CACHE_DIR"] = cache
        report = run(args.n, args.seed, args.batch, args.stanza_dir, verbose=not args.quiet, trees=args.trees,
                     cli_every=args.cli_every, snapshot=snapshot)
    d = report.to_dict()
    print(f"fuzz: {d['n']} texts in {d['seconds']} s: {d['ok']} analysed ({d['claims']} claims), "
          f"{sum(report.claimkit_errors.values())} claimkit errors {d['claimkit_errors']}")
    print(f"      other exceptions: {d['other_exceptions']}, offset violations: {d['offset_violations']}, "
          f"nondeterministic: {d['nondeterministic']}, view problems: {d['view_problems']} "
          f"({d['cli_runs']} command-line runs)")
    print(f"      trees: {sum(report.trees.values())} damaged documents {d['trees']}, "
          f"problems: {d['tree_problems']}")
    for k, v in d["per_kind"].items():
        print(f"      {k:<13} {v}")
    for e in d["examples"]:
        print("  !", e)
    if args.json:
        Path(args.json).write_text(json.dumps(d, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
