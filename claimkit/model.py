"""The trained decisions: a model folder, loading it, and applying it to the rules' proposals.

Three small linear models (scikit-learn logistic regression, trained by ``train.py``) decide
where hand-written rules were brittle on unseen news:

* ``cue`` — is a proposed frame a claim? (lexicon cues and :func:`~claimkit.candidates.open_cues`)
* ``speaker`` — which candidate speaks (mention ranking: the best-scoring candidate wins,
  "no entity" included)?
* ``source_type`` — what kind of source is the chosen speaker?

A model folder holds ``config.json`` (format, version, feature version, what it was trained
on) beside one JSON file of weights per decision, like spaCy's ``config`` + weights. Weights
are stored as plain JSON (feature name → weight), not pickles: the folder loads in
milliseconds without scikit-learn, is safe to share, diffs as text, and is byte-identical
when retrained on the same data with the same seed. Anything missing, damaged or written
for other features raises :class:`ModelError` naming the file.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import ClaimkitError
from .features import FEATURES_VERSION, cue_features, speaker_features, type_features

if TYPE_CHECKING:
    from .extract import Draft
    from .linking import Linker

#: Model folder format; bump when the layout of the files changes.
MODEL_FORMAT = 1
DECISIONS = ("cue", "speaker", "source_type")
#: The model shipped with claimkit (trained on the 123 PADT newswire documents' gold trees).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"

#: What ``model=`` accepts: "default", None / "rules" (no model), a folder, or a loaded Model.
ModelSpec = Union["Model", str, os.PathLike, None]


class ModelError(ClaimkitError, ValueError):
    """A model folder that is missing, damaged or incompatible with this claimkit."""


@dataclass(frozen=True)
class LinearDecider:
    """One logistic-regression decision: feature weights per class (binary: one row)."""

    name: str
    classes: tuple[str, ...]
    weights: tuple[dict[str, float], ...]
    intercepts: tuple[float, ...]

    def scores(self, feats: dict[str, float]) -> list[float]:
        return [b + sum(w.get(k, 0.0) * v for k, v in feats.items()) for w, b in zip(self.weights, self.intercepts)]

    def proba(self, feats: dict[str, float]) -> dict[str, float]:
        """Class probabilities (binary: ``{"no", "yes"}`` from the one row; else softmax)."""
        s = self.scores(feats)
        if len(self.weights) == 1:
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, s[0]))))
            return {self.classes[0]: 1 - p, self.classes[1]: p}
        top = max(s)
        ex = [math.exp(x - top) for x in s]
        z = sum(ex)
        return {c: e / z for c, e in zip(self.classes, ex)}

    def strongest(self, feats: dict[str, float], cls: str | None = None, n: int = 3) -> list[str]:
        """The features that pushed hardest towards ``cls`` (binary: towards yes)."""
        row = 0 if len(self.weights) == 1 else self.classes.index(cls)
        contrib = sorted(((self.weights[row].get(k, 0.0) * v, k) for k, v in feats.items()), reverse=True)
        return [describe(k) for c, k in contrib[:n] if c > 0]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "classes": list(self.classes),
                "intercepts": [round(b, 6) for b in self.intercepts],
                "weights": [{k: round(v, 6) for k, v in sorted(w.items()) if round(v, 6)} for w in self.weights]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "LinearDecider":
        return cls(d["name"], tuple(d["classes"]), tuple(dict(w) for w in d["weights"]),
                   tuple(float(b) for b in d["intercepts"]))


#: Readable names of feature prefixes, for explanations.
_LABELS = {
    "from=rule": "the rules' choice", "from=history": "a recent speaker", "from=mention": "a titled name nearby",
    "from=name_run": "a name in this sentence", "from=tree_subject": "the cue's subject in the tree",
    "from=none": "no entity", "hist_rank=0": "previous speaker", "hist_dist=0": "same sentence",
    "hist_dist=1": "1 sentence back", "agrees_gender=True": "agrees in gender",
    "agrees_number=True": "agrees in number", "lexicon_cue": "lexicon cue", "open_cue": "verb outside the lexicon",
    "has_source": "source written", "no_source": "no source written", "named=True": "a named source",
    "has_title": "titled", "run_in_source=True": "inside the source phrase",
}


def describe(feature: str) -> str:
    """A feature name as words (``hist_rank=0`` → "previous speaker")."""
    return _LABELS.get(feature, feature.replace("=", " ").replace("|", ", ").replace("_", " "))


@dataclass(frozen=True)
class Decision:
    """What the model decided for one draft, with the evidence lines for ``Claim.explain()``."""

    keep: bool
    entity: str
    source_type: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    """The three deciders and the model's config (what it was trained on, thresholds)."""

    cue: LinearDecider
    speaker: LinearDecider
    source_type: LinearDecider
    config: dict[str, Any]

    @property
    def cue_threshold(self) -> float:
        return float(self.config.get("cue_threshold", 0.5))

    def decide(self, draft: "Draft", linker: "Linker") -> Decision:
        """Keep or drop the draft, pick its speaker among the candidates, type the speaker."""
        text = linker.text
        cf = cue_features(draft, text)
        p_claim = self.cue.proba(cf)["yes"]
        keep = p_claim >= self.cue_threshold
        ev = [f"claim ({p_claim:.2f}): " + ", ".join(self.cue.strongest(cf) or ["—"])]
        if draft.frame.impersonal or not draft.speakers:
            ev.append(f"entity: {draft.link.reason}")
            return Decision(keep, draft.link.entity.name if draft.link.entity else "", draft.link.source_type,
                            tuple(ev))
        scored = []
        for n, cand in enumerate(draft.speakers):
            sf = speaker_features(draft, cand, linker)
            scored.append((self.speaker.proba(sf)["yes"], -n, cand, sf))
        p, _, best, sf = max(scored, key=lambda x: (x[0], x[1]))
        name = best.display(linker)
        why = ", ".join(self.speaker.strongest(sf) or ["—"])
        ev.append(f"speaker: {name or '— (no entity)'} ({p:.2f}): {why}")
        if "rule" in best.kinds:
            # the rules type their own choice better than the type model does (cross-validated)
            stype = draft.link.source_type
            ev.append(f"  entity by the rules: {draft.link.reason}")
            ev.append(f"source type: {stype} (the rules' type of this source)")
        else:
            tf = type_features(draft, best, linker)
            probs = self.source_type.proba(tf)
            stype = max(sorted(probs), key=lambda c: probs[c])
            ev.append(f"  the rules had proposed the entity {draft.link.entity.name if draft.link.entity else '—'} "
                      f"({draft.link.reason})")
            ev.append(f"source type: {stype} ({probs[stype]:.2f}): "
                      + ", ".join(self.source_type.strongest(tf, stype) or ["—"]))
        return Decision(keep, name, stype, tuple(ev))

    # -- disk -------------------------------------------------------------------------------
    def to_disk(self, path: str | os.PathLike) -> Path:
        """Write the model folder: ``config.json`` and one weights file per decision."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for name in DECISIONS:
            write_json(out / f"{name}.json", getattr(self, name).to_json())
        write_json(out / "config.json", self.config)
        return out

    @classmethod
    def from_disk(cls, path: str | os.PathLike) -> "Model":
        """Load a model folder, checking every file; :class:`ModelError` names the file at fault."""
        folder = Path(path)
        if not folder.is_dir():
            raise ModelError(f"{folder}: no such model folder (write one with `claimkit train --out {folder}`)")
        config = read_json(folder / "config.json")
        if config.get("format") != "claimkit-model" or config.get("version") != MODEL_FORMAT:
            raise ModelError(f"{folder / 'config.json'}: not a claimkit model folder of format {MODEL_FORMAT} "
                             f"(found format {config.get('format')!r}, version {config.get('version')!r})")
        if config.get("features") != FEATURES_VERSION:
            raise ModelError(f"{folder / 'config.json'}: trained on features version {config.get('features')!r}, "
                             f"this claimkit computes version {FEATURES_VERSION}; retrain with `claimkit train`")
        deciders = {}
        for name in DECISIONS:
            f = folder / f"{name}.json"
            try:
                d = LinearDecider.from_json(read_json(f))
                _check_decider(name, d)
            except ModelError:
                raise
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ModelError(f"{f}: damaged weights file ({exc}); retrain with `claimkit train`") from None
            deciders[name] = d
        return cls(config=config, **deciders)


def _check_decider(name: str, d: LinearDecider) -> None:
    """Raise ValueError unless the weights fit the decision: yes/no with one row for ``cue`` and
    ``speaker``; one row per known source type for ``source_type``; finite numbers throughout."""
    from .records import SOURCE_TYPES

    if name == "source_type":
        rows = 1 if len(d.classes) == 2 else len(d.classes)   # two classes: one row, as scikit-learn stores them
        if len(d.classes) < 2 or not set(d.classes) <= set(SOURCE_TYPES) or len(d.weights) != rows:
            raise ValueError(f"classes {list(d.classes)} do not fit the source types or the weight rows")
    elif d.classes != ("no", "yes") or len(d.weights) != 1:
        raise ValueError(f"a yes/no decision needs classes ['no', 'yes'] and one weight row, found {list(d.classes)}")
    if len(d.intercepts) != len(d.weights):
        raise ValueError("one intercept per weight row is needed")
    numbers = [v for w in d.weights for v in w.values()] + list(d.intercepts)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
        raise ValueError("weights must be finite numbers")


def write_json(path: Path, data: Any, compact: bool = False) -> None:
    """Write a model file atomically: sorted keys, one level indented (``compact``: no spaces)."""
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0 if compact else 1,
                      separators=(",", ":") if compact else (",", ": "))
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path, folder: str = "model folder") -> Any:
    """A JSON object from a model file; anything else raises :class:`ModelError` naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: missing from the {folder}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path}: not valid JSON ({exc}); the {folder} is damaged") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return data


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Model:
    return Model.from_disk(path)


def load_model(path: str | os.PathLike) -> Model:
    """Load a model folder (cached per folder and modification time)."""
    p = Path(path)
    cfg = p / "config.json"
    mtime = cfg.stat().st_mtime if cfg.exists() else 0.0
    return _load_cached(str(p), mtime)


def resolve_model(spec: ModelSpec) -> Model | None:
    """``"default"`` → ``$CLAIMKIT_MODEL`` when set (a folder, or ``rules``), else the shipped model;
    ``None``/``"rules"`` → no model (the rules alone); a folder → loaded; a Model as is."""
    if spec is None or isinstance(spec, str) and spec == "rules":
        return None
    if isinstance(spec, Model):
        return spec
    if isinstance(spec, str) and spec == "default":
        env = os.environ.get("CLAIMKIT_MODEL")
        if env == "rules":
            return None
        return load_model(env or DEFAULT_MODEL_DIR)
    return load_model(spec)
