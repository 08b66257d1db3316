"""claimkit.evaluate: hand-computed scores and exact agreement with the reference scorer."""
from __future__ import annotations

import copy
import importlib.util
import json
import random
import subprocess
import sys

import pytest

import claimkit
from claimkit import evaluate as ev
from claimkit.cli import main
from conftest import gold_path



@pytest.fixture(scope="module")
def ref(scorer):
    """The reference scorer, imported from where it is (../shared/tools/score_claims.py)."""
    spec = importlib.util.spec_from_file_location("reference_score_claims", scorer)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def claim(doc="a", cs=0, ce=4, entity="", stype="person", mode="indirect", hedging="neutral", level=None,
          content="", optional=False, alt=None, aliases=None, **extra):
    levels = {"boosted": 0, "neutral": 1, "hedged": 2, "speculative": 3}
    d = {"doc": doc, "cue": "قال", "cue_start": cs, "cue_end": ce, "entity": entity, "source_type": stype,
         "mode": mode, "hedging": hedging, "hedging_level": levels.get(hedging, -1) if level is None else level,
         "content": content, "optional": optional, "alt_hedging": alt,
         "entity_aliases": [entity] if aliases is None and entity else (aliases or [])}
    d.update(extra)
    return d


# -- hand-computed -------------------------------------------------------------------------

def hand_case():
    gold = [
        claim(cs=0, ce=4, entity="إيفان مولوتكوف", aliases=["إيفان مولوتكوف", "مولوتكوف"],
              content="موسكو لن تورد أسلحة"),
        claim(cs=10, ce=15, entity="الخارجية", stype="organization", mode="direct", hedging="hedged",
              alt="speculative", content="الوضع خطير جدا"),
        claim(cs=20, ce=25, entity="مراقبون", stype="anonymous", optional=True),
        claim(cs=30, ce=34, entity="حفتر", content="شيء"),
    ]
    pred = [
        # overlaps g0 by 3; the entity with diacritics equals an alias; content 1 of 4 tokens: F1 0.4
        claim(cs=1, ce=4, entity="مُولُوتكوف", content="موسكو"),
        # overlaps g1; entity contains the gold entity; wrong mode; hedging one level off both accepted values
        claim(cs=12, ce=14, entity="وزارة الخارجية", stype="organization", mode="indirect",
              hedging="neutral", content="الوضع، خطير جدا!"),
        # matched to the optional gold claim: ignored
        claim(cs=21, ce=23, entity="x"),
        # matches nothing: a false positive
        claim(cs=50, ce=54, entity="y"),
    ]
    return gold, pred


HAND_EXPECTED = {
    "tp": 2, "fp": 1, "fn": 1, "cue_P": 0.667, "cue_R": 0.667, "cue_F1": 0.667,
    "entity_acc": 1.0, "source_type_acc": 1.0, "mode_acc": 0.5, "hedging_acc": 0.5, "hedging_within1": 1.0,
    "content_tokF1": 0.7,  # (0.4 + 1.0) / 2
    "content_ok": 0.5,     # only the second pair reaches F1 0.5
    "attribution_F1": 0.667,  # 2·2 / (2·2 + 1 + 1)
}


def test_hand_scores():
    gold, pred = hand_case()
    assert ev.score(gold, pred).overall == HAND_EXPECTED


def test_no_predictions_and_no_gold():
    gold, _ = hand_case()
    s = ev.score(gold, []).overall
    assert (s["tp"], s["fp"], s["fn"], s["cue_P"], s["cue_R"], s["attribution_F1"]) == (0, 0, 3, 0.0, 0.0, 0.0)
    s = ev.score([], [claim()]).overall
    assert (s["tp"], s["fp"], s["fn"]) == (0, 1, 0)


def test_greedy_largest_overlap_first():
    gold = [claim(cs=0, ce=10, entity="أ"), claim(cs=8, ce=12, entity="ب")]
    # p0 overlaps g0 by 5 and g1 by 3; p1 overlaps g0 by 1 and g1 by 3
    pred = [claim(cs=5, ce=11, entity="أ"), claim(cs=9, ce=12, entity="ب")]
    assert ev.match(gold, pred) == {0: 0, 1: 1}
    s = ev.score(gold, pred).overall
    assert (s["tp"], s["fp"], s["fn"], s["entity_acc"]) == (2, 0, 0, 1.0)
    # one prediction over two gold cues: it goes to the larger overlap, the other gold is a miss
    s = ev.score(gold, [claim(cs=7, ce=12, entity="ب")]).overall
    assert ev.match(gold, [claim(cs=7, ce=12)]) == {1: 0}
    assert (s["tp"], s["fp"], s["fn"]) == (1, 0, 1)
    # touching spans (end == start) do not overlap
    assert ev.match([claim(cs=0, ce=4)], [claim(cs=4, ce=8)]) == {}


@pytest.mark.parametrize("gold_kw, pred_kw, ok", [
    ({"entity": "", "stype": "author"}, {"entity": "الحكومة", "stype": "author"}, True),
    ({"entity": "", "stype": "author"}, {"entity": "", "stype": "person"}, True),
    ({"entity": "", "stype": "author"}, {"entity": "الحكومة", "stype": "person"}, False),
    ({"entity": "", "stype": "person"}, {"entity": "", "stype": "person"}, True),
    ({"entity": "", "stype": "person"}, {"entity": "هو", "stype": "person"}, False),
    ({"entity": "علي بن حسن"}, {"entity": "علي"}, True),            # contained, 3 letters
    ({"entity": "علي بن حسن"}, {"entity": "عل"}, False),            # contained but too short
    ({"entity": "علي"}, {"entity": "السيد علي بن حسن"}, True),      # contains the gold entity
    ({"entity": "أحمد", "aliases": ["أحمد", "الوزير"]}, {"entity": "الوزير"}, True),
    ({"entity": "أحمد", "aliases": ["أحمد", "الوزير"]}, {"entity": "احمد"}, True),   # hamza folded
    ({"entity": "أحمد"}, {"entity": "أحمدـ"}, True),                 # tatweel removed
    ({"entity": "أحمد"}, {"entity": ""}, False),
])
def test_entity_rule(gold_kw, pred_kw, ok):
    g, p = claim(**gold_kw), claim(**pred_kw)
    assert ev.entity_correct(g, p) is ok
    assert ev.score([g], [p]).overall["entity_acc"] == (1.0 if ok else 0.0)


def test_hedging_alt_and_within_one():
    g = claim(hedging="hedged", alt="speculative")
    for hedging, exact, within in [("hedged", 1.0, 1.0), ("speculative", 1.0, 1.0), ("neutral", 0.0, 1.0),
                                   ("boosted", 0.0, 0.0)]:
        s = ev.score([g], [claim(hedging=hedging)]).overall
        assert (s["hedging_acc"], s["hedging_within1"]) == (exact, within), hedging


def test_token_f1_and_normalisation():
    assert ev.token_f1("", "") == 1.0
    assert ev.token_f1("قال", "") == 0.0
    assert ev.token_f1("«الوضعُ خطيرٌ»", "الوضع خطير") == 1.0
    assert ev.token_f1("موسكو", "موسكو لن تورد أسلحة") == pytest.approx(0.4)
    assert ev.normalize("إِلى مدرسةٍ، مؤتمر") == "الي مدرسه موتمر"


def test_documents_by_name_and_single_doc_mapping():
    gold = [claim(doc="a", cs=0, ce=4), claim(doc="b", cs=0, ce=4)]
    pred = [claim(doc="some/dir/a.txt", cs=0, ce=4), claim(doc="b.conllu", cs=2, ce=3)]
    s = ev.score(gold, pred)
    assert s.overall["tp"] == 2 and set(s.per_doc) == {"a", "b"}
    # one gold document, predictions under another name: scored against it
    s = ev.score([claim(doc="a")], [claim(doc="doc")])
    assert s.overall["tp"] == 1 and set(s.per_doc) == {"a"}
    # two gold documents: an unknown name stays separate (false positives)
    s = ev.score(gold, [claim(doc="zzz")])
    assert s.overall["fp"] == 1 and s.per_doc["zzz"]["fp"] == 1


# -- agreement with the reference scorer ------------------------------------------------------

def perturb(gold: list[dict], rng: random.Random) -> list[dict]:
    """Predictions made from gold by dropping, shifting, editing and adding claims."""
    levels = ["boosted", "neutral", "hedged", "speculative"]
    types = ["person", "organization", "official", "anonymous", "media", "document", "author"]
    modes = ["indirect", "direct", "mixed", "nominal", "according_to"]
    pred = []
    for g in gold:
        if rng.random() < 0.2:
            continue
        p = {k: copy.deepcopy(v) for k, v in g.items() if k not in ("optional", "alt_hedging", "entity_aliases")}
        r = rng.random()
        if r < 0.15:
            shift = rng.randint(-3, 3)
            p["cue_start"] += shift
            p["cue_end"] += shift
        elif r < 0.25:
            p["cue_end"] = p["cue_start"] + rng.randint(1, 2)
        if rng.random() < 0.3:
            aliases = g.get("entity_aliases") or [""]
            p["entity"] = rng.choice(aliases + ["", "مصدر", g.get("entity", "") + "ُ", "ال" + g.get("entity", ""),
                                                g.get("entity", "")[:2]])
        if rng.random() < 0.2:
            p["source_type"] = rng.choice(types)
        if rng.random() < 0.2:
            p["mode"] = rng.choice(modes)
        if rng.random() < 0.3:
            p["hedging"] = rng.choice(levels)
            p["hedging_level"] = levels.index(p["hedging"])
        if rng.random() < 0.05:
            p.pop("hedging_level")
        if rng.random() < 0.05:
            p["hedging_level"] = None
        words = (p.get("content") or "").split()
        r = rng.random()
        if r < 0.2 and words:
            p["content"] = " ".join(words[: rng.randint(0, len(words))])
        elif r < 0.3:
            p["content"] = "«" + (p.get("content") or "") + "» وقال"
        pred.append(p)
    for _ in range(rng.randint(0, 5)):  # spurious claims, some overlapping real cues
        base = rng.choice(gold)
        start = base["cue_start"] + rng.randint(-10, 10)
        pred.append({"doc": base["doc"], "cue_start": start, "cue_end": start + rng.randint(1, 6),
                     "entity": rng.choice(["", "الوزير", base.get("entity", "")]), "source_type": rng.choice(types),
                     "mode": rng.choice(modes), "hedging": rng.choice(levels), "hedging_level": rng.randint(0, 3),
                     "content": "كلام"})
    rng.shuffle(pred)
    return pred


def _gold_all() -> list[dict]:
    """The seed's and the PUD set's gold claims from ../shared/gold (skips the test when absent)."""
    out = []
    for f in sorted(gold_path(".").glob("*.claims.jsonl")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def assert_same(ref, gold, pred):
    tot, per = ref.score(copy.deepcopy(gold), copy.deepcopy(pred))
    mine = ev.score(gold, pred)
    assert mine.overall == ref.summary(tot)
    assert mine.per_doc == {d: ref.summary(c) for d, c in per.items()}


def test_agrees_with_reference_on_hand_cases(ref):
    gold, pred = hand_case()
    assert_same(ref, gold, pred)
    assert ref.summary(ref.score(gold, pred)[0]) == HAND_EXPECTED
    assert_same(ref, gold, [])
    assert_same(ref, [], pred)
    assert_same(ref, gold, gold)


@pytest.mark.parametrize("seed", range(40))
def test_agrees_with_reference_on_perturbed_gold(ref, seed):
    gold = _gold_all()
    rng = random.Random(seed)
    docs = {g["doc"] for g in gold}
    if seed % 4 == 0:  # one document only, sometimes under another name
        keep = rng.choice(sorted(docs))
        gold = [g for g in gold if g["doc"] == keep]
    pred = perturb(gold, rng)
    if seed % 8 == 0:
        for p in pred:
            p["doc"] = "renamed/" + p["doc"] + ".txt"
    assert_same(ref, gold, pred)


def test_gold_scored_against_itself_is_perfect():
    gold = _gold_all()
    s = ev.score(gold, gold).overall
    required = sum(not g.get("optional") for g in gold)
    assert (s["tp"], s["fp"], s["fn"]) == (required, 0, 0)
    assert all(s[k] == 1.0 for k in ev.METRICS if k not in ("tp", "fp", "fn"))


def test_cli_json_matches_reference_script(scorer, tmp_path, capsys):
    gold = _gold_all()
    pred = perturb(gold, random.Random(7))
    gold_file, pred_file = tmp_path / "all.claims.jsonl", tmp_path / "pred.jsonl"
    gold_file.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    pred_file.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pred), encoding="utf-8")
    out = subprocess.run([sys.executable, str(scorer), str(gold_file), str(pred_file), "--json", "--per-doc"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    ref_overall = json.loads(out[-1])
    ref_per_doc = {line.split(" ", 1)[0]: json.loads(line.split(" ", 1)[1]) for line in out[:-1]}

    assert main(["evaluate", "--gold", str(gold_file), "--pred", str(pred_file), "--format", "json",
                 "--per-doc"]) == 0
    mine = json.loads(capsys.readouterr().out)
    assert mine["overall"] == ref_overall
    assert mine["per_doc"] == ref_per_doc

    assert main(["evaluate", "--gold", str(gold_file), "--pred", str(pred_file)]) == 0
    text = capsys.readouterr().out
    assert f"tp {ref_overall['tp']}" in text and f"F1 {ref_overall['cue_F1']:.3f}" in text


def test_cli_bad_inputs(tmp_path, capsys):
    assert main(["evaluate", "--gold", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.claims.jsonl"
    bad.write_text('{"doc": "a"}\nnot json\n', encoding="utf-8")
    assert main(["evaluate", "--gold", str(bad), "--pred", str(bad)]) == 2
    assert "line 2" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["evaluate", "--gold", str(tmp_path / "empty")]) == 2
    assert "no *.claims.jsonl" in capsys.readouterr().err


SMALL = "قال وزير الخارجية المصري سامح شكري إن بلاده تدعم الحل السياسي في ليبيا.\n\nوأضاف أن القاهرة ستواصل جهودها."


def test_evaluate_runs_the_analyser_on_gold_texts(tmp_path, capsys):
    """Without --pred: NAME.txt beside NAME.claims.jsonl is analysed (a real parse, cached per session)."""
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "small.txt").write_text(SMALL, encoding="utf-8")
    content = "بلاده تدعم الحل السياسي في ليبيا"
    g = claim(doc="small", cs=0, ce=3, entity="سامح شكري", aliases=["سامح شكري", "وزير الخارجية المصري"],
              content=content, content_start=SMALL.index(content), content_end=SMALL.index(content) + len(content))
    g2 = dict(g, cue_start=SMALL.index("وأضاف"), cue_end=SMALL.index("وأضاف") + 5, content="", content_start=None)
    (gold_dir / "small.claims.jsonl").write_text(json.dumps(g, ensure_ascii=False) + "\n"
                                                 + json.dumps(g2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(gold_dir), "--format", "json", "--per-doc"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert set(res["overall"]) == set(ev.METRICS)
    assert set(res["per_doc"]) <= {"small"}
    assert res["overall"]["tp"] + res["overall"]["fn"] == 2
    pred = claimkit.analyze(SMALL, doc="small").to_dicts()
    assert res["overall"] == ev.score(ev.load_gold(gold_dir)[0], pred).overall


def test_evaluate_on_gold_trees(capsys):
    """--conllu analyses the gold trees (no parser involved) with offsets into the gold text."""
    gold = gold_path("pud_attribution.ar.claims.jsonl")
    assert main(["evaluate", "--gold", str(gold), "--conllu", "--format", "json"]) == 0
    res = json.loads(capsys.readouterr().out)
    required = sum(not g.get("optional") for g in ev.load_gold(gold)[0])
    assert res["overall"]["tp"] + res["overall"]["fn"] == required > 100


# -- reliance: who the article relies on ------------------------------------------------------

def _reliance_gold():
    return [
        claim(cs=0, ce=4, entity="إيفان مولوتكوف", aliases=["إيفان مولوتكوف", "مولوتكوف"]),
        claim(cs=10, ce=14, entity="إيفان مولوتكوف", aliases=["السفير"]),
        claim(cs=20, ce=24, entity="إيفان مولوتكوف", aliases=["مولوتكوف"]),
        claim(cs=30, ce=34, entity="الخارجية", stype="organization"),
        claim(cs=40, ce=44, entity="", stype="author"),
        claim(cs=50, ce=54, entity="مراقبون", stype="anonymous", optional=True),
    ]


@pytest.mark.parametrize("pred_entities, top_right, distance", [
    # the same chart: an alias of another claim of the same speaker counts (السفير)
    (["مولوتكوف", "السفير", "إيفان مولوتكوف", "الخارجية", ""], True, 0.0),
    # the frequent speaker lost to words the gold never uses: the ministry comes out on top
    (["الخارجية", "وزير", "المسؤول", "الخارجية", ""], False, 0.6),
    # a tie goes to the source that speaks first
    (["مولوتكوف", "وزير", "المسؤول", "الخارجية", ""], True, 0.4),
    # every speaker lost to "no source"
    (["", "", "", "", ""], False, 0.8),
])
def test_reliance_top_source_and_share_distance(pred_entities, top_right, distance):
    gold = _reliance_gold()
    pred = [claim(cs=g["cue_start"], ce=g["cue_end"], entity=e, stype="person" if e else "author")
            for g, e in zip(gold, pred_entities)]
    r = ev.reliance(gold, pred)
    assert r["top_right"] is top_right
    assert r["distance"] == pytest.approx(distance)
    assert r["gold_top"] == ["إيفان مولوتكوف"]


def test_reliance_of_an_article_without_named_sources_is_not_judged():
    gold = [claim(entity="", stype="author")]
    r = ev.reliance(gold, [claim(entity="فلان")])
    assert r["top_right"] is None and r["distance"] == 1.0
    assert ev.reliance_summary([r])["articles_with_source"] == 0


def test_evaluate_reports_reliance_beside_the_scorer_numbers(tmp_path, capsys):
    gold = _reliance_gold()
    gold_file, pred_file = tmp_path / "a.claims.jsonl", tmp_path / "pred.jsonl"
    gold_file.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    pred_file.write_text(json.dumps(claim(entity="الخارجية", stype="organization"), ensure_ascii=False) + "\n",
                         encoding="utf-8")
    assert main(["evaluate", "--gold", str(gold_file), "--pred", str(pred_file), "--format", "json",
                 "--per-doc"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reliance"] == {"articles": 1, "articles_with_source": 1, "top_source_right": 0.0,
                               "share_distance": 0.8}
    assert out["reliance_per_doc"]["a"]["pred_top"] == "الخارجية"
    assert main(["evaluate", "--gold", str(gold_file), "--pred", str(pred_file)]) == 0
    assert "top source right in 0.000 of 1" in capsys.readouterr().out
