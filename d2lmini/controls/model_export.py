"""A character RNN language model as plain lists, for the page to run itself.

The static book's text generator (:mod:`.textgen`) saves these weights; the page's
``_static/static_controls.js`` computes ``H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)``
and the logits ``H_t W_hq + b_q`` from them, as :meth:`d2lmini.RNNLMScratch.predict`
does in the notebook.
"""


def export_char_model(model, vocab):
    """The weights (row-major lists) and vocabulary of
    a character RNN language model."""
    import torch

    rnn = model.rnn
    with torch.no_grad():
        if hasattr(rnn, "W_xh"):  # RNNScratch: H = tanh(X W_xh + H W_hh + b_h)
            W_xh, W_hh, b_h = rnn.W_xh, rnn.W_hh, rnn.b_h
        else:  # RNN over torch.nn.RNN: H = tanh(X W_ih^T + b_ih + H W_hh^T + b_hh)
            r = rnn.rnn
            W_xh, W_hh = r.weight_ih_l0.T, r.weight_hh_l0.T
            b_h = r.bias_ih_l0 + r.bias_hh_l0
        if hasattr(model, "W_hq"):
            W_hq, b_q = model.W_hq, model.b_q
        else:
            W_hq, b_q = model.linear.weight.T, model.linear.bias

        def rows(t):
            return (
                [[float(x) for x in row] for row in t.detach().cpu().double().tolist()]
                if t.dim() == 2
                else [float(x) for x in t.detach().cpu().double().tolist()]
            )

        return {
            "tokens": list(vocab.idx_to_token),
            "unk": vocab.unk,
            "W_xh": rows(W_xh),
            "W_hh": rows(W_hh),
            "b_h": rows(b_h),
            "W_hq": rows(W_hq),
            "b_q": rows(b_q),
        }
