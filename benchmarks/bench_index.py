"""Benchmark: the cross-article source index on a million synthetic claim records.

    python benchmarks/bench_index.py [--claims N] [--workers N] [--quick] [--skip-dask] [--json OUT.json]

The corpus is made up, from real name patterns (:func:`synthetic_claims`): articles of ten claims
each, quoting people under their full name, their surname alone, with a title ("وزير المالية
الأردني X"), in spelling variants (hamza written or not, ى/ي, ة/ه, أبو joined or not, doubled
letters), states as speakers (a country, its capital, its government), outlets, and unnamed
officials and anonymous sources in every article. No name is drawn from a treebank.

It builds the index

1. in this process, with pandas (:func:`claimkit.index.build` on a DataFrame);
2. on a Dask LocalCluster of ``--workers`` single-threaded worker processes (the same call on a
   Dask DataFrame: features per article partition, resolution per block of name keys);

checks that both give every mention the same source, and prints wall time, peak resident memory
of this process (and of each worker), and the sizes of the index. ``--quick`` uses 20,000 records.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Invented people: first names and family names in common Arabic news spellings; variants are derived below.
FIRST = ["أحمد", "محمد", "علي", "سليم", "كريم", "يوسف", "إبراهيم", "عمر", "خالد", "سامي", "نبيل", "هشام", "مصطفى",
         "عيسى", "وليد", "رامي", "فادي", "جمال", "ليلى", "سارة", "مريم", "هدى", "نادية", "أمل", "رشا", "جورج",
         "إيفان", "ديمتري", "يوهان", "أنطوان", "بيير", "ماريا", "فاطمة", "زينب", "حسين", "عبد الله", "عبد الرحمن",
         "أبو بكر", "طارق", "مازن"]
FAMILY = ["الخطيب", "أبو زيد", "الحسيني", "منصور", "حداد", "عيسى", "الأيوبي", "سلامة", "يعقوب", "بطرس", "الشامي",
          "أبو الخير", "المصري", "العلي", "نصار", "قاسم", "زيدان", "البرغوثي", "موسى", "الرفاعي", "كوبيلوف",
          "ستيفانوفيتش", "أوكونور", "مكارثي", "فيشر", "أنانيا", "عبيدات", "الكرمي", "أبو شقرة", "الدجاني"]
TITLES = ["وزير المالية", "وزير الخارجية", "رئيس الوزراء", "المتحدث باسم الحكومة", "رئيس البرلمان", "السفير",
          "مدير الشركة", "الأمين العام للحزب", "محافظ البنك المركزي", "الناطق باسم الجيش"]
COUNTRIES = [("الأردن", "الأردني", "عمان"), ("مصر", "المصري", "القاهرة"), ("سوريا", "السوري", "دمشق"),
             ("لبنان", "اللبناني", "بيروت"), ("العراق", "العراقي", "بغداد"), ("روسيا", "الروسي", "موسكو"),
             ("فرنسا", "الفرنسي", "باريس"), ("الصين", "الصيني", "بكين")]
OUTLETS = ["صحيفة الغد", "وكالة الأنباء الرسمية", "قناة الشرق", "إذاعة مونت كارلو", "صحيفة الأيام", "موقع الحدث"]
UNNAMED = [("مصدر مسؤول", "official"), ("مصادر مطلعة", "anonymous"), ("مراقبون", "anonymous"),
           ("مسؤول في الوزارة", "official"), ("دبلوماسي غربي", "official"), ("البيان", "document"),
           ("خبراء", "anonymous"), ("شهود عيان", "anonymous")]


def variant(name: str, rng: random.Random) -> str:
    """One spelling of a name: hamza dropped, ى/ي and ة/ه swapped, أبو joined, a doubled letter undone."""
    out = name
    if rng.random() < 0.3:
        out = out.replace("أ", "ا").replace("إ", "ا")
    if rng.random() < 0.2:
        out = out.replace("ى", "ي")
    if rng.random() < 0.2:
        out = out.replace("ة", "ه")
    if rng.random() < 0.2:
        out = out.replace("أبو ", "أبو").replace("عبد ", "عبد")
    if rng.random() < 0.1:
        out = out.replace("يي", "ي").replace("وو", "و")
    return out


def synthetic_claims(n: int, seed: int = 7) -> "pd.DataFrame":
    """``n`` claim records (ten per article) built from the name patterns above."""
    import pandas as pd

    rng = random.Random(seed)
    people = [(f, l) for f in FIRST for l in FAMILY]
    rng.shuffle(people)
    people = people[:600]
    weights = [1 / (k + 1) for k in range(len(people))]   # a few people are quoted everywhere
    docs, entities, types, aliases, hedging = [], [], [], [], []
    n_docs = max(1, n // 10)
    for d in range(n_docs):
        doc = f"art{d:07d}"
        first, family = rng.choices(people, weights)[0]
        title = rng.choice(TITLES)
        country = rng.choice(COUNTRIES)
        full = variant(f"{first} {family}", rng)
        forms = [full, f"{title} {country[1]} {full}"]
        if rng.random() < 0.3:
            forms.append(variant(family, rng))
        picks = [(full if rng.random() < 0.8 else variant(family, rng), "person", forms)] * 4
        other = rng.choices(people, weights)[0]
        picks += [(variant(" ".join(other), rng), "person", [variant(" ".join(other), rng)])] * 2
        state = rng.choice([country[0], country[2], "الحكومة " + country[1].removesuffix("ي") + "ية"])
        picks.append((state, "organization", [state]))
        outlet = rng.choice(OUTLETS)
        picks.append((outlet, "media", [outlet]))
        for phrase, stype in rng.sample(UNNAMED, 2):
            picks.append((phrase, stype, [phrase]))
        for entity, stype, al in picks[:10]:
            docs.append(doc)
            entities.append(entity)
            types.append(stype)
            aliases.append(al)
            hedging.append(rng.choice((0, 1, 1, 1, 2, 3)))
    return pd.DataFrame({"doc": docs, "entity": entities, "source_type": types, "entity_aliases": aliases,
                         "hedging_level": hedging}).head(n)


def peak_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def own_peak_mb() -> float:
    """Peak resident memory of this process's own image (VmHWM, MB). Unlike ``ru_maxrss`` it does not
    carry the parent's peak over a fork and exec, so it is the right measure for a Dask worker process."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_mb()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=0, help="Dask partitions (default: one per 50,000 records)")
    ap.add_argument("--quick", action="store_true", help="20,000 records: checks that the benchmark runs")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--json", metavar="OUT.json")
    args = ap.parse_args(argv)
    n = 20_000 if args.quick else args.claims

    from claimkit import index as ix

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()}")
    stack = contextlib.ExitStack()
    client = None
    if not args.skip_dask:   # started first, so that the workers begin small
        from distributed import Client, LocalCluster

        cluster = stack.enter_context(LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                                   host="127.0.0.1", dashboard_address=None))
        client = stack.enter_context(Client(cluster))
    t = time.perf_counter()
    claims = synthetic_claims(n)
    print(f"synthetic corpus: {len(claims):,} claims in {claims['doc'].nunique():,} articles "
          f"({time.perf_counter() - t:.1f} s to generate); peak RSS {peak_mb():,.0f} MB")
    results: dict[str, object] = {"claims": len(claims), "articles": int(claims["doc"].nunique())}

    t = time.perf_counter()
    local = ix.build(claims)
    secs = time.perf_counter() - t
    s = local.stats
    results["pandas"] = {"seconds": round(secs, 1), "peak_rss_mb": round(peak_mb()), **s}
    print(f"one process (pandas): {secs:.1f} s, peak RSS {peak_mb():,.0f} MB; {s['mentions']:,} mentions → "
          f"{s['sources']:,} sources, {s['merges']:,} merges ({s['refused_merges']:,} refused)")

    if client is not None:
        import dask.dataframe as dd

        parts = args.partitions or max(1, len(claims) // 50_000)
        with stack:
            t = time.perf_counter()
            dist = ix.build(dd.from_pandas(claims, npartitions=parts))
            secs = time.perf_counter() - t
            workers = client.run(own_peak_mb)
        same = dist.mentions[["mention_id", "source_id"]].reset_index(drop=True).equals(
            local.mentions[["mention_id", "source_id"]].reset_index(drop=True))
        results["dask"] = {"seconds": round(secs, 1), "workers": args.workers, "partitions": parts,
                           "client_peak_rss_mb": round(peak_mb()),
                           "worker_peak_rss_mb": [round(v) for v in workers.values()], "same_result": same}
        print(f"Dask LocalCluster, {args.workers} workers × 1 thread, {parts} partitions: {secs:.1f} s; "
              f"worker peak RSS {', '.join(f'{v:,.0f}' for v in workers.values())} MB; "
              f"same sources as one process: {same}")
        if not same:
            print("ERROR: the Dask index differs from the single-process one", file=sys.stderr)
            return 1
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
