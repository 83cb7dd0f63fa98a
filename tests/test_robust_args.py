"""Hostile arguments, one public function at a time: each must end in a clean bilingual
error (raised at the entrance, naming the argument) or in a correct result."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import d2lmini
from d2lmini import (
    RNN,
    RNNLM,
    NGramLM,
    RNNLMScratch,
    RNNScratch,
    SineData,
    TensorLoader,
    Trainer,
    Vocab,
)
from robust_helpers import clean_error, is_clean, one_thread  # noqa: F401 (fixture)

nan, inf = float("nan"), float("inf")


V = 5  # <unk> a b c d
VOCAB = Vocab(list("abcdabca"))


def lm(kind="scratch"):
    torch.manual_seed(0)
    if kind == "scratch":
        return RNNLMScratch(RNNScratch(V, 4, sigma=0.5), V)
    return RNNLM(RNN(V, 4), V)


def grads_model():
    model = torch.nn.Linear(3, 2)
    model(torch.randn(4, 3)).sum().backward()
    return model


ids = torch.tensor([[1, 2, 3], [4, 0, 1]])

# (label, call, exception type, words the message must contain)
BAD = [
    # numbers: NaN, infinity, bools, strings, None, floats where integers are needed
    ("Trainer max_epochs=0", lambda: Trainer(0), ValueError, "max_epochs"),
    ("Trainer max_epochs=2.0", lambda: Trainer(2.0), TypeError, "max_epochs"),
    ("Trainer max_epochs=True", lambda: Trainer(True), TypeError, "max_epochs"),
    ("Trainer max_epochs='5'", lambda: Trainer("5"), TypeError, "max_epochs"),
    (
        "Trainer clip=nan",
        lambda: Trainer(1, gradient_clip_val=nan),
        ValueError,
        "finite",
    ),
    (
        "Trainer clip=inf",
        lambda: Trainer(1, gradient_clip_val=inf),
        ValueError,
        "finite",
    ),
    ("Trainer clip=-1", lambda: Trainer(1, gradient_clip_val=-1), ValueError, ">= 0"),
    (
        "Trainer clip='1'",
        lambda: Trainer(1, gradient_clip_val="1"),
        TypeError,
        "number",
    ),
    (
        "Trainer device=nonsense",
        lambda: Trainer(1, device="nonsense"),
        ValueError,
        "device",
    ),
    (
        "Trainer device=cuda:x",
        lambda: Trainer(1, device="cuda:x"),
        ValueError,
        "device",
    ),
    ("Trainer device=3", lambda: Trainer(1, device=3), TypeError, "device"),
    ("Trainer seed=-1", lambda: Trainer(1, seed=-1), ValueError, "seed"),
    ("Trainer seed=1.5", lambda: Trainer(1, seed=1.5), TypeError, "seed"),
    ("Trainer seed='0'", lambda: Trainer(1, seed="0"), TypeError, "seed"),
    (
        "Trainer display=fancy",
        lambda: Trainer(1, display="fancy"),
        ValueError,
        "display",
    ),
    ("Trainer display=None", lambda: Trainer(1, display=None), ValueError, "display"),
    ("Trainer display=[]", lambda: Trainer(1, display=[]), ValueError, "display"),
    ("plot before fit", lambda: Trainer(1).plot(), ValueError, "fit"),
    (
        "fit(model=None)",
        lambda: Trainer(1, display="quiet").fit(None, SineData()),
        TypeError,
        "model",
    ),
    (
        "fit(data=list)",
        lambda: Trainer(1, display="quiet").fit(d2lmini.LinearRegression(), [1, 2]),
        TypeError,
        "train_dataloader",
    ),
    ("lr=nan", lambda: d2lmini.LinearRegression(lr=nan), ValueError, "lr"),
    ("lr=0", lambda: d2lmini.LinearRegression(lr=0), ValueError, "lr"),
    ("lr=-1", lambda: RNNLMScratch(RNNScratch(V, 4), V, lr=-1), ValueError, "lr"),
    ("lr='0.1'", lambda: d2lmini.LinearRegression(lr="0.1"), TypeError, "lr"),
    ("lr=inf", lambda: d2lmini.LinearRegression(lr=inf), ValueError, "lr"),
    (
        "clip_gradients nan",
        lambda: d2lmini.clip_gradients(grads_model(), nan),
        ValueError,
        "max_norm",
    ),
    (
        "clip_gradients -inf",
        lambda: d2lmini.clip_gradients(grads_model(), -inf),
        ValueError,
        "max_norm",
    ),
    (
        "clip_gradients '1'",
        lambda: d2lmini.clip_gradients(grads_model(), "1"),
        ValueError,
        "max_norm",
    ),
    ("clip_gradients of 5", lambda: d2lmini.clip_gradients(5, 1.0), TypeError, "model"),
    (
        "clip_gradients of [1, 2]",
        lambda: d2lmini.clip_gradients([1, 2], 1.0),
        TypeError,
        "tensors",
    ),
    ("perplexity [1.5, 2]", lambda: d2lmini.perplexity([1.5, 2]), ValueError, "[0, 1]"),
    ("perplexity [-0.1]", lambda: d2lmini.perplexity([-0.1]), ValueError, "[0, 1]"),
    ("perplexity [nan]", lambda: d2lmini.perplexity([nan]), ValueError, "[0, 1]"),
    ("perplexity 'abc'", lambda: d2lmini.perplexity("abc"), TypeError, "probabilities"),
    ("perplexity None", lambda: d2lmini.perplexity(None), TypeError, "probabilities"),
    ("perplexity []", lambda: d2lmini.perplexity([]), ValueError, "at least one"),
    ("set_seed(-3)", lambda: d2lmini.set_seed(-3), ValueError, "seed"),
    ("set_seed(None)", lambda: d2lmini.set_seed(None), TypeError, "seed"),
    ("set_seed(2**70)", lambda: d2lmini.set_seed(2**70), ValueError, "seed"),
    (
        "resolve_device('gpu')",
        lambda: d2lmini.resolve_device("gpu"),
        ValueError,
        "device",
    ),
    # text and vocabularies
    ("preprocess(None)", lambda: d2lmini.preprocess(None), TypeError, "text"),
    ("preprocess(bytes)", lambda: d2lmini.preprocess(b"abc"), TypeError, "decode"),
    ("tokenize(123)", lambda: d2lmini.tokenize(123), TypeError, "text"),
    ("tokenize(list)", lambda: d2lmini.tokenize(["a b"]), TypeError, "text"),
    (
        "tokenize token=byte",
        lambda: d2lmini.tokenize("ab", "byte"),
        ValueError,
        "token",
    ),
    ("Vocab(None)", lambda: Vocab(None), TypeError, "tokens"),
    ("Vocab(tensor)", lambda: Vocab(torch.arange(5)), TypeError, "tokens"),
    ("Vocab(nested too deep)", lambda: Vocab([[["a"]]]), TypeError, "token"),
    ("Vocab min_freq=nan", lambda: Vocab(["a"], min_freq=nan), ValueError, "min_freq"),
    ("Vocab min_freq=inf", lambda: Vocab(["a"], min_freq=inf), ValueError, "min_freq"),
    ("Vocab min_freq='2'", lambda: Vocab(["a"], min_freq="2"), TypeError, "min_freq"),
    (
        "Vocab reserved='<pad>'",
        lambda: Vocab(["a"], reserved_tokens="<pad>"),
        TypeError,
        "reserved_tokens",
    ),
    (
        "Vocab reserved=[1]",
        lambda: Vocab(["a"], reserved_tokens=[1]),
        TypeError,
        "reserved_tokens",
    ),
    (
        "Vocab reserved=5",
        lambda: Vocab(["a"], reserved_tokens=5),
        TypeError,
        "reserved_tokens",
    ),
    ("vocab[3]", lambda: VOCAB[3], TypeError, "to_tokens"),
    ("vocab[[1, 'a']]", lambda: VOCAB[[1, "a"]], TypeError, "to_tokens"),
    ("vocab[{}]", lambda: VOCAB[{}], TypeError, "vocab[...]"),
    ("to_tokens(99)", lambda: VOCAB.to_tokens(99), IndexError, "outside"),
    ("to_tokens(-1)", lambda: VOCAB.to_tokens(-1), IndexError, "outside"),
    ("to_tokens(1.7)", lambda: VOCAB.to_tokens(1.7), TypeError, "integer"),
    (
        "to_tokens(float tensor)",
        lambda: VOCAB.to_tokens(torch.tensor([1.0])),
        TypeError,
        "integer",
    ),
    ("to_tokens('a')", lambda: VOCAB.to_tokens("a"), TypeError, "integer"),
    # loaders and data
    (
        "TensorLoader(tensor, 4)",
        lambda: TensorLoader(torch.arange(10), 4),
        TypeError,
        "tuple",
    ),
    (
        "TensorLoader(ndarray)",
        lambda: TensorLoader((np.arange(4),), 2),
        TypeError,
        "as_tensor",
    ),
    ("TensorLoader(())", lambda: TensorLoader((), 2), TypeError, "tensors"),
    (
        "TensorLoader 0-d",
        lambda: TensorLoader((torch.tensor(1.0),), 2),
        TypeError,
        "axis",
    ),
    (
        "TensorLoader lengths",
        lambda: TensorLoader((torch.zeros(3), torch.zeros(4)), 2),
        ValueError,
        "same length",
    ),
    (
        "TensorLoader empty",
        lambda: TensorLoader((torch.zeros(0),), 2),
        ValueError,
        "no examples",
    ),
    (
        "TensorLoader batch=0",
        lambda: TensorLoader((torch.zeros(3),), 0),
        ValueError,
        "batch_size",
    ),
    (
        "TensorLoader batch=2.5",
        lambda: TensorLoader((torch.zeros(3),), 2.5),
        TypeError,
        "batch_size",
    ),
    (
        "TensorLoader shuffle='no'",
        lambda: TensorLoader((torch.zeros(3),), 2, shuffle="no"),
        TypeError,
        "shuffle",
    ),
    ("SineData(T=5)", lambda: SineData(T=5), ValueError, "num_train + 2"),
    ("SineData noise=nan", lambda: SineData(noise=nan), ValueError, "noise"),
    ("SineData noise=-1", lambda: SineData(noise=-1), ValueError, "noise"),
    ("SineData seed=None", lambda: SineData(seed=None), TypeError, "seed"),
    ("SineData tau=0", lambda: SineData(tau=0), ValueError, "tau"),
    ("SineData tau=2.0", lambda: SineData(tau=2.0), TypeError, "tau"),
    (
        "SineData tau too big",
        lambda: SineData(T=100, num_train=60, tau=40),
        ValueError,
        "at most 39",
    ),
    (
        "k_step k=0",
        lambda: d2lmini.k_step_predictions(lambda x: x, SineData(), 0),
        ValueError,
        "k",
    ),
    (
        "k_step data=None",
        lambda: d2lmini.k_step_predictions(lambda x: x, None, 2),
        TypeError,
        "SineData",
    ),
    (
        "k_step wrong model",
        lambda: d2lmini.k_step_predictions(lambda x: x, SineData(), 2),
        ValueError,
        "predictions",
    ),
    # n-grams
    ("ngrams n=0", lambda: d2lmini.ngrams("abc", 0), ValueError, "n"),
    ("ngrams None", lambda: d2lmini.ngrams(None, 2), TypeError, "tokens"),
    ("ngram_freqs 5", lambda: d2lmini.ngram_freqs(5, 2), TypeError, "tokens"),
    ("zipf_fit zero count", lambda: d2lmini.zipf_fit([5, 3, 0]), ValueError, "> 0"),
    ("zipf_fit unsorted", lambda: d2lmini.zipf_fit([1, 5, 3]), ValueError, "sorted"),
    ("zipf_fit nan", lambda: d2lmini.zipf_fit([5, nan, 1]), ValueError, "finite"),
    ("zipf_fit strings", lambda: d2lmini.zipf_fit(["a", "b"]), TypeError, "counts"),
    (
        "zipf_fit max_rank=0",
        lambda: d2lmini.zipf_fit([5, 3, 1], max_rank=0),
        ValueError,
        "max_rank",
    ),
    (
        "zipf_fit min_rank=1.5",
        lambda: d2lmini.zipf_fit([5, 3, 1], min_rank=1.5),
        TypeError,
        "min_rank",
    ),
    ("zipf_fit one rank", lambda: d2lmini.zipf_fit([5]), ValueError, "two ranks"),
    ("NGramLM k=nan", lambda: NGramLM("abab", 2, 2, k=nan), ValueError, "k"),
    ("NGramLM k=-1", lambda: NGramLM("abab", 2, 2, k=-1), ValueError, "k"),
    ("NGramLM vocab too small", lambda: NGramLM("abcd", 2, 2), ValueError, "distinct"),
    ("NGramLM tokens=None", lambda: NGramLM(None, 2, 2), TypeError, "tokens"),
    ("NGramLM n=2.0", lambda: NGramLM("abab", 2.0, 2), TypeError, "n"),
    (
        "NGramLM prob context=None",
        lambda: NGramLM("abab", 2, 2).prob(None, "a"),
        TypeError,
        "tokens",
    ),
    ("plot_history({})", lambda: d2lmini.plot_history({}), TypeError, "history"),
    (
        "lm.loss shapes",
        lambda: lm().loss(torch.zeros(2, 3, V), ids[:, :2]),
        ValueError,
        "targets",
    ),
    (
        "lm.loss float targets",
        lambda: lm().loss(torch.zeros(2, 3, V), ids.float()),
        TypeError,
        "Y",
    ),
    (
        "NGramLM perplexity short",
        lambda: NGramLM("abab", 3, 2).perplexity("ab"),
        ValueError,
        "tokens",
    ),
    # models: construction
    ("RNNScratch sigma=nan", lambda: RNNScratch(3, 4, sigma=nan), ValueError, "sigma"),
    ("RNNScratch sigma=-1", lambda: RNNScratch(3, 4, sigma=-1), ValueError, "sigma"),
    ("RNNScratch num_inputs=0", lambda: RNNScratch(0, 4), ValueError, "num_inputs"),
    ("RNN num_hiddens=2.5", lambda: RNN(3, 2.5), TypeError, "num_hiddens"),
    ("RNNLMScratch rnn=None", lambda: RNNLMScratch(None, V), TypeError, "rnn"),
    (
        "RNNLMScratch size mismatch",
        lambda: RNNLMScratch(RNNScratch(V - 1, 4), V),
        ValueError,
        "num_inputs",
    ),
    ("RNNLM vocab_size=0", lambda: RNNLM(RNN(V, 4), 0), ValueError, "vocab_size"),
    # models: inputs at the entrance
    (
        "RNNScratch float 2-D",
        lambda: RNNScratch(3, 4)(torch.randn(5, 3)),
        ValueError,
        "(num_steps, batch, 3)",
    ),
    (
        "RNNScratch wrong width",
        lambda: RNNScratch(3, 4)(torch.randn(5, 2, 6)),
        ValueError,
        "num_inputs=3",
    ),
    (
        "RNNScratch float64",
        lambda: RNNScratch(3, 4)(torch.randn(5, 2, 3).double()),
        TypeError,
        "float64",
    ),
    (
        "RNNScratch int one-hot 3-D",
        lambda: RNNScratch(3, 4)(
            torch.nn.functional.one_hot(torch.zeros(5, 2, dtype=torch.long), 3)
        ),
        ValueError,
        "one-hot",
    ),
    (
        "RNNScratch id too big",
        lambda: RNNScratch(3, 4)(torch.full((5, 2), 3)),
        IndexError,
        "0 … 2",
    ),
    (
        "RNNScratch id negative",
        lambda: RNNScratch(3, 4)(torch.full((5, 2), -1)),
        IndexError,
        "-1",
    ),
    (
        "RNNScratch bool",
        lambda: RNNScratch(3, 4)(torch.ones(5, 2, 3, dtype=torch.bool)),
        TypeError,
        "float",
    ),
    ("RNNScratch list", lambda: RNNScratch(3, 4)([[1, 2]]), TypeError, "tensor"),
    (
        "RNNScratch zero steps",
        lambda: RNNScratch(3, 4)(torch.randn(0, 2, 3)),
        ValueError,
        "time step",
    ),
    (
        "RNNScratch bad state",
        lambda: RNNScratch(3, 4)(torch.randn(5, 2, 3), torch.zeros(1, 2, 4)),
        ValueError,
        "state",
    ),
    (
        "RNNScratch int state",
        lambda: RNNScratch(3, 4)(
            torch.randn(5, 2, 3), torch.zeros(2, 4, dtype=torch.long)
        ),
        TypeError,
        "state",
    ),
    (
        "RNN ids",
        lambda: RNN(3, 4)(torch.zeros(5, 2, dtype=torch.long)),
        TypeError,
        "one_hot",
    ),
    (
        "RNN 2-D",
        lambda: RNN(3, 4)(torch.randn(5, 3)),
        ValueError,
        "(num_steps, batch, 3)",
    ),
    (
        "RNN bad state",
        lambda: RNN(3, 4)(torch.randn(5, 2, 3), torch.zeros(3, 4)),
        ValueError,
        "state",
    ),
    (
        "RNNLM 1-D input",
        lambda: lm("concise")(torch.tensor([1, 2, 3])),
        ValueError,
        "unsqueeze(0)",
    ),
    (
        "RNNLMScratch 1-D input",
        lambda: lm()(torch.tensor([1, 2, 3])),
        ValueError,
        "unsqueeze(0)",
    ),
    ("RNNLM float input", lambda: lm("concise")(ids.float()), TypeError, "integer"),
    ("RNNLM id = vocab_size", lambda: lm("concise")(ids + 1), IndexError, "vocab_size"),
    ("RNNLMScratch id = vocab_size", lambda: lm()(ids + 1), IndexError, "vocab_size"),
    (
        "RNNLM 3-D input",
        lambda: lm()(torch.zeros(2, 3, V, dtype=torch.long)),
        ValueError,
        "one-hot",
    ),
    (
        "RNNLM empty",
        lambda: lm()(torch.zeros(1, 0, dtype=torch.long)),
        ValueError,
        "empty",
    ),
    ("one_hot id too big", lambda: lm().one_hot(ids + 1), IndexError, "vocab_size"),
    ("batch_loss shapes", lambda: lm().batch_loss((ids, ids[:, :2])), ValueError, "Y"),
    ("batch_loss Y too big", lambda: lm().batch_loss((ids, ids + 1)), IndexError, "Y"),
    ("batch_loss single tensor", lambda: lm().batch_loss(ids), TypeError, "minibatch"),
    (
        "batch_loss 3 tensors",
        lambda: lm().batch_loss((ids, ids, ids)),
        TypeError,
        "minibatch",
    ),
    (
        "LinearRegression y (n,)",
        lambda: d2lmini.LinearRegression(num_inputs=3).batch_loss(
            (torch.randn(4, 3), torch.randn(4))
        ),
        ValueError,
        "reshape(-1, 1)",
    ),
    (
        "LinearRegression wrong width",
        lambda: d2lmini.LinearRegression(num_inputs=3)(torch.randn(4, 5)),
        ValueError,
        "features",
    ),
    (
        "LinearRegression 1-D",
        lambda: d2lmini.LinearRegression(num_inputs=3)(torch.randn(3)),
        ValueError,
        "axes",
    ),
    # predict and sample
    (
        "predict word vocab on char model",
        lambda: lm().predict("a", 3, Vocab("a b c".split() * 3 + ["d", "e"])),
        ValueError,
        "vocab",
    ),
    (
        "predict vocab size",
        lambda: lm().predict("a", 3, Vocab(list("abc"))),
        ValueError,
        "data.vocab",
    ),
    ("predict vocab=data", lambda: lm().predict("a", 3, "abcd"), TypeError, "Vocab"),
    (
        "predict temperature=nan",
        lambda: lm().predict("a", 3, VOCAB, temperature=nan),
        ValueError,
        "temperature",
    ),
    (
        "predict temperature=-1",
        lambda: lm().predict("a", 3, VOCAB, temperature=-1),
        ValueError,
        "temperature",
    ),
    (
        "predict temperature='hot'",
        lambda: lm().predict("a", 3, VOCAB, temperature="hot"),
        TypeError,
        "temperature",
    ),
    (
        "predict num_preds=nan",
        lambda: lm().predict("a", nan, VOCAB),
        TypeError,
        "num_preds",
    ),
    (
        "predict num_preds=-1",
        lambda: lm().predict("a", -1, VOCAB),
        ValueError,
        "num_preds",
    ),
    ("predict prefix=None", lambda: lm().predict(None, 3, VOCAB), TypeError, "prefix"),
    ("predict prefix=''", lambda: lm().predict("", 3, VOCAB), ValueError, "prefix"),
    (
        "predict seed=-1",
        lambda: lm().predict("a", 3, VOCAB, seed=-1),
        ValueError,
        "seed",
    ),
    (
        "predict device=nonsense",
        lambda: lm().predict("a", 3, VOCAB, device="nonsense"),
        ValueError,
        "device",
    ),
    (
        "sample temperature=0",
        lambda: lm().sample("a", 3, VOCAB, temperature=0),
        ValueError,
        "temperature > 0",
    ),
    (
        "sample temperature=inf",
        lambda: lm().sample("a", 3, VOCAB, temperature=inf),
        ValueError,
        "temperature",
    ),
    (
        "evaluate_loss model=None",
        lambda: d2lmini.evaluate_loss(None, []),
        TypeError,
        "model",
    ),
    (
        "evaluate_loss empty loader",
        lambda: d2lmini.evaluate_loss(lm(), []),
        ValueError,
        "no batches",
    ),
    (
        "evaluate_loss device=nonsense",
        lambda: d2lmini.evaluate_loss(lm(), [], "nonsense"),
        ValueError,
        "device",
    ),
]
if not torch.cuda.is_available():
    BAD += [
        (
            "Trainer device=cuda (no GPU)",
            lambda: Trainer(1, device="cuda"),
            ValueError,
            "CUDA",
        ),
        (
            "predict device=cuda (no GPU)",
            lambda: lm().predict("a", 2, VOCAB, device="cuda"),
            ValueError,
            "device",
        ),
    ]
else:
    BAD += [
        (
            "Trainer device=cuda:99",
            lambda: Trainer(1, device="cuda:99"),
            ValueError,
            "GPU",
        )
    ]


@pytest.mark.parametrize("label, call, error, word", BAD, ids=[b[0] for b in BAD])
def test_bad_argument_gives_a_clean_error(label, call, error, word):
    with clean_error(error, word):
        call()


GOOD = [  # loose but valid: numpy numbers, 0-d tensors, generators …
    (
        "Trainer numpy numbers",
        lambda: Trainer(np.int64(2), np.float32(1.0), seed=np.int64(3)),
    ),
    ("Trainer seed=None", lambda: Trainer(1, seed=None)),
    ("Trainer device=cpu", lambda: Trainer(1, device=torch.device("cpu"))),
    ("lr numpy float", lambda: d2lmini.LinearRegression(lr=np.float64(0.1))),
    ("lr 0-d tensor", lambda: d2lmini.LinearRegression(lr=torch.tensor(0.1))),
    (
        "RNNScratch numpy sizes",
        lambda: RNNScratch(np.int64(3), np.int32(4), np.float64(0.1)),
    ),
    ("Vocab numpy min_freq", lambda: Vocab(list("aab"), min_freq=np.int64(2))),
    ("vocab[tensor]", lambda: VOCAB.to_tokens(torch.tensor([1, 2]))),
    ("to_tokens numpy", lambda: VOCAB.to_tokens(np.int64(1))),
    ("perplexity numpy", lambda: d2lmini.perplexity(np.array([0.5, 0.25]))),
    (
        "clip_gradients numpy",
        lambda: d2lmini.clip_gradients(grads_model(), np.float32(1)),
    ),
    (
        "clip_gradients generator",
        lambda: d2lmini.clip_gradients(grads_model().parameters(), 1.0),
    ),
    (
        "clip_gradients tensor",
        lambda: d2lmini.clip_gradients(torch.ones(2, requires_grad=True), 1.0),
    ),
    ("NGramLM numpy k", lambda: NGramLM("abab", 2, 2, k=np.float32(0.5))),
    ("zipf_fit numpy", lambda: d2lmini.zipf_fit(np.array([9, 4, 1]))),
    ("zipf_fit zero outside range", lambda: d2lmini.zipf_fit([9, 4, 1, 0], max_rank=3)),
    (
        "SineData numpy",
        lambda: SineData(
            np.int64(8),
            np.int64(200),
            np.int64(100),
            np.int64(3),
            np.int64(1),
            np.float64(0.1),
        ),
    ),
    (
        "TensorLoader numpy batch",
        lambda: list(TensorLoader((torch.zeros(5),), np.int64(2))),
    ),
    ("predict int32 seed", lambda: lm().sample("ab", 3, VOCAB, seed=np.int32(4))),
    ("RNNLM int32 ids", lambda: lm("concise")(ids.int())),
    ("RNNLM uint8 ids", lambda: lm()(ids.to(torch.uint8))),
]


@pytest.mark.parametrize("label, call", GOOD, ids=[g[0] for g in GOOD])
def test_loose_but_valid_arguments_work(label, call):
    call()


def test_numpy_numbers_give_the_same_result_as_python_numbers():
    assert torch.equal(SineData(noise=np.float64(0.2)).x, SineData(noise=0.2).x)
    assert d2lmini.zipf_fit(np.array([9, 4, 1])) == d2lmini.zipf_fit([9, 4, 1])


def test_perplexity_of_valid_probabilities():
    assert d2lmini.perplexity([0.5, 0.5]) == pytest.approx(2.0)
    assert d2lmini.perplexity([1.0, 0.0]) == math.inf


def test_word_looked_up_in_a_char_vocab_warns_and_gives_unk():
    with pytest.warns(UserWarning, match="vocab\\[list\\('time'\\)\\]") as rec:
        assert VOCAB["time"] == 0
    assert is_clean(rec[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert VOCAB[["a", "z"]] == [VOCAB["a"], 0]  # an unknown character: no warning
        assert Vocab("the time".split())["machine"] == 0  # a word vocab: no warning


def test_nested_lookups_still_work():
    assert VOCAB[[["a", "b"], ["c"]]] == [[VOCAB["a"], VOCAB["b"]], [VOCAB["c"]]]


def test_reserved_tokens_as_a_list_work():
    assert Vocab(["a"], reserved_tokens=["<pad>"]).to_tokens(1) == "<pad>"


def test_all_unknown_prefix_warns():
    with pytest.warns(UserWarning, match="no token of the prefix") as rec:
        out = lm().predict("XYZ", 2, VOCAB)
    assert out.startswith("XYZ") and len(out) == 5 and is_clean(rec[0].message)


def test_tiny_temperature_is_greedy_not_a_crash():
    model = lm()
    assert model.sample("ab", 8, VOCAB, temperature=1e-30) == model.predict(
        "ab", 8, VOCAB
    )


def test_ngram_k_is_checked_when_changed():
    model = NGramLM("abab", 2, 2, k=1)
    model.k = 0.5
    with clean_error(ValueError, "k"):
        model.k = nan


# Whole classes of values, drawn by hypothesis: a valid result or a clean error, never a
# raw error from torch, numpy or the standard library.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.lists(st.integers(-3, 3), max_size=3),
    st.complex_numbers(max_magnitude=5),
    st.sampled_from(
        [
            np.int64(3),
            np.float32(0.5),
            np.float64(nan),
            torch.tensor(2.0),
            torch.tensor([1, 2]),
            np.array([1.0]),
            b"1",
        ]
    ),
)

NUMERIC_ARGS = {
    "Trainer.max_epochs": lambda v: Trainer(v),
    "Trainer.gradient_clip_val": lambda v: Trainer(1, gradient_clip_val=v),
    "Trainer.seed": lambda v: Trainer(1, seed=v),
    "Trainer.device": lambda v: Trainer(1, device=v),
    "Trainer.display": lambda v: Trainer(1, display=v),
    "LinearRegression.lr": lambda v: d2lmini.LinearRegression(lr=v),
    "Vocab.min_freq": lambda v: Vocab(["a"], min_freq=v),
    "Vocab.reserved_tokens": lambda v: Vocab(["a"], reserved_tokens=v),
    "Vocab.__getitem__": lambda v: VOCAB[v],
    "Vocab.to_tokens": lambda v: VOCAB.to_tokens(v),
    "NGramLM.k": lambda v: NGramLM("abab", 2, 2, k=v),
    "NGramLM.n": lambda v: NGramLM("abab", v, 2),
    "SineData.noise": lambda v: SineData(T=50, num_train=20, noise=v),
    "SineData.tau": lambda v: SineData(T=50, num_train=20, tau=v),
    "RNNScratch.sigma": lambda v: RNNScratch(2, 2, sigma=v),
    "RNNScratch.num_hiddens": lambda v: (
        RNNScratch(2, v) if not (isinstance(v, int) and v > 64) else None
    ),
    "clip_gradients.max_norm": lambda v: d2lmini.clip_gradients(grads_model(), v),
    "perplexity": lambda v: d2lmini.perplexity(v),
    "TensorLoader.batch_size": lambda v: TensorLoader((torch.zeros(3),), v),
    "TensorLoader.shuffle": lambda v: TensorLoader((torch.zeros(3),), 2, shuffle=v),
    "zipf_fit.max_rank": lambda v: d2lmini.zipf_fit([9, 4, 1], max_rank=v),
    "predict.temperature": lambda v: lm().predict("a", 2, VOCAB, temperature=v),
    "predict.num_preds": lambda v: (
        lm().predict("a", v, VOCAB) if not (isinstance(v, int) and v > 50) else None
    ),
    "preprocess": lambda v: d2lmini.preprocess(v),
    "tokenize": lambda v: d2lmini.tokenize(v),
    "set_seed": lambda v: d2lmini.set_seed(v),
}


@pytest.mark.parametrize("where", sorted(NUMERIC_ARGS))
@settings(max_examples=25, deadline=None)
@given(value=anything)
def test_any_value_gives_a_result_or_a_clean_error(where, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            NUMERIC_ARGS[where](value)
        except (TypeError, ValueError, IndexError) as err:
            assert is_clean(err), f"{where}({value!r}): {err!r}"


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(0, 4), min_size=0, max_size=4),
    dtype=st.sampled_from(
        [
            torch.int64,
            torch.int32,
            torch.uint8,
            torch.float32,
            torch.float64,
            torch.bool,
        ]
    ),
    high=st.integers(-2, 8),
    concise=st.booleans(),
)
def test_any_tensor_into_a_language_model(shape, dtype, high, concise):
    model = lm("concise" if concise else "scratch")
    X = (
        torch.randint(0, max(high, 1), shape) if high > 0 else torch.full(shape, high)
    ).to(dtype)
    try:
        out = model(X)
    except (TypeError, ValueError, IndexError) as err:
        assert is_clean(err), f"{tuple(shape)} {dtype} max {high}: {err!r}"
    else:
        assert out.shape == (*X.shape, V) and len(shape) == 2
        assert 0 <= int(X.min()) and int(X.max()) < V
