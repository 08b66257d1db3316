"""Benchmark: parse and extraction speed, memory against corpus size, warm-cache re-run.

    python benchmarks/bench_pipeline.py [--max-chars N] [--quick] [--json OUT.json]

What it measures (with the Stanza model from --stanza-dir / STANZA_RESOURCES_DIR):

1. **Parsing** — Stanza on each document of a corpus built from the texts at hand
   (the seed article, the gold texts, and concatenations of their paragraphs of 10k,
   20k, 40k… characters while the corpus stays within ``--max-chars``, default
   200,000): syntactic words per second.
2. **Extraction alone** — claimkit's own work on the same parses (the rules' proposals and the
   shipped model's decisions): words per second, extraction time as a share of parse time
   (target: at most 10 %), the same for the rules alone, and the time to load the shipped
   model folder (target: under 1 s).
3. **Memory against corpus size** — :func:`claimkit.analyze_corpus` streaming 1, 2, 4,
   8 distinct documents (no cache) to a JSONL file, with the model already loaded: the
   process's resident memory before each run and its peak during the run (Linux resets
   the peak mark between runs; elsewhere tracemalloc's Python peak is shown).
   Target: flat in the number of documents.
4. **Warm-cache re-run** — ``claimkit analyze SEED --format jsonl`` as a whole new
   process once its parse is cached (target: under 1 s). ``--quick`` times a short
   text instead of the seed.
5. **One long article** — ``claimkit analyze LONG.txt --out …`` as a new process on an
   article of ``--long-chars`` characters (default 1,700,000; 12,000 with ``--quick``; 0
   skips it) made of the texts' paragraphs, shuffled anew on every pass so that it reads
   like one long varied article: the process's peak resident memory (model included; the
   kernel's figure for that child alone) and its wall time. Target: ≤ 1 GB at any length
   (the article is parsed in blocks of paragraphs).

``--quick`` shrinks everything (a few small documents) so that CI can run it in
seconds. The run uses a temporary parse cache and never touches the user's cache.
Timings depend on the machine and on other load; the machine is printed first.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict:
    """CPU model, core count, Python, PyTorch threads and library versions."""
    model = platform.processor() or ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), model)
    except (OSError, subprocess.SubprocessError):
        pass
    import stanza
    import torch

    import claimkit

    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "stanza": stanza.__version__,
            "claimkit": claimkit.__version__}


def source_texts() -> dict[str, str]:
    """The seed article and the gold texts available in the checkout."""
    found: dict[str, str] = {}
    for folder in (ROOT / "seeds", ROOT.parent / "shared" / "gold"):
        for p in sorted(folder.glob("*.txt")):
            if p.name.endswith("sent_ids.txt") or p.stem in found:
                continue
            found[p.stem] = p.read_text(encoding="utf-8")
    if not found:
        sys.exit("no texts found (seeds/*.txt, ../shared/gold/*.txt)")
    return found


def paragraphs(texts: dict[str, str]) -> list[str]:
    """Paragraphs with enough Arabic to be article text (boilerplate lines dropped)."""
    from claimkit.normalize import arabic_ratio

    out = []
    for t in texts.values():
        for para in t.split("\n"):
            para = para.strip()
            if len(para.split()) >= 6 and arabic_ratio(para) > 0.8:
                out.append(para)
    return out


def short_paragraphs(paras: list[str]) -> list[str]:
    """Paragraphs under 300 characters (the PUD sentences), for the small documents of --quick."""
    return [p for p in paras if len(p) < 300] or paras


def concatenation(paras: list[str], chars: int, offset: int = 0) -> str:
    """About ``chars`` characters of paragraphs, starting at paragraph ``offset`` (cycling)."""
    out, n, i = [], 0, offset
    while n < chars:
        p = paras[i % len(paras)]
        out.append(p)
        n += len(p) + 2
        i += 1
    return "\n\n".join(out) + "\n"


def build_corpus(texts: dict[str, str], max_chars: int, quick: bool) -> list[tuple[str, str]]:
    paras = paragraphs(texts)
    docs: list[tuple[str, str]] = []
    if quick:
        docs.append(("paragraphs-1k", concatenation(short_paragraphs(paras), 1000)))
        return docs
    total = 0
    for name, t in texts.items():
        if total + len(t) <= max_chars:
            docs.append((name, t))
            total += len(t)
    size = 10_000
    while total + size <= max_chars:  # 10k, 20k, 40k, … while the corpus stays within max_chars
        docs.append((f"concat-{size // 1000}k", concatenation(paras, size, offset=size // 1000)))
        total += len(docs[-1][1])
        size *= 2
    return docs


def timed_extract(parsed, doc: str, min_seconds: float = 0.2, model: str = "default") -> float:
    """Seconds for one extraction (repeated until ``min_seconds`` have passed, for small docs)."""
    from claimkit.extract import extract

    n, t0 = 0, time.perf_counter()
    while True:
        extract(parsed, doc=doc, model=model)
        n += 1
        el = time.perf_counter() - t0
        if el >= min_seconds or n >= 50:
            return el / n


class StageTimer:
    """Wall and CPU seconds spent in each processor of a Stanza pipeline (and in the parser's
    tree decoding), by wrapping the processors' entry points on this pipeline object only."""

    def __init__(self, nlp) -> None:
        import collections

        self.wall: collections.Counter = collections.Counter()
        self.cpu: collections.Counter = collections.Counter()
        self.active = True
        for name, proc in nlp.processors.items():
            proc.bulk_process = self._wrap(proc.bulk_process, name)
        model = getattr(getattr(nlp.processors.get("depparse"), "trainer", None), "model", None)
        if model is not None and hasattr(model, "decode_graph_predictions"):
            model.decode_graph_predictions = self._wrap(model.decode_graph_predictions, "depparse: tree decoding")

    def _wrap(self, fn, name):
        def timed(*a, **k):
            if not self.active:
                return fn(*a, **k)
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                self.wall[name] += time.perf_counter() - t0
                self.cpu[name] += time.process_time() - c0
        return timed


def forget(nlp) -> None:
    """Empty the fast pipeline's remembered MWT expansions and lemmas, so that each document
    is timed as if it were the first (the corpus reuses paragraphs across its documents)."""
    for proc in nlp.processors.values():
        memo = getattr(proc, "_memo", None)
        if memo is not None:
            memo.clear()


def bench_parse(docs: list[tuple[str, str]], stanza_dir: str | None, rounds: int = 2) -> dict:
    """Per document: words, parse seconds of the reference (exact) and default (fast) parse,
    extraction seconds (shipped model; rules alone) on the default parse.

    The two parses are timed in the same run, interleaved document by document (the order
    swapped every other time: A/B, B/A, …) for ``rounds`` rounds, so that load from other
    jobs falls on both alike. Wall-clock and the process.s CPU seconds are both kept (CPU
    seconds are less disturbed by a shared machine), with the time of each processor.
    """
    from claimkit.clean import clean
    from claimkit.model import DEFAULT_MODEL_DIR, Model
    from claimkit.parsing import get_pipeline, model_identity, parse_many, resolve_stanza_dir
    from claimkit.treebank import from_stanza

    d = resolve_stanza_dir(stanza_dir)
    modes = {"reference": True, "default": False}   # exact_parse of each
    loads, timers = {}, {}
    for label, exact in modes.items():
        t0 = time.perf_counter()
        timers[label] = StageTimer(get_pipeline(d, exact=exact))
        loads[label] = time.perf_counter() - t0
    model_id = model_identity(d, exact=False)
    warm_text = clean("قال الوزير إن المحادثات كانت جيدة.")
    for label, exact in modes.items():   # warm-up: the parsers, then the lexicons
        timers[label].active = False
        (warm,) = parse_many([warm_text.text], d, exact)
        timers[label].active = True
    forget(get_pipeline(d, exact=False))
    warm_parsed = from_stanza(warm, warm_text, model=model_id)
    timed_extract(warm_parsed, "warm-up", min_seconds=0.0)
    timed_extract(warm_parsed, "warm-up", min_seconds=0.0, model="rules")
    t0 = time.perf_counter()
    Model.from_disk(DEFAULT_MODEL_DIR)
    model_load = time.perf_counter() - t0
    cleaned = [(name, text, clean(text)) for name, text in docs]
    seconds = {label: [0.0] * len(docs) for label in modes}
    cpu = {label: [0.0] * len(docs) for label in modes}
    parsed_docs: list = [None] * len(docs)
    for r in range(rounds):
        for i, (name, text, ct) in enumerate(cleaned):
            order = list(modes.items()) if (i + r) % 2 == 0 else list(modes.items())[::-1]
            for label, exact in order:
                if not exact:
                    forget(get_pipeline(d, exact=False))
                t0, c0 = time.perf_counter(), time.process_time()
                (sdoc,) = parse_many([ct.text], d, exact)
                seconds[label][i] += time.perf_counter() - t0
                cpu[label][i] += time.process_time() - c0
                if not exact and parsed_docs[i] is None:
                    parsed_docs[i] = from_stanza(sdoc, ct, model=model_id)
                del sdoc
    rows = []
    for i, (name, text, _) in enumerate(cleaned):
        parsed = parsed_docs[i]
        words = sum(len(s.words) for s in parsed.sents)
        ref_s, parse_s = seconds["reference"][i] / rounds, seconds["default"][i] / rounds
        ext_s = timed_extract(parsed, name)
        rules_s = timed_extract(parsed, name, model="rules")
        rows.append({"doc": name, "chars": len(text), "words": words, "reference_parse_s": ref_s, "parse_s": parse_s,
                     "reference_cpu_s": cpu["reference"][i] / rounds, "cpu_s": cpu["default"][i] / rounds,
                     "extract_s": ext_s, "rules_s": rules_s})
        print(f"  {name:32} {len(text):>8,} chars {words:>7,} words  parse: reference {words / ref_s:6.0f} w/s, "
              f"default {words / parse_s:6.0f} w/s ({ref_s / parse_s:.2f}x)  extract {ext_s * 1000:8.2f} ms "
              f"({ext_s / parse_s:.2%})", flush=True)
    words = sum(r["words"] for r in rows)
    ref_s = sum(r["reference_parse_s"] for r in rows)
    parse_s = sum(r["parse_s"] for r in rows)
    ref_cpu, fast_cpu = sum(r["reference_cpu_s"] for r in rows), sum(r["cpu_s"] for r in rows)
    ext_s = sum(r["extract_s"] for r in rows)
    rules_s = sum(r["rules_s"] for r in rows)
    stages = {name: {"reference_cpu_s": timers["reference"].cpu[name] / rounds,
                     "default_cpu_s": timers["default"].cpu[name] / rounds,
                     "reference_wall_s": timers["reference"].wall[name] / rounds,
                     "default_wall_s": timers["default"].wall[name] / rounds}
              for name in timers["reference"].cpu}
    return {"model_load_s": loads["default"], "reference_model_load_s": loads["reference"],
            "claimkit_model_load_s": model_load, "rules_over_parse": rules_s / parse_s, "rounds": rounds,
            "docs": rows, "words": words, "parse_s": parse_s, "reference_parse_s": ref_s, "extract_s": ext_s,
            "parse_words_per_s": words / parse_s, "reference_words_per_s": words / ref_s,
            "speedup": ref_s / parse_s, "cpu_speedup": ref_cpu / fast_cpu, "stages": stages,
            "extract_words_per_s": words / ext_s if ext_s else float("inf"), "extract_over_parse": ext_s / parse_s}


def article_texts(limit: int) -> list[tuple[str, str]]:
    """Up to ``limit`` distinct newswire articles: the gold PADT documents (dev, then train)."""
    out = []
    for folder in ("padt_dev", "padt_train"):
        for p in sorted((ROOT.parent / "shared" / "gold" / folder).glob("*.txt")):
            out.append((p.stem, p.read_text(encoding="utf-8")))
    return out[:limit]


def bench_articles(docs: list[tuple[str, str]], stanza_dir: str | None) -> dict:
    """A corpus run over distinct articles: reference and default parse, interleaved by
    article, the default keeping what it remembered from earlier articles (as
    :func:`claimkit.analyze_corpus` does in one process). Words/s of each and their ratio."""
    from claimkit.clean import clean
    from claimkit.parsing import get_pipeline, parse_many, resolve_stanza_dir

    d = resolve_stanza_dir(stanza_dir)
    forget(get_pipeline(d, exact=False))
    wall = {True: 0.0, False: 0.0}
    cpu = {True: 0.0, False: 0.0}
    words = 0
    for i, (_, text) in enumerate(docs):
        ct = clean(text).text
        for exact in ((True, False) if i % 2 == 0 else (False, True)):
            t0, c0 = time.perf_counter(), time.process_time()
            (sdoc,) = parse_many([ct], d, exact)
            wall[exact] += time.perf_counter() - t0
            cpu[exact] += time.process_time() - c0
            if exact:
                words += sum(len(s.words) for s in sdoc.sentences)
            del sdoc
    return {"articles": len(docs), "words": words, "reference_words_per_s": words / wall[True],
            "default_words_per_s": words / wall[False], "speedup": wall[True] / wall[False],
            "cpu_speedup": cpu[True] / cpu[False]}


def print_stages(parse: dict) -> None:
    """CPU seconds per processor, reference and default, and what each lever saved there."""
    levers = {"tokenize": "(unchanged)",
              "mwt": "dictionary first, each distinct token once, larger batches",
              "pos": "vocabulary look-ups remembered",
              "lemma": "each distinct (word, tag) once, one tolist per decoder step, larger batches",
              "depparse": "vocabulary look-ups remembered; pairwise scores as one matrix product, int8 for the "
                          "label scorer; decoding below",
              "depparse: tree decoding": "greedy tree kept when single-rooted, cycle search over lists "
                                         "(part of depparse)"}
    ref_total = sum(v["reference_cpu_s"] for k, v in parse["stages"].items() if ":" not in k)
    print(f"  where the time goes (CPU seconds per pass over the corpus; {parse['rounds']} passes averaged):")
    for name, v in parse["stages"].items():
        saved = v["reference_cpu_s"] - v["default_cpu_s"]
        print(f"    {name:24} reference {v['reference_cpu_s']:6.2f} s ({v['reference_cpu_s'] / ref_total:5.1%})  "
              f"default {v['default_cpu_s']:6.2f} s  saved {saved:5.2f} s "
              f"({saved / ref_total:5.1%} of the reference)  {levers.get(name, '')}")


def rss_mb() -> float:
    """The process's peak resident memory so far (MB)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 / 1024 if sys.platform == "darwin" else r / 1024


def _status_kb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux: write 5 to /proc/self/clear_refs); False when unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_kb("VmHWM") is not None
    except OSError:
        return False


def bench_memory(paras: list[str], sizes: list[int], doc_chars: int, stanza_dir: str | None, workdir: Path) -> list[dict]:
    """Stream corpora of increasing size through analyze_corpus; peak memory of each run.

    Peak resident memory is measured per run on Linux (the kernel's high-water mark is
    reset before each run); elsewhere, and in addition, the peak of Python allocations
    is taken with tracemalloc on the smallest and largest run only (it slows Stanza down).
    """
    import claimkit
    from claimkit.writers import RecordWriter

    rows = []
    made = 0
    for n in sizes:
        folder = workdir / f"corpus-{n}"
        folder.mkdir()
        for i in range(n):  # distinct documents, so each one is really parsed
            (folder / f"doc{i:04d}.txt").write_text(f"الوثيقة رقم {made}.\n\n" + concatenation(paras, doc_chars, made),
                                                  encoding="utf-8")
            made += 1
        gc.collect()
        base = (_status_kb("VmRSS") or 0) / 1024
        have_hwm = reset_peak_rss()
        trace = n in (sizes[0], sizes[-1]) and not have_hwm
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        words = 0
        with RecordWriter(workdir / f"claims-{n}.jsonl") as w:
            for r in claimkit.analyze_corpus(folder, cache=False, stanza_dir=stanza_dir, progress=False, batch_size=4):
                words += r.words
                w.write(r.records())
        el = time.perf_counter() - t0
        py_peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
        if trace:
            tracemalloc.stop()
        peak = (_status_kb("VmHWM") or 0) / 1024 if have_hwm else rss_mb()
        rows.append({"docs": n, "chars": n * doc_chars, "words": words, "seconds": el, "rss_before_mb": base,
                     "peak_rss_mb": peak, "run_growth_mb": peak - base, "python_peak_mb": py_peak})
        extra = f"  Python peak {py_peak:6.1f} MB" if py_peak is not None else ""
        print(f"  {n:>3} docs {n * doc_chars:>8,} chars {words:>6,} words {el:7.1f} s  RSS before {base:6.0f} MB, "
              f"peak during run {peak:6.0f} MB (+{peak - base:.0f}){extra}", flush=True)
    return rows


def claimkit_command() -> list[str]:
    exe = Path(sys.executable).with_name("claimkit")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from claimkit.cli import main; sys.exit(main())"]


def bench_warm(path: Path, cache_dir: Path, stanza_dir: str | None, runs: int) -> dict:
    """``runs`` runs of ``claimkit analyze PATH --format jsonl`` as new processes, its parse cached.

    The cache is filled in this process first (the model is loaded already), so only warm
    runs are timed; the first warm run is a discarded warm-up of the file-system cache.
    """
    import claimkit

    env = dict(os.environ, CLAIMKIT_CACHE_DIR=str(cache_dir))
    old = os.environ.get("CLAIMKIT_CACHE_DIR")
    os.environ["CLAIMKIT_CACHE_DIR"] = str(cache_dir)
    try:
        t0 = time.perf_counter()
        n_claims = len(claimkit.analyze(path.read_text(encoding="utf-8"), stanza_dir=stanza_dir))
        cold = time.perf_counter() - t0
    finally:
        if old is None:
            os.environ.pop("CLAIMKIT_CACHE_DIR", None)
        else:
            os.environ["CLAIMKIT_CACHE_DIR"] = old
    cmd = claimkit_command() + ["analyze", str(path), "--format", "jsonl"]
    if stanza_dir:
        cmd += ["--stanza-dir", stanza_dir]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    assert len(out.splitlines()) == n_claims
    warm = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        warm.append(time.perf_counter() - t0)
    print(f"  {path.name}: {n_claims} claims; parse+extract in-process (model loaded) {cold:.2f} s; "
          f"new process, cache warm: median {statistics.median(warm):.3f} s "
          f"(min {min(warm):.3f}, max {max(warm):.3f}, {runs} runs)", flush=True)
    return {"file": path.name, "claims": n_claims, "in_process_cold_s": cold, "warm_median_s": statistics.median(warm), "warm_min_s": min(warm),
            "warm_max_s": max(warm)}


def long_article(paras: list[str], chars: int, seed: int = 0) -> str:
    """About ``chars`` characters of paragraphs, each pass over them in a new random order."""
    import random

    rng = random.Random(seed)
    out, n = [], 0
    while n < chars:
        order = paras[:]
        rng.shuffle(order)
        for p in order:
            out.append(p)
            n += len(p) + 2
            if n >= chars:
                break
    return "\n\n".join(out) + "\n"


def bench_long(paras: list[str], chars: int, stanza_dir: str | None, workdir: Path, threads: int | None) -> dict:
    """Peak RSS (this child alone, via wait4) and wall time of ``claimkit analyze`` on one long article."""
    path = workdir / "long.txt"
    path.write_text(long_article(paras, chars), encoding="utf-8")
    out = workdir / "long.jsonl"
    cmd = claimkit_command() + ["analyze", str(path), "--out", str(out), "--no-cache", "--max-chars", "0"]
    if stanza_dir:
        cmd += ["--stanza-dir", stanza_dir]
    if threads:
        cmd += ["--threads", str(threads)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    el = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"claimkit failed on the long article ({proc.returncode}): {err[-500:]}")
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    n_claims = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"  {chars:,} characters: {n_claims:,} claims in {el:.1f} s, peak RSS {peak:.0f} MB "
          f"(model included; target ≤ 1024 MB)", flush=True)
    return {"chars": len(path.read_text(encoding="utf-8")), "claims": n_claims, "seconds": el, "peak_rss_mb": peak,
            "threads": threads}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-chars", type=int, default=200_000, help="size of the parsing corpus (characters)")
    ap.add_argument("--quick", action="store_true", help="small sizes, for CI")
    ap.add_argument("--stanza-dir", default=None)
    ap.add_argument("--json", metavar="OUT", help="also write the numbers as JSON")
    ap.add_argument("--long-chars", type=int, default=None,
                    help="length of the long article of part 5 (default 1,700,000; --quick 12,000; 0 skips)")
    ap.add_argument("--only-long", action="store_true", help="run part 5 alone")
    ap.add_argument("--threads", type=int, default=None, help="--threads for the long-article run")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the parsing corpus (reference and default "
                    "interleaved in each)")
    ap.add_argument("--parse-only", action="store_true", help="parts 1-2 alone")
    ap.add_argument("--articles", type=int, default=0, metavar="N",
                    help="also time a corpus run over N distinct articles (the gold PADT texts; 0: skip)")
    args = ap.parse_args(argv)
    long_chars = args.long_chars if args.long_chars is not None else (12_000 if args.quick else 1_700_000)
    if args.only_long:
        work = Path(tempfile.mkdtemp(prefix="claimkit-bench-"))
        try:
            print(f"5. one long article ({long_chars:,} characters) as a new process")
            long = bench_long(paragraphs(source_texts()), long_chars, args.stanza_dir, work, args.threads)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if args.json:
            Path(args.json).write_text(json.dumps({"long": long}, indent=2), encoding="utf-8")
        return 0

    m = machine()
    print(f"machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, torch {m['torch']} "
          f"({m['torch_threads']} threads), Stanza {m['stanza']}, claimkit {m['claimkit']}")
    texts = source_texts()
    docs = build_corpus(texts, args.max_chars, args.quick)
    print(f"\n1-2. parsing and extraction ({len(docs)} documents, {sum(len(t) for _, t in docs):,} characters)")
    print(f"  load: {os.getloadavg()[0]:.2f} (1-minute load average) on {os.cpu_count()} cores")
    parse = bench_parse(docs, args.stanza_dir, rounds=args.rounds)
    print(f"  parse: reference (--exact-parse) {parse['reference_words_per_s']:.0f} words/s, default "
          f"{parse['parse_words_per_s']:.0f} words/s: {parse['speedup']:.2f}x wall clock, {parse['cpu_speedup']:.2f}x CPU time")
    print_stages(parse)
    if args.articles:
        arts = article_texts(args.articles)
        print(f"\n1b. a corpus run over {len(arts)} distinct articles (gold PADT texts), load "
              f"{os.getloadavg()[0]:.2f}")
        articles = bench_articles(arts, args.stanza_dir)
        parse["articles"] = articles
        print(f"  {articles['words']:,} words: reference {articles['reference_words_per_s']:.0f} words/s, default "
              f"{articles['default_words_per_s']:.0f} words/s: {articles['speedup']:.2f}x wall clock, "
              f"{articles['cpu_speedup']:.2f}x CPU time (MWT expansions and lemmas remembered across articles)")
    print(f"  model load {parse['model_load_s']:.1f} s; parse {parse['parse_words_per_s']:.0f} words/s; "
          f"extraction {parse['extract_words_per_s']:.0f} words/s; extraction/parse {parse['extract_over_parse']:.2%} "
          f"(rules alone {parse['rules_over_parse']:.2%}); claimkit model load {parse['claimkit_model_load_s'] * 1000:.0f} ms")

    if args.parse_only:
        if args.json:
            Path(args.json).write_text(json.dumps({"machine": m, "parse": parse}, indent=2), encoding="utf-8")
        return 0
    work = Path(tempfile.mkdtemp(prefix="claimkit-bench-"))
    try:
        sizes, doc_chars = ([1, 2], 300) if args.quick else ([1, 2, 4, 8], 4000)
        print(f"\n3. memory against corpus size (documents of ~{doc_chars:,} characters, streamed to JSONL)")
        paras = paragraphs(texts)
        memory = bench_memory(short_paragraphs(paras) if args.quick else paras, sizes, doc_chars, args.stanza_dir, work)
        growth = memory[-1]["run_growth_mb"] - memory[0]["run_growth_mb"]
        print(f"  growth of the per-run peak from {sizes[0]} to {sizes[-1]} documents: {growth:+.0f} MB")

        print("\n4. warm-cache re-run as a new process")
        if args.quick:
            target = work / "small.txt"
            target.write_text(concatenation(short_paragraphs(paras), 600), encoding="utf-8")
        else:
            target = ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt"
        warm = bench_warm(target, work / "cache", args.stanza_dir, runs=3 if args.quick else 5)

        long = None
        if long_chars:
            print(f"\n5. one long article ({long_chars:,} characters) as a new process")
            long = bench_long(paras, long_chars, args.stanza_dir, work, args.threads)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {"machine": m, "quick": args.quick, "parse": parse, "memory": memory, "memory_growth": growth,
              "warm": warm, "long": long}
    print("\nsummary")
    print(f"  parse {parse['parse_words_per_s']:.0f} words/s (reference {parse['reference_words_per_s']:.0f}: "
          f"{parse['speedup']:.2f}x), extraction {parse['extract_words_per_s']:.0f} words/s, "
          f"extraction/parse {parse['extract_over_parse']:.2%} (target ≤ 10%; rules alone "
          f"{parse['rules_over_parse']:.2%}); shipped model loads in {parse['claimkit_model_load_s'] * 1000:.0f} ms "
          f"(target < 1 s)")
    print(f"  memory: peak RSS during a run {memory[0]['peak_rss_mb']:.0f} MB at {sizes[0]} doc, "
          f"{memory[-1]['peak_rss_mb']:.0f} MB at {sizes[-1]} docs (model included)")
    print(f"  warm-cache `claimkit analyze {warm['file']}`: {warm['warm_median_s']:.3f} s (target < 1 s)")
    if long:
        print(f"  long article {long['chars']:,} characters: {long['seconds']:.1f} s, peak RSS "
              f"{long['peak_rss_mb']:.0f} MB (target ≤ 1024 MB)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
