"""Bad and odd input: clear claimkit errors or documented results, offsets into the caller's string."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimkit
from claimkit.clean import check_text, clean
from claimkit.normalize import normalize_for_match, normalize_name, strip_diacritics
from conftest import assert_spans_slice_back

ROOT_SEED = __import__("pathlib").Path(__file__).resolve().parent.parent / "seeds" / "libya_haftar_moscow_2016.ar.txt"
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


# -- regression tests of the hardening issue ---------------------------------------------------

def _fuzz_module():
    """scripts/fuzz.py (its presentation-form shaper is shared with these tests)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py"
    spec = importlib.util.spec_from_file_location("claimkit_fuzz", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _nfkc_claims(analysis):
    import unicodedata

    nf = lambda s: unicodedata.normalize("NFKC", s)  # noqa: E731
    return [(nf(c.cue), nf(c.source), nf(c.content), nf(c.entity), c.mode, c.source_type, c.hedging)
            for c in analysis.records]


PARAGRAPHS = [SENTENCE, "قال وزير الخارجية المصري سامح شكري إن بلاده تدعم الحل السياسي في ليبيا.",
              "ويرى محللون أن الاتفاق قد ينهار خلال أسابيع."]


def test_presentation_forms_give_the_same_claims_as_normal_text():
    """Defect 1: PDF-style presentation forms were refused as "0% Arabic"."""
    shape = _fuzz_module().to_presentation_forms
    normal = "\n\n".join(PARAGRAPHS)
    pdf = shape(normal)
    assert not any("\u0621" <= ch <= "\u064a" for ch in pdf)  # no ordinary Arabic letter left
    a, b = claimkit.analyze(normal), claimkit.analyze(pdf)
    assert len(a.records) == 3 and _nfkc_claims(b) == _nfkc_claims(a)
    assert_spans_slice_back(pdf, b)


def test_some_lines_in_presentation_forms_are_not_dropped():
    """Defect 1: lines in presentation forms were silently dropped as boilerplate."""
    shape = _fuzz_module().to_presentation_forms
    mixed = "\n".join([PARAGRAPHS[0], shape(PARAGRAPHS[1]) + " \ufdfa", PARAGRAPHS[2]])
    a = claimkit.analyze(mixed)
    assert len(a.records) == 3
    assert normalize_for_match(a.records[1].source).startswith("وزير")
    assert_spans_slice_back(mixed, a)


def test_ligatures_fold_and_map_back_to_one_character():
    text = "قال النبي \ufdfa إن الدين يسر."
    ct = clean(text)
    assert "صلى الله عليه وسلم" in ct.text
    lig = text.index("\ufdfa")
    assert {ct.index[i] for i, _ in enumerate(ct.text) if ct.text[i] in "صلى الله عليه وسلم"} >= {lig}
    assert ct.span(ct.text.index("الله"), ct.text.index("الله") + 4) == (lig, lig + 1)


@pytest.mark.parametrize("text", ["قال \udc80", "وأضاف السفير \udc80 أن الاجتماع سيعقد \ud800غدا في القاهرة."])
def test_lone_surrogates_give_a_result_not_a_unicode_error(text, tmp_path):
    """Defect 2: a string from json.loads with a lone surrogate raised UnicodeEncodeError in the cache."""
    import json

    from claimkit.writers import write_records

    first = claimkit.analyze(text)
    again = claimkit.analyze(text)  # from the cache
    assert again.to_dicts() == first.to_dicts()
    assert_spans_slice_back(text, first)
    out = tmp_path / "claims.jsonl"
    write_records(first.to_dicts(), out)
    assert [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()] == first.to_dicts()


CONLLU_OK = ("# text = قال الوزير نعم\n"
             "1\tقال\tقال\tVERB\t_\t_\t0\troot\t_\t_\n"
             "2\tالوزير\tوزير\tNOUN\t_\t_\t1\tnsubj\t_\t_\n"
             "3\tنعم\tنعم\tINTJ\t_\t_\t1\tobj\t_\t_\n\n")


@pytest.mark.parametrize("old, new, message", [
    ("\t1\tnsubj", "\t7\tnsubj", "outside the sentence"),
    ("\t0\troot", "\t2\troot", "cycle"),
    ("\t1\tobj", "\t3\tobj", "its own head"),
    ("\t1\tnsubj\t_\t_", "\t1\tnsubj\t_\tstart_char=abc|end_char=9", "not a number"),
    ("1\tقال", "1-5\tقالوه\t_\t_\t_\t_\t_\t_\t_\t_\n1\tقال", "covers words"),
])
def test_structurally_broken_conllu_is_refused(old, new, message):
    """Defect 5: broken trees were accepted silently."""
    claimkit.analyze_conllu(CONLLU_OK)  # the unbroken sentence is fine
    broken = CONLLU_OK.replace(old, new, 1)
    assert broken != CONLLU_OK
    with pytest.raises(claimkit.ConlluError, match=message):
        claimkit.analyze_conllu(broken)


@pytest.mark.parametrize("text", ['قال الوزير: ""', "قال الوزير: «»", 'قال: ""', "وقال الوزير أمس: «»."])
def test_a_claim_needs_content(text):
    """Defect 6: a cue with an empty quotation gave a claim with empty content."""
    assert claimkit.analyze(text).records == ()


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_file_offsets_point_into_the_file_as_read_with_newline_empty(tmp_path, newline):
    """Defect 7: offsets pointed into the text after newline conversion."""
    from claimkit.pipeline import analyze_file

    lf = "\n\n".join(PARAGRAPHS) + "\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(lf.replace("\n", newline).encode("utf-8"))
    with open(path, encoding="utf-8", newline="") as f:
        as_read = f.read()
    a = analyze_file(path)
    assert a.text == as_read and len(a.records) == 3
    assert_spans_slice_back(as_read, a)
    assert _nfkc_claims(a) == _nfkc_claims(claimkit.analyze(lf))


def test_long_article_in_blocks_gives_the_same_records():
    """Defect 9: blocks of paragraphs (bounded memory) give the one-piece records."""
    from claimkit.blocks import split_blocks

    import re

    seed = (ROOT_SEED.read_text(encoding="utf-8")).split("news-picture", 1)[1]
    sents = [x for x in re.split(r"(?<=\.)\s+", seed.strip()) if x]
    paras = [" ".join(sents[i:i + 2]) for i in range(0, len(sents), 2)] + PARAGRAPHS
    text = "\n\n".join(paras + paras[::-1])
    blocks = split_blocks(text, 1500)
    assert len(blocks) >= 3 and all(text[e - 2:e] == "\n\n" for _, e in blocks[:-1])
    one_piece = claimkit.analyze(text, cache=False, block_chars=10 ** 9)
    in_blocks = claimkit.analyze(text, cache=False, block_chars=1500)
    assert len(one_piece.records) > 10
    assert in_blocks.to_dicts() == one_piece.to_dicts()
    assert [(s.start, s.end, s.paragraph) for s in in_blocks.sentence_spans] == \
        [(s.start, s.end, s.paragraph) for s in one_piece.sentence_spans]


def test_split_blocks_covers_the_text_and_prefers_paragraphs():
    from claimkit.blocks import split_blocks

    text = "أ" * 50 + "\n\n" + "ب" * 30 + ". " + "ج" * 40 + "\n" + "د" * 200
    spans = split_blocks(text, 100)
    assert spans[0] == (0, 52)                                  # after the blank line
    assert "".join(text[s:e] for s, e in spans) == text          # nothing lost, nothing doubled
    assert all(e - s <= 100 for s, e in spans)
    assert split_blocks("", 10) == [(0, 0)] and split_blocks("قال", 10) == [(0, 3)]
