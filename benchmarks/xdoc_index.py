"""Cross-article source index built from held-out claims, scored on the hand-resolved xdoc gold.

    claimkit evaluate --gold ../shared/gold/padt_dev --gold ../shared/gold/padt_train --cv 5 \\
        [--conllu] --pred-out held_out.jsonl
    python benchmarks/xdoc_index.py held_out.jsonl [--errors]

The claims come from ``--pred-out``: each document analysed by a model that never trained on
it, so the index is scored as it would be on news nobody annotated. Gold pairs are mapped to
predicted sources by cue overlap (``claimkit.index_eval.score_predicted_index``); pairwise
precision and recall are over cross-document pairs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimkit.evaluate import load_gold, load_jsonl  # noqa: E402
from claimkit.index import build  # noqa: E402
from claimkit.index_eval import load_entities, score_predicted_index  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    gold_dir = ROOT.parent / "shared" / "gold"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pred", help="held-out claims (claimkit evaluate --cv K --pred-out FILE)")
    ap.add_argument("--gold", action="append", default=None, help="gold claim folders (default: padt_dev, padt_train)")
    ap.add_argument("--xdoc", default=str(gold_dir / "xdoc" / "entities.jsonl"))
    ap.add_argument("--errors", action="store_true", help="list the false and missed merges")
    args = ap.parse_args(argv)
    import pandas as pd

    gold_claims: list[dict] = []
    for g in args.gold or [gold_dir / "padt_dev", gold_dir / "padt_train"]:
        gold_claims += load_gold(g)[0]
    pred = load_jsonl(args.pred)
    index = build(pd.DataFrame(pred))
    scores = score_predicted_index(index, load_entities(args.xdoc), gold_claims, pred)
    report = scores.report()
    print(report if args.errors else report.splitlines()[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
