"""claimkit grade / claimkit.grade(): the same numbers as the reference scorer run per student,
bad student files listed per file, a disagreement table and a class chart."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

import claimkit
from claimkit.cli import main
from claimkit.evaluate import METRICS
from claimkit.review import Review
from conftest import ROOT, SEED_NAME

STUDENT_FILE = f"{SEED_NAME}.claims.jsonl"


def _no(review: Review, cue: str) -> int:
    return next(i for i, c in enumerate(review.claims) if c["cue"] == cue)


@pytest.fixture()
def klass(tmp_path, seed_gold_path, seed_analysis, seed_text):
    """The seed's gold claims as the key (its text beside) and three students who reviewed the machine."""
    key, students = tmp_path / "key", tmp_path / "students"
    key.mkdir()
    students.mkdir()
    shutil.copy(seed_gold_path, key / STUDENT_FILE)
    shutil.copy(ROOT / "seeds" / f"{SEED_NAME}.txt", key / f"{SEED_NAME}.txt")
    corrections = {
        "amal": lambda r: (r.reject(_no(r, "وأضاف")), r.set_speaker(_no(r, "وكشف"), "أحمد معيتيق")),
        "badr": lambda r: (r.set_label(_no(r, "ويرى"), "hedging", "neutral"),
                           r.set_label(_no(r, "متهما"), "mode", "indirect"), r.reject(_no(r, "وأضاف"))),
        "carim": lambda r: (r.add_claim_at(seed_text.index("مجيبا")), r.add_claim_at(seed_text.index("زار ")),
                            r.set_speaker(_no(r, "يذكر"), "مراقبون", source_type="anonymous")),
    }
    for name, fix in corrections.items():
        (students / name).mkdir()
        fix(Review(seed_analysis, students / name / STUDENT_FILE))
    return key, students


def _reference(scorer, gold, pred) -> dict:
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_grades_equal_the_reference_scorer_per_student(klass, scorer, tmp_path):
    key, students = klass
    grades = claimkit.grade(key, students)
    assert list(grades.scores.columns) == ["student", *METRICS] and grades.problems == []
    rows = {r["student"]: r for r in grades.scores.to_dict("records")}
    assert set(rows) == {"amal", "badr", "carim", "machine"}
    for name in ("amal", "badr", "carim"):
        ref = _reference(scorer, key / STUDENT_FILE, students / name / STUDENT_FILE)
        assert {k: rows[name][k] for k in METRICS} == ref, name
    machine = tmp_path / "machine.jsonl"
    machine.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                               for r in claimkit.analyze_file(key / f"{SEED_NAME}.txt").to_dicts()), encoding="utf-8")
    assert {k: rows["machine"][k] for k in METRICS} == _reference(scorer, key / STUDENT_FILE, machine)
    assert rows["amal"]["fn"] == 1 and rows["amal"]["entity_acc"] < 1 and rows["carim"]["fp"] == 1


def test_the_disagreement_table_puts_the_hardest_claims_first(klass):
    grades = claimkit.grade(*klass, machine=False)
    d = grades.disagreements
    top = d.iloc[0]
    assert (top["cue"], top["missed"], top["students"], top["amal"], top["badr"]) == ("وأضاف", 2, 3, "missed",
                                                                                      "missed")
    assert top["source"] and top["source"] in top["sentence_text"] and top["cue"] in top["sentence_text"]
    extra = d[d["kind"] == "extra"]                 # carim's two added claims: the key holds one (optional)
    assert list(extra["cue"]) == ["زار"] and extra.iloc[0]["carim"] == "added" and extra.iloc[0]["added_by"] == 1
    assert list(d["kind"]) == sorted(d["kind"], key=lambda k: k != "key")   # key claims first, extras after
    row = d[d["cue"] == "ويرى"].iloc[0]
    assert (row["hedging_wrong"], row["badr"], row["amal"]) == (1, "hedging", "ok")
    assert d[d["cue"] == "وكشف"].iloc[0]["amal"] == "speaker"
    assert d[d["cue"] == "يذكر"].iloc[0]["carim"] == "speaker, type"
    key_rows = d[d["kind"] == "key"]["optional"].tolist()
    assert key_rows == sorted(key_rows)                                  # optional key claims last
    fig = grades.chart()
    assert [t.name for t in fig.data] == ["amal", "badr", "carim"]
    assert list(fig.data[0].x)[0].startswith("claims found")
    low = min(min(t.y) for t in fig.data)
    assert 0 < fig.layout.yaxis.range[0] < low      # the axis starts under the lowest score, not at 0


def test_bad_student_files_are_listed_never_fatal(klass, seed_text):
    key, students = klass
    (students / f"{SEED_NAME}.dina.claims.jsonl").write_text('{"cue": "أعلن", "cue_start": 146\n', encoding="utf-8")
    good = json.loads((students / "amal" / STUDENT_FILE).read_text(encoding="utf-8").splitlines()[0])
    bad_offsets = dict(good, content_start=good["content_start"] + 3)
    bad_label = dict(good, cue_start=good["cue_start"], source_type="man")
    (students / "eli").mkdir()
    (students / "eli" / STUDENT_FILE).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (good, bad_offsets, bad_label)), encoding="utf-8")
    (students / "eli" / "other_article.claims.jsonl").write_text("", encoding="utf-8")
    (students / "fadi").mkdir()
    grades = claimkit.grade(key, students, machine=False)
    by = {}
    for p in grades.problems:
        by.setdefault(p.student, []).append(p)
    assert "not valid JSON" in by["dina"][0].problem and by["dina"][0].line == 0
    assert "not graded" in by["dina"][-1].problem
    eli = sorted(by["eli"], key=lambda p: p.line)
    assert "no article 'other_article' in the key" in eli[0].problem
    assert eli[1].line == 2 and "does not slice back" in eli[1].problem
    assert eli[2].line == 3 and "unknown source_type 'man'" in eli[2].problem
    rows = {r["student"]: r for r in grades.scores.to_dict("records")}
    assert rows["eli"]["tp"] == 1 and rows["amal"]["tp"] > 1
    assert "dina" not in rows and "fadi" not in rows   # an unreadable file, an empty folder: no student
    d = grades.disagreements
    assert set(d["students"]) == {4} and "dina" not in d.columns   # amal, badr, carim, eli: files that were read
    assert d[d["kind"] == "key"]["missed"].max() <= 4


def test_cli_grade_writes_grades_csv(klass, tmp_path, capsys):
    key, students = klass
    out, dis, chart = tmp_path / "grades.csv", tmp_path / "dis.csv", tmp_path / "class.html"
    assert main(["grade", str(key), str(students), "--out", str(out), "--disagreements", str(dis),
                 "--chart", str(chart)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["student"] for r in rows] == ["amal", "badr", "carim", "machine"]
    assert set(METRICS) <= set(rows[0]) and float(rows[3]["attribution_F1"]) > 0.9
    assert "attribution_F1" in capsys.readouterr().out
    assert "وأضاف" in dis.read_text(encoding="utf-8") and "plotly" in chart.read_text(encoding="utf-8")
    (students / f"{SEED_NAME}.dina.claims.jsonl").write_text("nonsense\n", encoding="utf-8")
    assert main(["grade", str(key), str(students), "--no-machine"]) == 1
    err = capsys.readouterr().err
    assert "dina" in err and "not valid JSON" in err and "Traceback" not in err
    assert main(["grade", str(key), str(tmp_path / "nobody")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["grade", str(key), str(students), "--out", str(tmp_path / "no" / "g.csv")]) == 2


def test_per_article_scores_and_files_to_hand_out(klass, tmp_path):
    grades = claimkit.grade(*klass, machine=False)
    table = grades.by_article("entity_acc")
    assert list(table.columns) == ["doc", "amal", "badr", "carim"] and list(table["doc"]) == [SEED_NAME]
    rows = {r["student"]: r for r in grades.scores.to_dict("records")}
    assert table.iloc[0]["amal"] == rows["amal"]["entity_acc"]     # one article: the same as overall
    with pytest.raises(ValueError, match="unknown score"):
        grades.by_article("speed")
    paths = grades.write(tmp_path / "out")
    assert [r["student"] for r in csv.DictReader(paths["grades"].open(encoding="utf-8"))] == ["amal", "badr", "carim"]
    page = paths["page"].read_text(encoding="utf-8")
    assert "<title>The class against the key</title>" in page and "claims with the right speaker" in page
    assert "attribution_F1" not in page.split("<script")[0]       # scores named in words before the chart code
    assert "زار" in page and "Claims students added" in page


def test_the_longest_verdict_is_shown_whole_in_a_table():
    from claimkit import present
    from claimkit.grade import VERDICT_WORDS

    longest = ", ".join(VERDICT_WORDS.values())
    assert present.format_value(longest, "name").count("…") == 0
