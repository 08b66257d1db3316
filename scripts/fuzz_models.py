"""Damaged model folders: every one must load or raise ``ModelError``, never another exception.

    python scripts/fuzz_models.py [--n 200] [--seed 0]

Each case copies the shipped model folder (``claimkit/models/default``) and damages it one
way — a file truncated at a random byte, emptied, deleted, replaced by random bytes or by
another JSON value, a weight turned into a string, ``NaN`` or a huge number, a class list
shortened, the format, version or feature version changed, keys added or removed — then loads
it with :meth:`claimkit.model.Model.from_disk`. A folder that still loads must analyse a
sentence (the analysis or a ``ClaimkitError``) with every offset slicing back.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimkit.model import DECISIONS, DEFAULT_MODEL_DIR, Model, ModelError  # noqa: E402

FILES = ("config.json",) + tuple(f"{d}.json" for d in DECISIONS)
SENTENCE = "وقال وزير الخارجية أحمد ماهر إن المفاوضات ستستأنف. وأضاف أن الوفد سيصل غدا، مشيرا إلى أن الاتفاق قريب."


def _json_edit(edit: Callable[[dict, random.Random], None]) -> Callable[[Path, random.Random], None]:
    def damage(path: Path, rng: random.Random) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data, rng)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return damage


def _some_weight(data: dict, rng: random.Random, value) -> None:
    rows = data.get("weights") or [{}]
    row = rng.choice(rows)
    key = rng.choice(sorted(row)) if row else "x"
    row[key] = value


DAMAGES: dict[str, Callable[[Path, random.Random], None]] = {
    "truncate": lambda p, rng: p.write_bytes(p.read_bytes()[: rng.randrange(0, max(1, p.stat().st_size))]),
    "empty": lambda p, rng: p.write_bytes(b""),
    "delete": lambda p, rng: p.unlink(),
    "random_bytes": lambda p, rng: p.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))),
    "other_json": lambda p, rng: p.write_text(rng.choice(["[]", "null", "3", '"x"', "{}", '{"weights": 1}']),
                                              encoding="utf-8"),
    "weight_string": _json_edit(lambda d, rng: _some_weight(d, rng, "0.5")),
    "weight_nan": _json_edit(lambda d, rng: _some_weight(d, rng, float("nan"))),
    "weight_huge": _json_edit(lambda d, rng: _some_weight(d, rng, 1e308)),
    "classes_short": _json_edit(lambda d, rng: d.__setitem__("classes", (d.get("classes") or ["x"])[:1])),
    "intercepts_missing": _json_edit(lambda d, rng: d.pop("intercepts", None)),
    "extra_keys": _json_edit(lambda d, rng: d.__setitem__("unexpected", {"a": [1, 2]})),
    "version": _json_edit(lambda d, rng: d.__setitem__(rng.choice(["format", "version", "features"]),
                                                       rng.choice([0, 2, 99, "1", None, "claimkit"]))),
}


def check(folder: Path) -> tuple[str, list[str]]:
    """('refused' | 'loaded', problems) for one folder."""
    import claimkit
    from claimkit.errors import ClaimkitError

    try:
        model = Model.from_disk(folder)
    except ModelError as exc:
        return "refused", [] if str(folder) in str(exc) else [f"ModelError does not name the folder: {exc}"]
    except Exception as exc:  # noqa: BLE001 - the point of the fuzz
        return "crashed", [f"{type(exc).__name__}: {exc}"]
    try:
        a = claimkit.analyze_conllu(_conllu(), text=SENTENCE, doc="x", model=model)
    except ClaimkitError:
        return "loaded", []
    except Exception as exc:  # noqa: BLE001
        return "crashed", [f"analysis: {type(exc).__name__}: {exc}"]
    bad = [c.cue for c in a.records if SENTENCE[c.cue_start:c.cue_end] != c.cue]
    return "loaded", [f"offsets of {bad}"] if bad else []


_TREE: list[str] = []


def _conllu() -> str:
    """The sentence's parse (once per process; the model folder of Stanza is needed only here)."""
    if not _TREE:
        import claimkit

        _TREE.append(claimkit.parse(SENTENCE).to_conllu())
    return _TREE[0]


def run(n: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    outcomes: Counter = Counter()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="claimkit-model-fuzz-") as tmp:
        for i in range(n):
            folder = Path(tmp) / f"m{i}"
            shutil.copytree(DEFAULT_MODEL_DIR, folder)
            kind, target = rng.choice(sorted(DAMAGES)), rng.choice(FILES)
            DAMAGES[kind](folder / target, rng)
            outcome, found = check(folder)
            outcomes[outcome] += 1
            problems += [f"{kind} {target}: {p}" for p in found]
            shutil.rmtree(folder)
    return {"cases": n, "outcomes": dict(outcomes), "problems": problems}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    res = run(args.n, args.seed)
    print(f"{res['cases']} damaged model folders: {res['outcomes']}; {len(res['problems'])} problems")
    for p in res["problems"]:
        print("  ", p)
    return 1 if res["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
