"""Every public view of one analysis, built and checked (used by ``scripts/fuzz.py``).

:func:`view_problems` takes a text and its :class:`claimkit.Analysis` and builds what a user
can ask for: the ``claims``, ``sources`` and ``sentences`` DataFrames, ``explain(i)`` for
each claim, the article view HTML, every chart of :mod:`claimkit.plots` serialised to JSON,
the JSONL, CSV and Parquet files (written and read back), the terminal table and, for a
sample, the ``claimkit analyze`` command on the text saved as a file. Each must succeed or
raise a :class:`claimkit.ClaimkitError`; beyond that it checks what each view promises:

- DataFrames: one row per claim / entity / sentence; the strings are the records' strings,
  lone surrogates shown as U+FFFD (same length);
- HTML: parses with tags balanced, UTF-8 encodable, and every cue/source/content span of
  every claim is an element whose text is the span's text;
- charts: ``fig.to_json()`` gives JSON;
- writers: what is read back equals the records (CSV and Parquet hold a lone surrogate as
  its ``\\udc80`` escape);
- terminal: the table encodes as UTF-8; the command line exits 0 with the table, or 2 with
  one ``claimkit: error:`` line and no traceback.

A problem is a short string naming the view; an empty list means every view is fine.
"""
from __future__ import annotations

import html.parser
import io
import json
import os
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, Callable

CHARTS = ("claims_per_entity", "word_share_per_entity", "hedging_per_entity", "source_positions",
          "source_type_composition", "reliance")


def offset_violations(text: str, analysis) -> list[str]:
    """Every way the records' offsets fail to slice back to their strings."""
    bad = []
    n = len(text)
    for c in analysis.records:
        pairs = [("cue", c.cue, c.cue_start, c.cue_end), ("content", c.content, c.content_start, c.content_end)]
        if c.source_start is not None:
            pairs.append(("source", c.source, c.source_start, c.source_end))
        for name, value, s, e in pairs:
            if not (0 <= s <= e <= n) or text[s:e] != value:
                bad.append(f"{name} [{s}:{e}] {value!r} != {text[s:e] if 0 <= s <= e <= n else None!r}")
        if not c.cue:
            bad.append("empty cue")
    for s in analysis.sentence_spans:
        if not (0 <= s.start <= s.end <= n) or text[s.start:s.end] != s.text:
            bad.append(f"sentence [{s.start}:{s.end}]")
    return bad


class _SpanCollector(html.parser.HTMLParser):
    """Collects the text inside every ``data-claim`` element and checks that tags balance."""

    VOID = {"br", "meta", "img", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple | None]] = []
        self.spans: dict[tuple, list[str]] = {}
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        key = (int(a["data-claim"]), a["data-role"], int(a["data-start"]), int(a["data-end"])) \
            if "data-claim" in a else None
        if key is not None:
            self.spans.setdefault(key, [])
        self.stack.append((tag, key))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        for _, key in self.stack:
            if key is not None:
                self.spans[key].append(data)


def _call(problems: list[str], view: str, fn: Callable[[], Any]) -> Any:
    """``fn()``; an exception other than a ClaimkitError is recorded as a problem of ``view``."""
    import claimkit

    try:
        return fn()
    except claimkit.ClaimkitError:
        return None
    except Exception as exc:  # what the fuzzer is looking for
        problems.append(f"{view}: {type(exc).__name__}: {str(exc)[:160]}")
        return None


def _frames(problems: list[str], analysis) -> None:
    from claimkit.surrogates import for_display

    claims = _call(problems, "claims", lambda: analysis.claims)
    if claims is not None:
        if len(claims) != len(analysis.records):
            problems.append(f"claims: {len(claims)} rows for {len(analysis.records)} claims")
        elif any(claims[k].tolist() != [for_display(getattr(c, k)) for c in analysis.records]
                 for k in ("cue", "source", "content", "entity")):
            problems.append("claims: a string column differs from the records")
    sources = _call(problems, "sources", lambda: analysis.sources)
    if sources is not None and int(sources["claims"].sum() if len(sources) else 0) != len(analysis.records):
        problems.append("sources: claims do not add up")
    sentences = _call(problems, "sentences", lambda: analysis.sentences)
    if sentences is not None and sentences["text"].tolist() != [for_display(s.text) for s in analysis.sentence_spans]:
        problems.append("sentences: text differs from the sentence spans")
    for i in range(len(analysis.records)):
        if not isinstance(_call(problems, f"explain({i})", lambda i=i: analysis.explain(i)), str):
            problems.append(f"explain({i}) gave no text")
            break


def _article_view(problems: list[str], text: str, analysis) -> None:
    from claimkit import render
    from claimkit.surrogates import for_display

    page = _call(problems, "article view", lambda: render.render_article(analysis, page=True))
    if page is None:
        return
    try:
        page.encode("utf-8")
    except UnicodeEncodeError as exc:
        problems.append(f"article view: not UTF-8 encodable ({exc.reason})")
    parser = _SpanCollector()
    parser.feed(page)
    parser.close()
    if parser.errors or parser.stack:
        problems.append(f"article view: tags do not balance ({(parser.errors or [parser.stack[-1][0]])[0]})")
    for i, c in enumerate(analysis.records):
        for role in ("cue", "source", "content"):
            s, e = getattr(c, f"{role}_start"), getattr(c, f"{role}_end")
            if s is None or s >= e:
                continue
            got = parser.spans.get((i, role, s, e))
            if got is None:
                problems.append(f"article view: claim {i} has no {role} span [{s}:{e}]")
            elif "".join(got) != for_display(text[s:e]):
                problems.append(f"article view: claim {i} {role} span text differs")


def _charts(problems: list[str], analysis, sentence_words: Callable[[int], list] | None) -> None:
    from claimkit import plots

    figures: list[tuple[str, Callable[[], Any]]] = [(name, lambda name=name: getattr(plots, name)(analysis))
                                                     for name in CHARTS]
    profile = _call(problems, "sourcing_profile", lambda: plots.sourcing_profile([analysis]))
    if profile is not None:
        profile = profile.assign(outlet="x")
        figures += [("sourcing_profile_chart", lambda: plots.sourcing_profile_chart(profile)),
                    ("dependence_chart", lambda: plots.dependence_chart(profile)),
                    ("profile_by_group", lambda: plots.profile_by_group(
                        profile, "outlet", "top_source_claim_share", "by outlet")),
                    ("sourcing_profile_by", lambda: plots.sourcing_profile_chart(
                        plots.sourcing_profile_by(profile, "outlet")))]
    if analysis.records and sentence_words is not None:
        c = analysis.records[0]

        def tree():
            words = sentence_words(c.sentence)
            cue = plots.span_head(words, c.cue_start, c.cue_end)
            return plots.dependency_tree(words, highlight={} if cue is None else {cue: "cue"})

        figures.append(("dependency_tree", tree))
    for name, make in figures:
        fig = _call(problems, name, make)
        if fig is not None and not isinstance(_call(problems, f"{name} to_json", lambda: json.loads(fig.to_json())),
                                              dict):
            problems.append(f"{name}: figure JSON is not an object")


def expected_in_file(record: dict, fmt: str) -> dict:
    """A record as the writer of ``fmt`` stores it (CSV and Parquet: lone surrogates escaped; JSON: a
    high+low surrogate pair read back as the one character it encodes)."""
    from claimkit.surrogates import as_json_reads_it, escaped

    f = as_json_reads_it if fmt in ("jsonl", "json") else escaped
    return {k: f(v) if isinstance(v, str) else [f(x) for x in v] if isinstance(v, list) else v
            for k, v in record.items()}


def _writers(problems: list[str], analysis, folder: str) -> None:
    from claimkit.writers import read_records, write_records

    records = analysis.to_dicts()
    for fmt in ("jsonl", "csv", "parquet"):
        path = os.path.join(folder, f"claims.{fmt}")
        if _call(problems, f"{fmt} writer", lambda: write_records(records, path)) is None:
            continue
        back = _call(problems, f"{fmt} read back", lambda: read_records(path))
        if back is not None and back != [expected_in_file(r, fmt) for r in records]:
            problems.append(f"{fmt} writer: read back differs from the records")


def _table(problems: list[str], analysis) -> None:
    from claimkit.table import analysis_report

    out = _call(problems, "table", lambda: analysis_report(analysis.doc, analysis.records,
                                                           len(analysis.sentence_spans), total_width=120))
    if out is not None:
        _call(problems, "table as UTF-8", lambda: out.encode("utf-8"))


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``claimkit ARGV`` in this process with a UTF-8 stdout (as a terminal or a pipe has): status, out, err."""
    from claimkit.cli import main

    raw, err = io.BytesIO(), io.StringIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(argv)
    finally:
        out.flush()
    return status, raw.getvalue().decode("utf-8"), err.getvalue()


def cli_problems(argv: list[str], expect_table: bool = True) -> list[str]:
    """The command line run in-process exits 0 (with a table) or 2 (one error line), never with a traceback."""
    try:
        status, out, err = run_cli(argv)
    except BaseException as exc:  # noqa: BLE001 - anything escaping main() is a defect
        return [f"cli {' '.join(argv[:1])}: {type(exc).__name__}: {str(exc)[:160]}"]
    if "Traceback" in err or status not in (0, 2):
        return [f"cli: status {status}: {err.strip()[-200:]}"]
    if status == 2 and "claimkit: error:" not in err:
        return [f"cli: status 2 without an error line: {err.strip()[-200:]}"]
    if status == 0 and expect_table and " claim" not in out.split("\n", 1)[0]:
        return [f"cli: no table heading: {out[:80]!r}"]
    return []


def view_problems(text: str, analysis, sentence_words: Callable[[int], list] | None = None) -> list[str]:
    """Build every view of ``analysis`` (of ``text``); the problems found (see the module docstring).

    ``sentence_words(i)``: the parsed words of sentence ``i``, for the dependency-tree chart of
    the first claim's sentence (None: that chart is not drawn).
    """
    problems: list[str] = []
    _frames(problems, analysis)
    _article_view(problems, text, analysis)
    _charts(problems, analysis, sentence_words)
    _table(problems, analysis)
    with tempfile.TemporaryDirectory(prefix="claimkit-fuzz-views-") as folder:
        _writers(problems, analysis, folder)
    return problems


def file_cli_problems(text: str) -> list[str]:
    """``claimkit analyze FILE`` on ``text`` saved as a file (a lone surrogate is saved as its
    invalid UTF-8 bytes, so that file must be refused with status 2)."""
    with tempfile.TemporaryDirectory(prefix="claimkit-fuzz-cli-") as folder:
        path = Path(folder, "article.txt")
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        return cli_problems(["analyze", str(path)])
