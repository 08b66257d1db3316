"""The fast parse: each lever gives what Stanza's own code gives, and the pipeline agrees with the exact one."""
from __future__ import annotations

import numpy as np
import pytest

from claimkit import fastparse, mst, parsing

TEXT = ("قال وزير الخارجية المصري سامح شكري إن بلاده تدعم الحل السياسي في ليبيا، وأضاف أن القاهرة "
        "ستواصل جهودها مع الأطراف الليبية.\n\nوأكد المتحدث باسم الحكومة أن الاجتماع المقبل سيعقد في تونس.")


def _random_tree(rng: np.random.Generator, n: int) -> np.ndarray:
    tree = rng.integers(0, n, n)
    tree[0] = 0
    return tree


def test_cycle_search_matches_stanza():
    from stanza.models.common.chuliu_edmonds import tarjan

    rng = np.random.default_rng(0)
    for _ in range(3000):
        tree = _random_tree(rng, int(rng.integers(2, 40)))
        ours, theirs = mst.find_cycles(tree), tarjan(tree)
        assert len(ours) == len(theirs)
        assert all(np.array_equal(a, b) for a, b in zip(ours, theirs))


def test_tree_decoding_matches_stanza():
    from stanza.models.common.chuliu_edmonds import chuliu_edmonds_one_root

    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(2, 45))
        scores = np.log(rng.dirichlet(np.ones(n), size=n)).astype(np.float32)  # log-probabilities, like the parser's
        before = scores.copy()
        assert np.array_equal(mst.chuliu_edmonds_one_root(scores), chuliu_edmonds_one_root(scores))
        assert np.array_equal(scores, before)                 # the caller's scores are left alone


def test_confident_scores_take_the_greedy_tree_and_match_stanza():
    """Scores peaked on one single-rooted tree (a confident parser) give that tree, as Stanza's search does."""
    from stanza.models.common.chuliu_edmonds import chuliu_edmonds_one_root

    rng = np.random.default_rng(2)
    for _ in range(300):
        n = int(rng.integers(3, 45))
        heads = [0, 0] + [int(rng.integers(1, i)) for i in range(2, n)]   # word 1 on the root, others earlier
        order = rng.permutation(n - 1) + 1                                 # renumber the words at random
        relabel = np.zeros(n, dtype=int)
        relabel[1:] = order
        tree = np.zeros(n, dtype=int)
        for dep in range(1, n):
            tree[relabel[dep]] = relabel[heads[dep]]
        logits = rng.normal(size=(n, n))
        logits[np.arange(1, n), tree[1:]] += 10.0 + rng.random(n - 1)
        scores = (logits - np.log(np.exp(logits).sum(1, keepdims=True))).astype(np.float32)
        assert mst._greedy_tree(scores) is not None
        assert np.array_equal(mst.chuliu_edmonds_one_root(scores), chuliu_edmonds_one_root(scores))
        assert np.array_equal(mst.chuliu_edmonds_one_root(scores), tree)


def test_pairwise_bilinear_matches_einsum():
    import torch
    from stanza.models.common.biaffine import PairwiseBilinear

    torch.manual_seed(0)
    layer = PairwiseBilinear(7, 7, 5)
    torch.nn.init.normal_(layer.weight)
    torch.nn.init.normal_(layer.bias)
    x, y = torch.randn(3, 6, 7), torch.randn(3, 6, 7)
    with torch.no_grad():
        expected = layer(x, y)
        got = fastparse._pairwise_bilinear(layer, x, y)
        assert torch.allclose(got, expected, atol=1e-5)
        layer.weight.mul_(2)                                  # a changed weight is not served from the old layout
        assert torch.allclose(fastparse._pairwise_bilinear(layer, x, y), layer(x, y), atol=1e-4)


def test_int8_label_scores_rank_labels_as_float_ones():
    import torch
    from stanza.models.common.biaffine import PairwiseBilinear

    torch.manual_seed(0)
    layer = PairwiseBilinear(33, 33, 12)
    torch.nn.init.normal_(layer.weight, std=0.1)
    x, y = torch.randn(4, 9, 33), torch.randn(4, 9, 33)
    with torch.no_grad():
        expected, got = layer(x, y), fastparse._pairwise_bilinear_int8(layer, x, y)
    assert got.shape == expected.shape
    assert (got.argmax(-1) == expected.argmax(-1)).float().mean() > 0.9


def test_memo_is_bounded_and_keeps_the_recent():
    memo = fastparse.Memo(size=2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get_recent("a") == 1                          # "a" is now the most recent
    memo.put("c", 3)
    assert list(memo) == ["a", "c"] and memo.get_recent("b") is None


def test_remembered_lookups_return_fresh_lists_and_pass_unhashables_through():
    calls = []

    def parts(unit):
        calls.append(unit)
        return list(unit) if isinstance(unit, (str, list)) else [unit]

    f = fastparse._remembered(parts, copy=True, size=2)
    first = f("ab")
    first.append("changed")                                   # a caller changing its list ...
    assert f("ab") == ["a", "b"] and calls == ["ab"]          # ... does not change the remembered one
    assert f(["x", "y"]) == ["x", "y"] and f(["x", "y"]) == ["x", "y"] and len(calls) == 2   # lists keyed as tuples
    f("c")                                                    # full: emptied, then filled again
    assert f("ab") == ["a", "b"] and calls[-1] == "ab"
    assert f({1}) == [{1}]                                    # unhashable: computed, not remembered


def _words(doc) -> list[tuple]:
    """Everything but the relation label of each word (labels come from the int8 scorer)."""
    return [(w.text, w.upos, w.xpos, w.feats, w.lemma, w.head) for s in doc.sentences for w in s.words]


def _labels(doc) -> list[str]:
    return [w.deprel for s in doc.sentences for w in s.words]


@pytest.fixture(scope="module")
def pipelines():
    if not parsing.model_available():
        pytest.skip("needs the Arabic Stanza model (STANZA_RESOURCES_DIR)")
    return parsing.get_pipeline(exact=True), parsing.get_pipeline(exact=False)


def test_fast_pipeline_gives_the_exact_parse(pipelines):
    exact, fast = pipelines
    assert exact is not fast
    a, b = fast(TEXT), exact(TEXT)
    assert _words(a) == _words(b)
    assert sum(x == y for x, y in zip(_labels(a), _labels(b))) >= 0.9 * len(_labels(b))


def test_repeated_words_reach_the_seq2seq_models_once(pipelines, monkeypatch):
    """A second text made of words already seen is expanded and lemmatised from memory."""
    _, fast = pipelines
    fast(TEXT)
    calls = []
    for name in ("mwt", "lemma"):
        trainer = fast.processors[name].trainer
        real = trainer.predict
        monkeypatch.setattr(trainer, "predict", lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    again = fast(TEXT)
    assert calls == []
    assert _words(again) == _words(pipelines[0](TEXT))
