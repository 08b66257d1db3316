"""The fast parse: Stanza's own models and trees, with less work around them.

Measured on the benchmark corpus (see ``benchmarks/bench_pipeline.py`` and the README),
the parse spends its time in the dependency parser (about half: a third of that in
decoding the tree, a third in scoring relation labels), then in the part-of-speech
tagger, the multi-word-token (MWT) expander, the lemmatizer and the tokenizer. Each
change below keeps the models and their weights; it removes repeated or idle work:

* **tree decoding** — :mod:`claimkit.mst`: when each word's best head already makes a
  single-rooted tree it is the answer; otherwise the same Chu-Liu-Edmonds search as
  Stanza's, with a cycle finder over Python lists instead of NumPy scalars;
* **relation-label scores** — the parser's pairwise bilinear scorers computed as one
  matrix product with the weight stored in the product's layout, instead of an
  ``einsum`` that re-lays the large intermediate tensor out on every batch; for the
  relation-label scorer (not the arc scorers: heads are untouched) that product is done
  in int8 (dynamic quantization of that one layer), which changes a label in about one
  word in 2,000;
* **MWT expansion** — Stanza runs its beam search on every candidate token and then
  replaces the result by the model's dictionary when the token is in it; here the
  dictionary is looked up first, each distinct token is expanded once, and expansions
  are remembered for the rest of the process (up to :data:`MEMO_SIZE` tokens);
* **lemmas** — Stanza already skips its seq2seq model for words in the lemma
  dictionary; here each distinct (word, tag) pair is also lemmatised once and remembered;
  the greedy decoder reads each step's predictions with one ``tolist`` instead of one
  ``item()`` per word;
* **vocabulary look-ups** — the tagger's and the parser's data loaders map each word's
  characters and each composite tag to ids (and the tagger maps ids back) one Python
  call at a time; each distinct word and tag is mapped once (:func:`_remember_vocab`);
* **batch sizes** — larger batches for the two seq2seq models (:data:`FAST_OPTIONS`),
  fewer decoder steps in Python for the same work.

What was measured and left out: larger batches for the tokenizer (no measurable gain),
the tagger (0–7 %, within the noise of a shared machine) and the parser (smaller or
larger than Stanza's 1,500 words: no steady gain; larger ones cost memory); dynamic int8
quantization of all the LSTM and Linear layers (``torch.ao.quantization.quantize_dynamic``),
which saved little more than the label scorer alone (the layers are small) and changed
1.4 % of heads and 0.5 % of tags.

Apart from the int8 labels, the trees are the same up to floating-point rounding: a
seq2seq prediction computed in a different batch, or a score with the same sums in
another order, can differ in the last bits, which could flip a near-tie.
``benchmarks/parse_agreement.py`` measures this against gold trees; the parse cache
keeps fast and exact parses apart (:func:`claimkit.parsing.model_identity`).
"""
from __future__ import annotations

import types
import warnings
from collections import OrderedDict
from typing import Any

#: Version of the fast path, part of the parse-cache key (bump when its output can change).
FAST_VERSION = 1

#: Stanza pipeline options of the fast parse (batch sizes; the models are the same).
FAST_OPTIONS: dict[str, Any] = {"mwt_batch_size": 1000, "lemma_batch_size": 1000}

#: How many MWT expansions and lemmas each processor remembers (least recently used dropped).
MEMO_SIZE = 200_000


class Memo(OrderedDict):
    """A bounded least-recently-used dictionary (the predictions remembered across texts)."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        super().__init__()
        self.size = size

    def get_recent(self, key: Any) -> Any:
        """The value for ``key`` (None when absent), marked as recently used."""
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def speed_up(nlp: Any) -> Any:
    """Install the fast paths on a Stanza pipeline's processors (in place); returns ``nlp``.

    Each change is installed only when the processor is the kind it was written for
    (a graph parser, a seq2seq MWT expander or lemmatizer with the dictionary ensemble);
    anything else is left as Stanza made it.
    """
    procs = nlp.processors
    for name in ("pos", "depparse"):
        if name in procs:
            _remember_vocab(procs[name])
    if "depparse" in procs:
        _speed_up_parser(procs["depparse"])
    if "mwt" in procs:
        _speed_up_mwt(procs["mwt"])
    if "lemma" in procs:
        _speed_up_lemma(procs["lemma"])
    return nlp


# --- vocabularies ----------------------------------------------------------------------

def _remember_vocab(proc: Any) -> None:
    """Remember the tagger's and parser's vocabulary look-ups, which are pure functions.

    Their data loaders map every word's characters, and every word's composite tags
    (XPOS, features: split on ``|`` and looked up part by part), to ids, and the tagger
    maps its predicted ids back to strings, one Python call per character or tag. The
    same characters spell the same words and the same tags recur, so each distinct
    word's character ids and each distinct tag's ids (and back) are computed once.
    """
    from stanza.models.common.vocab import CompositeVocab

    vocab = getattr(proc, "vocab", None)
    if vocab is None or not hasattr(vocab, "keys"):
        return
    for key in vocab.keys():
        v = vocab[key]
        if isinstance(v, CompositeVocab):   # XPOS and features (XPOSVocab, FeatureVocab)
            v.unit2id = _remembered(v.unit2id, copy=True)
            v.id2unit = _remembered(v.id2unit, copy=False)
        elif key == "char":
            v.map = _remembered(v.map, copy=True)


def _remembered(fn: Any, *, copy: bool, size: int = MEMO_SIZE) -> Any:
    """``fn`` with its results kept by argument (lists as tuples); a list result is
    returned as a fresh copy, so that no caller shares it. Emptied when full."""
    cache: dict = {}

    def remembered(arg: Any) -> Any:
        key = tuple(arg) if isinstance(arg, list) else arg
        try:
            value = cache[key]
        except KeyError:
            if len(cache) >= size:
                cache.clear()
            value = cache[key] = fn(arg)
        except TypeError:       # an unhashable argument: not remembered
            return fn(arg)
        return list(value) if copy and isinstance(value, list) else value

    return remembered


# --- dependency parser -------------------------------------------------------------------

def _speed_up_parser(proc: Any) -> None:
    from stanza.models.common.biaffine import PairwiseBilinear
    from stanza.models.depparse.model import GraphParser

    from . import mst

    model = getattr(proc.trainer, "model", None)
    if type(model) is not GraphParser:
        return
    model.decode_graph_predictions = mst.decode_graph_predictions
    for module in model.modules():
        if type(module) is PairwiseBilinear:
            module.forward = types.MethodType(_pairwise_bilinear, module)
    labels = getattr(getattr(getattr(model, "deprel", None), "scorer", None), "W_bilin", None)
    if type(labels) is PairwiseBilinear and _int8_available():
        labels.forward = types.MethodType(_pairwise_bilinear_int8, labels)


def _int8_available() -> bool:
    """True when PyTorch has a quantized engine for this CPU (fbgemm on x86, qnnpack on ARM)."""
    import torch

    return torch.backends.quantized.engine != "none" or any(e != "none" for e in torch.backends.quantized.supported_engines)


def _pairwise_bilinear(self: Any, input1: Any, input2: Any) -> Any:
    """``PairwiseBilinear.forward`` as one matrix product and one batched product.

    out[n, l, m, o] = sum_ij input1[n, l, i] W[i, j, o] input2[n, m, j] + b[o]: first
    input1 @ W laid out as (i, o·j), then a batched product with input2 over j. The
    weight in that layout is made once and kept (it follows the weight if it changes).
    """
    import torch

    weight = self.weight
    stamp = (weight.data_ptr(), weight._version)
    cached = getattr(self, "_flat_weight", None)
    if cached is None or cached[0] != stamp:
        i, j, o = weight.shape
        cached = (stamp, weight.detach().permute(0, 2, 1).reshape(i, o * j).contiguous())
        self._flat_weight = cached
    flat = cached[1]
    n, l, i = input1.shape
    m = input2.size(1)
    j, o = self.input2_size, self.output_size
    inter = torch.matmul(input1.reshape(n * l, i), flat).view(n, l * o, j)
    out = torch.bmm(inter, input2.transpose(1, 2)).view(n, l, o, m).permute(0, 1, 3, 2)
    return out + self.bias


def _pairwise_bilinear_int8(self: Any, input1: Any, input2: Any) -> Any:
    """:func:`_pairwise_bilinear` with the large first product in int8 (PyTorch's dynamic
    quantization of a Linear layer: int8 weights, inputs quantized per batch).

    Used for the relation-label scorer only, whose first product is most of the label
    scoring time (37 labels × 201 × 201 weights): about 2.5× faster, and the arc scores,
    hence the heads, are untouched. On the benchmark corpus 6 words in 12,543 changed label.
    """
    import torch

    cached = getattr(self, "_int8", None)
    if cached is None:
        i, j, o = self.weight.shape
        flat = torch.nn.Linear(i, o * j, bias=False)
        flat.weight.data = self.weight.detach().permute(0, 2, 1).reshape(i, o * j).t().contiguous()
        with warnings.catch_warnings():  # PyTorch's notice that eager-mode quantization moves to torchao
            warnings.simplefilter("ignore")
            quantized = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(flat), {torch.nn.Linear},
                                                               dtype=torch.qint8)
        cached = self._int8 = (quantized,)   # a tuple, so that it is not registered as a submodule
    n, l, i = input1.shape
    m = input2.size(1)
    j, o = self.input2_size, self.output_size
    inter = cached[0](input1.reshape(n * l, i)).view(n, l * o, j)
    out = torch.bmm(inter, input2.transpose(1, 2)).view(n, l, o, m).permute(0, 1, 3, 2)
    return out + self.bias


# --- multi-word tokens ------------------------------------------------------------------

def _speed_up_mwt(proc: Any) -> None:
    config = proc.config
    if config.get("dict_only") or not config.get("ensemble_dict") or proc.trainer.args.get("force_exact_pieces"):
        return
    proc._memo = Memo()
    proc.process = types.MethodType(_mwt_process, proc)


def _mwt_process(self: Any, document: Any) -> Any:
    """``MWTProcessor.process`` with the dictionary first and each distinct token expanded once.

    The data loader is built over every candidate, as Stanza builds it, so that the
    character vocabulary (and the ids of characters the model never saw) is the same;
    only the candidates that need the model stay in it.
    """
    import torch

    batch = self.build_batch(document)
    tokens = batch.doc.get_mwt_expansions(evaluation=True)
    trainer, memo = self.trainer, self._memo
    known: dict[str, str] = {}
    todo: list[str] = []
    for t in tokens:
        if t in known:
            continue
        hit = trainer.dict_expansion(t)
        if hit is None:
            hit = memo.get_recent(t)
        if hit is None:
            todo.append(t)
            known[t] = ""  # placeholder: in todo once
        else:
            known[t] = hit
    if todo:
        wanted = set(todo)
        seen: set[str] = set()
        kept = []
        for item in batch.data:
            if item[0] in wanted and item[0] not in seen:
                seen.add(item[0])
                kept.append(item)
        batch.data, batch.num_examples = kept, len(kept)
        preds: list[str] = []
        with torch.no_grad():
            for b in batch.to_loader():
                preds += trainer.predict(b, never_decode_unk=True, vocab=batch.vocab)
        for item, pred in zip(kept, preds):
            known[item[0]] = pred
            memo.put(item[0], pred)
    batch.doc.set_mwt_expansions([known[t] for t in tokens], process_manual_expanded=False)
    return batch.doc


# --- lemmas ---------------------------------------------------------------------------

def _speed_up_lemma(proc: Any) -> None:
    config = proc.config
    if proc.use_identity or config.get("dict_only") or not config.get("ensemble_dict"):
        return
    if proc.trainer.has_contextual_lemmatizers() or proc.trainer.args.get("caseless") or config.get("beam_size", 1) != 1:
        return
    model = proc.trainer.model
    if getattr(model, "contextual_embedding", None) is not None:
        return
    model.predict_greedy = types.MethodType(_predict_greedy, model)
    proc._memo = Memo()
    proc.process = types.MethodType(_lemma_process, proc)


def _lemma_process(self: Any, document: Any) -> Any:
    """``LemmaProcessor.process`` (dictionary ensemble, no contextual lemmatizer) with each
    distinct (word, tag) pair outside the dictionary lemmatised once and remembered."""
    import torch
    from stanza.models.common import doc as sdoc
    from stanza.models.lemma.data import DataLoader

    word_tags = [tuple(x) for x in document.get([sdoc.TEXT, sdoc.UPOS])]
    trainer, memo = self.trainer, self._memo
    in_dict = trainer.skip_seq2seq(word_tags)
    known: dict[tuple, str] = {}
    skip = []
    for pair, dict_hit in zip(word_tags, in_dict):
        if dict_hit or pair in known:
            skip.append(True)
            continue
        hit = memo.get_recent(pair)
        if hit is not None:
            known[pair] = hit
            skip.append(True)
        else:
            known[pair] = ""  # placeholder: sent to the model once
            skip.append(False)
    if not all(skip):
        batch = DataLoader(document, self.config["batch_size"], self.config, vocab=self.vocab, evaluation=True,
                           skip=skip, expand_unk_vocab=True)
        preds, edits = [], []
        with torch.no_grad():
            for b in batch:
                ps, es = trainer.predict(b, self.config["beam_size"], batch.vocab)
                preds += ps
                if es is not None:
                    edits += es
        todo = [pair for pair, s in zip(word_tags, skip) if not s]
        preds = trainer.postprocess([w for w, _ in todo], preds, edits=edits or None)
        for pair, pred in zip(todo, preds):
            known[pair] = pred
            memo.put(pair, pred)
    lemmas = trainer.ensemble(word_tags, [known.get(pair, "") for pair in word_tags])
    lemmas = [max([(len(x), x), (0, "_")])[1] for x in lemmas]  # Stanza maps empty lemmas to "_"
    document.set([sdoc.LEMMA], lemmas)
    return document


def _predict_greedy(self: Any, src: Any, src_mask: Any, pos: Any = None, raw: Any = None,
                    never_decode_unk: bool = False) -> tuple[list[list[int]], Any]:
    """``Seq2SeqModel.predict_greedy`` reading each step's predictions with one ``tolist``."""
    from stanza.models.common import seq2seq_constant as constant

    enc_inputs, batch_size, src_lens, src_mask = self.embed(src, src_mask, pos, raw)
    h_in, (hn, cn) = self.encode(enc_inputs, src_lens)
    edit_logits = self.edit_clf(hn) if self.edit else None
    dec_inputs = self.embedding(self.SOS_tensor)
    dec_inputs = dec_inputs.expand(batch_size, dec_inputs.size(0), dec_inputs.size(1))
    done = [False] * batch_size
    total_done = 0
    steps = 0
    output_seqs: list[list[int]] = [[] for _ in range(batch_size)]
    while total_done < batch_size and steps < self.max_dec_len:
        log_probs, (hn, cn) = self.decode(dec_inputs, hn, cn, h_in, src_mask, src=src, never_decode_unk=never_decode_unk)
        _, preds = log_probs.squeeze(1).max(1, keepdim=True)
        dec_inputs = preds.clone()
        dec_inputs[dec_inputs >= self.vocab_size] = constant.UNK_ID
        dec_inputs = self.embedding(dec_inputs)
        steps += 1
        for i, token in enumerate(preds[:, 0].tolist()):
            if not done[i]:
                if token == constant.EOS_ID:
                    done[i] = True
                    total_done += 1
                else:
                    output_seqs[i].append(token)
    return output_seqs, edit_logits
