"""claimkit.review.Review: corrections saved as gold records at every change, restored on reopening.

Runs on the real parse of the seed article (no stand-ins): the claim proposed for a missed cue
comes from the extractor's own frames and linking.
"""
from __future__ import annotations

import json

import pytest

import claimkit
from claimkit.evaluate import score
from claimkit.plots import reliance_numbers
from claimkit.review import GOLD_KEYS, Review, ReviewError, ReviewFileError, word_at
from conftest import SEED_NAME, load_jsonl

MISSED = "مجيبا"    # a participle cue the extractor leaves out (optional in the seed's gold)


@pytest.fixture()
def path(tmp_path):
    return tmp_path / f"{SEED_NAME}.claims.jsonl"


def _no(review: Review, cue: str) -> int:
    return next(i for i, c in enumerate(review.claims) if c["cue"] == cue)


def _assert_gold_file(path, text: str) -> list[dict]:
    recs = load_jsonl(path)
    for r in recs:
        assert tuple(r) == GOLD_KEYS
        assert text[r["cue_start"]:r["cue_end"]] == r["cue"]
        assert text[r["content_start"]:r["content_end"]] == r["content"]
        if r["source_start"] is not None:
            assert text[r["source_start"]:r["source_end"]] == r["source"]
        assert r["entity"] in r["entity_aliases"] or not r["entity"]
    assert [r["cue_start"] for r in recs] == sorted(r["cue_start"] for r in recs)
    return recs


def test_opening_saves_the_machine_claims_as_gold(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    recs = _assert_gold_file(path, seed_text)
    assert len(recs) == len(seed_analysis) and r.summary() == {"kept": len(recs), "corrected": 0, "rejected": 0,
                                                                 "added": 0}
    assert all(rec["optional"] is False and rec["alt_hedging"] is None for rec in recs)
    assert score(recs, seed_analysis.to_dicts()).overall["attribution_F1"] == 1.0


def test_every_change_is_in_the_file_at_once(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    r.reject(_no(r, "ويؤكد"))
    assert "ويؤكد" not in {x["cue"] for x in load_jsonl(path)}
    said = _no(r, "وقال")
    r.set_speaker(said, "أحمد معيتيق")
    assert next(x for x in load_jsonl(path) if x["cue"] == "وقال")["entity"] == "أحمد معيتيق"
    r.set_label(said, "hedging", "speculative")
    rec = next(x for x in load_jsonl(path) if x["cue"] == "وقال")
    assert (rec["hedging"], rec["hedging_level"]) == ("speculative", 3)
    r.set_label(said, "alt_hedging", "hedged")
    r.set_optional(said)
    start = seed_text.index("ننتظر اليوم")
    r.set_content(said, start, start + len("ننتظر اليوم"))
    rec = next(x for x in load_jsonl(path) if x["cue"] == "وقال")
    assert (rec["content"], rec["alt_hedging"], rec["optional"]) == ("ننتظر اليوم", "hedged", True)
    r.set_speaker(_no(r, "يذكر"), "")
    assert r.summary() == {"kept": len(seed_analysis) - 2, "corrected": 1, "rejected": 1, "added": 0}
    _assert_gold_file(path, seed_text)
    assert [p.name for p in path.parent.iterdir()] == [path.name]   # no temporary file left behind


def test_a_missed_claim_is_proposed_by_the_extractor(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    at = seed_text.index(MISSED)
    i = r.add_claim_at(at + 2)                 # a click inside the word
    c = r.claims[i]
    assert (c["cue"], c["cue_start"], r.status[i]) == (MISSED, at, "added")
    assert at + len(MISSED) < c["content_start"] < seed_text.index(".", at) <= c["content_end"] + 1
    assert c["entity"] and c["source_type"] in ("person", "official")   # linked like any dropped subject
    assert MISSED in {x["cue"] for x in _assert_gold_file(path, seed_text)}
    assert r.add_claim(at, at + len(MISSED)) == i and r.summary()["added"] == 1    # the same cue again: no change
    j = r.add_claim(*word_at(seed_text, seed_text.index("زار ")), entity="خليفة حفتر", source_type="person",
                    hedging="hedged")
    assert (r.claims[j]["entity"], r.claims[j]["hedging_level"]) == ("خليفة حفتر", 2)
    r.reject(i)
    assert r.add_claim_at(at) == i and r.status[i] == "added"   # adding a rejected cue keeps it again


def test_reopening_restores_the_corrections(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    r.reject(_no(r, "وأضاف"))
    r.set_speaker(_no(r, "وكشف"), "أحمد معيتيق", source_type="person")
    r.add_claim_at(seed_text.index(MISSED))
    saved = path.read_text(encoding="utf-8")
    again = Review(seed_analysis, path)
    assert again.summary() == r.summary() == {"kept": len(seed_analysis) - 2, "corrected": 1, "rejected": 1,
                                              "added": 1}
    assert again.records() == r.records() and path.read_text(encoding="utf-8") == saved
    assert again.status[_no(again, "وأضاف")] == "rejected"
    assert again.undo() is None                # the undo history is not stored


def test_undo_takes_back_the_last_change(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    first = path.read_text(encoding="utf-8")
    r.reject(0)
    second = path.read_text(encoding="utf-8")
    r.add_claim_at(seed_text.index(MISSED))
    assert r.undo().startswith("added claim") and path.read_text(encoding="utf-8") == second
    assert r.undo().startswith("rejected claim 0") and path.read_text(encoding="utf-8") == first
    assert r.undo() is None and r.summary()["rejected"] == 0


def test_two_reviews_of_one_file_the_later_write_wins(seed_analysis, path):
    a = Review(seed_analysis, path)
    b = Review(seed_analysis, path)
    a.reject(0)
    b.set_label(1, "mode", "direct")           # b never saw a's rejection: its whole state is written
    recs = load_jsonl(path)
    assert len(recs) == len(seed_analysis) and recs[1]["mode"] == "direct"


def test_the_reliance_numbers_follow_the_corrections(seed_analysis, path):
    r = Review(seed_analysis, path)
    before = reliance_numbers(r.corrected_analysis())
    for i, c in enumerate(r.claims):
        if c["entity"] == before["top_source"]:
            r.reject(i)
    after = reliance_numbers(r.corrected_analysis())
    assert after["top_source"] != before["top_source"]
    assert after["claims"] == r.summary()["kept"] == len(load_jsonl(path))
    assert r.reliance_figure().layout.title.text.startswith("Top source")


def test_speaker_choices_hold_the_articles_mentions(seed_analysis, path):
    names = Review(seed_analysis, path).speakers()
    assert {"إيفان مولوتكوف", "أحمد أبو زيد", "مراقبون", "خليفة حفتر"} <= set(names)
    assert "ميخائيل بوغدانوف" in names            # a titled name that never speaks


def test_bad_corrections_are_claimkit_errors(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    with pytest.raises(ReviewError, match="no claim number 99"):
        r.reject(99)
    with pytest.raises(ReviewError, match="one of person, organization"):
        r.set_label(0, "source_type", "man")
    with pytest.raises(ReviewError, match="no closed list"):
        r.set_label(0, "content", "x")
    with pytest.raises(ReviewError, match="not a stretch of the text"):
        r.set_content(0, 10, 5)
    with pytest.raises(ReviewError, match="holds no word"):
        r.add_claim(seed_text.index("\n\n"), seed_text.index("\n\n") + 2)
    comma = seed_text.index("،")
    with pytest.raises(ReviewError, match="no word of sentence"):
        r.add_claim(comma, comma + 1)
    with pytest.raises(ReviewError, match="no sentence holds"):
        r.add_claim_at(seed_text.index("6/28/2016"))      # a boilerplate line the parser never saw
    with pytest.raises(ReviewError, match="outside the text"):
        r.add_claim_at(len(seed_text) + 5)
    with pytest.raises(ReviewError, match="does not exist"):
        Review(seed_analysis, path.parent / "missing" / "x.claims.jsonl")
    assert r.history == []


def test_a_file_that_cannot_be_reopened_says_why(seed_analysis, path):
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="not valid JSON"):
        Review(seed_analysis, path)
    other = claimkit.analyze("قال الوزير إن الاجتماع كان مثمرا.", doc="other")
    Review(other, path.with_name("other.claims.jsonl"))
    with pytest.raises(ReviewFileError, match="saved for another text"):
        Review(seed_analysis, path.with_name("other.claims.jsonl"))
    assert json.loads(path.with_name("other.claims.jsonl").read_text(encoding="utf-8").splitlines()[0])["doc"] == "other"


def test_claimkit_review_opens_the_widget(seed_analysis, path):
    pytest.importorskip("anywidget", reason="needs the notebook extra (anywidget)")
    widget = claimkit.review(seed_analysis, save_to=path)
    assert widget.review.path == path and 'data-claim="0"' in widget.view.article
    widget.apply({"action": "select", "i": 2})
    widget.apply({"action": "reject", "i": 2})
    widget.refresh()
    assert widget.view.state["status"] == "rejected" and widget.view.state["summary"]["rejected"] == 1
    assert "(rejected)" in widget.view.article and len(load_jsonl(path)) == len(seed_analysis) - 1
    assert widget.chart.layout.title.text.startswith("Top source")


def test_widget_messages_select_report_errors_and_undo(seed_analysis, seed_text, path):
    pytest.importorskip("anywidget", reason="needs the notebook extra (anywidget)")
    widget = claimkit.review(seed_analysis, save_to=path)
    widget._on_message(None, {"action": "label", "i": 0, "field": "mode", "value": "shouted"})
    assert widget.view.state["error"] and "one of indirect" in widget.view.state["message"]
    widget._on_message(None, {"action": "add", "start": seed_text.index("مجيبا") + 1, "end": None})
    state = widget.view.state
    assert (state["claim"]["cue"], state["status"], state["summary"]["added"]) == ("مجيبا", "added", 1)
    assert not state["error"] and f'data-claim="{state["selected"]}"' in widget.view.article
    widget._on_message(None, {"action": "undo"})
    assert widget.view.state["summary"]["added"] == 0 and widget.view.state["selected"] == -1
    assert widget.view.state["message"].startswith("undone: added claim") and not widget.view.state["error"]
    assert "مجيبا" not in {r["cue"] for r in load_jsonl(path)}


def test_a_reviewed_folder_is_training_data(seed_analysis, seed_text, tmp_path):
    """Saved reviews are ordinary gold (NAME.claims.jsonl beside NAME.txt): `claimkit train` reads them."""
    from claimkit.train import train

    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"{SEED_NAME}.txt").write_text(seed_text, encoding="utf-8")
    r = Review(seed_analysis, folder / f"{SEED_NAME}.claims.jsonl")
    r.add_claim_at(seed_text.index(MISSED))
    r.reject(_no(r, "يذكر"))
    res = train([folder], tmp_path / "model")
    assert (res.documents, res.claims) == (1, len(seed_analysis))
    again = claimkit.analyze(seed_text, doc=SEED_NAME, model=tmp_path / "model")
    assert len(again) > 0


def test_a_new_speaker_is_saved_as_chosen(seed_analysis, seed_text, path):
    """ويرى: مراقبون → خليفة حفتر. The old source phrase must not stay, nor become the new speaker's alias."""
    r = Review(seed_analysis, path)
    sees = _no(r, "ويرى")
    assert r.claims[sees]["source"] == "مراقبون"
    r.set_speaker(sees, "خليفة حفتر")
    recs = {x["cue_start"]: x for x in _assert_gold_file(path, seed_text)}
    rec = recs[r.claims[sees]["cue_start"]]
    assert rec["entity"] == "خليفة حفتر" and rec["source_type"] == "person"      # the type follows the entity
    assert (rec["source"], rec["source_start"]) == ("", None)                       # «مراقبون» does not name him
    assert "مراقبون" not in rec["entity_aliases"] and "حفتر" in rec["entity_aliases"]
    accused = recs[r.claims[_no(r, "متهما")]["cue_start"]]                          # his other claim: untouched
    assert "مراقبون" not in accused["entity_aliases"]
    r.set_speaker(sees, "مراقبون")                                                  # back: the type follows again
    assert r.claims[sees]["source_type"] == "anonymous"
    r.set_speaker(sees, "شخص لا يذكره المقال", source_type="official")              # a typed name, a type given
    assert (r.claims[sees]["entity_aliases"], r.claims[sees]["source_type"]) == (["شخص لا يذكره المقال"], "official")
    said = _no(r, "وقال")                                                           # «السفير» names Molotkov: kept
    r.set_speaker(said, "إيفان مولوتكوف")
    assert r.claims[said]["source"] == "السفير"


def test_a_student_who_kept_the_machines_speaker_is_graded_wrong(seed_analysis, tmp_path):
    key, students = tmp_path / "key", tmp_path / "students"
    key.mkdir()
    (students / "kept").mkdir(parents=True)
    (key / f"{SEED_NAME}.txt").write_text(seed_analysis.text, encoding="utf-8")
    teacher = Review(seed_analysis, key / f"{SEED_NAME}.claims.jsonl")
    teacher.set_speaker(_no(teacher, "ويرى"), "خليفة حفتر")
    Review(seed_analysis, students / "kept" / f"{SEED_NAME}.claims.jsonl")        # the machine's speaker kept
    grades = claimkit.grade(key, students)
    rows = {x["student"]: x for x in grades.scores.to_dict("records")}
    assert rows["kept"]["entity_acc"] < 1 and rows["machine"]["entity_acc"] < 1
    d = grades.disagreements
    assert d[d["cue"] == "ويرى"].iloc[0]["kept"] == "speaker, type"     # anonymous → person too
    assert set(d[d["cue"] != "ويرى"]["kept"]) == {"ok"}


def test_redo_makes_an_undone_change_again(seed_analysis, path):
    r = Review(seed_analysis, path)
    assert r.redo() is None
    r.reject(0)
    rejected = path.read_text(encoding="utf-8")
    r.undo()
    assert r.redo().startswith("rejected claim 0") and path.read_text(encoding="utf-8") == rejected
    r.undo()
    r.set_label(1, "mode", "direct")              # a new change: nothing left to redo
    assert r.redo() is None and r.summary()["rejected"] == 0


def test_colours_stay_with_their_speaker(seed_analysis, path):
    pytest.importorskip("anywidget", reason="needs the notebook extra (anywidget)")
    from claimkit.review_widget import article_html

    r = Review(seed_analysis, path)
    before = r.colors()
    first = next(i for i, c in enumerate(r.claims) if c["entity"] == "إيفان مولوتكوف")
    for i, c in enumerate(r.claims):                       # the first speaker leaves the article
        if c["entity"] == "إيفان مولوتكوف":
            r.set_speaker(i, "أحمد معيتيق")
    after = r.colors()
    assert all(after[k] == v for k, v in before.items())   # nobody else changes colour
    assert after["أحمد معيتيق"] not in before.values()
    assert f'background:{before["مراقبون"]}' in article_html(r).replace(" ", "") or before["مراقبون"] in article_html(r)
    r.undo()
    assert r.colors()["إيفان مولوتكوف"] == before["إيفان مولوتكوف"] and first is not None


def test_the_speaker_list_is_clean(seed_analysis, seed_text, path):
    r = Review(seed_analysis, path)
    names = r.speakers()
    assert names[:4] == ["إيفان مولوتكوف", "أحمد أبو زيد", "مراقبون", "خليفة حفتر"]   # the machine's speakers first
    assert "نيكولاي باتروشيف" in names and "نيكولاي" not in names               # not cut short
    assert not any(n.startswith("أحمد أبو زيد ") for n in names)                 # no next word glued on
    assert "أبو زيد" not in names                                                 # an alias is no other speaker
    assert len({n for n in names}) == len(names)
    i = r.add_claim_at(seed_text.index(MISSED))                                   # "وأضاف السفير لوكالة نوفوستي"
    assert r.claims[i]["entity"] == "إيفان مولوتكوف" and "نوفوستي" not in " ".join(r.claims[i]["entity_aliases"])


def test_widget_acknowledges_messages_and_redoes(seed_analysis, path):
    pytest.importorskip("anywidget", reason="needs the notebook extra (anywidget)")
    widget = claimkit.review(seed_analysis, save_to=path)
    widget._on_message(None, {"action": "reject", "i": 1, "n": 7})
    assert widget.view.state["ack"] == 7 and widget.view.state["summary"]["rejected"] == 1
    widget._on_message(None, {"action": "undo", "n": 8})
    assert widget.view.state["next"].startswith("rejected claim 1") and widget.view.state["summary"]["rejected"] == 0
    widget._on_message(None, {"action": "redo", "n": 9})
    assert widget.view.state["message"].startswith("redone: rejected claim 1") and widget.view.state["ack"] == 9
    widget._on_message(None, {"action": "ping", "n": 10})
    assert widget.view.state["ack"] == 10 and not widget.view.state["error"]
    widget._on_message(None, {"action": "fly", "n": 11})
    assert widget.view.state["error"] and "unknown action" in widget.view.state["message"]
    widget._on_message(None, {"action": "select", "i": 3})
    assert widget.view.state["claim"]["entity"] in widget.view.state["speakers"]   # the list holds the current one
