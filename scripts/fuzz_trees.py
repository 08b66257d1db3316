"""Tree fuzz: damaged CoNLL-U given to ``analyze_conllu`` and ``claimkit analyze --conllu`` (used by ``fuzz.py``).

The trees are real and read at run time, nothing is copied into the repository: the parse
of the seed article (``seeds/*.txt``, parsed by claimkit, with ``start_char``/``end_char``
offsets in MISC, given with its text), and when ``../shared/gold`` is beside the checkout
the PADT dev documents (gold trees with their ``.txt``) and sentences of the PUD gold set
(text rebuilt from ``# text``).

Each mutation damages a copy the way hand edits, other tools and bad conversions do:

drop_column / duplicate_column (a token line with 9 or 11 fields), shuffle_ids (the ids of
a sentence permuted), break_head (out of range, negative, not a number, the word itself, a
cycle), misc_offsets (start_char/end_char shifted, swapped, past the end, negative, not a
number), truncate (cut anywhere, mid-line or mid-character), encoding (a stretch in
Windows-1256 or Latin-1, a BOM, NUL bytes, CRLF; read back as a lenient decoder would), lines
(lines deleted, duplicated or swapped), mixed (three of these at once).

The promise checked: an analysis or a :class:`claimkit.ConlluError`, never another
exception; every offset slices back into the analysis' text (the given text when there is
one); every view of the analysis builds (:func:`fuzz_views.view_problems`); and for a sample
the command line exits 0 or 2 with one error line.
"""
from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"
MUTATIONS = ("drop_column", "duplicate_column", "shuffle_ids", "break_head", "misc_offsets", "truncate",
             "encoding", "lines", "mixed")


def tree_sources(stanza_dir: str | None = None, pud_sentences: int = 12) -> list[tuple[str, str, str | None]]:
    """``(name, conllu, text or None)`` for every real tree document found (see the module docstring)."""
    import claimkit

    out = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        out.append((p.stem, claimkit.parse(text, stanza_dir=stanza_dir).to_conllu(), text))
    for p in sorted((GOLD / "padt_dev").glob("*.conllu")):
        out.append((p.stem, p.read_text(encoding="utf-8"), p.with_suffix(".txt").read_text(encoding="utf-8")))
    pud = GOLD / "pud_attribution.ar.conllu"
    if pud.is_file():
        blocks = [b for b in pud.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        for k in range(0, len(blocks), pud_sentences):
            out.append((f"pud{k}", "\n\n".join(blocks[k:k + pud_sentences]) + "\n\n", None))
    return out


def _token_lines(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln and not ln.startswith("#") and "\t" in ln]


def _edit_fields(rng: random.Random, lines: list[str], edit: Callable[[list[str]], list[str]], k: int) -> None:
    idx = _token_lines(lines)
    for i in rng.sample(idx, min(k, len(idx))):
        lines[i] = "\t".join(edit(lines[i].split("\t")))


def _shuffle_ids(rng: random.Random, lines: list[str]) -> None:
    idx = _token_lines(lines)
    if not idx:
        return
    start = rng.choice(idx)
    block = [start]
    while block[-1] + 1 < len(lines) and lines[block[-1] + 1] and not lines[block[-1] + 1].startswith("#"):
        block.append(block[-1] + 1)
    ids = [lines[i].split("\t", 1)[0] for i in block]
    rng.shuffle(ids)
    for i, new in zip(block, ids):
        lines[i] = new + "\t" + lines[i].split("\t", 1)[1] if "\t" in lines[i] else lines[i]


def _break_head(rng: random.Random, f: list[str]) -> list[str]:
    if len(f) > 6 and f[0].isdigit():
        me = int(f[0])
        f[6] = rng.choice([str(me), str(me + 500), "-1", "x", "", "1.5", "0", str(max(1, me - 1))])
    return f


def _misc(rng: random.Random, f: list[str]) -> list[str]:
    if len(f) < 10:
        return f
    misc = f[9] if f[9] != "_" else ""
    s = rng.randint(-5, 50000)
    e = rng.choice([s + rng.randint(0, 12), s - 3, s, 10**9, "x"])
    f[9] = "|".join(p for p in misc.split("|") if p and not p.startswith(("start_char=", "end_char="))) \
        + f"|start_char={s}|end_char={e}"
    f[9] = f[9].lstrip("|")
    return f


def _utf8(text: str) -> bytes:
    """UTF-8 bytes; lone surrogates from :func:`decode_leniently` go back to the bytes they stood for."""
    return text.encode("utf-8", "surrogateescape")


def _encoding(rng: random.Random, raw: bytes) -> bytes:
    """Damage the bytes of a CoNLL-U file: a stretch re-encoded, a BOM, NUL bytes or CRLF."""
    text = decode_leniently(raw)
    op = rng.choice(["cp1256", "latin1", "bom", "nul", "crlf"])
    if op in ("cp1256", "latin1"):
        a = rng.randrange(len(text))
        part = text[a:a + rng.randint(5, 400)]
        enc = part.encode("cp1256", "replace") if op == "cp1256" else _utf8(_utf8(part).decode("latin-1"))
        return _utf8(text[:a]) + enc + _utf8(text[a + len(part):])
    if op == "bom":
        return b"\xef\xbb\xbf" + raw
    if op == "nul":
        i = rng.randrange(len(raw))
        return raw[:i] + b"\x00" + raw[i:]
    return raw.replace(b"\n", b"\r\n")


def mutate(rng: random.Random, conllu: str, kind: str) -> bytes:
    """The bytes of ``conllu`` damaged by mutation ``kind`` (see the module docstring)."""
    lines = conllu.split("\n")
    if kind == "mixed":
        raw = _utf8(conllu)
        for k in rng.sample(MUTATIONS[:-1], 3):
            if k == "encoding":
                raw = _encoding(rng, raw)
            else:
                raw = mutate(rng, decode_leniently(raw), k)
        return raw
    n = rng.randint(1, 3)
    if kind == "drop_column":
        _edit_fields(rng, lines, lambda f: f[:(j := rng.randrange(len(f)))] + f[j + 1:], n)
    elif kind == "duplicate_column":
        _edit_fields(rng, lines, lambda f: f[:(j := rng.randrange(len(f)))] + [f[j]] + f[j:], n)
    elif kind == "shuffle_ids":
        _shuffle_ids(rng, lines)
    elif kind == "break_head":
        _edit_fields(rng, lines, lambda f: _break_head(rng, f), n)
    elif kind == "misc_offsets":
        _edit_fields(rng, lines, lambda f: _misc(rng, f), rng.randint(1, 8))
    elif kind == "truncate":
        raw = _utf8(conllu)
        return raw[:rng.randrange(len(raw))]
    elif kind == "encoding":
        return _encoding(rng, _utf8(conllu))
    else:  # lines
        idx = _token_lines(lines)
        for _ in range(n):
            i = rng.choice(idx)
            op = rng.choice(["delete", "duplicate", "swap"])
            if op == "delete":
                lines[i] = "# deleted"
            elif op == "duplicate":
                lines[i] = lines[i] + "\n" + lines[i]
            elif i + 1 < len(lines):
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return _utf8("\n".join(lines))


def decode_leniently(raw: bytes) -> str:
    """How a lenient reader turns damaged bytes into a string: invalid UTF-8 as lone surrogates."""
    return raw.decode("utf-8", "surrogateescape")


def tree_problems(conllu: str, text: str | None) -> tuple[str, object, list[str]]:
    """``(outcome, analysis or error name, problems)`` for one damaged CoNLL-U string."""
    import claimkit
    from claimkit.treebank import from_conllu

    from fuzz_views import offset_violations, view_problems

    try:
        analysis = claimkit.analyze_conllu(conllu, text=text, doc="trees")
    except claimkit.ConlluError:
        return "error", "ConlluError", []
    except Exception as exc:  # what the fuzzer is looking for (another ClaimkitError included)
        return "other", None, [f"analyze_conllu: {type(exc).__name__}: {str(exc)[:200]}"]
    problems = [f"offsets: {b}" for b in offset_violations(analysis.text, analysis)[:3]]
    if text is not None and analysis.text != text:
        problems.append("analysis.text is not the given text")
    problems += view_problems(analysis.text, analysis,
                              sentence_words=lambda i: from_conllu(conllu, text=text).sents[i].words)
    return "ok", analysis, problems


def tree_cli_problems(raw: bytes, text: str | None) -> list[str]:
    """``claimkit analyze --conllu FILE [--text TXT]`` on the damaged bytes: status 0, or 2 with one error line."""
    from fuzz_views import cli_problems

    with tempfile.TemporaryDirectory(prefix="claimkit-fuzz-trees-") as folder:
        path = Path(folder, "trees.conllu")
        path.write_bytes(raw)
        argv = ["analyze", "--conllu", str(path)]
        if text is not None:
            Path(folder, "article.txt").write_text(text, encoding="utf-8", newline="")
            argv += ["--text", str(Path(folder, "article.txt"))]
        return cli_problems(argv)
