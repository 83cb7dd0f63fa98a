"""Precompute Section 9.5.7: the RNN against the n-gram models on the same text.

    D2LMINI_DATA=/work/shared/data OMP_NUM_THREADS=1 \
        .venv/bin/python tools/rnn_vs_ngram.py

writes tools/rnn_vs_ngram.json (committed; chapter 9.5 plots from it).

Every model is scored on the validation text of Section 9.3: the last 10% of the
character corpus (``corpus[split:]``, ``split = int(0.9 * len(corpus))``), in bits
per character. A model trained on ``N`` characters gets the first ``N`` characters
of the training split ``corpus[:split]``; it learns from their first 90% and
chooses its settings (n-gram: the order n and the smoothing constant; RNN: the
epoch to stop at) on their last 10%. The validation text is never used to choose
anything.

* n-grams (``NGramLM`` counts): add-k smoothing as in 9.3, and interpolation with
  the next shorter context (9.3.1.3's formula applied at every order), n = 1 … 8;
* RNNs: ``d2lmini.RNNLMScratch(RNNScratch(28, h))`` trained by ``d2lmini.Trainer``
  (SGD, lr 1, clipping at 1) on 32 parallel streams of 32-character windows,
  the state reset for every window, for the same number of updates whatever N;
  the model of the epoch with the lowest tuning loss is kept.

An RNN reads each block of 32 characters it scores after a warm-up of the 32
characters before the block (from a zero state), so every prediction sees 32 … 63
characters of context; the n-gram model sees the n - 1 characters before.

One thread. The file was made by processes side by side, each with its own
``--out`` (``--hiddens 256``; ``--no-rnn``, then ``--hiddens 32 128``;
``--longer``), merged with ``--merge``; the command without options computes
the same in one process.
``--small`` runs a short version (tests/test_rnn_vs_ngram.py recomputes
it and compares with the ``small`` entry of the file).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import pathlib
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F

import d2lmini

OUT = pathlib.Path(__file__).resolve().with_suffix(".json")
COMMAND = (
    "D2LMINI_DATA=/work/shared/data OMP_NUM_THREADS=1 "
    ".venv/bin/python tools/rnn_vs_ngram.py"
)
TUNE = 0.1  # the last 10% of the N training characters choose the settings
BATCH, NUM_STEPS, LR, CLIP = 32, 32, 1.0, 1.0
WARM, SCORE = 32, 32  # an RNN scores blocks of SCORE characters after WARM
K_GRID = [float(k) for k in np.logspace(-4, 1, 21)]  # add-k
EPS_GRID = [float(e) for e in np.logspace(-2, 2, 17)]  # interpolation

FULL = {
    "ngram_amounts": (5_000, 10_000, 20_000, 40_000, 80_000, None),  # None: all
    "rnn_amounts": (10_000, 40_000, None),
    "hiddens": (32, 128, 256),
    "orders": (1, 2, 3, 4, 5, 6, 7, 8),
    "updates": 3000,
    # does the budget limit the RNN? one size on all the text, 4x the updates
    "longer": {"hidden": 128, "updates": 12_000},
}
SMALL = {
    "ngram_amounts": (2_000, 8_000),
    "rnn_amounts": (2_000, 8_000),
    "hiddens": (8, 24),
    "orders": (1, 2, 3),
    "updates": 200,
    "longer": None,
}


def corpus():
    """``(tokens, vocab, split)``: the character corpus of ``TimeMachine`` (its
    vocabulary, 28 entries with ``<unk>``) and 9.3's 90% split point."""
    data = d2lmini.TimeMachine(batch_size=1, num_steps=1)
    tokens = list(data.corpus)
    return tokens, data.vocab, int(0.9 * len(tokens))


def parts(tokens, split, amount):
    """``(N, fit_end)``: the first N characters of the training split, of which
    ``tokens[:fit_end]`` is learned from and ``tokens[fit_end:N]`` tunes."""
    N = split if amount is None else amount
    return N, N - round(TUNE * N)


# ------------------------------------------------------------------ n-grams
def count_lookups(tables, tokens, start, stop):
    """For every position t in ``start … stop - 1`` and every order m: the count
    of the m-gram ending at t and of its context, ``(C, D)``, each ``(m, T)``."""
    C, D = [], []
    for lm in tables:
        m = lm.n
        C.append(
            [
                lm.counts.get(tuple(tokens[t - m + 1 : t + 1]), 0)
                for t in range(start, stop)
            ]
        )
        D.append(
            [
                lm.context_counts.get(tuple(tokens[t - m + 1 : t]), 0)
                for t in range(start, stop)
            ]
        )
    return np.array(C, dtype=np.float64), np.array(D, dtype=np.float64)


def add_k_bits(C, D, n, k, V):
    """Bits per character of the add-k n-gram model (row n - 1 of C, D)."""
    p = (C[n - 1] + k) / (D[n - 1] + k * V)
    return float(-np.log2(p).mean())


def interpolated_bits(C, D, n, eps, V):
    """Bits per character of the interpolated n-gram model: ``P_0 = 1/V`` and
    ``P_m = (n(context, x) + eps P_{m-1}) / (n(context) + eps)`` for m = 1 … n."""
    p = np.full(C.shape[1], 1.0 / V)
    for m in range(n):
        p = (C[m] + eps * p) / (D[m] + eps)
    return float(-np.log2(p).mean())


METHODS = {
    "add-k": (add_k_bits, K_GRID, "k"),
    "interpolated": (interpolated_bits, EPS_GRID, "eps"),
}


def ngram_point(tokens, split, amount, orders, V):
    """Both smoothing methods for one amount of text: for every order n the
    tuned constant, tuning and validation bits per character; ``best`` is the
    order with the lowest tuning bits."""
    N, fit_end = parts(tokens, split, amount)
    fit = tokens[:fit_end]
    tables = [d2lmini.NGramLM(fit, m, V) for m in range(1, max(orders) + 1)]
    tune = count_lookups(tables, tokens, fit_end, N)
    val = count_lookups(tables, tokens, split, len(tokens))
    out = {"chars": N, "fit_chars": fit_end}
    for name, (bits, grid, param) in METHODS.items():
        rows = []
        for n in orders:
            tune_bits = [bits(*tune, n, c, V) for c in grid]
            i = int(np.argmin(tune_bits))
            val_bits = bits(*val, n, grid[i], V)
            # what is stored: the distinct m-grams (m = n for add-k, 1 … n)
            stored = (
                len(tables[n - 1].counts)
                if name == "add-k"
                else sum(len(t.counts) for t in tables[:n])
            )
            rows.append(
                {
                    "n": n,
                    param: grid[i],
                    "tune_bits": round(tune_bits[i], 5),
                    "val_bits": round(val_bits, 5),
                    "val_ppl": round(2**val_bits, 4),
                    "counts": stored,
                }
            )
        best = min(rows, key=lambda r: r["tune_bits"])
        out[name] = {"orders": rows, "best": best}
    return out


def ngram_as_in_93(tokens, split, V):
    """9.3's setting: the 5-gram counts the whole training split and k is the
    best of 9.3's grid on the validation text itself (optimistic)."""
    table = [d2lmini.NGramLM(tokens[:split], m, V) for m in range(1, 6)]
    C, D = count_lookups(table, tokens, split, len(tokens))
    grid = np.logspace(-4, 2, 49)
    bits = [add_k_bits(C, D, 5, k, V) for k in grid]
    i = int(np.argmin(bits))
    return {
        "n": 5,
        "k": float(grid[i]),
        "val_bits": round(bits[i], 5),
        "val_ppl": round(2 ** bits[i], 4),
    }


# --------------------------------------------------------------------- RNNs
def scored_blocks(tokens, start, stop, warm=WARM, score=SCORE):
    """Inputs and targets that score ``tokens[start:stop]``: block ``j`` reads
    ``warm`` characters before its ``score`` targets (the last block may be
    shorter). Returns a list of ``(X, Y, s)``: Y's last s columns are scored."""
    tokens = torch.as_tensor(tokens, dtype=torch.long)
    full, last = [], []
    for b in range(start, stop, score):
        e = min(b + score, stop)
        X, Y = tokens[b - warm : e - 1], tokens[b - warm + 1 : e]
        (full if e - b == score else last).append((X, Y, e - b))
    groups = []
    if full:
        groups.append(
            (
                torch.stack([x for x, _, _ in full]),
                torch.stack([y for _, y, _ in full]),
                score,
            )
        )
    for X, Y, s in last:
        groups.append((X[None], Y[None], s))
    return groups


@torch.no_grad()
def rnn_bits(model, groups):
    """Bits per character of the scored targets of ``scored_blocks``."""
    total, count = 0.0, 0
    was_training = model.training
    model.eval()
    try:
        for X, Y, s in groups:
            logits = model(X)[:, -s:]  # (blocks, s, V)
            total += F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]),
                Y[:, -s:].reshape(-1),
                reduction="sum",
            ).item()
            count += Y[:, -s:].numel()
    finally:
        model.train(was_training)
    return total / count / math.log(2)


class Text:
    """A data module for ``d2lmini.Trainer``: streams of the fit text for
    training, the tuning blocks for its validation loss."""

    def __init__(self, tokens, fit_end, N):
        self.fit = torch.tensor(tokens[:fit_end])
        self.tune_groups = scored_blocks(tokens, fit_end, N)

    def train_dataloader(self):
        return d2lmini.SequentialLoader(self.fit, BATCH, NUM_STEPS)

    def val_dataloader(self):
        X, Y, _ = self.tune_groups[0]
        return d2lmini.TensorLoader((X, Y), 1024)


def num_params(model):
    return sum(p.numel() for p in model.parameters())


def rnn_point(tokens, split, V, amount, hidden, updates, val_groups):
    """Train one RNN; keep the epoch with the lowest tuning bits."""
    N, fit_end = parts(tokens, split, amount)
    data = Text(tokens, fit_end, N)
    per_epoch = len(data.train_dataloader())
    epochs = math.ceil(updates / per_epoch)
    d2lmini.set_seed(0)
    model = d2lmini.RNNLMScratch(d2lmini.RNNScratch(V, hidden), V, lr=LR)
    trainer = d2lmini.Trainer(1, gradient_clip_val=CLIP, seed=None, display="quiet")
    best = (math.inf, 0, None)
    tune_curve, seconds = [], 0.0
    d2lmini.set_seed(0)  # the streams' offsets
    for epoch in range(1, epochs + 1):
        trainer.fit(model, data)
        seconds += trainer.fit_seconds
        tune = rnn_bits(model, data.tune_groups)
        tune_curve.append(round(tune, 4))
        if tune < best[0]:
            best = (tune, epoch, copy.deepcopy(model.state_dict()))
    model.load_state_dict(best[2])
    val = rnn_bits(model, val_groups)
    return {
        "chars": N,
        "fit_chars": fit_end,
        "hidden": hidden,
        "params": num_params(model),
        "epochs": epochs,
        "updates": epochs * per_epoch,
        "best_epoch": best[1],
        "tune_bits": round(best[0], 5),
        "val_bits": round(val, 5),
        "val_ppl": round(2**val, 4),
        "train_seconds": round(seconds, 1),
        "tune_curve": tune_curve,
    }


def run(ngram_amounts, rnn_amounts, hiddens, orders, updates, longer, log=None):
    tokens, vocab, split = corpus()
    V_ngram = len(set(tokens))  # the 27 characters (9.3's V)
    V = len(vocab)  # the RNN's vocabulary (with <unk>, which never occurs)
    out = {"ngram": [], "rnn": []}
    for amount in ngram_amounts:
        out["ngram"].append(ngram_point(tokens, split, amount, orders, V_ngram))
        if log:
            log(f"n-gram {out['ngram'][-1]['chars']}")
    val_groups = scored_blocks(tokens, split, len(tokens))
    for hidden in hiddens:
        for amount in rnn_amounts:
            out["rnn"].append(
                rnn_point(tokens, split, V, amount, hidden, updates, val_groups)
            )
            if log:
                r = out["rnn"][-1]
                log(
                    f"rnn h={hidden} N={r['chars']}: {r['val_bits']:.4f} bits, "
                    f"{r['train_seconds']} s"
                )
    if longer:
        out["longer"] = rnn_point(
            tokens, split, V, None, longer["hidden"], longer["updates"], val_groups
        )
        if log:
            log(f"longer: {out['longer']['val_bits']:.4f} bits")
    return out


def small():
    """The short version the tests recompute."""
    return run(**SMALL)


def meta(command, start, cpu_start):
    tokens, vocab, split = corpus()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "command": command,
        "full": FULL,
        "small": SMALL,
        "corpus_chars": len(tokens),
        "split": split,
        "val_chars": len(tokens) - split,
        "vocab_size": len(vocab),
        "ngram_vocab_size": len(set(tokens)),
        "tune_fraction": TUNE,
        "batch_size": BATCH,
        "num_steps": NUM_STEPS,
        "lr": LR,
        "gradient_clip_val": CLIP,
        "warm_up": WARM,
        "score_block": SCORE,
        "k_grid": K_GRID,
        "eps_grid": EPS_GRID,
        "threads": 1,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "d2lmini": d2lmini.__version__,
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_at_end": load,
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
    }


def merge(paths):
    """One results file from part files (``--hiddens`` runs side by side)."""
    results = {"ngram": [], "rnn": []}
    metas = []
    for path in paths:
        part = json.loads(path.read_text())
        metas.append(part.pop("meta"))
        results["rnn"] += part.pop("rnn", [])
        for key, value in part.items():
            if value:
                results[key] = value
    order = {h: i for i, h in enumerate(FULL["hiddens"])}
    results["rnn"].sort(key=lambda r: (order[r["hidden"]], r["chars"]))
    results["meta"] = {
        **metas[0],
        "command": COMMAND,
        "full": FULL,
        "small": SMALL,
        "made_by": [m["command"] for m in metas] + [f"{COMMAND} --merge ..."],
        "seconds": max(m["seconds"] for m in metas),
        "cpu_seconds": round(sum(m["cpu_seconds"] for m in metas), 1),
        "load_average_at_end": max(m["load_average_at_end"] or 0 for m in metas),
    }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the short version only")
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument(
        "--hiddens", type=int, nargs="+", help="these RNNs only (no n-grams)"
    )
    parser.add_argument(
        "--longer", action="store_true", help="the longer training only"
    )
    parser.add_argument(
        "--no-rnn", action="store_true", help="the short version and the n-grams only"
    )
    parser.add_argument(
        "--merge", nargs="+", type=pathlib.Path, help="merge part files into --out"
    )
    args = parser.parse_args()
    if args.merge:
        results = merge(args.merge)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
        print(f"wrote {args.out}")
        return
    torch.set_num_threads(1)
    start, cpu_start = time.perf_counter(), time.process_time()

    def log(msg):
        print(f"[{time.perf_counter() - start:7.1f} s] {msg}", flush=True)

    command = COMMAND
    if args.longer:  # one part of the full run
        command += " --longer"
        part = {**FULL, "ngram_amounts": (), "hiddens": ()}
        results = run(**part, log=log)
        del results["ngram"], results["rnn"]
    elif args.hiddens:  # one part of the full run
        command += " --hiddens " + " ".join(map(str, args.hiddens))
        part = {**FULL, "ngram_amounts": (), "hiddens": args.hiddens, "longer": None}
        results = run(**part, log=log)
        del results["ngram"]
    else:
        results = {"small": small()}
        log("small done")
        if args.no_rnn:
            command += " --no-rnn"
        if not args.small:
            part = {**FULL, "hiddens": (), "longer": None} if args.no_rnn else FULL
            results.update(run(**part, log=log))
            if args.no_rnn:
                del results["rnn"]
            tokens, _, split = corpus()
            results["as_in_9_3"] = ngram_as_in_93(tokens, split, len(set(tokens)))
        else:
            command += " --small"
    results["meta"] = meta(command, start, cpu_start)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out} in {results['meta']['seconds']} s")


if __name__ == "__main__":
    main()
