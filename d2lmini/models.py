"""The models of chapter 9: a linear autoregressive model and RNN language models."""
import torch
import torch.nn.functional as F
from torch import nn

from ._checks import fail, non_negative, positive_int
from .bptt import tanh_recurrence


class Module(nn.Module):
    """A model that knows its learning rate and how to score a minibatch."""

    #: language models report perplexity next to their loss
    reports_perplexity = False

    def __init__(self, lr):
        super().__init__()
        self.lr = lr

    def batch_loss(self, batch):
        """``(mean loss, number of scored items)`` for one minibatch ``(inputs…, target)``."""
        *inputs, target = batch
        return self.loss(self(*inputs), target), target.numel()


class LinearRegression(Module):
    """``y = x w + b`` trained with the squared error (the input size is found on first use)."""

    def __init__(self, lr=0.01, num_inputs=None):
        super().__init__(lr)
        self.net = nn.LazyLinear(1) if num_inputs is None else nn.Linear(num_inputs, 1)

    def forward(self, X):
        return self.net(X)

    def loss(self, y_hat, y):
        return F.mse_loss(y_hat, y)


class RNNScratch(nn.Module):
    """A vanilla RNN: ``H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)``."""

    #: integer inputs are read as token indices (see ``forward``)
    reads_token_ids = True

    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.num_inputs = positive_int("num_inputs", num_inputs)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.sigma = sigma
        self.W_xh = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(torch.randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(torch.zeros(num_hiddens))

    def forward(self, inputs, state=None):
        """``inputs``: ``(num_steps, batch, num_inputs)`` → ``(outputs, state)`` where
        ``outputs`` is ``(num_steps, batch, num_hiddens)`` and ``state`` the last ``H``.

        Integer ``inputs`` of shape ``(num_steps, batch)`` are token indices standing for
        one-hot vectors: ``one_hot(i) @ W_xh`` is row ``i`` of ``W_xh``, so we look it up.
        """
        if inputs.dtype in (torch.int32, torch.int64):
            rows = torch.index_select(self.W_xh, 0, inputs.reshape(-1))
            input_terms = rows.view(*inputs.shape, -1) + self.b_h
        else:  # the input term does not depend on H: one product for all steps
            input_terms = inputs @ self.W_xh + self.b_h
        if state is None:
            state = input_terms.new_zeros(input_terms.shape[1], self.num_hiddens)
        # H_t = tanh(X_t W_xh + b_h + H_{t-1} W_hh), one step at a time (see bptt.py)
        outputs = tanh_recurrence(input_terms, state, self.W_hh)
        return outputs, outputs[-1]


class RNN(nn.Module):
    """The same RNN as ``RNNScratch``, computed by ``torch.nn.RNN``."""

    def __init__(self, num_inputs, num_hiddens):
        super().__init__()
        self.num_inputs = positive_int("num_inputs", num_inputs)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.rnn = nn.RNN(num_inputs, num_hiddens)

    def forward(self, inputs, state=None):
        """Same shapes as ``RNNScratch.forward`` (state ``(batch, num_hiddens)``)."""
        outputs, state = self.rnn(inputs, None if state is None else state.unsqueeze(0))
        return outputs, state.squeeze(0)


class RNNLMScratch(Module):
    """A character (or word) language model on top of an RNN, with one-hot inputs."""

    reports_perplexity = True

    def __init__(self, rnn, vocab_size, lr=0.01):
        super().__init__(lr)
        self.rnn = rnn
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.init_output_layer()

    def init_output_layer(self):
        sigma = getattr(self.rnn, "sigma", 0.01)
        self.W_hq = nn.Parameter(torch.randn(self.rnn.num_hiddens, self.vocab_size) * sigma)
        self.b_q = nn.Parameter(torch.zeros(self.vocab_size))

    def output_layer(self, rnn_outputs):
        return rnn_outputs @ self.W_hq + self.b_q

    def one_hot(self, X):
        """``(batch, num_steps)`` token indices → ``(num_steps, batch, vocab_size)`` one-hots.

        The one-hot vector of token ``i`` is row ``i`` of the identity matrix, so we pick rows
        (the same result as ``F.one_hot(X.T, vocab_size).float()``, built in one pass).
        """
        ids = X.T
        eye = torch.eye(self.vocab_size, device=X.device)
        return eye.index_select(0, ids.reshape(-1)).view(*ids.shape, self.vocab_size)

    def time_major_logits(self, X, state=None):
        """Logits ``(num_steps, batch, vocab_size)`` and the final hidden state."""
        # an RNN that reads token indices gets them as they are: no one-hot tensor to build
        inputs = X.T if getattr(self.rnn, "reads_token_ids", False) else self.one_hot(X)
        rnn_outputs, state = self.rnn(inputs, state)
        return self.output_layer(rnn_outputs), state

    def forward(self, X, state=None):
        """``X``: ``(batch, num_steps)`` int → logits ``(batch, num_steps, vocab_size)``."""
        return self.time_major_logits(X, state)[0].transpose(0, 1)

    def loss(self, Y_hat, Y):
        """Token-mean cross-entropy of logits ``(batch, num_steps, V)`` against ``Y``."""
        return F.cross_entropy(Y_hat.reshape(-1, self.vocab_size), Y.reshape(-1))

    def batch_loss(self, batch):
        X, Y = batch
        logits, _ = self.time_major_logits(X)  # stays time-major: no transpose copy
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), Y.T.reshape(-1)), Y.numel()

    @torch.no_grad()
    def predict(self, prefix, num_preds, vocab, device=None, temperature=0.0, seed=None):
        """Continue ``prefix`` by ``num_preds`` tokens.

        ``temperature=0`` picks the most likely token each step (greedy); a positive
        temperature samples from ``softmax(logits / temperature)`` (``seed`` makes it
        repeatable). Characters (or words) missing from ``vocab`` are read as ``<unk>``.
        Returns the prefix followed by the generated text.
        """
        tokens = _prefix_tokens(prefix, vocab)
        if isinstance(num_preds, bool) or not isinstance(num_preds, int):
            fail(f"num_preds must be an integer, got {num_preds!r}.",
                 f"num_preds는 정수여야 합니다. 받은 값: {num_preds!r}", TypeError)
        non_negative("num_preds", num_preds)
        non_negative("temperature", temperature)
        device = device or next(self.parameters()).device
        gen = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
        was_training = self.training
        self.eval()
        logits, state = self.time_major_logits(torch.tensor([vocab[tokens]], device=device))
        generated = []
        for _ in range(num_preds):
            last = logits[-1, 0]
            if temperature == 0:
                nxt = int(last.argmax())
            else:
                probs = torch.softmax(last / temperature, dim=-1)
                nxt = int(torch.multinomial(probs, 1, generator=gen))
            generated.append(nxt)
            logits, state = self.time_major_logits(torch.tensor([[nxt]], device=device), state)
        self.train(was_training)
        words = vocab.to_tokens(generated)
        if vocab.is_char_level:
            return prefix + "".join(words)
        return " ".join([prefix.strip(), *words]) if words else prefix

    def sample(self, prefix, num_preds, vocab, temperature=1.0, seed=None, device=None):
        """Sampled continuation (see ``predict``); needs ``temperature > 0``."""
        if temperature <= 0:
            fail(f"sample needs temperature > 0, got {temperature}; use predict for greedy "
                 f"decoding.", f"sample에는 temperature > 0이 필요합니다(받은 값: "
                 f"{temperature}). 탐욕적 디코딩은 predict를 쓰세요.")
        return self.predict(prefix, num_preds, vocab, device, temperature, seed)


class RNNLM(RNNLMScratch):
    """``RNNLMScratch`` with the output layer as ``torch.nn.Linear``."""

    def init_output_layer(self):
        self.linear = nn.Linear(self.rnn.num_hiddens, self.vocab_size)

    def output_layer(self, rnn_outputs):
        return self.linear(rnn_outputs)


def _prefix_tokens(prefix, vocab):
    if not isinstance(prefix, str):
        fail(f"prefix must be a string, got {type(prefix).__name__}.",
             f"prefix는 문자열이어야 합니다. 받은 형식: {type(prefix).__name__}", TypeError)
    tokens = list(prefix) if vocab.is_char_level else prefix.split()
    if not tokens:
        fail("prefix is empty: give at least one token to start from, e.g. 'time traveller'.",
             "prefix가 비어 있습니다. 시작할 토큰을 하나 이상 주세요(예: 'time traveller').")
    return tokens
