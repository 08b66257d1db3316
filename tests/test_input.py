"""Bad and odd input: clear claimkit errors or documented results, offsets into the caller's string."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimkit
from claimkit.clean import check_text, clean
from claimkit.normalize import normalize_for_match, normalize_name, strip_diacritics

SENTENCE = "وأضاف السفير لوكالة الأنباء أن الاجتماع سيعقد غدا في القاهرة."


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\u200f\u200e"])
def test_empty_text(text):
    with pytest.raises(claimkit.EmptyTextError):
        claimkit.analyze(text)


def test_non_arabic_text():
    with pytest.raises(claimkit.NotArabicError, match="Arabic"):
        claimkit.analyze("The ambassador said that the meeting would take place tomorrow in Cairo.")


def test_not_a_string():
    with pytest.raises(TypeError):
        claimkit.analyze(b"bytes")  # type: ignore[arg-type]


def test_too_long_has_a_limit_that_can_be_lifted():
    with pytest.raises(claimkit.TextTooLongError):
        check_text("ا" * 50, max_chars=10)
    assert check_text("قال " * 20, max_chars=None)


def test_only_boilerplate():
    with pytest.raises(claimkit.EmptyTextError, match="boilerplate"):
        claimkit.analyze("  • 6/28/2016\n  • 00:00\nnews-picture\nمشاركة :\n")


def test_html_tags_are_skipped_and_offsets_point_into_the_html():
    html = f"<html><body><h1>خبر</h1><p>{SENTENCE}</p><script>var x = '<p>';</script></body></html>"
    a = claimkit.analyze(html)
    assert [c.cue for c in a.records] == ["وأضاف"]
    c = a.records[0]
    assert html[c.cue_start:c.cue_end] == "وأضاف"
    assert html[c.content_start:c.content_end] == c.content == "الاجتماع سيعقد غدا في القاهرة"


def test_tatweel_diacritics_and_bidi_marks_keep_offsets():
    odd = "\u200fوأضـــاف السفيرُ لوكالة الأنباء أنَّ الاجتماعَ سيعقد غداً في القاهرة."
    a = claimkit.analyze(odd)
    assert len(a.records) == 1
    c = a.records[0]
    assert odd[c.cue_start:c.cue_end] == c.cue == "وأضـــاف"
    assert odd[c.source_start:c.source_end] == "السفيرُ"
    assert c.content.startswith("الاجتماعَ")


def test_long_article_is_analysed(seed_text):
    body = seed_text.split("news-picture", 1)[1]
    long_text = (body + "\n\n") * (200_000 // len(body) + 1)
    long_text = long_text[:200_000]
    a = claimkit.analyze(long_text)
    assert len(a.records) > 100
    for c in a.records[-5:]:
        assert long_text[c.cue_start:c.cue_end] == c.cue


def test_malformed_conllu():
    with pytest.raises(claimkit.ConlluError):
        claimkit.analyze_conllu("1\tقال\n2\tbroken line without columns\n\n")


def test_conllu_that_does_not_match_the_text():
    conllu = claimkit.parse(SENTENCE).to_conllu()
    with pytest.raises(claimkit.ConlluError, match="not found"):
        claimkit.analyze_conllu(conllu, text="نص آخر لا علاقة له بالشجرة.")


def test_missing_model_names_the_remedy(tmp_path, monkeypatch):
    from claimkit import parsing

    monkeypatch.setattr(parsing, "_PIPELINES", {})
    # no network in tests: make any download attempt fail at once
    import requests

    def refuse(*args, **kwargs):
        raise requests.exceptions.ConnectionError("network disabled in tests")

    monkeypatch.setattr(requests.Session, "request", refuse)
    monkeypatch.setattr(requests, "get", refuse)
    with pytest.raises(claimkit.ModelNotFoundError) as err:
        claimkit.analyze(SENTENCE, stanza_dir=tmp_path / "empty", cache=False)
    assert "claimkit download" in str(err.value) and "STANZA_RESOURCES_DIR" in str(err.value)


def test_clean_maps_every_character_back():
    text = "  • 6/28/2016\nوأضـاف\u200f السفيرُ: \ufefb نعم"
    ct = clean(text)
    for i, ch in enumerate(ct.text):
        assert 0 <= ct.index[i] < len(text)
    assert "•" not in ct.text and "\u0640" not in ct.text and "\u064f" not in ct.text


@pytest.mark.parametrize("a, b", [
    ("أكد", "اكد"), ("مؤكداً", "موكدا"), ("إيفان", "ايفان"), ("رأى", "راي"), ("وكالة", "وكاله"),
    ("مـــؤكـد", "موكد"),
])
def test_normalize_for_match(a, b):
    assert normalize_for_match(a) == normalize_for_match(b)


def test_normalize_helpers():
    assert strip_diacritics("قَالَ") == "قال"
    assert normalize_name("أحمد  أبو-زيد") == "احمد ابو زيد"


ARABIC = st.characters(min_codepoint=0x0621, max_codepoint=0x064A)
EXTRA = st.sampled_from(list(" \n.،,:\"«»“”؟!0123456789\u064b\u064e\u0650\u0651\u0640\u200f") +
                        ["قال ", "أن ", "وأضاف ", "بحسب ", "مشددا ", "يذكر "])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(ARABIC, ARABIC, ARABIC, EXTRA), min_size=0, max_size=120).map("".join))
def test_any_text_returns_or_raises_claimkits_error(text):
    try:
        a = claimkit.analyze(text, cache=False)
    except claimkit.ClaimkitError:
        return
    for c in a.records:
        assert 0 <= c.cue_start < c.cue_end <= len(text) and text[c.cue_start:c.cue_end] == c.cue
        assert 0 <= c.content_start <= c.content_end <= len(text)
        assert text[c.content_start:c.content_end] == c.content
        if c.source_start is not None:
            assert text[c.source_start:c.source_end] == c.source
        if c.channel:
            assert c.channel in text
    for s in a.sentence_spans:
        assert text[s.start:s.end] == s.text
