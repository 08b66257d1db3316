"""The cross-article source index: merge rules on hand-written variants and look-alikes, the
hand-resolved PADT gold (xdoc), metadata, storage, the command line, updates and Dask."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from claimkit import index as ix
from claimkit.cli import main
from claimkit.index_eval import load_entities, score_gold_index
from claimkit.meta import MetadataError, article_metadata, dateline_date
from conftest import gold_path, shared_path


def _records(pairs: list[tuple[str, str, str, list[str]]]) -> pd.DataFrame:
    """Claim records: one claim per (doc, entity, source_type, aliases)."""
    return pd.DataFrame([{"doc": d, "entity": e, "source_type": t, "entity_aliases": a or [e], "hedging_level": 1}
                         for d, e, t, a in pairs])


def _same(index: ix.SourceIndex, a: tuple[str, str], b: tuple[str, str]) -> bool:
    ids = dict(zip(zip(index.mentions["doc"], index.mentions["entity"]), index.mentions["source_id"]))
    return ids[a] == ids[b]


# Spelling and title variants that must resolve to one source: (type, form in article A, in article B,
# aliases in A). Names invented for the project, not taken from the treebank.
MUST_MERGE = [
    ("person", "سليم أبو الخير", "سليم ابو الخير", []),                         # hamza of أبو
    ("person", "سليم أبو الخير", "سليم أبوالخير", []),                          # أبو joined
    ("person", "مرتضى الهاشمي", "مرتضي الهاشمي", []),                           # ى / ي
    ("person", "أسامة عبد الله", "اسامه عبدالله", []),                           # hamza, ة/ه, عبد joined
    ("person", "إيفانا كووك", "ايفانا كوك", []),                                 # doubled letter
    ("person", "يوهان عنانيا", "يوهان أنانيا", []),                              # transliterated ع / أ
    ("person", "نادر سالم", "المهندس نادر سالم مدير الشركة", ["المهندس نادر سالم مدير الشركة"]),  # with titles
    ("person", "هاني بطرس", "هاني جورج بطرس", []),                              # a full name that extends another
    ("person", "رستم قادروف", "قادروف", []),                                    # surname alone, one full name known
    ("organization", "الحكومة الأردنية", "الأردن", []),                         # a state and its government
    ("organization", "عمان", "الحكومة الأردنية", []),                           # a capital stands for its government
    ("media", "الإذاعة السورية", "الإذاعة السورية الرسمية", []),                # a generic modifier
    ("organization", "حركة نهضة الريف", "حركة نهضة الريف", []),                  # the same named organisation
]

# Look-alikes that must stay apart.
MUST_NOT_MERGE = [
    ("person", "وليد منصور", "كمال منصور"),                        # two full names sharing only a surname
    ("anonymous", "المصدر", "المصدر"),                             # unnamed sources of two articles
    ("official", "مصدر مسؤول", "مصدر مسؤول"),
    ("official", "وزير الخارجية", "وزير الخارجية"),               # the same role noun in two articles
    ("organization", "وزارة الخارجية", "وزارة الخارجية"),         # the ministry of which country?
    ("organization", "وزارة الخارجية الأردنية", "وزارة الخارجية السورية"),  # two countries
    ("organization", "الحكومة", "الحكومة"),
    ("document", "البيان", "البيان"),
    ("media", "الصحيفة", "الصحيفة"),
    ("organization", "الحكومة الأردنية", "الحكومة السورية"),
    ("person", "سمير", "سمير وهبة"),                              # a first name is not a surname
]


@pytest.mark.parametrize("stype,a,b,aliases", MUST_MERGE, ids=[f"{a}~{b}" for _, a, b, _ in MUST_MERGE])
def test_variants_merge_with_a_reason(stype, a, b, aliases):
    other = "person" if stype == "person" and b != "الأردن" else stype
    idx = ix.build(_records([("docA", a, stype, []), ("docB", b, other, aliases)]))
    assert _same(idx, ("docA", a), ("docB", b))
    merged = idx.merges[idx.merges["applied"]]
    assert len(merged) == 1 and merged.iloc[0]["reason"]
    assert idx.sources.iloc[0]["articles"] == 2


@pytest.mark.parametrize("stype,a,b", MUST_NOT_MERGE, ids=[f"{a}≠{b}" for _, a, b in MUST_NOT_MERGE])
def test_look_alikes_stay_apart(stype, a, b):
    idx = ix.build(_records([("docA", a, stype, []), ("docB", b, stype, [])]))
    assert not _same(idx, ("docA", a), ("docB", b))


def test_ambiguous_surname_follows_the_shared_title():
    idx = ix.build(_records([
        ("d1", "وليد منصور", "person", ["وزير المالية وليد منصور"]),
        ("d2", "كمال منصور", "person", ["رئيس البلدية كمال منصور"]),
        ("d3", "منصور", "person", ["منصور", "وزير المالية"]),
        ("d4", "منصور", "person", ["منصور"])]))
    assert _same(idx, ("d1", "وليد منصور"), ("d3", "منصور"))
    assert not _same(idx, ("d2", "كمال منصور"), ("d3", "منصور"))
    assert not _same(idx, ("d1", "وليد منصور"), ("d4", "منصور"))   # no title: which منصور is unknown
    assert not _same(idx, ("d2", "كمال منصور"), ("d4", "منصور"))
    sid = idx.mentions.set_index(["doc", "entity"]).loc[("d1", "وليد منصور"), "source_id"]
    assert "وزير ماليه" in idx.explain(sid)


def test_two_entities_of_one_article_are_never_merged():
    idx = ix.build(_records([("d1", "سارة يعقوب", "person", []), ("d1", "ساره يعقوب", "person", []),
                             ("d2", "سارة يعقوب", "person", [])]))
    assert idx.mentions.groupby("source_id")["doc"].apply(lambda d: d.is_unique).all()
    assert (~idx.merges["applied"]).sum() == 1


@pytest.fixture(scope="module")
def gold_claims() -> tuple[pd.DataFrame, dict[str, str]]:
    from claimkit.index_cli import load_claims

    return load_claims([str(gold_path("padt_dev")), str(gold_path("padt_train"))])


@pytest.fixture(scope="module")
def gold_index(gold_claims) -> ix.SourceIndex:
    claims, texts = gold_claims
    return ix.build(claims, texts=texts)


def test_xdoc_gold_floors(gold_index):
    """Built from the gold claim files: cross-document pairwise P ≥ 0.90 and R ≥ 0.75."""
    gold = load_entities(shared_path("gold", "xdoc", "entities.jsonl"))
    scores = score_gold_index(gold_index, gold)
    assert scores.precision >= 0.90, scores.report()
    assert scores.recall >= 0.75, scores.report()


def test_unnamed_sources_of_different_articles_never_share_a_source(gold_index):
    m = gold_index.mentions
    unnamed = m[m["source_type"].isin(["official", "anonymous", "document"])]
    assert len(unnamed) > 50
    assert unnamed.groupby("source_id")["doc"].nunique().max() == 1


def test_metadata_from_sidecar_name_and_dateline():
    meta = pd.DataFrame([{"doc": "a1", "outlet": "Al-Ahram", "date": "2003-05-04"}])
    texts = {"b2": "عنوان\nبغداد ١٥-٧ (اف ب) - قال …", "c3": "عنوان\nبكين ٣ مايو\nقال …", "d4": "لا سطر تاريخ"}
    a = article_metadata(["a1", "AFP_ARB_20000715.0004", "b2", "c3", "d4"], meta=meta, texts=texts).set_index("doc")
    assert (a.loc["a1", "outlet"], a.loc["a1", "date"], a.loc["a1", "outlet_from"]) == ("Al-Ahram", "2003-05-04", "meta")
    assert (a.loc["AFP_ARB_20000715.0004", "outlet"], a.loc["AFP_ARB_20000715.0004", "date"]) == ("AFP", "2000-07-15")
    assert (a.loc["b2", "outlet"], a.loc["b2", "date"], a.loc["b2", "month"]) == ("AFP", "", "--07")
    assert (a.loc["c3", "outlet"], a.loc["c3", "month"]) == ("", "--05")
    assert (a.loc["d4", "outlet_from"], a.loc["d4", "date_from"]) == ("missing", "missing")
    assert dateline_date("القاهرة ٣-٥-٢٠٠٣ (أ ش أ) - …") == ("2003-05-03", "2003-05")


def test_cli_writes_the_tables_and_reports_missing_metadata(tmp_path, capsys):
    out = tmp_path / "index"
    assert main(["index", str(gold_path("padt_dev")), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "without outlet (not guessed)" in err
    mentions = pd.read_parquet(out / "mentions.parquet")
    assert {"doc", "entity", "source_id"} <= set(mentions.columns)
    assert not mentions.duplicated(["doc", "entity"]).any()
    sources = pd.read_parquet(out / "sources.parquet")
    assert set(mentions["source_id"]) == set(sources["source_id"])
    articles = pd.read_parquet(out / "articles.parquet")
    assert len(articles) == 30 and {"outlet", "date", "month"} <= set(articles.columns)


def test_cli_meta_file_and_errors(tmp_path, capsys):
    claims = tmp_path / "c.jsonl"
    claims.write_text("\n".join(json.dumps({"doc": d, "entity": "ليلى حداد", "source_type": "person"},
                                           ensure_ascii=False) for d in ("x1", "x2")) + "\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("doc,outlet,date\nx1,Al-Ghad,2004-01-02\n", encoding="utf-8")
    assert main(["index", str(claims), "--meta", str(meta), "--out", str(tmp_path / "i")]) == 0
    art = pd.read_parquet(tmp_path / "i" / "articles.parquet").set_index("doc")
    assert art.loc["x1", "outlet"] == "Al-Ghad" and art.loc["x2", "outlet"] == ""
    assert pd.read_parquet(tmp_path / "i" / "sources.parquet")["articles"].tolist() == [2]
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,outlet\n", encoding="utf-8")
    assert main(["index", str(claims), "--meta", str(bad), "--out", str(tmp_path / "j")]) == 2
    assert "needs a 'doc' column" in capsys.readouterr().err
    assert main(["index", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "j")]) == 2
    nodoc = tmp_path / "nodoc.jsonl"
    nodoc.write_text('{"entity": "x"}\n', encoding="utf-8")
    assert main(["index", str(nodoc), "--out", str(tmp_path / "j")]) == 2
    assert "missing: doc" in capsys.readouterr().err
    with pytest.raises(MetadataError):
        from claimkit.meta import read_meta
        read_meta(bad)


def test_update_reuses_unchanged_articles_and_equals_a_fresh_build(gold_claims, gold_index, tmp_path):
    claims, texts = gold_claims
    docs = sorted(claims["doc"].unique())
    first = claims[claims["doc"].isin(docs[:60])]
    ix.write(ix.build(first, texts=texts), tmp_path / "idx")
    grown = ix.update(tmp_path / "idx", claims, texts=texts)
    assert grown.stats["reused_articles"] == first["doc"].nunique()
    assert grown.stats["recomputed_articles"] == claims["doc"].nunique() - first["doc"].nunique()
    cols = ["mention_id", "source_id"]
    assert grown.mentions[cols].equals(gold_index.mentions[cols])
    assert grown.sources[["source_id", "name", "articles", "claims"]].equals(
        gold_index.sources[["source_id", "name", "articles", "claims"]])


def test_dask_build_gives_the_same_index(gold_claims, gold_index):
    dd = pytest.importorskip("dask.dataframe")
    from claimkit.distributed import connect

    claims, texts = gold_claims
    with connect("local:2"):
        idx = ix.build(dd.from_pandas(claims, npartitions=4), texts=texts)
    cols = ["mention_id", "source_id"]
    assert idx.mentions[cols].reset_index(drop=True).equals(gold_index.mentions[cols])
    assert idx.sources[["source_id", "name", "articles"]].equals(gold_index.sources[["source_id", "name", "articles"]])


def test_cli_dask_local_writes_the_same_index(tmp_path, capsys):
    pytest.importorskip("dask.dataframe")
    gold = str(gold_path("padt_dev"))
    assert main(["index", gold, "--out", str(tmp_path / "one")]) == 0
    assert main(["index", gold, "--dask", "local:1", "--out", str(tmp_path / "dask")]) == 0
    assert "Dask scheduler" in capsys.readouterr().err
    cols = ["doc", "entity", "source_id"]
    one, dist = (pd.read_parquet(tmp_path / d / "mentions.parquet")[cols] for d in ("one", "dask"))
    assert one.equals(dist)


def test_a_corpus_without_merges_gives_empty_tables_that_still_work():
    from claimkit import index_views as views

    idx = ix.build(_records([("d1", "رنا شاهين", "person", []), ("d2", "مصدر مطلع", "anonymous", [])]))
    assert idx.merges.empty and views.biggest_merges(idx).empty
    assert len(views.top_sources(idx)) == 2 and views.type_shares(idx)["claims"].sum() == 2
