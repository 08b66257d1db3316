"""Claims found on small Arabic examples and on the gold texts, with real Stanza parses."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import claimkit
from conftest import assert_spans_slice_back, gold_path, shared_path


def only_claim(text: str):
    a = claimkit.analyze(text)
    assert len(a.records) == 1, [c.cue for c in a.records]
    return a.records[0]


@pytest.mark.parametrize("text, cue, source, mode, cue_class, hedging", [
    ("وأضاف السفير لوكالة الأنباء أن الاجتماع سيعقد غدا.", "وأضاف", "السفير", "indirect", "say", "neutral"),
    ("قال الوزير: سنعمل على حل الأزمة في أسرع وقت.", "قال", "الوزير", "direct", "say", "neutral"),
    ("ويرى محللون أن الاتفاق قد ينهار خلال أسابيع.", "ويرى", "محللون", "indirect", "opinion", "speculative"),
    ("وأكد الرئيس أن الحكومة ستدعم المشروع حتما.", "وأكد", "الرئيس", "indirect", "assert", "boosted"),
    ("وتوقع الخبراء أن ترتفع الأسعار في الشهر المقبل.", "وتوقع", "الخبراء", "indirect", "predict", "hedged"),
])
def test_finite_cues(text, cue, source, mode, cue_class, hedging):
    c = only_claim(text)
    assert (c.cue, c.source, c.mode, c.cue_class, c.hedging) == (cue, source, mode, cue_class, hedging)
    assert text[c.cue_start:c.cue_end] == c.cue
    assert text[c.content_start:c.content_end] == c.content


def test_channel_is_not_the_source():
    c = only_claim("وأضاف السفير لوكالة الأنباء أن الاجتماع سيعقد غدا.")
    assert c.channel == "وكالة الأنباء"
    assert c.content == "الاجتماع سيعقد غدا"


def test_impersonal_cue_is_the_authors_voice():
    c = only_claim("يذكر أن الاجتماع عقد في القاهرة الأسبوع الماضي.")
    assert (c.cue, c.source, c.source_start, c.source_type, c.entity) == ("يذكر", "", None, "author", "")
    assert c.cue_class == "impersonal"


def test_according_to_phrase():
    c = only_claim("بحسب مصادر مطلعة، سيصل الوفد غدا إلى القاهرة.")
    assert (c.cue, c.mode, c.source_type) == ("بحسب", "according_to", "anonymous")
    assert c.source == "مصادر مطلعة"
    assert c.content == "سيصل الوفد غدا إلى القاهرة"


@pytest.mark.parametrize("text", [
    "دعا الوزير إلى اجتماع عاجل لبحث الأزمة.",          # a call, no reported content
    "التقى الوزير بالسفير الروسي في القاهرة.",           # a meeting verb
    "زار الرئيس موسكو أمس برفقة وفد كبير.",             # a visit
    "أعلنت الدولة استقلالها عام 1960.",                 # a performative
])
def test_not_claims(text):
    assert claimkit.analyze(text).records == ()


def test_hedge_inside_relative_clause_does_not_count():
    c = only_claim("وقال المدير إن الشركة بحثت السبل التي يمكن أن تساعد العمال.")
    assert c.hedging == "neutral" and c.hedge_cues == ()


def test_hedge_in_the_claim_counts():
    c = only_claim("وقال المدير إن الشركة قد تغلق المصنع العام المقبل.")
    assert c.hedging == "hedged" and c.hedge_cues == ("قد",)


def test_dropped_subject_and_participle_are_linked():
    text = ("وقال وزير الخارجية سامح شكري إن المحادثات كانت مثمرة. "
            "وأضاف أن الجانبين اتفقا على مواصلة الحوار، مشددا على أن الحل سياسي.")
    a = claimkit.analyze(text)
    cues = [c.cue for c in a.records]
    assert cues == ["وقال", "وأضاف", "مشددا"]
    assert {c.entity for c in a.records} == {"سامح شكري"}
    assert a.records[2].hedging == "boosted"


# --- the seed article against its gold claims -------------------------------------------------

def _score(gold, records, tmp_path):
    """Score records with the reference scorer, run where it is (../shared/tools/score_claims.py)."""
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    scorer = shared_path("tools", "score_claims.py")
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_seed_matches_gold(seed_analysis, seed_gold_path, tmp_path):
    s = _score(seed_gold_path, seed_analysis.to_dicts(), tmp_path)
    assert s["fn"] == 0                       # every required gold claim found
    assert s["fp"] <= 1                       # at most one extra claim
    assert round(s["entity_acc"] * s["tp"]) >= 13
    assert round(s["hedging_acc"] * s["tp"]) >= 12


def test_seed_entities_are_linked_across_the_article(seed_analysis):
    by_cue = {(c.cue, c.cue_start): c for c in seed_analysis.records}
    ambassador = [c for c in by_cue.values() if c.entity == "إيفان مولوتكوف"]
    assert len(ambassador) >= 8               # السفير، مولوتكوف and dropped subjects all link to him
    assert any(c.source == "السفير" for c in ambassador)
    assert any(c.source == "" and c.cue == "وتابع" for c in ambassador)
    assert seed_analysis.sources.iloc[0]["entity"] == "إيفان مولوتكوف"


def test_seed_offsets_slice_back(seed_analysis, seed_text):
    assert_spans_slice_back(seed_text, seed_analysis)


def test_seed_boilerplate_is_not_parsed(seed_analysis, seed_text):
    bullets = seed_text.index("•")
    assert all(not (s.start <= bullets < s.end) for s in seed_analysis.sentence_spans)


def test_seed_preparsed_gives_the_same_claims(seed_analysis, seed_text):
    conllu = claimkit.parse(seed_text).to_conllu()
    again = claimkit.analyze_conllu(conllu, text=seed_text, doc=seed_analysis.doc)
    assert again.to_dicts() == seed_analysis.to_dicts()


# --- the PUD gold set: raw text and gold trees -------------------------------------------------

def test_pud_from_raw_text(pud_text, pud_gold_path, tmp_path):
    a = claimkit.analyze(pud_text, doc="pud_attribution.ar")
    s = _score(pud_gold_path, a.to_dicts(), tmp_path)
    assert s["cue_F1"] >= 0.85
    assert s["attribution_F1"] >= 0.72


def test_pud_from_gold_trees(pud_text, pud_gold_path, pud_conllu_path, tmp_path):
    conllu = pud_conllu_path.read_text(encoding="utf-8")
    a = claimkit.analyze_conllu(conllu, text=pud_text, doc="pud_attribution.ar")
    s = _score(pud_gold_path, a.to_dicts(), tmp_path)
    assert s["cue_F1"] >= 0.85
    assert s["attribution_F1"] >= 0.72
    for c in a.records:
        assert pud_text[c.cue_start:c.cue_end] == c.cue


def test_conllu_without_text_rebuilds_the_gold_layout(pud_text, pud_conllu_path):
    conllu = pud_conllu_path.read_text(encoding="utf-8")
    a = claimkit.analyze_conllu(conllu)
    assert a.text == pud_text


def test_claim_explanations(seed_analysis):
    text = seed_analysis.explain(0)
    assert "cue" in text and ("entity" in text or "speaker" in text or "rule:" in text)   # rules' or model's reason
    assert all(c.evidence for c in seed_analysis.records)


def test_output_records_have_exactly_the_documented_keys(seed_analysis):
    for d in seed_analysis.to_dicts():
        assert tuple(d) == claimkit.RECORD_KEYS
    assert list(seed_analysis.claims.columns) == list(claimkit.RECORD_KEYS)


def test_stanza_document_goes_through_the_same_extraction():
    from stanza.utils.conll import CoNLL

    conllu = gold_path("pud_attribution.ar.conllu").read_text(encoding="utf-8")
    document = CoNLL.conll2doc(input_str=conllu)
    a = claimkit.analyze_document(document, doc="pud_attribution.ar")
    b = claimkit.analyze_conllu(conllu, doc="pud_attribution.ar")
    assert [(c.cue, c.source, c.entity, c.content) for c in a.records] == \
        [(c.cue, c.source, c.entity, c.content) for c in b.records]
    assert len(a.records) > 100


@pytest.mark.parametrize("text, source, entity, source_type, channel", [
    ("ونقلت وكالة رويترز عن مصادر دبلوماسية أن اجتماعا سيعقد الأسبوع المقبل.",
     "وكالة رويترز", "وكالة رويترز", "media", ""),
    ('قال مصدر مسؤول لـ"العربية" إن المفاوضات ستستأنف الأسبوع المقبل.',
     "مصدر مسؤول", "مصدر مسؤول", "official", "العربية"),
    ("ويعتقد خبراء أن الأسعار ستواصل الارتفاع.", "خبراء", "خبراء", "anonymous", ""),
    ("وأشار التقرير الصادر عن منظمة العفو الدولية إلى أن السلطات اعتقلت مئات المتظاهرين.",
     "التقرير الصادر عن منظمة العفو الدولية", "التقرير الصادر عن منظمة العفو الدولية", "document", ""),
])
def test_source_phrases_types_and_channels(text, source, entity, source_type, channel):
    c = only_claim(text)
    assert (c.source, c.entity, c.source_type, c.channel) == (source, entity, source_type, channel)


def test_surname_written_with_the_article_links_to_the_full_name():
    text = ("قال وزير الخارجية الأردني أيمن الصفدي، في مؤتمر صحفي، إن الأردن يرفض أي محاولة لتهجير السكان. "
            "وأضاف الصفدي أن المنطقة لن تنعم بالأمن.")
    a = claimkit.analyze(text)
    assert [c.source for c in a.records] == ["وزير الخارجية الأردني أيمن الصفدي", "الصفدي"]
    assert {c.entity for c in a.records} == {"أيمن الصفدي"}


def test_hedge_predicate_alone_is_not_a_claim():
    assert claimkit.analyze("من المتوقع أن يصل الوفد إلى القاهرة غدا.").records == ()


def test_post_posed_wafq_ma_with_a_reporting_verb():
    c = only_claim("وارتفع عدد القتلى إلى عشرين، وفق ما ذكرت وزارة الصحة.")
    assert (c.cue, c.source, c.mode, c.source_type) == ("ذكرت", "وزارة الصحة", "according_to", "organization")
    assert c.content == "وارتفع عدد القتلى إلى عشرين"


def test_clause_between_commas_before_the_complement_and_dropped_subjects():
    text = ("وقال مصدر، طلب عدم الكشف عن هويته، إن الاتفاق بات وشيكا. ولفت إلى أن الخلافات تراجعت. "
            "وشدد على ضرورة احترام وقف إطلاق النار.")
    a = claimkit.analyze(text)
    assert [c.cue for c in a.records] == ["وقال", "ولفت", "وشدد"]
    assert {c.entity for c in a.records} == {"مصدر"}
    assert a.records[2].mode == "nominal" and a.records[2].content == "ضرورة احترام وقف إطلاق النار"


def test_a_fuller_name_given_later_names_the_earlier_claims_too():
    text = "وقال شكري إن المحادثات كانت مثمرة. وأضاف وزير الخارجية سامح شكري أن الجانبين اتفقا على مواصلة الحوار."
    a = claimkit.analyze(text)
    assert [c.entity for c in a.records] == ["سامح شكري", "سامح شكري"]
    assert a.records[0].cue_lemma == "قال"


@pytest.mark.parametrize("text, source, entity, source_type", [
    ("وأكد الرئيس عبد الفتاح السيسي خلال لقائه وزير الخارجية الأمريكي أن مصر ترفض أي تدخل في شؤونها.",
     "الرئيس عبد الفتاح السيسي", "عبد الفتاح السيسي", "person"),
    ("وأشار المدعي العام إلى أن التحقيقات لا تزال جارية.", "المدعي العام", "المدعي العام", "official"),
    ("وتوقع صندوق النقد الدولي أن ينمو الاقتصاد بنسبة 3 في المئة.",
     "صندوق النقد الدولي", "صندوق النقد الدولي", "organization"),
])
def test_compound_names_titles_and_institutions(text, source, entity, source_type):
    c = only_claim(text)
    assert (c.source, c.entity, c.source_type) == (source, entity, source_type)


@pytest.mark.parametrize("text, hedging, marker", [
    ("وقال الوزير إن الاتفاق سيوقع على الأرجح في الشهر المقبل.", "hedged", "على الأرجح"),
    ("وقال الوزير إن الحكومة لن تتراجع بشكل قاطع عن قرارها.", "boosted", "بشكل قاطع"),
])
def test_hedges_and_boosters_from_the_lexicon(text, hedging, marker):
    c = only_claim(text)
    assert c.hedging == hedging and c.hedge_cues == (marker,)
