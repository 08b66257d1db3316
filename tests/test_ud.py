"""Splitting a UD treebank file into documents, and naming their outlet."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimkit import ud
from claimkit.errors import ConlluError, InputFileError

ROOT = Path(__file__).resolve().parent.parent
PADT_DEV = ROOT.parent / "shared" / "gold" / "padt_dev"
UD_DEV = ROOT.parent / "shared" / "ud" / "ar_padt-v1dev-converted.conllu"


def sentence(sent_id: str, text: str, newdoc: str | None = None) -> str:
    """A one-word CoNLL-U sentence (made up for the test) with the given comments."""
    head = f"# newdoc id = {newdoc}\n" if newdoc else ""
    return f"{head}# sent_id = {sent_id}\n# text = {text}\n1\t{text}\t{text}\tX\t_\t_\t0\troot\t_\t_\n\n"


def test_split_at_newdoc_comments():
    conllu = (sentence("a-1", "قال", newdoc="afp.20000715.0075") + sentence("a-2", "أضاف")
              + sentence("b-1", "أكد", newdoc="xin.20010101.0001"))
    docs = ud.split_documents(conllu)
    assert [d.doc for d in docs] == ["afp.20000715.0075", "xin.20010101.0001"]
    assert [d.outlet for d in docs] == ["AFP", "Xinhua"]
    assert docs[0].text == "قال\nأضاف" and docs[0].sentences == 2
    assert docs[0].conllu.count("# sent_id") == 2


def test_split_where_the_sent_id_names_another_document():
    conllu = "".join(sentence(f"{doc}-p{k}", "قال") for doc in ("AFP_ARB_20000715.0004", "UMH_ARB_20020101.0002")
                     for k in (1, 2, 3))
    docs = ud.split_documents(conllu)
    assert [d.doc for d in docs] == ["AFP_ARB_20000715.0004", "UMH_ARB_20020101.0002"]
    assert [d.outlet for d in docs] == ["AFP", "Ummah"]
    assert [d.sentences for d in docs] == [3, 3]


def test_split_where_paragraph_numbers_start_again():
    """Ids that do not name the document (padtdev-s-pN): a new document where the numbering restarts."""
    ids = ["padtdev-s-p1", "padtdev-s-p2", "padtdev-s-p3", "padtdev-s-p1", "padtdev-s-p2", "padtdev-s-p1"]
    docs = ud.split_documents("".join(sentence(i, "قال") for i in ids), name="dev")
    assert [d.sentences for d in docs] == [3, 2, 1]
    assert [d.doc for d in docs] == ["dev-001", "dev-002", "dev-003"]
    # PADT v2 units: p1u1, p1u2 are one paragraph of the same document
    v2 = ["afp.1:p1u1", "afp.1:p1u2", "afp.1:p2u1", "afp.2:p1u1"]
    assert [d.sentences for d in ud.split_documents("".join(sentence(i, "قال") for i in v2))] == [3, 1]


def test_outlet_from_the_dateline():
    assert ud.outlet_of("", "عنوان\nعمان ٣-٩ (اف ب) - أعلنت") == "AFP"
    assert ud.outlet_of("", "عنوان\nبيروت -» الحياة «- أعلن المدير") == "Al-Hayat"
    assert ud.outlet_of("", "دبي ٣ مايو / شينخوا / افتتحت") == "Xinhua"
    # "الحياة" (life) as an ordinary word is not a dateline
    assert ud.outlet_of("", "تعود إلى نشوء الحياة الحضرية") == ud.UNIDENTIFIED
    assert ud.outlet_of("padtdev-s", "") == ud.UNIDENTIFIED


def test_bad_input_gets_claimkit_errors(tmp_path):
    with pytest.raises(ConlluError):
        ud.split_documents("# just a comment\n\n")
    with pytest.raises(InputFileError):
        ud.read_documents(tmp_path / "missing.conllu")
    bad = tmp_path / "latin1.conllu"
    bad.write_bytes("# text = caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError):
        ud.read_documents(bad)


@pytest.mark.skipif(not PADT_DEV.is_dir(), reason=f"{PADT_DEV} (PADT dev gold documents) is not beside the checkout")
def test_padt_dev_documents_are_whole_and_analysable():
    import claimkit

    paths = sorted(PADT_DEV.glob("*.conllu"))
    for p in paths[:5]:
        (doc,) = ud.read_documents(p)
        assert doc.doc == p.name.removesuffix(".conllu")
        assert doc.text.strip() == p.with_name(doc.doc + ".txt").read_text(encoding="utf-8").strip()
        analysis = claimkit.analyze_conllu(doc.conllu, doc=doc.doc)
        assert analysis.doc == doc.doc and len(analysis.sentence_spans) == doc.sentences
    assert ud.read_documents(paths[0])[0].outlet == "AFP"  # "بغداد ١٥-٧ (اف ب)"


@pytest.mark.skipif(not UD_DEV.is_file(), reason=f"{UD_DEV} (converted PADT dev treebank) is not beside the checkout")
def test_a_whole_treebank_file_splits_into_its_documents():
    docs = ud.read_documents(UD_DEV)
    blocks = UD_DEV.read_text(encoding="utf-8").count("# sent_id")
    assert sum(d.sentences for d in docs) == blocks  # no sentence lost or duplicated
    assert len(docs) == UD_DEV.read_text(encoding="utf-8").count("# sent_id = padtdev-s-p1\n")
    assert {"AFP", "Al-Hayat"} <= {d.outlet for d in docs}
