"""Entrance checks of the models: shapes, dtypes,
token ids, devices and vocabularies."""

import torch

from ._checks import fail, ids_in_range, tensor
from .utils import resolve_device

INT_IDS = (torch.int32, torch.int64)


def same_device(name, value, weight):
    if value.device != weight.device:
        fail(
            f"{name}은(는) {value.device}에 있지만 모델은 {weight.device}에 있습니다. "
            f"{name}.to({str(weight.device)!r})로 옮기세요.",
            f"{name} is on {value.device} but the model is on "
            f"{weight.device}: move it with {name}.to({str(weight.device)!r}).",
        )


def token_ids(name, X, vocab_size, weight, layout="(batch, num_steps)"):
    """``X`` must be a 2-D integer tensor of ids below
    ``vocab_size``; returns it as int64/32."""
    tensor(name, X, kind="int", shape=layout)
    if X.dim() != 2:
        hint = (
            f" (one sequence? add a batch axis: {name}.unsqueeze(0))"
            if X.dim() == 1
            else " (one-hot vectors? pass the token ids themselves)"
            if X.dim() == 3
            else ""
        )
        hint_ko = (
            f" (시퀀스 하나라면 {name}.unsqueeze(0)로 배치 축을 더하세요)"
            if X.dim() == 1
            else " (원-핫 벡터라면 토큰 인덱스 자체를 주세요)"
            if X.dim() == 3
            else ""
        )
        fail(
            f"{name}은(는) {layout} 모양의 2차원 토큰 인덱스여야 합니다. 받은 모양: "
            f"{tuple(X.shape)}{hint_ko}",
            f"{name} must be 2-D token ids {layout}, got shape {tuple(X.shape)}{hint}.",
        )
    same_device(name, X, weight)
    ids_in_range(
        name,
        X,
        vocab_size,
        f" (vocab_size={vocab_size}: did the data come from another vocabulary?)",
        f" (vocab_size={vocab_size}: 다른 어휘로 만든 데이터가 아닌지 확인해 보세요)",
    )
    return X if X.dtype in INT_IDS else X.long()


def rnn_inputs(rnn, inputs, state, weight, reads_ids):
    """Check ``inputs`` and ``state`` of an RNN layer;
    returns ``inputs`` (ids as int64)."""
    tensor("inputs", inputs)
    V, h = rnn.num_inputs, rnn.num_hiddens
    if reads_ids and not inputs.is_floating_point() and inputs.dtype != torch.bool:
        inputs = token_ids("inputs", inputs, V, weight, "(num_steps, batch)")
    else:
        if not inputs.is_floating_point():
            extra = (
                f"; token ids must be one-hot encoded first: "
                f"F.one_hot(ids, {V}).float()"
                if not reads_ids
                else ""
            )
            fail(
                f"inputs는 (num_steps, batch, {V}) 모양의 실수 "
                f"벡터여야 합니다. 받은 dtype: {inputs.dtype}{extra}",
                f"inputs must be float vectors (num_steps, batch, {V}), got dtype "
                f"{inputs.dtype}{extra}.",
                TypeError,
            )
        if inputs.dim() != 3 or inputs.shape[-1] != V:
            fail(
                f"inputs의 모양은 (num_steps, batch, {V})여야 합니다(num_inputs={V}). "
                f"받은 모양: {tuple(inputs.shape)}",
                f"inputs must have shape (num_steps, batch, {V}) (num_inputs={V}), got "
                f"{tuple(inputs.shape)}.",
            )
        same_device("inputs", inputs, weight)
        same_dtype("inputs", inputs, weight)
    if inputs.shape[0] == 0 or inputs.shape[1] == 0:
        fail(
            f"inputs에는 시간 단계와 시퀀스가 하나 이상 있어야 합니다. 받은 모양: "
            f"{tuple(inputs.shape)}",
            f"inputs need at least one time step and one sequence, got shape "
            f"{tuple(inputs.shape)}.",
        )
    if state is not None:
        tensor("state", state, kind="float")
        if tuple(state.shape) != (inputs.shape[1], h):
            fail(
                f"state의 모양은 (batch, num_hiddens) = ({inputs.shape[1]}, "
                f"{h})여야 합니다. 받은 모양: {tuple(state.shape)} (모델이 "
                "돌려준 state나 None을 주세요)",
                "state must have shape (batch, num_hiddens) = "
                f"({inputs.shape[1]}, {h}), got {tuple(state.shape)} "
                "(pass the state the model returned, or None).",
            )
        same_device("state", state, weight)
        same_dtype("state", state, weight)
    return inputs


def same_dtype(name, value, weight):
    if value.dtype != weight.dtype:
        fail(
            f"{name}은(는) {value.dtype}인데 모델 가중치는 {weight.dtype}입니다. "
            f"{name}.to({weight.dtype})로 바꾸세요(또는 model.to({value.dtype})).",
            f"{name} is {value.dtype} but the model's weights are "
            f"{weight.dtype}: convert with {name}.to({weight.dtype}) "
            f"(or the model with model.to({value.dtype})).",
            TypeError,
        )


def vocabulary(vocab, vocab_size):
    """``vocab`` must be a vocabulary of exactly ``vocab_size`` tokens."""
    if not all(hasattr(vocab, a) for a in ("to_tokens", "is_char_level", "__len__")):
        hint = " (pass data.vocab)" if hasattr(vocab, "vocab") else ""
        fail(
            "vocab은 d2lmini.Vocab이어야 합니다. "
            f"받은 형식: {type(vocab).__name__}{hint}",
            f"vocab must be a d2lmini.Vocab, got {type(vocab).__name__}{hint}.",
            TypeError,
        )
    if len(vocab) != vocab_size:
        fail(
            f"vocab에는 토큰이 {len(vocab)}개인데 모델은 {vocab_size}개 토큰의 "
            "점수를 냅니다. 모델을 학습할 때 쓴 어휘(예: data.vocab)를 주세요.",
            f"vocab has {len(vocab)} tokens but the model scores {vocab_size}: "
            "pass the vocabulary the model was trained with (e.g. data.vocab).",
        )
    return vocab


def model_device(model, device=None):
    """The device of ``model``'s parameters;
    ``device``, if given, must name the same one."""
    here = next(model.parameters()).device
    if device is None:
        return here
    want = resolve_device(device)
    if want.type != here.type or (want.index is not None and want.index != here.index):
        fail(
            f"device={str(want)!r}이지만 모델은 {here}에 있습니다. "
            f"model.to({str(want)!r})로 모델을 옮기거나 device를 주지 마세요.",
            f"device={str(want)!r}, but the model is on {here}: move the model with "
            f"model.to({str(want)!r}) or leave device out.",
        )
    return here
