"""A cross-article source index: one row per real-world source, whatever article quotes it.

    import claimkit.index
    idx = claimkit.index.build(claims)          # claims: pandas or Dask DataFrame of claim records
    idx.sources      # one row per resolved source: name, forms, titles, type, articles, claims, merges
    idx.mentions     # one row per (article, entity): doc, entity, source_id, features used to resolve it
    idx.merges       # every merge between two mentions, with its rule and a plain reason
    idx.explain(source_id)

Inside an article claimkit (or the annotator) has already linked every claim to an ``entity``.
Across articles the index decides which ``(doc, entity)`` *mentions* are the same speaker:

1. **Features** (per mention, :func:`mention_features`): the phrase is read by
   :func:`claimkit.names.read_phrase` into name words, titles and a country; the mention
   becomes a *person* (a name), a *named* organisation or outlet (معاريف، حماس), a *described*
   one ("الإذاعة الإسرائيلية", "الأمم المتحدة"), a *state* (a country, its capital or its
   government: مصر = القاهرة = الحكومة المصرية), a coordinated *group*, or *unnamed*.
2. **Blocking**: each mention gets block keys (a person's folded surname, an organisation's
   name or description, a state's name). Only mentions that share a key are compared, so the
   work grows with the corpus, not with its square; on Dask the blocks are spread over the
   workers (:func:`build` with a Dask DataFrame).
3. **Rules** (per block, :func:`block_edges`), each edge with a reason:
   the same name after spelling folding (hamza, ى/ي, ة/ه, doubled letters, ع/أ, أبو/عبد
   joined: :func:`claimkit.names.name_key`); a full name that extends another with the same
   first and last name (جورج بوش → جورج دبليو بوش); a surname alone joins the *only* full name
   with that surname in the corpus, or, when several exist, the only one seen with the same
   title; the same described institution of the same country; the same state.
4. **Clusters**: edges are applied strongest first; an edge that would put two mentions of one
   article in one source is refused (the article already keeps them apart).

Never merged: unnamed sources (``official``, ``anonymous``, ``document`` types, role nouns
without a name: "المصدر" in two articles are two sources), an institution every state has
without its country ("وزارة الخارجية", "الحكومة"), two full names that share only a surname
(بيل كلينتون / هيلاري كلينتون), a group with its members.

Not handled: a bare role noun that the text identifies with a named office holder elsewhere
(gold data count this as a miss: "الحكومة" for Egypt's government), people who share a full
name, name changes, transliterations beyond :mod:`claimkit.names`.

Metadata (outlet, date) per article is read by :mod:`claimkit.meta`; :func:`write` and
:func:`read` store the index as Parquet tables (``sources``, ``mentions``, ``articles``,
``merges``) that pandas, DuckDB and Dask read directly; :func:`update` rebuilds on a grown
corpus reusing the features of unchanged articles.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .errors import ClaimkitError
from .names import index_words, name_key, read_phrase, title_key
from .lexicon import strip_article
from .normalize import normalize_name
from .render import isolate

if TYPE_CHECKING:
    import pandas as pd

#: Source types that are never merged across articles (unnamed by definition).
UNNAMED_TYPES = frozenset({"official", "anonymous", "document", "author"})
#: Rules, strongest first (the order in which edges are applied), with a short label.
RULES = {
    "same_name": "same name",
    "same_state": "same state",
    "same_description": "same institution",
    "same_group": "same coordinated sources",
    "extends": "full name extends another",
    "surname_title": "surname with the same title",
    "surname": "surname of the only full name",
    "same_single_name": "same single name",
}
_RULE_ORDER = {r: k for k, r in enumerate(RULES)}
MENTION_COLUMNS = ["mention_id", "doc", "entity", "source_type", "claims", "hedging_sum", "forms", "kind", "name",
                   "name_key", "titles", "country", "keys"]
EDGE_COLUMNS = ["a", "b", "rule", "reason"]


class SourceIndexError(ClaimkitError, ValueError):
    """Claim records the index cannot use (missing columns, unreadable files), or a folder that is no index."""


# -- step 1: mentions and their features ---------------------------------------------------------

def _forms_column(claims: "pd.DataFrame") -> str | None:
    for col in ("entity_aliases", "aliases", "source"):
        if col in claims.columns:
            return col
    return None


def _as_list(value: Any) -> list:
    """An alias list as a list: Parquet gives arrays, and Dask's string conversion (``from_pandas``)
    turns a list column into its text."""
    if isinstance(value, str):
        import ast

        try:
            value = ast.literal_eval(value) if value.startswith("[") else [value]
        except (ValueError, SyntaxError):
            value = [value]
    try:
        return [str(v) for v in value] if value is not None else []
    except TypeError:
        return []


def _lists(keys: Iterable[Any], values: Iterable[Any], many: bool = True) -> dict[Any, list]:
    """key → the distinct non-empty values in first-seen order (``many``: each value is a list).
    Plain dictionaries: pandas' ``groupby().agg(list)`` is a Python loop per group, far slower."""
    out: dict[Any, dict] = {}
    for k, v in zip(keys, values):
        seen = out.setdefault(k, {})
        for x in (v if many else (v,)):
            if isinstance(x, str) and x.strip():
                seen[x] = None
    return {k: list(v) for k, v in out.items()}


def check_claims(claims: Any) -> None:
    """Raise :class:`SourceIndexError` unless ``claims`` has the columns the index needs."""
    missing = [c for c in ("doc", "entity") if c not in claims.columns]
    if missing:
        raise SourceIndexError(f"claim records need the columns doc and entity; missing: {', '.join(missing)}")


def mention_id(doc: str, entity: str) -> str:
    """The id of one (article, entity) mention (stable across runs and machines)."""
    return f"{doc}\u241f{entity}"


def mention_table(claims: "pd.DataFrame") -> "pd.DataFrame":
    """One row per (doc, entity) with a non-empty entity: type (the most frequent), claim count,
    hedging sum, surface forms (entity, aliases or source spans) and resolution features."""
    import pandas as pd

    check_claims(claims)
    df = claims[claims["entity"].fillna("").astype(str).str.strip() != ""]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MENTION_COLUMNS})
    keys = ["doc", "entity"]
    stype = df["source_type"].fillna("") if "source_type" in df.columns else pd.Series("", index=df.index)
    hedging = pd.to_numeric(df["hedging_level"], errors="coerce").fillna(1) if "hedging_level" in df.columns \
        else pd.Series(1, index=df.index)
    base = pd.DataFrame({"doc": df["doc"].astype(str), "entity": df["entity"].astype(str), "source_type": stype,
                         "hedging": hedging})
    base["source_type"] = base["source_type"].astype(str)
    agg = base.groupby(keys, sort=False).agg(claims=("hedging", "size"), hedging_sum=("hedging", "sum"))
    types = base.groupby(keys + ["source_type"], sort=False).size().reset_index(name="n") \
        .sort_values(["n"], ascending=False, kind="stable").drop_duplicates(keys).set_index(keys)["source_type"]
    agg["source_type"] = types
    col = _forms_column(df)
    if col is not None:
        values = df[col] if col == "source" else df[col].map(_as_list)
        agg["forms"] = _lists(zip(base["doc"].tolist(), base["entity"].tolist()), values.tolist(), many=col != "source")
    else:
        agg["forms"] = None
    agg = agg.reset_index()
    rows = [_features(entity, stype_, tuple(forms_) if isinstance(forms_, list) else ())
            for entity, stype_, forms_ in zip(agg["entity"], agg["source_type"], agg["forms"])]
    feats = pd.DataFrame(rows, index=agg.index)
    out = pd.concat([agg[["doc", "entity", "source_type", "claims", "hedging_sum", "forms"]], feats], axis=1)
    out.insert(0, "mention_id", [mention_id(d, e) for d, e in zip(out["doc"], out["entity"])])
    out["claims"] = out["claims"].astype("int64")
    out["hedging_sum"] = out["hedging_sum"].astype("float64")
    out["forms"] = [list(dict.fromkeys([e, *(f if isinstance(f, list) else [])])) for e, f in zip(out["entity"], out["forms"])]
    return out[MENTION_COLUMNS]


def _description_key(text: str) -> str:
    """A described institution's key (its words without the name, generic modifiers and the
    country, then the country), or "" when it may name different institutions in different articles:
    one word and no country ("الحزب"), one word that is not an institution every state has with a
    country ("الصحيفة الإسرائيلية"), an institution every state has without its country ("وزارة الخارجية")."""
    p = read_phrase(text)
    if p.group or p.state or not p.words:
        return ""
    if p.name and p.words[-len(p.name):] != p.name:   # a name inside the phrase: the name decides
        return ""
    roles = index_words()
    desc = [t for t in p.titles if roles.get(t) != "generic"]
    if not desc:
        return ""
    bare_head = roles.get(p.head) in ("national", "state")
    if p.country and len(desc) < 2 and not bare_head or not p.country and (len(desc) < 2 or bare_head):
        return ""   # "الصحيفة الإسرائيلية", "الحزب", "وزارة الخارجية": not one institution
    return " ".join(desc) + "|" + p.country


@lru_cache(maxsize=500_000)
def _features(entity: str, source_type: str, forms: tuple[str, ...]) -> dict[str, Any]:
    return mention_features(entity, source_type, forms)


def mention_features(entity: str, source_type: str, forms: Iterable[str]) -> dict[str, Any]:
    """What the index resolves a mention by: ``kind``, ``name`` (display), ``name_key`` (folded
    name words), ``titles`` (title keys seen with it), ``country`` and ``keys`` (block keys)."""
    forms = [f for f in dict.fromkeys([entity, *forms]) if f]
    p = read_phrase(entity)
    titles = sorted({t for f in forms if (t := title_key(read_phrase(f).titles))})
    out: dict[str, Any] = {"kind": "unnamed", "name": "", "name_key": [], "titles": titles, "country": p.country,
                           "keys": []}
    if source_type in UNNAMED_TYPES:
        return out
    if p.group:
        return {**out, "kind": "group", "keys": ["g:" + " ".join(p.words)]}
    if p.state:
        return {**out, "kind": "state", "name": p.country, "keys": ["s:" + p.country]}
    name = p.name
    if source_type == "person" or not source_type:
        if not name:   # an entity with no name word: the longest name among the forms
            names = [read_phrase(f).name for f in forms if not read_phrase(f).group]
            name = max(names, key=len, default=())
        if not name:
            return out
        key = name_key(name)
        return {**out, "kind": "person", "name": " ".join(name), "name_key": list(key), "keys": ["p:" + key[-1]]}
    keys = ["n:" + " ".join(name_key(name))] if name else []
    keys += ["d:" + d for f in forms if (d := _description_key(f))]
    if not keys:
        return out
    return {**out, "kind": "named" if name else "described", "name": " ".join(name) if name else "",
            "name_key": list(name_key(name)) if name else [], "keys": list(dict.fromkeys(keys))}


# -- step 2 and 3: blocks and rules --------------------------------------------------------------

def block_rows(mentions: "pd.DataFrame") -> "pd.DataFrame":
    """One row per (block key, mention) for the mentions that have keys."""
    cols = ["mention_id", "doc", "entity", "name_key", "titles", "keys"]
    rows = mentions[cols].explode("keys").rename(columns={"keys": "key"})
    return rows[rows["key"].notna()].reset_index(drop=True)


def _quote(s: str) -> str:
    """A name in quotes inside an English reason, isolated so an Arabic name cannot move its quotes."""
    return f"\u201c{isolate(s)}\u201d"


def spelled(key: str, forms: Iterable[str]) -> str:
    """A normalised key (a title key such as "رييس حكومه") in the spelling of the forms it came
    from ("رئيس الحكومة"): each key word replaced by the first written word whose key it is."""
    written: dict[str, str] = {}
    for form in forms:
        for word in str(form).split():
            k = normalize_name(word)
            for variant in (k, strip_article(k)):
                written.setdefault(variant, word.strip("،,.:«»\"“”()"))
    return " ".join(written.get(w, w) for w in key.split())


def _same_name_reason(a: dict, b: dict) -> tuple[str, str]:
    if normalize_name(a["entity"]) == normalize_name(b["entity"]):
        return "same_name", f"same name {_quote(b['entity'])}"
    return "same_name", (f"{_quote(a['entity'])} = {_quote(b['entity'])}: the same name once spelling variants "
                         "are folded (hamza, ى/ي, ة/ه, doubled letters, ع/أ, أبو/عبد)")


def _extends(short: tuple, long: tuple) -> bool:
    if not 2 <= len(short) < len(long) or short[0] != long[0] or short[-1] != long[-1]:
        return False
    it = iter(long)
    return all(w in it for w in short)


def _chain(rows: list[dict], rule: str, reason: Any) -> list[tuple[str, str, str, str]]:
    rows = sorted(rows, key=lambda r: r["mention_id"])
    return [(rows[0]["mention_id"], r["mention_id"], rule, reason(rows[0], r)) for r in rows[1:]]


def _person_edges(rows: list[dict]) -> list[tuple[str, str, str, str]]:
    edges: list[tuple[str, str, str, str]] = []
    by_name: dict[tuple, list[dict]] = {}
    for r in rows:
        by_name.setdefault(tuple(r["name_key"]), []).append(r)
    full = sorted(k for k in by_name if len(k) >= 2)
    for k in full:   # one-word names are merged below, only when no full name makes them ambiguous
        rs = sorted(by_name[k], key=lambda r: r["mention_id"])
        edges += [(rs[0]["mention_id"], r["mention_id"], *_same_name_reason(rs[0], r)) for r in rs[1:]]
    parent = {k: k for k in full}

    def find(k: tuple) -> tuple:
        while parent[k] != k:
            k = parent[k]
        return k

    for i, s in enumerate(full):
        for t in full[i + 1:]:
            short, long = (s, t) if len(s) < len(t) else (t, s)
            if _extends(short, long):
                a, b = min(by_name[short], key=lambda r: r["mention_id"]), min(by_name[long], key=lambda r: r["mention_id"])
                edges.append((a["mention_id"], b["mention_id"], "extends",
                              f"{_quote(b['entity'])} extends {_quote(a['entity'])} (same first and last name)"))
                parent[find(short)] = find(long)
    groups: dict[tuple, list[tuple]] = {}
    for k in full:
        groups.setdefault(find(k), []).append(k)
    singles = [k for k in by_name if len(k) == 1]
    group_titles = [(g, {t for n in g for m in by_name[n] for t in m["titles"]}) for g in groups.values()]
    best = {id(g): min((m for n in g for m in by_name[n]), key=lambda m: (-len(m["name_key"]), m["mention_id"]))
            for g in groups.values()}
    for k in singles:
        for r in by_name[k]:
            target, rule, why = None, "", ""
            if len(groups) == 1:
                target = next(iter(groups.values()))
                rule, why = "surname", "the only full name with that surname in the corpus"
            elif len(groups) > 1:
                titled = [(g, ts & set(r["titles"])) for g, ts in group_titles if ts & set(r["titles"])]
                if len(titled) == 1:
                    target = titled[0][0]
                    rule, why = "surname_title", f"the only full name with that surname seen with the title " \
                                                 f"{_quote(sorted(titled[0][1])[0])}"
            if target is not None:
                b = best[id(target)]
                edges.append((b["mention_id"], r["mention_id"], rule,
                              f"{_quote(r['entity'])} is the surname of {_quote(b['entity'])}, {why}"))
    if not groups:
        for k in singles:
            edges += _chain(by_name[k], "same_single_name",
                            lambda a, b: f"same single name {_quote(b['entity'])} and no full name with it is known")
    return edges


_KIND_RULES = {
    "s": ("same_state", lambda a, b: f"{_quote(a['entity'])} and {_quote(b['entity'])} both stand for the state "
                                     f"{_quote(spelled(a['key'][2:], [a['entity'], b['entity']]))} (a country, its capital and its government are one speaker)"),
    "n": ("same_name", None),
    "d": ("same_description", lambda a, b: f"{_quote(a['entity'])} and {_quote(b['entity'])}: the same institution "
                                           f"({_quote(spelled(a['key'][2:].replace('|', ', '), [a['entity'], b['entity']]))})"),
    "g": ("same_group", lambda a, b: f"the same coordinated sources {_quote(b['entity'])}"),
}


def block_edges(rows: list[dict]) -> list[tuple[str, str, str, str]]:
    """The merge edges of one block (all rows share ``key``): (mention a, mention b, rule, reason)."""
    if len(rows) < 2:
        return []
    prefix = rows[0]["key"][0]
    if prefix == "p":
        return _person_edges(rows)
    rule, reason = _KIND_RULES[prefix]
    if reason is None:
        rs = sorted(rows, key=lambda r: r["mention_id"])
        return [(rs[0]["mention_id"], r["mention_id"], *_same_name_reason(rs[0], r)) for r in rs[1:]]
    return _chain(rows, rule, reason)


def edges_for_blocks(blocks: "pd.DataFrame") -> "pd.DataFrame":
    """The edges of every block in ``blocks`` (rows of :func:`block_rows`; all rows of a key together)."""
    import pandas as pd

    edges: list[tuple[str, str, str, str]] = []
    if len(blocks):
        for _, g in blocks.groupby("key", sort=True):
            edges += block_edges(g.to_dict("records"))
    return pd.DataFrame(edges, columns=EDGE_COLUMNS)


# -- step 4: clusters ------------------------------------------------------------------------------

def resolve(mentions: "pd.DataFrame", edges: "pd.DataFrame") -> tuple[dict[str, str], "pd.DataFrame"]:
    """Apply edges strongest first (rule order, then ids), refusing any that would join two mentions of
    one article. Returns mention_id → source_id and the edges with an ``applied`` column."""
    import pandas as pd

    parent: dict[str, str] = {}
    docs: dict[str, set[str]] = {}
    for m, d in zip(mentions["mention_id"].tolist(), mentions["doc"].tolist()):
        parent[m] = m
        docs[m] = {d}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    edges = edges.drop_duplicates(["a", "b", "rule"]).copy()
    edges["order"] = edges["rule"].map(_RULE_ORDER)
    edges = edges.sort_values(["order", "a", "b"], kind="stable").drop(columns="order").reset_index(drop=True)
    applied = []
    for a, b in zip(edges["a"].tolist(), edges["b"].tolist()):
        ra, rb = find(a), find(b)
        if ra == rb:
            applied.append(False)
            continue
        small, big = (ra, rb) if len(docs[ra]) < len(docs[rb]) else (rb, ra)
        if docs[small] & docs[big]:
            applied.append(False)
            continue
        parent[small] = big
        docs[big] |= docs.pop(small)
        applied.append(True)
    edges["applied"] = pd.Series(applied, dtype=bool)
    members: dict[str, str] = {}
    for m in parent:
        r = find(m)
        if r not in members or m < members[r]:
            members[r] = m
    ids = {r: "S" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:10] for r, first in members.items()}
    return {m: ids[find(m)] for m in parent}, edges


# -- the index -------------------------------------------------------------------------------------

@dataclass
class SourceIndex:
    """The tables of a source index (see the module docstring); ``stats`` says how it was built."""

    sources: "pd.DataFrame"
    mentions: "pd.DataFrame"
    articles: "pd.DataFrame"
    merges: "pd.DataFrame"
    stats: dict[str, Any] = field(default_factory=dict)

    def explain(self, source_id: str) -> str:
        """Why the mentions of one source were merged: its forms, articles and every merge with its reason."""
        row = self.sources[self.sources["source_id"] == source_id]
        if row.empty:
            raise SourceIndexError(f"no source {source_id} in this index")
        s = row.iloc[0]
        lines = [f"{isolate(s['name'])} ({s['source_type']}, {s['kind']}): {s['claims']} claims in "
                 f"{s['articles']} articles",
                 "  forms: " + " · ".join(isolate(f) for f in s["forms"])]
        if len(s["titles"]):   # as the article spells them; the keys are normalised (رييس حكومه)
            lines.append("  titles: " + " · ".join(isolate(spelled(t, s["forms"])) for t in s["titles"]))
        ms = self.merges[(self.merges["source_id"] == source_id)]
        for m in ms.itertuples():
            lines.append(f"  merged {m.doc_a} + {m.doc_b} [{RULES[m.rule]}]: {m.reason}")
        if ms.empty:
            lines.append("  no merge: cited in one article only, or never merged")
        return "\n".join(lines)

    def claims_of(self, claims: "pd.DataFrame", source_id: str) -> "pd.DataFrame":
        """The claim records (of ``claims``) that the index gives to ``source_id``, with the article's metadata."""
        m = self.mentions[self.mentions["source_id"] == source_id][["doc", "entity"]]
        out = claims.merge(m, on=["doc", "entity"])
        meta = [c for c in ("doc", "outlet", "date") if c in self.articles.columns]
        return out.merge(self.articles[meta], on="doc", how="left")

    def missing_metadata(self) -> dict[str, list[str]]:
        """Articles without an outlet and without a date (reported, never guessed)."""
        a = self.articles
        return {"outlet": sorted(a.loc[a["outlet"] == "", "doc"]), "date": sorted(a.loc[a["date"] == "", "doc"])}


def _source_table(mentions: "pd.DataFrame", merges: "pd.DataFrame") -> "pd.DataFrame":
    """One row per source (vectorised: a corpus has hundreds of thousands of sources)."""
    import pandas as pd

    cols = ["source_id", "name", "source_type", "kind", "forms", "titles", "articles", "claims", "mean_hedging",
            "docs", "merges"]
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    m = mentions.assign(_len=mentions["name_key"].map(len))
    first = m.sort_values(["source_id", "_len", "claims", "mention_id"], ascending=[True, False, False, True],
                          kind="stable").drop_duplicates("source_id").set_index("source_id")
    out = pd.DataFrame(index=first.index)
    out["name"] = first["name"].where(first["kind"] == "state", first["entity"])
    types = m.groupby(["source_id", "source_type"], sort=False)["claims"].sum().reset_index() \
        .sort_values(["source_id", "claims", "source_type"], ascending=[True, False, True], kind="stable") \
        .drop_duplicates("source_id").set_index("source_id")["source_type"]
    out["source_type"] = types
    out["kind"] = first["kind"]
    by_id = m.sort_values("mention_id", kind="stable")
    out["forms"] = pd.Series(_lists(by_id["source_id"].tolist(), by_id["forms"].tolist()))
    out["titles"] = pd.Series({k: sorted(v) for k, v in _lists(m["source_id"].tolist(), m["titles"].tolist()).items()})
    g = m.groupby("source_id", sort=False)
    out["articles"] = g["doc"].nunique()
    out["claims"] = g["claims"].sum()
    out["mean_hedging"] = g["hedging_sum"].sum() / out["claims"]
    out["docs"] = pd.Series({k: sorted(v) for k, v in _lists(m["source_id"].tolist(), m["doc"].tolist(),
                                                              many=False).items()})
    applied = merges[merges["applied"]] if len(merges) else merges
    out["merges"] = applied.groupby("source_id").size() if len(applied) else 0
    for c in ("forms", "titles", "docs"):
        out[c] = out[c].map(lambda v: v if isinstance(v, list) else [])
    out["merges"] = out["merges"].fillna(0).astype("int64")
    out = out.reset_index()[cols]
    return out.sort_values(["claims", "articles", "source_id"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)


def _merge_table(edges: "pd.DataFrame", ids: dict[str, str]) -> "pd.DataFrame":
    import pandas as pd

    split = lambda s: s.str.split("\u241f", n=1, expand=True)  # noqa: E731
    cols = ["source_id", "doc_a", "entity_a", "doc_b", "entity_b", "rule", "reason", "applied"]
    if edges.empty:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == "applied" else object) for c in cols})
    out = edges.copy()
    out["source_id"] = out["a"].map(ids)
    out[["doc_a", "entity_a"]] = split(out["a"])
    out[["doc_b", "entity_b"]] = split(out["b"])
    return out[cols]


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.startswith("dask")


def _dask_mentions_and_edges(claims: Any) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Features and blocks on the cluster: claims shuffled by article, mentions by block key."""
    import pandas as pd

    check_claims(claims)
    meta_m = mention_table(claims._meta)
    mentions = claims.shuffle(on="doc").map_partitions(mention_table, meta=meta_m)
    blocks = mentions.map_partitions(block_rows, meta=block_rows(meta_m))
    edges = blocks.shuffle(on="key").map_partitions(edges_for_blocks,
                                                   meta=pd.DataFrame({c: pd.Series(dtype=object) for c in EDGE_COLUMNS}))
    import dask

    m, e = dask.compute(mentions, edges)
    return m.sort_values("mention_id").reset_index(drop=True), e


def _fingerprints(claims: "pd.DataFrame") -> "pd.Series":
    """A fingerprint per article of the claim fields the index reads (changes when any of them changes)."""
    import numpy as np
    import pandas as pd

    cols = [c for c in ("entity", "source_type", "hedging_level", "entity_aliases", "source", "cue_start")
            if c in claims.columns]
    total = np.zeros(len(claims), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k, c in enumerate(cols):
            values = claims[c].map(str) if claims[c].dtype == object else claims[c].astype(str)
            h = pd.util.hash_pandas_object(values, index=False).to_numpy()
            total += h * np.uint64(2 * k + 3) + np.uint64(k)
        sums = pd.Series(total, index=claims["doc"].astype(str).values).groupby(level=0).sum()
    return sums.map(lambda v: format(int(v), "016x"))


def build(claims: Any, *, meta: "pd.DataFrame | None" = None, texts: dict[str, str] | None = None,
          previous: SourceIndex | None = None) -> SourceIndex:
    """Build the source index of claim records (a pandas or Dask DataFrame with at least ``doc`` and
    ``entity``; ``source_type``, ``hedging_level`` and ``entity_aliases`` or ``source`` are used when present).

    ``meta`` (doc, outlet, date) and ``texts`` (doc → article text, for datelines) feed
    :func:`claimkit.meta.article_metadata`. With ``previous`` (an index built before on part of this
    corpus) the features of articles whose claims did not change are reused, not recomputed.
    """
    import pandas as pd

    from .meta import article_metadata

    if _is_dask(claims):
        mentions, edges = _dask_mentions_and_edges(claims)
        docs_claims = claims[["doc"]].assign(n=1).groupby("doc")["n"].sum().compute()
        fingerprints = pd.Series(dtype=object)
        stats = {"engine": "dask", "reused_articles": 0}
    else:
        check_claims(claims)
        claims = claims.copy()
        claims["doc"] = claims["doc"].astype(str)
        fingerprints = _fingerprints(claims)
        reuse: list[str] = []
        if previous is not None and "fingerprint" in previous.articles.columns \
                and previous.stats.get("features_version") == features_version():
            old = previous.articles.set_index("doc")["fingerprint"]
            reuse = [d for d, f in fingerprints.items() if old.get(d) == f]
        fresh = claims[~claims["doc"].isin(set(reuse))]
        mentions = mention_table(fresh)
        if reuse:
            kept = previous.mentions[previous.mentions["doc"].isin(set(reuse))][MENTION_COLUMNS]
            mentions = pd.concat([kept, mentions], ignore_index=True)
        mentions = mentions.sort_values("mention_id", kind="stable").reset_index(drop=True)
        edges = edges_for_blocks(block_rows(mentions))
        docs_claims = claims.groupby("doc").size()
        stats = {"engine": "pandas", "reused_articles": len(reuse),
                 "recomputed_articles": int(fresh["doc"].nunique()),
                 "removed_articles": (len(set(previous.articles["doc"]) - set(fingerprints.index))
                                      if previous is not None else 0)}
    ids, edges = resolve(mentions, edges)
    mentions = mentions.assign(source_id=mentions["mention_id"].map(ids))
    merges = _merge_table(edges, ids)
    sources = _source_table(mentions, merges)
    articles = article_metadata(sorted(map(str, docs_claims.index)), meta=meta, texts=texts)
    articles["claims"] = articles["doc"].map(docs_claims).fillna(0).astype("int64")
    per_doc = mentions.groupby("doc")["source_id"].nunique()
    articles["sources"] = articles["doc"].map(per_doc).fillna(0).astype("int64")
    articles["fingerprint"] = [str(fingerprints.get(d, "")) for d in articles["doc"]]
    stats.update({"features_version": features_version(), "claims": int(docs_claims.sum()), "articles": len(articles), "mentions": len(mentions),
                  "sources": len(sources), "merges": int(merges["applied"].sum()) if len(merges) else 0,
                  "refused_merges": int((~merges["applied"]).sum()) if len(merges) else 0})
    return SourceIndex(sources, mentions, articles, merges, stats)


@lru_cache(maxsize=1)
def features_version() -> str:
    """claimkit's version and a hash of the word lists the features come from: an index built with
    other rules or lists is rebuilt in full by :func:`update`, never reused."""
    from importlib import resources

    from . import __version__

    h = hashlib.sha1(__version__.encode())
    for name in ("countries.tsv", "index_words.tsv", "source_nouns.tsv", "official_modifiers.txt"):
        h.update(resources.files("claimkit.data").joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def update(index_dir: str | os.PathLike, claims: Any, **kwargs: Any) -> SourceIndex:
    """Rebuild the index stored in ``index_dir`` for ``claims`` (a grown or changed corpus), reusing
    the features of every article whose claims did not change (when the index was built with the same
    :func:`features_version`); the caller writes the result."""
    previous = read(index_dir) if (Path(index_dir) / "mentions.parquet").exists() else None
    return build(claims, previous=previous, **kwargs)


# -- storage ---------------------------------------------------------------------------------------

TABLES = ("sources", "mentions", "articles", "merges")


def write(index: SourceIndex, index_dir: str | os.PathLike) -> Path:
    """Write the four tables as ``INDEX_DIR/NAME.parquet`` (each atomically) and ``stats.json``."""
    from .writers import write_text_atomic

    d = Path(index_dir)
    d.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        table = getattr(index, name)
        tmp = d / f".{name}.parquet.tmp"
        table.to_parquet(tmp, index=False)
        os.replace(tmp, d / f"{name}.parquet")
    write_text_atomic(json.dumps(index.stats, ensure_ascii=False, indent=2) + "\n", d / "stats.json")
    return d


def read(index_dir: str | os.PathLike) -> SourceIndex:
    """Read an index written by :func:`write`."""
    import pandas as pd

    d = Path(index_dir)
    missing = [n for n in TABLES if not (d / f"{n}.parquet").exists()]
    if missing:
        raise SourceIndexError(f"{d}: not a source index (missing {', '.join(m + '.parquet' for m in missing)})")
    tables = {n: pd.read_parquet(d / f"{n}.parquet") for n in TABLES}
    for col in ("name_key", "titles", "keys", "forms"):
        tables["mentions"][col] = tables["mentions"][col].map(lambda v: list(v) if v is not None else [])
    stats = json.loads((d / "stats.json").read_text(encoding="utf-8")) if (d / "stats.json").exists() else {}
    return SourceIndex(stats=stats, **tables)
