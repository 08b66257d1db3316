"""Learning curve: cross-validated accuracy with 25 / 50 / 75 / 100 % of the training documents.

    python benchmarks/learning_curve.py [--gold DIR ...] [--conllu] [--k 5] [--json OUT.json]

For each share, 5-fold cross-validation by document (``claimkit.train.cross_validate``) trains
every fold on that share of its training documents (a seeded sample) and scores the held-out
fold, so the numbers say whether more annotated documents would still help. Defaults: the
123 PADT newswire documents of ``../shared/gold`` from their gold trees.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimkit.train import cross_validate  # noqa: E402

SHARES = (0.25, 0.5, 0.75, 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    shared = ROOT.parent / "shared" / "gold"
    ap.add_argument("--gold", action="append", default=None)
    ap.add_argument("--conllu", action=argparse.BooleanOptionalAction, default=True,
                    help="gold trees (default) or --no-conllu for Stanza parses of the texts")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args(argv)
    golds = args.gold or [str(shared / "padt_dev"), str(shared / "padt_train")]
    rows = []
    print(f"{'share':>6} {'train docs':>10} {'attribution F1':>15} {'entity':>7} {'cue F1':>7}   rules: attribution F1")
    for share in SHARES:
        t0 = time.perf_counter()
        res = cross_validate(golds, args.k, conllu=args.conllu, fraction=share)
        n = sum(f["train_documents"] for f in res["folds"]) / len(res["folds"])
        L, R = res["learned"], res["rules"]
        rows.append({"share": share, "train_documents": n, "learned": L, "rules": R,
                     "seconds": time.perf_counter() - t0})
        print(f"{share:>6.0%} {n:>10.0f} {L['attribution_F1']:>15.3f} {L['entity_acc']:>7.3f} {L['cue_F1']:>7.3f}"
              f"   {R['attribution_F1']:.3f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
