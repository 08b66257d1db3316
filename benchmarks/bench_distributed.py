"""Benchmark: corpus throughput in one process and on Dask LocalClusters, and Dask's per-document overhead.

    python benchmarks/bench_distributed.py [--docs N] [--batch-size N] [--quick] [--json OUT.json]

Corpus: the gold texts of ``../shared/gold`` (the seed article and the PADT dev articles), or the
first ``--docs`` of them. With the Stanza model already loaded everywhere (model loading is timed
separately), it measures documents/s and words/s for:

1. **one process**, ``claimkit.analyze_corpus`` writing Parquet (what ``claimkit analyze DIR
   --out x.parquet`` does), with PyTorch using every core and with one thread;
2. **a LocalCluster of 1 and of 2 single-threaded worker processes**
   (:func:`claimkit.distributed.analyze_to_parquet`, one Parquet file per batch);
3. **Dask's per-document overhead**: the same runs on cached parses (no Stanza at all), so
   that what remains is reading, extraction, writing and scheduling. Overhead per document =
   (cluster of 1 on cached parses − one process on cached parses) / documents, compared with the
   parse time per document of the single-threaded process. Target: ≤ 5 %. Reported in wall-clock
   time and in CPU time (this process, which holds the client and the LocalCluster's scheduler,
   plus the workers): on a shared machine the CPU time is the steadier of the two.

It also prints each worker's resident memory after its run (model included) and the machine's load
average before and after each run: the numbers depend on what else runs. A temporary parse cache
is used; the user's cache is never touched.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"


def gold_texts(n: int | None) -> list[Path]:
    files = [GOLD / "libya_haftar_moscow_2016.ar.txt"] + sorted((GOLD / "padt_dev").glob("*.txt"))
    files = [p for p in files if p.is_file()]
    if not files:
        sys.exit(f"no gold texts in {GOLD}")
    return files[:n] if n else files


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def cpu_seconds() -> float:
    """CPU time (user + system, all threads) of this process so far."""
    t = os.times()
    return t.user + t.system


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def single_process(files: list[Path], out: Path, *, cache: bool, threads: int, batch_size: int) -> dict:
    from claimkit.corpus import analyze_corpus
    from claimkit.parsing import set_threads
    from claimkit.writers import RecordWriter

    set_threads(threads)
    before = load()
    t0, c0 = time.perf_counter(), cpu_seconds()
    words = docs = parse = 0.0
    with RecordWriter(out) as w:
        for r in analyze_corpus(files, cache=cache, batch_size=batch_size, progress=False):
            w.write(r.records())
            docs += 1
            words += r.words
            parse += r.parse_seconds
    secs, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    return {"seconds": secs, "cpu_seconds": cpu, "docs": docs, "words": words, "parse_seconds": parse,
            "load_before": before,
            "load_after": load(), "rss_mb": rss_mb()}


def cluster_run(client, files: list[Path], out: Path, *, cache: bool, batch_size: int) -> dict:
    from claimkit.distributed import analyze_to_parquet

    before = load()
    w0 = sum(client.run(cpu_seconds).values())
    t0, c0 = time.perf_counter(), cpu_seconds()  # this process: the client and the LocalCluster's scheduler
    run = analyze_to_parquet(files, out, client=client, cache=cache, batch_size=batch_size, progress=False)
    secs, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    cpu += sum(client.run(cpu_seconds).values()) - w0
    words = sum(r.words for r in run.results)
    worker_rss = client.run(rss_mb)
    return {"seconds": secs, "cpu_seconds": cpu, "docs": len(run.results), "words": words,
            "parse_seconds": sum(r.parse_seconds for r in run.results), "load_before": before, "load_after": load(),
            "worker_rss_mb": max(worker_rss.values()), "failures": len(run.failures)}


WARM_TEXT = "قال وزير الخارجية إن المحادثات ستستمر الأسبوع المقبل."


def warm_up() -> int:
    """One short parse, so that Stanza's first-call set-up is not timed."""
    import claimkit

    claimkit.parse(WARM_TEXT, cache=False)
    return os.getpid()


def copies(files: list[Path], k: int, folder: Path) -> list[Path]:
    """``k`` copies of each file under new names: same texts, so every parse is in the cache."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(k):
        for p in files:
            q = folder / f"{i:02d}-{p.name}"
            q.write_bytes(p.read_bytes())
            out.append(q)
    return out


def start_cluster(n: int, stanza_dir: str | None, preload: bool = True):
    from distributed import Client, LocalCluster

    from claimkit.distributed import WorkerSetup

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0")
    client = Client(cluster)
    started = time.perf_counter() - t0
    client.register_plugin(WorkerSetup(threads=1, preload=preload, stanza_dir=stanza_dir))  # load the model now
    loaded = time.perf_counter() - t0
    if preload:
        client.run(warm_up)
    threads = client.run(lambda: __import__("torch").get_num_threads()) if preload else {}
    return cluster, client, {"start_seconds": started, "start_and_model_seconds": loaded,
                             "worker_torch_threads": sorted(set(threads.values())),
                             "worker_rss_after_model_mb": max(client.run(rss_mb).values())}


def line(name: str, r: dict) -> str:
    extra = f"worker RSS {r['worker_rss_mb']:.0f} MB" if "worker_rss_mb" in r else f"RSS {r['rss_mb']:.0f} MB"
    return (f"{name:<38} {r['docs'] / r['seconds']:7.2f} docs/s {r['words'] / r['seconds']:8.0f} words/s "
            f"{r['seconds']:7.1f} s (CPU {r['cpu_seconds']:6.1f} s)  load {r['load_before']}→{r['load_after']}  {extra}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=None, help="use the first N gold texts (default: all)")
    ap.add_argument("--batch-size", type=int, default=4,
                    help="documents per Stanza call and per Dask task, the same in every run (default 4)")
    ap.add_argument("--skip-all-threads", action="store_true",
                    help="skip the one-process run with PyTorch on every core (slow on a busy machine)")
    ap.add_argument("--quick", action="store_true", help="4 short documents, to check that the benchmark runs")
    ap.add_argument("--stanza-dir", default=None)
    ap.add_argument("--json", metavar="OUT", help="also write the numbers as JSON")
    args = ap.parse_args(argv)
    if args.stanza_dir is None and not os.environ.get("STANZA_RESOURCES_DIR") and \
            (ROOT.parent / "shared" / "stanza_resources").is_dir():
        os.environ["STANZA_RESOURCES_DIR"] = str(ROOT.parent / "shared" / "stanza_resources")
    tmp = Path(tempfile.mkdtemp(prefix="claimkit-bench-dist-"))
    os.environ["CLAIMKIT_CACHE_DIR"] = str(tmp / "cache")  # set before any worker starts: workers share it
    sys.path.insert(0, str(ROOT))

    import torch

    import claimkit
    from claimkit.parsing import get_pipeline

    files = gold_texts(4 if args.quick else args.docs)
    cores = os.cpu_count() or 1
    res: dict = {"machine": {"cpu": platform.processor(), "cores": cores, "python": platform.python_version(),
                             "torch": torch.__version__, "claimkit": claimkit.__version__},
                 "docs": len(files), "chars": sum(len(p.read_text(encoding="utf-8")) for p in files),
                 "batch_size": args.batch_size}
    print(f"{len(files)} documents, {res['chars']} characters; {cores} cores; load average {load()}")

    t0 = time.perf_counter()
    get_pipeline(args.stanza_dir)
    res["single_model_load_seconds"] = time.perf_counter() - t0
    warm_up()
    bs = args.batch_size
    if not args.skip_all_threads:
        res["single_all_threads"] = single_process(files, tmp / "a.parquet", cache=False, threads=cores,
                                                   batch_size=bs)
        print(line(f"one process, {cores} threads", res["single_all_threads"]))
    res["single_1_thread"] = single_process(files, tmp / "b.parquet", cache=False, threads=1, batch_size=bs)
    print(line("one process, 1 thread", res["single_1_thread"]))

    for n in (1, 2):
        cluster, client, start = start_cluster(n, args.stanza_dir)
        try:
            res[f"cluster_{n}_start"] = start
            print(f"LocalCluster of {n}: started in {start['start_seconds']:.1f} s, model loaded on every worker "
                  f"after {start['start_and_model_seconds']:.1f} s; torch threads per worker "
                  f"{start['worker_torch_threads']}; worker RSS with the model {start['worker_rss_after_model_mb']:.0f} MB")
            # the last parsing run fills the cache for the cached runs below
            res[f"cluster_{n}"] = cluster_run(client, files, tmp / f"c{n}", cache=(n == 2), batch_size=args.batch_size)
            print(line(f"LocalCluster, {n} worker{'s' * (n > 1)} × 1 thread", res[f"cluster_{n}"]))
        finally:
            client.close()
            cluster.close()

    # cached parses: what is left is reading, extraction, writing and (for Dask) scheduling.
    # Each run is done twice and the second is timed (imports and first calls are not overhead).
    many = copies(files, 2 if args.quick else 8, tmp / "copies")
    single_process(many, tmp / "d.parquet", cache=True, threads=1, batch_size=bs)
    res["single_cached"] = single_process(many, tmp / "d.parquet", cache=True, threads=1, batch_size=bs)
    print(line(f"one process, cached parses ({len(many)} docs)", res["single_cached"]))
    for n in (1, 2):
        cluster, client, _ = start_cluster(n, None, preload=False)  # cached parses never load the model
        try:
            cluster_run(client, many, tmp / f"e{n}", cache=True, batch_size=args.batch_size)
            res[f"cluster_{n}_cached"] = cluster_run(client, many, tmp / f"e{n}", cache=True,
                                                     batch_size=args.batch_size)
            print(line(f"LocalCluster of {n}, cached parses", res[f"cluster_{n}_cached"]))
        finally:
            client.close()
            cluster.close()

    docs = len(files)
    parse_per_doc = res["single_1_thread"]["seconds"] / docs
    parse_cpu_per_doc = res["single_1_thread"]["cpu_seconds"] / docs
    overhead = (res["cluster_1_cached"]["seconds"] - res["single_cached"]["seconds"]) / len(many)
    overhead_cpu = (res["cluster_1_cached"]["cpu_seconds"] - res["single_cached"]["cpu_seconds"]) / len(many)
    speedup = res["cluster_1"]["seconds"] / res["cluster_2"]["seconds"]
    res["summary"] = {"parse_seconds_per_doc_1_thread": parse_per_doc, "parse_cpu_seconds_per_doc": parse_cpu_per_doc,
                      "dask_overhead_seconds_per_doc": overhead, "dask_overhead_share_of_parse": overhead / parse_per_doc,
                      "dask_overhead_cpu_seconds_per_doc": overhead_cpu,
                      "dask_overhead_cpu_share_of_parse": overhead_cpu / parse_cpu_per_doc,
                      "speedup_2_workers_over_1": speedup,
                      "cpu_seconds_2_workers_over_1": res["cluster_2"]["cpu_seconds"] / res["cluster_1"]["cpu_seconds"]}
    if "single_all_threads" in res:
        res["summary"]["speedup_2_workers_over_one_process_all_threads"] = \
            res["single_all_threads"]["seconds"] / res["cluster_2"]["seconds"]
    print(f"\nparse time per document (one thread): {parse_per_doc * 1000:.0f} ms wall, "
          f"{parse_cpu_per_doc * 1000:.0f} ms CPU")
    print(f"Dask overhead per document (cached parses, cluster of 1 minus one process): {overhead * 1000:.1f} ms wall "
          f"= {100 * overhead / parse_per_doc:.1f} % of parse time; {overhead_cpu * 1000:.1f} ms CPU (client, "
          f"scheduler and worker) = {100 * overhead_cpu / parse_cpu_per_doc:.1f} % (target ≤ 5 %)")
    print(f"2 single-threaded workers vs 1: {speedup:.2f}× in wall time (target ≥ 1.6×), "
          f"{res['summary']['cpu_seconds_2_workers_over_1']:.2f}× the CPU time for the same work; "
          f"load average now {load()}")
    if "single_all_threads" in res:
        print(f"2 single-threaded workers vs one process using {cores} threads: "
              f"{res['summary']['speedup_2_workers_over_one_process_all_threads']:.2f}×")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
