"""The ``claimkit`` command line.

::

    claimkit analyze ARTICLE.txt                      # table of claims and sources
    claimkit analyze ARTICLE.txt --format jsonl       # output records (also csv, json)
    claimkit analyze TREES.conllu --text ARTICLE.txt  # pre-parsed input
    claimkit analyze corpus/ --out claims.parquet     # a folder or glob: corpus mode
    claimkit analyze corpus/ --dask local:2 --out claims/   # on a Dask cluster: a Parquet dataset
    claimkit parse ARTICLE.txt > ARTICLE.conllu       # the parse claimkit uses
    claimkit evaluate --gold GOLD_DIR [--gold DIR …] [--pred PRED.jsonl] [--cv K]
    claimkit train --gold GOLD_DIR [--gold DIR …] --out MODEL_DIR [--conllu]
    claimkit train-tagger --data NER_DIR --out TAGGER_DIR [--seed N]   # the entity tagger (claimkit.ner)
    claimkit report corpus/ --out report.html         # offline HTML report + report.ipynb beside it
    claimkit download [--stanza-dir DIR]
    claimkit cache [--clear]

Exit status: 0 on success; 1 when a corpus run skipped some files (the others are
written); 2 on any claimkit error (bad input, missing model, bad arguments) or when no
file of a corpus could be analysed, with a ``claimkit: error: …`` message on stderr and no
traceback; 130 on Ctrl-C (SIGINT), 143 on SIGTERM (``timeout``, batch schedulers,
``docker stop``). On every one of these an ``--out`` file is either complete or left as it
was, and no temporary file is left behind.

Imports stay lazy: analysing a file whose parse is cached, with a machine format,
imports neither pandas nor Stanza/PyTorch nor plotly.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from .errors import ClaimkitError, ConlluError

MACHINE_FORMATS = ("jsonl", "csv", "json")


def _version() -> str:
    from . import __version__

    return __version__


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with status 2 through :class:`ClaimkitError` handling."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        command = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        raise _UsageError(f"{command}: {message}" if command else message)


class _UsageError(ClaimkitError):
    pass


def _check_out_folder(*targets: str | os.PathLike | None) -> None:
    """Refuse an output path whose folder does not exist, before any slow work is done."""
    for target in targets:
        if target and not Path(target).resolve().parent.is_dir():
            raise ClaimkitError(f"{target}: the folder {Path(target).parent} does not exist")


class _Terminated(BaseException):
    """Raised by the SIGTERM handler so that ``with`` blocks clean up as after Ctrl-C."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess
    raise _Terminated()


def _count_arg(value: str, what: str, minimum: int, rule: str) -> int:
    """An integer option of at least ``minimum``, with argparse's own error message otherwise."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of {what}") from None
    if n < minimum:
        raise argparse.ArgumentTypeError(rule)
    return n


def _threads_arg(value: str) -> int:
    return _count_arg(value, "threads", 1, "must be at least 1")


def _max_chars_arg(value: str) -> int | None:
    return _count_arg(value, "characters", 0, "must be 0 (no limit) or more") or None


def _add_resource_options(parser: argparse.ArgumentParser) -> None:
    from .clean import DEFAULT_MAX_CHARS

    parser.add_argument("--threads", type=_threads_arg, default=None, metavar="N",
                        help="PyTorch threads for parsing (default: $OMP_NUM_THREADS when set, else half the "
                        "available cores, at most 4, so that several processes can share a machine)")
    parser.add_argument("--max-chars", type=_max_chars_arg, default=DEFAULT_MAX_CHARS, metavar="N",
                        help=f"refuse articles longer than N characters (default {DEFAULT_MAX_CHARS:,}; 0: no "
                        "limit). Long articles are parsed in blocks of paragraphs, so memory stays bounded")


def _add_exact_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exact-parse", action="store_true",
                        help="parse with Stanza's pipeline as it comes instead of the fast path (the same models, "
                        "about 1.5x slower; heads the same, a label in about 2,000 words differs). Also "
                        "CLAIMKIT_EXACT_PARSE=1. The two are cached apart")


def _add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="MODEL_DIR", default=None,
                        help="trained model folder (claimkit train --out); 'rules' for the rules alone; 'default' "
                        "(the default): $CLAIMKIT_MODEL when set, else the model shipped with claimkit")


def _use_model(args: argparse.Namespace) -> str:
    """Check ``--model`` before any work and make it the default of this process and its workers."""
    from .model import resolve_model

    spec = getattr(args, "model", None)
    if spec is None or spec == "default":
        resolve_model("default")
        return "default"
    if spec != "rules":
        spec = str(Path(spec).resolve())
        resolve_model(spec)
    os.environ["CLAIMKIT_MODEL"] = spec   # corpus workers and local Dask workers inherit it
    return spec


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = _Parser(prog="claimkit", description="Who says what in Arabic news: attributed claims, their sources "
                "and hedging, from Stanza dependency parses.")
    p.add_argument("--version", action="version", version=f"claimkit {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    a = sub.add_parser("analyze", help="find the attributed claims in an article or a corpus",
                       description="Analyse one article (a table or records on stdout) or, given a folder, a glob "
                       "pattern or several files, a corpus (records streamed to --out or stdout).")
    a.add_argument("inputs", nargs="+", metavar="FILE_DIR_OR_GLOB",
                   help="an article (.txt/.html), CoNLL-U (.conllu), a folder or a quoted glob pattern")
    a.add_argument("--format", "-f", choices=("table",) + MACHINE_FORMATS, default=None,
                   help="stdout format: table (default for one file), jsonl (default for a corpus), csv, json (a list)")
    a.add_argument("--out", "-o", metavar="PATH",
                   help="write records to PATH (.jsonl, .json, .csv, .parquet), atomically")
    a.add_argument("--conllu", action="store_true",
                   help="input is CoNLL-U (automatic for .conllu files); in a folder, analyse *.conllu")
    a.add_argument("--text", metavar="FILE", help="the raw text the CoNLL-U was parsed from (offsets point into it; "
                   "default: NAME.txt beside NAME.conllu when it exists)")
    a.add_argument("--stanza-dir", metavar="DIR", help="Stanza resources folder (default: $STANZA_RESOURCES_DIR, "
                   "then ~/stanza_resources)")
    _add_exact_option(a)
    a.add_argument("--no-cache", action="store_true", help="parse again and do not read or write the parse cache")
    a.add_argument("--display", choices=("logical", "visual"), default="logical",
                   help="Arabic in the table: logical order for terminals with bidi support (default), visual "
                   "order (python-bidi) for terminals without")
    a.add_argument("--workers", type=int, default=1, metavar="N",
                   help="corpus mode: worker processes, each with its own model in memory (default 1)")
    a.add_argument("--batch-size", type=int, default=None, metavar="N",
                   help="corpus mode: articles parsed together by Stanza (default 16)")
    a.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="corpus mode: progress bar on stderr (default: when stderr is a terminal)")
    _add_resource_options(a)
    _add_model_option(a)
    a.add_argument("--dask", metavar="ADDRESS", help="corpus mode on a Dask cluster: a scheduler address "
                   "(tcp://HOST:8786), a scheduler file (.json), or local[:N] for N single-threaded local workers; "
                   "--out then names a folder for a Parquet dataset (pip install 'claimkit[dask]')")

    pa = sub.add_parser("parse", help="print the CoNLL-U parse claimkit uses (offsets in MISC)",
                        description="Parse an article and print its CoNLL-U, with start_char/end_char offsets "
                        "into the input in MISC; `claimkit analyze OUT.conllu --text FILE` analyses it again.")
    pa.add_argument("input", metavar="FILE")
    pa.add_argument("--out", "-o", metavar="PATH", help="write to PATH (atomically) instead of stdout")
    pa.add_argument("--stanza-dir", metavar="DIR")
    _add_exact_option(pa)
    pa.add_argument("--no-cache", action="store_true")
    _add_resource_options(pa)

    e = sub.add_parser("evaluate", help="score claims against gold claims",
                       description="Score predicted claims against gold (*.claims.jsonl). Without --pred the "
                       "analyser is run on NAME.txt beside each NAME.claims.jsonl (or on NAME.conllu with --conllu).")
    e.add_argument("--gold", required=True, action="append", metavar="GOLD_DIR_OR_FILE",
                   help="gold folder (NAME.claims.jsonl beside NAME.txt) or file; repeat to pool several")
    e.add_argument("--pred", metavar="PRED.jsonl", help="predicted records (claimkit analyze --format jsonl)")
    e.add_argument("--cv", type=lambda v: _count_arg(v, "--cv", 2, "at least 2"), metavar="K",
                   help="K-fold cross-validation by document: train on K-1 folds of the gold documents, score the "
                   "held-out fold; the rules alone are scored on the same folds")
    e.add_argument("--seed", type=lambda v: _count_arg(v, "--seed", 0, "0 or more"), default=None, metavar="N",
                   help="seed of the fold split and of training (default 13)")
    e.add_argument("--out", "-o", metavar="CV.json", help="with --cv: write {learned, rules, folds} as JSON")
    e.add_argument("--pred-out", metavar="PRED.jsonl",
                   help="with --cv: write every document's held-out claims (the learned system, from the fold that "
                   "held the document out) as JSONL, e.g. for `claimkit index` or a chart")
    _add_model_option(e)
    e.add_argument("--format", "-f", choices=("text", "json"), default="text")
    e.add_argument("--per-doc", action="store_true", help="also report each document")
    e.add_argument("--conllu", action="store_true", help="analyse the gold trees NAME.conllu instead of parsing")
    e.add_argument("--stanza-dir", metavar="DIR")
    _add_exact_option(e)
    e.add_argument("--no-cache", action="store_true")

    t = sub.add_parser("train", help="train the claim, speaker and source-type models from gold folders",
                       description="Train the decisions (is it a claim, who speaks, what kind of source) from gold "
                       "folders (NAME.claims.jsonl beside NAME.txt, and NAME.conllu with --conllu) and write a model "
                       "folder for `claimkit analyze --model`. Same data and seed: byte-identical files.")
    t.add_argument("--gold", required=True, action="append", metavar="GOLD_DIR", help="gold folder; repeat to pool")
    t.add_argument("--out", "-o", required=True, metavar="MODEL_DIR", help="the model folder to write")
    t.add_argument("--conllu", action="store_true", help="train on the gold trees NAME.conllu instead of parsing NAME.txt")
    t.add_argument("--seed", type=lambda v: _count_arg(v, "--seed", 0, "0 or more"), default=None, metavar="N")
    t.add_argument("--stanza-dir", metavar="DIR")
    _add_exact_option(t)
    t.add_argument("--no-cache", action="store_true")

    tt = sub.add_parser("train-tagger", help="train the entity tagger (persons, organisations, places)",
                        description="Train the CRF entity tagger on the NER data folder (fane/ and aqmar/, as in "
                        "shared/ner), print its exact-span scores on the fixed held-out part (the last sixth of "
                        "NewsFANE) and write a tagger folder for claimkit.ner.load_tagger. Same data and seed: "
                        "byte-identical files.")
    tt.add_argument("--data", required=True, metavar="NER_DIR", help="folder holding fane/ and aqmar/")
    tt.add_argument("--out", "-o", required=True, metavar="TAGGER_DIR", help="the tagger folder to write")
    tt.add_argument("--seed", type=lambda v: _count_arg(v, "--seed", 0, "0 or more"), default=0, metavar="N")

    r = sub.add_parser("report", help="write a reproducible HTML report (and its notebook) for articles",
                       description="Analyse one article or a corpus and write a standalone offline HTML report: "
                       "summary and sourcing profile per article, comparison charts, each article with its claims, "
                       "a sources table and a methods section with provenance. The executed notebook is written "
                       "beside it (NAME.ipynb). Needs the notebook extra: pip install 'claimkit[notebook]'.")
    r.add_argument("inputs", nargs="+", metavar="FILE_DIR_OR_GLOB", help="articles, a folder or a quoted glob")
    r.add_argument("--out", "-o", required=True, metavar="REPORT.html", help="the HTML file to write")
    r.add_argument("--title", help="report title (default: the article name or the number of articles)")
    r.add_argument("--conllu", action="store_true", help="inputs are CoNLL-U trees (in a folder: *.conllu)")
    r.add_argument("--stanza-dir", metavar="DIR")
    _add_exact_option(r)
    r.add_argument("--no-cache", action="store_true")

    g = sub.add_parser("grade", help="grade a class: students' claim files (and the machine) against a key",
                       description="Score each student's NAME.claims.jsonl (one folder per student, or "
                       "NAME.STUDENT.claims.jsonl files) and the machine against the teacher's key (NAME.claims.jsonl "
                       "with NAME.txt beside), with the reference scorer's rules. Bad student files are listed on "
                       "stderr and never stop the run (status 1 when there were any).")
    g.add_argument("key", metavar="KEY_DIR", help="the teacher's gold files, NAME.txt beside each")
    g.add_argument("students", metavar="STUDENTS_DIR", help="one folder per student, or NAME.STUDENT.claims.jsonl")
    g.add_argument("--out", "-o", metavar="grades.csv", help="write the scores (one row per student and the machine)")
    g.add_argument("--disagreements", metavar="FILE.csv", help="write the per-claim disagreement table")
    g.add_argument("--chart", metavar="FILE.html", help="write class.html: the chart and the tables on one page "
                   "(.png/.svg: the chart alone, needs kaleido)")
    g.add_argument("--no-machine", action="store_true", help="do not run claimkit on the key's texts")
    g.add_argument("--conllu", action="store_true", help="the machine reads NAME.conllu gold trees instead of parsing")
    g.add_argument("--stanza-dir", metavar="DIR")
    _add_exact_option(g)
    g.add_argument("--no-cache", action="store_true")

    from .index_cli import add_parser as add_index_parser

    add_index_parser(sub)

    d = sub.add_parser("download", help="download the official Stanza Arabic model",
                       description="Fetch the official Stanza Arabic model (tokenize, mwt, pos, lemma, depparse).")
    d.add_argument("--stanza-dir", metavar="DIR", help="target folder (default: $STANZA_RESOURCES_DIR, "
                   "then ~/stanza_resources)")

    c = sub.add_parser("cache", help="show or clear the parse cache",
                       description="Show the parse cache folder (CLAIMKIT_CACHE_DIR or the user cache folder) "
                       "and its size, or clear it.")
    c.add_argument("--clear", action="store_true", help="delete every cached parse")
    return p


# -- analyze -------------------------------------------------------------------------------

def _text_for_conllu(path: Path, text: str | None) -> Path | None:
    if text:
        return Path(text)
    sib = path.with_name(path.name[: -len(".conllu")] + ".txt") if path.name.endswith(".conllu") else None
    return sib if sib is not None and sib.is_file() else None


def _analyze_one(args: argparse.Namespace) -> int:
    from .pipeline import analyze_file

    path = Path(args.inputs[0])
    is_conllu = args.conllu or path.name.endswith(".conllu")
    try:
        analysis = analyze_file(path, conllu=is_conllu, text_path=_text_for_conllu(path, args.text) if is_conllu
                                else None, stanza_dir=args.stanza_dir, cache=not args.no_cache,
                                max_chars=args.max_chars)
    except ClaimkitError:
        raise
    except Exception as exc:
        if is_conllu:  # the CoNLL-U reader fails in many ways on malformed input
            raise ConlluError(f"{path}: not valid CoNLL-U ({type(exc).__name__}: {exc})") from None
        raise
    records = analysis.to_dicts()
    if args.out:
        from .writers import write_records

        n = write_records(records, args.out)
        print(f"{analysis.doc}: {n} claim{'s' * (n != 1)} written to {args.out}", file=sys.stderr)
        if args.format is None:
            return 0
    fmt = args.format or "table"
    if fmt == "table":
        from .table import analysis_report

        print(analysis_report(analysis.doc, analysis.records, len(analysis.sentence_spans), display=args.display))
    else:
        from .writers import write_records

        write_records(records, None, fmt, stream=sys.stdout)
    return 0


def _analyze_corpus(args: argparse.Namespace) -> int:
    from .corpus import DEFAULT_BATCH_SIZE, CorpusSummary, analyze_corpus, expand_paths
    from .writers import RecordWriter

    files = expand_paths(args.inputs, conllu=args.conllu)
    if not files:
        raise ClaimkitError(f"no input files match {' '.join(args.inputs)}"
                            + (" (folders give *.conllu with --conllu)" if args.conllu else
                               " (folders give *.txt, *.html, *.htm)"))
    if args.text:
        raise ClaimkitError("--text applies to one CoNLL-U file; in corpus mode NAME.txt beside NAME.conllu is used")
    fmt = args.format or "jsonl"
    summary = CorpusSummary()
    results = analyze_corpus(files, workers=args.workers, cache=not args.no_cache, stanza_dir=args.stanza_dir,
                             progress=args.progress, batch_size=args.batch_size or DEFAULT_BATCH_SIZE,
                             conllu=args.conllu, max_chars=args.max_chars, threads=args.threads)
    if args.out:
        with RecordWriter(args.out) as w:
            for r in results:
                summary.add(r)
                w.write(r.records())
            if summary.failures and len(summary.failures) == summary.docs:
                w.abort()  # nothing analysed: an existing --out file is left as it was
                print(summary.report() + f"\nno file could be analysed; {args.out} was not written",
                      file=sys.stderr)
                return 2
    elif fmt == "table":
        from .table import render_table

        rows = []
        for r in results:
            summary.add(r)
            rows.append((r.doc, len(r.analysis) if r.ok and r.analysis is not None else "—",
                         "cache" if r.cached else ("parsed" if r.ok else "skipped"), r.error or ""))
        print(render_table(("doc", "claims", "parse", "error"), rows, widths=(40, 6, 7, None), display=args.display))
    else:
        with RecordWriter(None, fmt, stream=sys.stdout) as w:
            for r in results:
                summary.add(r)
                w.write(r.records())
    print(summary.report() + (f"; written to {args.out}" if args.out else ""), file=sys.stderr)
    if summary.failures and len(summary.failures) == summary.docs:
        return 2
    return 1 if summary.failures else 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from .corpus import is_corpus_spec

    if args.workers < 1:
        raise ClaimkitError("--workers must be at least 1")
    _use_model(args)
    if args.dask:
        try:
            from .distributed import analyze_cli
        except ImportError as exc:
            raise ClaimkitError(str(exc)) from None
        return analyze_cli(args)
    if is_corpus_spec(args.inputs):
        return _analyze_corpus(args)
    if args.text and not (args.conllu or args.inputs[0].endswith(".conllu")):
        raise ClaimkitError("--text goes with CoNLL-U input (a .conllu file or --conllu)")
    return _analyze_one(args)


# -- other commands ------------------------------------------------------------------------

def cmd_parse(args: argparse.Namespace) -> int:
    from .pipeline import parse, read_text_file

    _check_out_folder(args.out)  # say so before spending minutes parsing
    conllu = parse(read_text_file(args.input), stanza_dir=args.stanza_dir, cache=not args.no_cache,
                   max_chars=args.max_chars).to_conllu()
    if args.out:
        from .writers import write_text_atomic

        write_text_atomic(conllu, args.out)
    else:
        sys.stdout.write(conllu)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from .evaluate import evaluate, format_text

    if args.cv:
        return _cross_validate(args)
    if args.out or args.seed is not None or args.pred_out:
        raise ClaimkitError("--out, --pred-out and --seed go with --cv")
    model = _use_model(args)
    scores = evaluate(args.gold, args.pred, conllu=args.conllu, stanza_dir=args.stanza_dir, cache=not args.no_cache,
                      model=model)
    if args.format == "json":
        print(json.dumps(scores.to_dict(per_doc=args.per_doc), ensure_ascii=False, indent=2))
    else:
        print(format_text(scores, per_doc=args.per_doc))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .grade import grade, write_scores
    from .plots import save_figure
    from .writers import write_text_atomic

    _check_out_folder(args.out, args.disagreements, args.chart)
    grades = grade(args.key, args.students, machine=not args.no_machine, conllu=args.conllu,
                   stanza_dir=args.stanza_dir, cache=not args.no_cache)
    for problem in grades.problems:
        print(f"claimkit: {problem}", file=sys.stderr)
    cols = ["student", "tp", "fp", "fn", "cue_F1", "attribution_F1", "entity_acc", "source_type_acc", "mode_acc",
            "hedging_acc", "content_tokF1"]
    print(grades.scores[cols].to_string(index=False))
    if args.out:
        write_scores(grades, args.out)
    if args.disagreements:
        write_text_atomic(grades.disagreements.to_csv(index=False), args.disagreements)
    if args.chart and Path(args.chart).suffix.lower() in (".html", ".htm"):   # a page to hand out
        from .class_page import class_page

        write_text_atomic(class_page(grades), args.chart)
    elif args.chart:
        save_figure(grades.chart(), args.chart)
    return 1 if grades.problems else 0


def _cross_validate(args: argparse.Namespace) -> int:
    import json
    import time

    from .train import DEFAULT_SEED, cross_validate, format_cv

    if args.pred:
        raise ClaimkitError("--cv trains and predicts by itself; it does not take --pred")
    if args.model:
        raise ClaimkitError("--cv trains a model on each fold; it does not take --model")
    _check_out_folder(args.out, args.pred_out)
    t0 = time.perf_counter()
    held_out: list[dict] | None = [] if args.pred_out else None
    result = cross_validate(args.gold, args.cv, conllu=args.conllu,
                            seed=DEFAULT_SEED if args.seed is None else args.seed,
                            stanza_dir=args.stanza_dir, cache=not args.no_cache, predictions=held_out)
    as_json = json.dumps(result, ensure_ascii=False, indent=2)
    print(as_json if args.format == "json" else format_cv(result))
    if args.out:
        from .writers import write_text_atomic

        write_text_atomic(as_json + "\n", args.out)
    if args.pred_out:
        from .writers import write_records

        write_records(held_out, args.pred_out, "jsonl")
    print(f"cross-validated in {time.perf_counter() - t0:.1f} s" + (f"; written to {args.out}" if args.out else "")
          + (f"; held-out claims in {args.pred_out}" if args.pred_out else ""),
          file=sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .train import DEFAULT_SEED, train

    out = Path(args.out)
    _check_out_folder(out)
    res = train(args.gold, out, conllu=args.conllu, seed=DEFAULT_SEED if args.seed is None else args.seed,
                stanza_dir=args.stanza_dir, cache=not args.no_cache)
    ex = res.model.config["examples"]
    print(f"trained on {res.documents} documents ({res.claims} required claims; {ex['cue']} cue, "
          f"{ex['speaker']} speaker-candidate and {ex['source_type']} source-type examples) "
          f"in {res.seconds:.1f} s; model written to {out}")
    return 0


def cmd_train_tagger(args: argparse.Namespace) -> int:
    import time

    from .ner_train import format_scores, train_from_folder

    out = Path(args.out)
    _check_out_folder(out)
    t0 = time.perf_counter()
    tagger = train_from_folder(args.data, out, seed=args.seed, log=lambda m: print(m, file=sys.stderr, flush=True))
    held = tagger.config["held_out"]
    print(f"held-out scores (exact spans; {held['data']}), sentence by sentence:")
    print(format_scores(held["scores_without_propagation"]))
    print(f"as articles ({held['articles']}; a confident person's name propagated through the article):")
    print(format_scores(held["scores"]))
    print(f"trained in {time.perf_counter() - t0:.0f} s; tagger written to {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import shlex

    from .report import build_report

    # The command as parsed (not sys.argv): the same options give the same provenance, however they were typed.
    command = ["claimkit", "report", *args.inputs, "--out", args.out] + (["--conllu"] if args.conllu else []) \
        + (["--title", args.title] if args.title else []) + (["--no-cache"] if args.no_cache else [])
    rep = build_report(args.inputs, args.out, conllu=args.conllu, title=args.title, stanza_dir=args.stanza_dir,
                       cache=not args.no_cache, command_line=shlex.join(command))
    print(f"report written to {rep.html} (notebook: {rep.notebook})", file=sys.stderr)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from .index_cli import index_cli

    return index_cli(args)


def cmd_download(args: argparse.Namespace) -> int:
    from .parsing import download

    d = download(args.stanza_dir)
    print(f"Stanza Arabic model ready in {d}", file=sys.stderr)
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    from . import cache

    if args.clear:
        n = cache.clear()
        print(f"removed {n} cached parse{'s' * (n != 1)} from {cache.cache_dir()}")
        return 0
    files = cache.entries()
    size = sum(f.stat().st_size for f in files if f.exists())
    print(f"{cache.cache_dir()}: {len(files)} cached parse{'s' * (len(files) != 1)}, {size / 1e6:.1f} MB")
    return 0


COMMANDS = {"analyze": cmd_analyze, "parse": cmd_parse, "evaluate": cmd_evaluate, "train": cmd_train,
            "train-tagger": cmd_train_tagger,
            "report": cmd_report, "grade": cmd_grade, "index": cmd_index,
            "download": cmd_download,
            "cache": cmd_cache}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    import signal
    import threading

    parser = build_parser()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(sys.stderr)
            return 2
        if getattr(args, "threads", None) is not None:
            from .parsing import set_threads

            set_threads(args.threads)
        if getattr(args, "exact_parse", False):
            from .parsing import exact_parse_mode

            with exact_parse_mode(True):
                return COMMANDS[args.command](args)
        return COMMANDS[args.command](args)
    except _Terminated:
        print("claimkit: terminated", file=sys.stderr)
        return 143
    except _UsageError as exc:
        print(f"claimkit: error: {exc}", file=sys.stderr)
        return 2
    except ClaimkitError as exc:
        print(f"claimkit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimkit: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BrokenPipeError:  # `claimkit analyze … | head`
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except OSError as exc:  # e.g. an output folder that is not writable
        print(f"claimkit: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
