"""Grading a class: each student's claims, and the machine's, against the teacher's key.

``claimkit grade KEY_DIR STUDENTS_DIR [--out grades.csv]`` and :func:`grade`.

- **Key**: a folder of gold files ``NAME.claims.jsonl`` (ANNOTATION.md; a review saved by
  ``claimkit.review`` is one), with ``NAME.txt`` beside each for the offsets and the machine.
- **Students**: one folder per student (``STUDENTS_DIR/amal/NAME.claims.jsonl``) or files
  named ``NAME.STUDENT.claims.jsonl`` in ``STUDENTS_DIR``; both may be mixed.
- **Scores**: per student and for the machine (claimkit run on each ``NAME.txt``), every key of
  the reference scorer (``evaluate.METRICS``: ``cue_F1``, ``attribution_F1``, ``entity_acc``…),
  computed by :func:`claimkit.evaluate.score`, which gives the reference scorer's numbers
  (matching by overlapping cues, optional claims neither rewarded nor penalised).
- **Disagreements**: one row per key claim: how many students found it, how many gave it a
  wrong entity, source type, mode or hedging, and what each student and the machine did.
- **Bad student files are never fatal**: a file that is not JSON lines is reported and counts
  as no claims for that article; a record whose offsets do not slice back to the text or whose
  labels are not in ANNOTATION.md's closed lists is reported (file, line, what is wrong) and
  left out; an article with no file from a student is reported and counts as no claims.

Not handled: students' files for articles that are not in the key (reported and ignored).
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .callable_module import make_callable
from .errors import InputFileError
from .evaluate import (METRICS, GoldError, _hedging_counts, doc_key, entity_correct, load_gold, load_jsonl, match,
                       predict_for_gold, score)
from .review import CHOICES

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

SUFFIX = ".claims.jsonl"
MACHINE = "machine"
#: Fields compared per claim in the disagreement table.
FIELDS = ("entity", "source_type", "mode", "hedging")
#: Scores drawn in the class chart, in this order.
CHART_METRICS = ("cue_F1", "attribution_F1", "entity_acc", "source_type_acc", "mode_acc", "hedging_acc",
                 "content_tokF1")


@dataclass(frozen=True)
class FileProblem:
    """Something wrong with a student's file (``line`` 0: the whole file)."""

    student: str
    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else self.path
        return f"{self.student}: {where}: {self.problem}"


@dataclass
class Grades:
    """The result of :func:`grade`."""

    scores: "pd.DataFrame"          # one row per student (and the machine): student + METRICS
    disagreements: "pd.DataFrame"   # one row per key claim
    problems: list[FileProblem] = field(default_factory=list)

    def chart(self, title: str = "The class against the key") -> "go.Figure":
        """Grouped bars: each score of :data:`CHART_METRICS`, one bar per student, the machine in black."""
        return class_chart(self.scores, title)


def student_files(students_dir: str | os.PathLike, docs: set[str]) -> dict[str, dict[str, Path]]:
    """``{student: {doc: file}}`` from sub-folders and from ``NAME.STUDENT.claims.jsonl`` names."""
    root = Path(students_dir)
    if not root.is_dir():
        raise InputFileError(f"{root}: not a folder of student files")
    out: dict[str, dict[str, Path]] = {}
    longest_first = sorted(docs, key=len, reverse=True)
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(sub.glob(f"*{SUFFIX}")):
            out.setdefault(sub.name, {})[f.name[: -len(SUFFIX)]] = f
    for f in sorted(root.glob(f"*{SUFFIX}")):
        stem = f.name[: -len(SUFFIX)]
        doc = next((d for d in longest_first if stem.startswith(d + ".")), None)
        student = stem[len(doc) + 1:] if doc else stem.rsplit(".", 1)[-1]
        out.setdefault(student, {})[doc or stem] = f
    return out


def check_record(r: Mapping[str, Any], text: str | None) -> str:
    """What is wrong with one student record ("" when nothing).

    Labels are checked against the closed lists of ``review.CHOICES`` (a missing field is left
    to the scorer); offsets, when the text is known, must slice back to the record's strings.
    """
    if not (isinstance(r.get("cue_start"), int) and isinstance(r.get("cue_end"), int)):
        return "no cue_start/cue_end offsets"
    for key, allowed in CHOICES.items():
        if key in r and r[key] not in allowed:
            return f"unknown {key} {r[key]!r} (one of {', '.join(allowed)})"
    if text is not None:
        for role in ("cue", "content", "source"):
            a, b = r.get(f"{role}_start"), r.get(f"{role}_end")
            if a is None and b is None and role != "cue":
                continue
            if not (isinstance(a, int) and isinstance(b, int) and 0 <= a <= b <= len(text)):
                return f"{role} offsets {a}–{b} are not inside the text"
            if role in r and text[a:b] != r[role]:
                return f"{role} «{r[role]}» does not slice back: the text at {a}–{b} is «{text[a:b]}»"
    return ""


def read_student_file(student: str, path: Path, doc: str, text: str | None) -> tuple[list[dict], list[FileProblem]]:
    """A student's records for one article (bad records left out) and the problems found."""
    try:
        recs = load_jsonl(path)
    except (GoldError, InputFileError) as exc:
        why = str(exc).removeprefix(str(path)).lstrip(":, ")
        return [], [FileProblem(student, str(path), 0, f"{why}; counted as no claims")]
    good, problems = [], []
    for n, r in enumerate(recs, 1):
        why = check_record(r, text)
        if why:
            problems.append(FileProblem(student, str(path), n, why + "; record left out"))
        else:
            good.append({**r, "doc": doc})   # the file name says which article it is
    return good, problems


def grade(key_dir: str | os.PathLike, students_dir: str | os.PathLike, *, machine: bool = True,
          conllu: bool = False, stanza_dir: str | None = None, cache: bool = True) -> Grades:
    """Score every student (and the machine) against the key; see the module docstring."""
    import pandas as pd

    from .pipeline import read_text_file

    _, per_file = load_gold(key_dir)
    key = {doc_key(f.name): recs for f, recs in per_file.items()}
    texts = {}
    for f in per_file:
        txt = f.with_name(f.name[: -len(SUFFIX)] + ".txt") if f.name.endswith(SUFFIX) else None
        texts[doc_key(f.name)] = read_text_file(txt) if txt is not None and txt.is_file() else None
    predictions: dict[str, dict[str, list[dict]]] = {}
    problems: list[FileProblem] = []
    for student, files in student_files(students_dir, set(key)).items():
        predictions[student] = {}
        for doc, path in files.items():
            if doc not in key:
                problems.append(FileProblem(student, str(path), 0, f"no article {doc!r} in the key; ignored"))
                continue
            recs, found = read_student_file(student, path, doc, texts[doc])
            predictions[student][doc] = recs
            problems += found
        for doc in sorted(set(key) - set(files)):
            problems.append(FileProblem(student, str(Path(students_dir) / student), 0,
                                        f"no file for {doc}{SUFFIX}; counted as no claims"))
    if machine:
        recs = predict_for_gold(per_file, conllu=conllu, stanza_dir=stanza_dir, cache=cache)
        predictions[MACHINE] = {d: [r for r in recs if doc_key(r["doc"]) == d] for d in key}
    gold = [r for recs in key.values() for r in recs]
    rows = []
    for student, by_doc in predictions.items():
        pred = [r for d in key for r in by_doc.get(d, [])]
        rows.append({"student": student, **score(gold, pred).overall})
    scores = pd.DataFrame(rows, columns=["student", *METRICS])
    return Grades(scores, disagreements(key, predictions), problems)


def claim_verdict(g: Mapping[str, Any], p: Mapping[str, Any] | None) -> list[str]:
    """What a prediction got wrong on a key claim: ``["missed"]``, the wrong fields, or ``[]``."""
    if p is None:
        return ["missed"]
    wrong = []
    if not entity_correct(g, p):
        wrong.append("entity")
    for f in ("source_type", "mode"):
        if p.get(f) != g.get(f):
            wrong.append(f)
    if not _hedging_counts(g, p)[0]:
        wrong.append("hedging")
    return wrong


def disagreements(key: Mapping[str, list[dict]], predictions: Mapping[str, Mapping[str, list[dict]]]) -> "pd.DataFrame":
    """One row per key claim: how many students missed or mislabelled it, and each one's verdict.

    Sorted with the claims the most students got wrong first. Columns: ``doc``, ``cue_start``,
    ``cue``, ``entity``, ``optional``, ``students``, ``missed``, ``entity_wrong``,
    ``source_type_wrong``, ``mode_wrong``, ``hedging_wrong``, then one column per student
    (and ``machine``) with "ok", "missed" or the wrong fields.
    """
    import pandas as pd

    students = [s for s in predictions if s != MACHINE]
    rows = []
    for doc, gold in key.items():
        verdicts: dict[str, list[list[str]]] = {}   # per student: the verdict on each key claim
        for s, by_doc in predictions.items():
            pred = by_doc.get(doc, [])
            gm = match(gold, pred)
            verdicts[s] = [claim_verdict(g, pred[gm[i]] if i in gm else None) for i, g in enumerate(gold)]
        for i, g in enumerate(gold):
            counts = Counter(w for s in students for w in verdicts[s][i])
            row = {"doc": doc, "cue_start": g["cue_start"], "cue": g.get("cue", ""), "entity": g.get("entity", ""),
                   "optional": bool(g.get("optional")), "students": len(students), "missed": counts["missed"]}
            row.update({f"{f}_wrong": counts[f] for f in FIELDS})
            row.update({s: ", ".join(verdicts[s][i]) or "ok" for s in predictions})
            rows.append(row)
    cols = ["doc", "cue_start", "cue", "entity", "optional", "students", "missed",
            *(f"{f}_wrong" for f in FIELDS), *predictions]
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df
    trouble = df["missed"] + df[[f"{f}_wrong" for f in FIELDS]].sum(axis=1)
    return df.assign(_t=trouble).sort_values(["optional", "_t", "doc", "cue_start"],
                                             ascending=[True, False, True, True]).drop(columns="_t").reset_index(drop=True)


def class_chart(scores: "pd.DataFrame", title: str = "The class against the key") -> "go.Figure":
    """Grouped bars of :data:`CHART_METRICS` per student; the machine in black, students in the palette."""
    import plotly.graph_objects as go

    from .plots import _figure, _finish, _empty_note
    from .render import PALETTE

    fig = _figure(title, barmode="group", yaxis_title="score (0–1)", legend_title_text="")
    if scores.empty:
        return _empty_note(fig, "no students and no machine to grade")
    for k, row in enumerate(scores.to_dict("records")):
        name = row["student"]
        color = "#222222" if name == MACHINE else PALETTE[k % len(PALETTE)]
        values = [row[m] for m in CHART_METRICS]
        fig.add_trace(go.Bar(x=list(CHART_METRICS), y=values, name=name, marker_color=color,
                             hovertemplate=f"{name}<br>%{{x}}: %{{y:.3f}}<extra></extra>"))
    fig.update_yaxes(range=[0, 1.05])
    return _finish(fig, 320)


def write_scores(grades: Grades, path: str | os.PathLike) -> Path:
    """``grades.csv``: one row per student and one for the machine (atomic write)."""
    from .writers import write_text_atomic

    write_text_atomic(grades.scores.to_csv(index=False), path)
    return Path(path)


make_callable(__name__, grade)
