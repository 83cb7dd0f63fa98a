"""The models of chapter 9: a linear autoregressive model and RNN language models.

Comments after tensor lines give their shapes, by axis: ``steps`` (``num_steps``, time),
``batch``, ``inputs`` (``num_inputs``), ``hidden`` (``num_hiddens``) and ``vocab``
(``vocab_size``). The RNNs work time-major, ``(steps, batch, ...)``; a language model
takes and returns batch-major tensors, ``(batch, steps, ...)``, as D2L's do.
"""

import torch
import torch.nn.functional as F
from torch import nn

from . import _model_checks as check
from ._checks import (
    fail,
    integer,
    non_negative,
    positive,
    positive_int,
    string,
    tensor,
    warn,
)
from .bptt import tanh_recurrence


class Module(nn.Module):
    """A model that knows its learning rate and how to score a minibatch.

    Taught in 9.6.
    """

    #: language models report perplexity next to their loss
    reports_perplexity = False

    def __init__(self, lr):
        super().__init__()
        self.lr = positive("lr", lr)

    def batch_loss(self, batch):
        """``(mean loss, number of scored items)`` for
        one minibatch ``(inputs…, target)``."""
        _check_batch(batch)
        *inputs, target = batch
        return self.loss(self(*inputs), target), target.numel()


class LinearRegression(Module):
    """``y = x w + b`` trained with the squared error
    (the input size is found on first use).

    Taught in 9.1.
    """

    def __init__(self, lr=0.01, num_inputs=None):
        super().__init__(lr)
        self.net = nn.LazyLinear(1) if num_inputs is None else nn.Linear(num_inputs, 1)

    def forward(self, X):
        """``X``: ``(batch, num_inputs)`` floats → ``(batch, 1)``."""
        tensor("X", X, ndim=2, kind="float", shape="(batch, num_inputs)")
        want = getattr(self.net, "in_features", 0)
        if want and X.shape[1] != want:
            fail(
                f"X의 예제당 특성은 {X.shape[1]}개인데 모델은 {want}개로 만들어졌습니다"
                f"(예: tau={want}로 학습한 모델).",
                f"X has {X.shape[1]} features per example but the model was built for "
                f"{want} (e.g. trained with tau={want}).",
            )
        return self.net(X)

    def loss(self, y_hat, y):
        if getattr(y, "shape", None) != y_hat.shape:
            fail(
                f"타깃의 모양은 예측과 같은 {tuple(y_hat.shape)}이어야 합니다. "
                f"받은 모양: {tuple(getattr(y, 'shape', ()))} ((batch,) "
                "모양이면 브로드캐스팅되니 y.reshape(-1, 1)을 쓰세요).",
                "the target must have the prediction's shape "
                f"{tuple(y_hat.shape)}, got {tuple(getattr(y, 'shape', ()))} (a "
                "(batch,) target would be broadcast: use y.reshape(-1, 1)).",
            )
        return F.mse_loss(y_hat, y)


class RNNScratch(nn.Module):
    """A vanilla RNN: ``H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)``.

    Taught in 9.5 (first used in 9.4).
    """

    #: integer inputs are read as token indices (see ``forward``)
    reads_token_ids = True

    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.num_inputs = positive_int("num_inputs", num_inputs)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.sigma = non_negative("sigma", sigma)
        self.W_xh = nn.Parameter(  # (inputs, hidden)
            torch.randn(self.num_inputs, self.num_hiddens) * self.sigma
        )
        self.W_hh = nn.Parameter(  # (hidden, hidden)
            torch.randn(self.num_hiddens, self.num_hiddens) * self.sigma
        )
        self.b_h = nn.Parameter(torch.zeros(self.num_hiddens))  # (hidden,)

    def forward(self, inputs, state=None):
        """``inputs``: ``(num_steps, batch, num_inputs)`` → ``(outputs, state)`` where
        ``outputs`` is ``(num_steps, batch, num_hiddens)`` and ``state`` the last ``H``.

        Integer ``inputs`` of shape ``(num_steps, batch)`` are
        token indices standing for one-hot vectors: ``one_hot(i)
        @ W_xh`` is row ``i`` of ``W_xh``, so we look it up.
        """
        inputs = check.rnn_inputs(self, inputs, state, self.W_xh, reads_ids=True)
        if inputs.dtype in (torch.int32, torch.int64):  # (steps, batch) token ids
            rows = torch.index_select(self.W_xh, 0, inputs.reshape(-1))
            # (steps * batch, hidden) rows back to (steps, batch, hidden)
            input_terms = rows.view(*inputs.shape, -1) + self.b_h
        else:  # the input term does not depend on H: one product for all steps
            input_terms = inputs @ self.W_xh + self.b_h  # (steps, batch, hidden)
        if state is None:
            state = input_terms.new_zeros(input_terms.shape[1], self.num_hiddens)
        # H_t = tanh(X_t W_xh + b_h + H_{t-1} W_hh), one step at a time (see bptt.py):
        # (steps, batch, hidden)
        outputs = tanh_recurrence(input_terms, state, self.W_hh)
        return outputs, outputs[-1]  # state: (batch, hidden)


class RNN(nn.Module):
    """The same RNN as ``RNNScratch``, computed by ``torch.nn.RNN``.

    Taught in 9.6.
    """

    def __init__(self, num_inputs, num_hiddens):
        super().__init__()
        self.num_inputs = positive_int("num_inputs", num_inputs)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.rnn = nn.RNN(self.num_inputs, self.num_hiddens)

    def forward(self, inputs, state=None):
        """Same shapes as ``RNNScratch.forward`` (state ``(batch, num_hiddens)``)."""
        check.rnn_inputs(self, inputs, state, self.rnn.weight_ih_l0, reads_ids=False)
        # torch.nn.RNN keeps a layer axis in its state: (1, batch, hidden)
        outputs, state = self.rnn(inputs, None if state is None else state.unsqueeze(0))
        return outputs, state.squeeze(0)  # (steps, batch, hidden), (batch, hidden)


class RNNLMScratch(Module):
    """A character (or word) language model on top of an RNN, with one-hot inputs.

    Taught in 9.5 (first used in 9.4).
    """

    reports_perplexity = True

    def __init__(self, rnn, vocab_size, lr=0.01):
        super().__init__(lr)
        self.vocab_size = positive_int("vocab_size", vocab_size)
        if not isinstance(rnn, nn.Module) or not hasattr(rnn, "num_hiddens"):
            fail(
                "rnn은 RNNScratch(...)나 RNN(...) 같은 RNN "
                f"층이어야 합니다. 받은 형식: {type(rnn).__name__}",
                f"rnn must be an RNN layer such as RNNScratch(...) or RNN(...), got "
                f"{type(rnn).__name__}.",
                TypeError,
            )
        if getattr(rnn, "num_inputs", vocab_size) != vocab_size:
            fail(
                f"rnn의 입력 크기는 {rnn.num_inputs}인데 "
                f"vocab_size는 {vocab_size}입니다. 원-핫 "
                "입력에는 num_inputs == vocab_size가 필요합니다.",
                f"the rnn reads {rnn.num_inputs} inputs but vocab_size is "
                f"{vocab_size}: one-hot inputs need num_inputs == vocab_size.",
            )
        self.rnn = rnn
        self.init_output_layer()

    def init_output_layer(self):
        sigma = getattr(self.rnn, "sigma", 0.01)
        self.W_hq = nn.Parameter(  # (hidden, vocab)
            torch.randn(self.rnn.num_hiddens, self.vocab_size) * sigma
        )
        self.b_q = nn.Parameter(torch.zeros(self.vocab_size))  # (vocab,)

    def output_layer(self, rnn_outputs):
        return rnn_outputs @ self.W_hq + self.b_q  # (steps, batch, vocab)

    def one_hot(self, X):
        """``(batch, num_steps)`` token indices →
        ``(num_steps, batch, vocab_size)`` one-hots.

        The one-hot vector of token ``i`` is row ``i`` of the
        identity matrix, so we pick rows (the same result as
        ``F.one_hot(X.T, vocab_size).float()``, built in one pass).
        """
        return self._one_hot(self._ids(X))

    def _ids(self, X, name="X"):
        return check.token_ids(name, X, self.vocab_size, next(self.parameters()))

    def _one_hot(self, X):
        ids = X.T  # (steps, batch)
        eye = torch.eye(self.vocab_size, device=X.device)  # (vocab, vocab)
        rows = eye.index_select(0, ids.reshape(-1))  # (steps * batch, vocab)
        return rows.view(*ids.shape, self.vocab_size)  # (steps, batch, vocab)

    def time_major_logits(self, X, state=None):
        """Logits ``(num_steps, batch, vocab_size)`` and the final hidden state."""
        X = self._ids(X)  # (batch, steps)
        # an RNN that reads token indices gets them as they are, (steps, batch): no
        # one-hot tensor (steps, batch, vocab) to build
        inputs = (
            X.T if getattr(self.rnn, "reads_token_ids", False) else self._one_hot(X)
        )
        rnn_outputs, state = self.rnn(inputs, state)  # (steps, batch, hidden)
        return self.output_layer(rnn_outputs), state  # (steps, batch, vocab)

    def forward(self, X, state=None):
        """``X``: ``(batch, num_steps)`` int → logits
        ``(batch, num_steps, vocab_size)``."""
        logits, _ = self.time_major_logits(X, state)  # (steps, batch, vocab)
        return logits.transpose(0, 1)  # (batch, steps, vocab)

    def loss(self, Y_hat, Y):
        """Token-mean cross-entropy of logits
        ``(batch, num_steps, V)`` against ``Y``."""
        tensor("Y_hat", Y_hat, kind="float")
        tensor("Y", Y, kind="int")
        if Y_hat.shape[-1:] != (self.vocab_size,) or Y_hat.shape[:-1] != Y.shape:
            fail(
                f"loss에는 (batch, num_steps, {self.vocab_size}) 모양의 "
                "로짓과 (batch, num_steps) 모양의 타깃이 필요합니다. "
                f"받은 모양: {tuple(Y_hat.shape)}, {tuple(Y.shape)}",
                f"loss needs logits (batch, num_steps, {self.vocab_size}) and targets "
                f"(batch, num_steps); got {tuple(Y_hat.shape)} and {tuple(Y.shape)}.",
            )
        # (batch * steps, vocab) against (batch * steps,)
        return F.cross_entropy(Y_hat.reshape(-1, self.vocab_size), Y.reshape(-1))

    def batch_loss(self, batch):
        return self.batch_loss_with_state(batch, None)[:2]

    def batch_loss_with_state(self, batch, state):
        """``(mean loss, number of tokens, final hidden state)`` of a minibatch
        ``(X, Y)`` read from the hidden state ``state`` (``None``: zeros).

        ``Trainer(stateful=True)`` hands the final state, detached, to the next
        minibatch of the same streams: truncated BPTT.
        """
        X, Y = _check_batch(batch, 2)
        if getattr(Y, "shape", None) != getattr(X, "shape", None):
            fail(
                f"타깃 Y의 모양은 X와 같은 {tuple(getattr(X, 'shape', ()))}이어야 "
                f"합니다. 받은 모양: {tuple(getattr(Y, 'shape', ()))}",
                f"targets Y must have the shape of X {tuple(getattr(X, 'shape', ()))}, "
                f"got {tuple(getattr(Y, 'shape', ()))}.",
            )
        Y = self._ids(Y, "Y").long()
        # stays time-major: no transpose copy
        logits, state = self.time_major_logits(X, state)  # (steps, batch, vocab)
        # (steps * batch, vocab) against Y.T, (steps, batch), flattened alike
        loss = F.cross_entropy(logits.reshape(-1, self.vocab_size), Y.T.reshape(-1))
        return loss, Y.numel(), state

    @torch.no_grad()
    def predict(
        self, prefix, num_preds, vocab, device=None, temperature=0.0, seed=None
    ):
        """Continue ``prefix`` by ``num_preds`` tokens.

        ``temperature=0`` picks the most likely token each step (greedy); a positive
        temperature samples from ``softmax(logits / temperature)`` (``seed`` makes it
        repeatable). Characters (or words) missing from ``vocab`` are read as ``<unk>``.
        Returns the prefix followed by the generated text. The model's mode is restored
        afterwards, even after an error or Ctrl-C.
        """
        check.vocabulary(vocab, self.vocab_size)
        tokens = _prefix_tokens(prefix, vocab)
        num_preds = integer("num_preds", num_preds, low=0)
        temperature = non_negative("temperature", temperature)
        seed = None if seed is None else integer("seed", seed, low=0, high=2**64 - 1)
        device = check.model_device(self, device)
        gen = (
            torch.Generator(device=device).manual_seed(seed)
            if seed is not None
            else None
        )
        was_training = self.training
        self.eval()
        try:
            logits, state = self.time_major_logits(  # (len(prefix), 1, vocab)
                torch.tensor([vocab[tokens]], device=device)
            )
            generated = []
            for _ in range(num_preds):
                last = logits[-1, 0]  # (vocab,): after the last token read
                scaled = last / temperature if temperature else last
                if temperature == 0 or not bool(torch.isfinite(scaled).all()):
                    # greedy (also the limit of a tiny temperature)
                    nxt = int(last.argmax())
                else:
                    probs = torch.softmax(scaled, dim=-1)
                    nxt = int(torch.multinomial(probs, 1, generator=gen))
                generated.append(nxt)
                logits, state = self.time_major_logits(  # (1, 1, vocab)
                    torch.tensor([[nxt]], device=device), state
                )
        finally:
            self.train(was_training)
        words = vocab.to_tokens(generated)
        if vocab.is_char_level:
            return prefix + "".join(words)
        return " ".join([prefix.strip(), *words]) if words else prefix

    def sample(self, prefix, num_preds, vocab, temperature=1.0, seed=None, device=None):
        """Sampled continuation (see ``predict``); needs ``temperature > 0``."""
        non_negative("temperature", temperature)
        if temperature <= 0:
            fail(
                f"sample에는 temperature > 0이 필요합니다(받은 값: "
                f"{temperature}). 탐욕적 디코딩은 predict를 쓰세요.",
                "sample needs temperature > 0, got "
                f"{temperature}; use predict for greedy decoding.",
            )
        return self.predict(prefix, num_preds, vocab, device, temperature, seed)


class RNNLM(RNNLMScratch):
    """``RNNLMScratch`` with the output layer as ``torch.nn.Linear``.

    Taught in 9.6.
    """

    def init_output_layer(self):
        self.linear = nn.Linear(self.rnn.num_hiddens, self.vocab_size)

    def output_layer(self, rnn_outputs):
        return self.linear(rnn_outputs)


def _prefix_tokens(prefix, vocab):
    string("prefix", prefix)
    tokens = list(prefix) if vocab.is_char_level else prefix.split()
    if not tokens:
        fail(
            "prefix가 비어 있습니다. 시작할 토큰을 "
            "하나 이상 주세요(예: 'time traveller').",
            "prefix is empty: give at least one token "
            "to start from, e.g. 'time traveller'.",
        )
    if not any(t in vocab for t in tokens):
        warn(
            f"prefix {prefix!r}의 토큰이 하나도 어휘에 없어 모델이 <unk>만 보고 "
            "시작합니다(텍스트는 소문자와 공백만 남기는 전처리를 거쳤습니다).",
            f"no token of the prefix {prefix!r} is in the vocabulary: "
            "the model starts from <unk> only (the text was "
            "preprocessed: lower-case letters and spaces).",
            stacklevel=4,
        )
    return tokens


def _check_batch(batch, size=None):
    """A minibatch must be a tuple or list of tensors (``size`` of them if given)."""
    ok = (
        isinstance(batch, (tuple, list))
        and len(batch) >= 2
        and (size is None or len(batch) == size)
        and all(isinstance(b, torch.Tensor) for b in batch)
    )
    if not ok:
        want = (
            f"{size} tensors (inputs, targets)"
            if size
            else "tensors (inputs…, targets)"
        )
        length = f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""
        fail(
            f"미니배치는 텐서 튜플({want})이어야 "
            f"합니다. 받은 형식: {type(batch).__name__}",
            f"a minibatch must be a tuple of {want}, "
            f"got {type(batch).__name__}{length}.",
            TypeError,
        )
    return batch
