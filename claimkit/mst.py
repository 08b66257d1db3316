"""Maximum spanning tree decoding for the dependency parser, the same trees as Stanza's, faster.

Stanza decodes each sentence's arc scores with Chu-Liu-Edmonds
(:func:`stanza.models.common.chuliu_edmonds.chuliu_edmonds_one_root`): it contracts one
cycle at a time and, after every contraction, looks for cycles again with Tarjan's
strongly-connected-components algorithm written over NumPy scalars (one ``np.where``
per node visited). On Arabic news that search is about a third of the parser's time.

:func:`find_cycles` is the same Tarjan search over plain Python lists: it visits the
nodes in the same order and returns the same cycles in the same order, so Stanza's
contraction loop, reused here unchanged, makes the same choices and returns the same
tree, ties included. :func:`chuliu_edmonds_one_root` is Stanza's function with this
cycle search; :func:`decode_graph_predictions` is Stanza's batch decoder calling it.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np


def find_cycles(tree: np.ndarray) -> list[np.ndarray]:
    """The cycles of a head array (``tree[i]`` is the head of node ``i``, ``tree[0] == 0``).

    Returns one boolean mask per cycle of two or more nodes, in the order Stanza's
    ``tarjan`` returns them (Tarjan's algorithm from each unvisited node in index order,
    following arcs from a head to its dependents in index order).
    """
    heads = tree.tolist()
    n = len(heads)
    dependents: list[list[int]] = [[] for _ in range(n)]
    for j, h in enumerate(heads):
        dependents[h].append(j)
    index = [-1] * n
    low = [-1] * n
    onstack = [False] * n
    stack: list[int] = []
    cycles: list[np.ndarray] = []
    counter = 0
    for start in range(n):
        if index[start] != -1:
            continue
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        onstack[start] = True
        calls = [(start, 0)]
        while calls:
            i, k = calls.pop()
            deps = dependents[i]
            descended = False
            while k < len(deps):
                j = deps[k]
                k += 1
                if index[j] == -1:
                    calls.append((i, k))
                    calls.append((j, 0))
                    index[j] = low[j] = counter
                    counter += 1
                    stack.append(j)
                    onstack[j] = True
                    descended = True
                    break
                if onstack[j] and index[j] < low[i]:
                    low[i] = index[j]
            if descended:
                continue
            if low[i] == index[i]:
                members = []
                while True:
                    j = stack.pop()
                    onstack[j] = False
                    members.append(j)
                    if j == i:
                        break
                if len(members) > 1:
                    mask = np.zeros(n, dtype=bool)
                    mask[members] = True
                    cycles.append(mask)
            if calls:  # back in the caller: fold this node's low-link into its head's
                parent = calls[-1][0]
                if low[i] < low[parent]:
                    low[parent] = low[i]
    return cycles


def chuliu_edmonds(scores: np.ndarray) -> np.ndarray:
    """Stanza's ``chuliu_edmonds`` (contract the last cycle found, repeat, expand) with
    :func:`find_cycles`; ``scores`` is changed in place as Stanza's function changes it."""
    from stanza.models.common.chuliu_edmonds import expand_contracted_tree, prepare_scores, process_cycle

    stack = []
    prepare_scores(scores)
    tree = np.argmax(scores, axis=1)
    cycles = find_cycles(tree)
    while cycles:
        sub, cycle_locs, noncycle_locs, heads, deps = process_cycle(tree, cycles.pop(), scores)
        stack.append((tree, cycle_locs, noncycle_locs, heads, deps))
        scores = sub
        prepare_scores(scores)
        tree = np.argmax(scores, axis=1)
        cycles = find_cycles(tree)
    while stack:
        contracted = tree
        tree, cycle_locs, noncycle_locs, heads, deps = stack.pop()
        tree = expand_contracted_tree(tree, contracted, cycle_locs, noncycle_locs, heads, deps)
    return tree


def chuliu_edmonds_one_root(scores: np.ndarray) -> np.ndarray:
    """The best tree with exactly one word attached to the root.

    Stanza finds it by lowering every root arc by the same large amount and running
    Chu-Liu-Edmonds, which then contracts cycle after cycle (about one per two words).
    When each word's best head already makes a tree with one word on the root, that tree
    is the best of all trees, so also the best single-rooted one: it is returned at once
    (Stanojević and Cohen 2021, "A Root of a Problem"). Otherwise Stanza's method is used.
    The two agree whenever the best tree is unique (no exactly tied scores).
    """
    greedy = _greedy_tree(scores)
    if greedy is not None:
        return greedy
    scores = scores.astype(np.float64)  # a copy: the caller's scores are left alone
    min_score = scores[np.isfinite(scores)].min()
    scores[:, 0] = scores[:, 0] + (min_score * scores.shape[0])
    return chuliu_edmonds(scores)


def _greedy_tree(scores: np.ndarray) -> np.ndarray | None:
    """Each word's best head (self-loops excluded) when that is a tree with one root child, else None."""
    n = scores.shape[0]
    masked = scores.astype(np.float64)
    np.fill_diagonal(masked, -np.inf)
    tree = np.argmax(masked, axis=1)
    tree[0] = 0
    if n < 2 or int(np.count_nonzero(tree[1:] == 0)) != 1 or not np.isfinite(masked[np.arange(1, n), tree[1:]]).all():
        return None
    return None if find_cycles(tree) else tree


def decode_graph_predictions(vocab: Any, batch_size: int, preds: Sequence[np.ndarray], sentlens: Sequence[int],
                             resolve_head_constraints: bool = False) -> list[list[list[Any]]]:
    """Stanza's ``GraphParser.decode_graph_predictions`` with :func:`chuliu_edmonds_one_root`:
    heads and relation labels of each sentence of a batch from the parser's scores."""
    from stanza.models.common.vocab import VOCAB_PREFIX_SIZE
    from stanza.models.depparse.head_constraints import resolve_head_constraint_violations

    head_seqs, deprel_seqs = [], []
    for i, length in enumerate(sentlens):
        scores = preds[0][i][:length, :length]
        tree = chuliu_edmonds_one_root(scores)
        if resolve_head_constraints:
            label_log_probs = preds[2][i][:length, :length, :]
            tree, raw_label_ids = resolve_head_constraint_violations(scores, label_log_probs, tree, vocab)
            deprels = vocab.unmap([r + VOCAB_PREFIX_SIZE for r in raw_label_ids])
        else:
            labels = preds[1][i]
            deprels = vocab.unmap([labels[j + 1][h] for j, h in enumerate(tree[1:])])
        head_seqs.append(tree[1:])
        deprel_seqs.append(deprels)
    return [[[head_seqs[i][j], deprel_seqs[i][j]] for j in range(sentlens[i] - 1)] for i in range(batch_size)]
