"""How long a click in the review widget takes on the kernel side (numbers printed, nothing asserted).

Each action of ``claimkit.review`` rewrites the whole gold file (atomically) and the widget then
redraws the article, the panel state and the reliance chart; adding a missed claim also re-runs
the extraction over the article's cached parse. Usage::

    python benchmarks/bench_review.py [ARTICLE.txt] [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import claimkit
from claimkit.review import Review

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("article", nargs="?", default=str(ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    text = Path(args.article).read_text(encoding="utf-8")
    analysis = claimkit.analyze(text, doc=Path(args.article).stem)
    folder = Path(tempfile.mkdtemp())
    path = folder / "bench.claims.jsonl"
    r = Review(analysis, path)
    r.speakers()   # parse (from the cache) once
    word = text.index(" ", len(text) // 2) + 1
    rows = [
        ("open a review (file written)", lambda: Review(analysis, folder / "open.claims.jsonl")),
        ("reopen and restore", lambda: Review(analysis, path)),
        ("reject + undo (two saves)", lambda: (r.reject(0), r.undo())),
        ("set a label + undo", lambda: (r.set_label(0, "hedging", "hedged"), r.undo())),
        ("add a missed claim + undo", lambda: (r.add_claim_at(word), r.undo())),
        ("speaker choices", r.speakers),
        ("reliance chart", r.reliance_figure),
    ]
    try:
        from claimkit.review_widget import ReviewWidget

        widget = ReviewWidget(Review(analysis, folder / "widget.claims.jsonl"))
        rows.append(("widget redraw (article, state, chart)", widget.refresh))
    except ImportError:
        pass
    print(f"{Path(args.article).name}: {len(text)} characters, {len(analysis)} claims; median of {args.repeat}")
    for name, fn in rows:
        print(f"  {name:40s} {timed(fn, args.repeat):8.1f} ms")


if __name__ == "__main__":
    main()
