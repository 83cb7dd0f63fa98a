"""Precompute Section 9.5.6: stateful training (truncated BPTT) against state reset.

    D2LMINI_DATA=/work/shared/data .venv/bin/python tools/stateful_bptt.py

writes tools/stateful_bptt.json (committed; chapter 9.5 plots from it). Every run
trains d2lmini.RNNLMScratch(RNNScratch(28, 32)) with lr 1 and clipping at 1 on
the chapter's training text (the 10,032 characters its 10,000 windows cover),
cut into 32 parallel streams (TimeMachine(..., sequential=True)), one thread:

* ``context``: num_steps 8 and 32, reset and stateful on the same minibatches,
  200 epochs; the validation perplexity of the prediction after reading
  1 … 200 characters (d2lmini.loss_by_context, from a zero state, every start
  of the validation text) before and after training;
* ``num_steps``: the truncation length 8 … 64, reset and stateful, 60 epochs
  each (so the same characters): the perplexity after reading 100–200
  characters;
* ``seconds_per_epoch``: the fastest of 20 one-epoch fits for each of them.

The file was made in processes side by side, one per part (``--only small``,
``--only context:8`` …, each with its own ``--out``), merged with ``--merge``;
the command without options computes the same in one process.
``--small`` runs a short version (tests/test_controls_9_5.py recomputes it and
compares with the ``small`` entry of the file).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import platform
import time

import torch

import d2lmini

OUT = pathlib.Path(__file__).resolve().with_suffix(".json")
TEXT = 10_032  # characters of the chapter's training windows (10,000 + 32)
BATCH, HIDDEN, LR, CLIP, CONTEXT = 32, 32, 1.0, 1.0, 200
LONG = (100, 200)  # "long context": predictions after reading 100 … 200 characters
COMMAND = "D2LMINI_DATA=/work/shared/data .venv/bin/python tools/stateful_bptt.py"


def data_for(num_steps):
    """The same training text for every num_steps (and the same validation text)."""
    return d2lmini.TimeMachine(
        batch_size=BATCH,
        num_steps=num_steps,
        num_train=TEXT - num_steps,
        num_val=5000,
        sequential=True,
    )


def new_model(V):
    d2lmini.set_seed(0)
    return d2lmini.RNNLMScratch(d2lmini.RNNScratch(V, HIDDEN), V, lr=LR)


def context_ppl(model, data):
    """Validation perplexity after reading 1 … CONTEXT characters, averaged
    over every start in the validation text."""
    tokens = data.val_text()
    curve = d2lmini.loss_by_context(model, tokens, CONTEXT, len(tokens) - CONTEXT)
    return curve.exp()


def long_ppl(curve):
    lo, hi = LONG
    return math.exp(curve[lo - 1 : hi].log().mean().item())


def train(num_steps, stateful, epochs):
    data = data_for(num_steps)
    model = new_model(len(data.vocab))
    trainer = d2lmini.Trainer(
        epochs, gradient_clip_val=CLIP, seed=0, display="quiet", stateful=stateful
    )
    history = trainer.fit(model, data)
    curve = context_ppl(model, data)
    return {
        "num_steps": num_steps,
        "stateful": stateful,
        "epochs": epochs,
        "updates": epochs * len(data.train_dataloader()),
        "val_ppl": [round(v, 4) for v in history["val_ppl"]],
        "context_ppl": [round(float(v), 4) for v in curve],
        "long_ppl": round(long_ppl(curve), 4),
    }


def seconds_per_epoch(num_steps, stateful, repeats):
    """The fastest of ``repeats`` one-epoch fits (training and validation):
    the minimum is what the computer needs when nothing else gets in the way."""
    data = data_for(num_steps)
    model = new_model(len(data.vocab))
    times = []
    for _ in range(repeats):
        trainer = d2lmini.Trainer(
            1, gradient_clip_val=CLIP, seed=0, display="quiet", stateful=stateful
        )
        trainer.fit(model, data)
        times.append(trainer.fit_seconds)
    return round(min(times), 5)


def run(epochs, sweep_epochs, sweep, context_steps, repeats, parts):
    out = {}
    if "untrained" in parts:
        data = data_for(32)
        untrained = context_ppl(new_model(len(data.vocab)), data)
        out["untrained_context_ppl"] = [round(float(v), 4) for v in untrained]
    for n in context_steps:
        if f"context:{n}" in parts:
            runs = [train(n, s, epochs) for s in (False, True)]
            out.setdefault("context", {})[str(n)] = runs
    if "num_steps" in parts:
        out["num_steps"] = [
            train(n, s, sweep_epochs) for n in sweep for s in (False, True)
        ]
    if "timing" in parts:
        out["seconds_per_epoch"] = [
            {"num_steps": n, "stateful": s, "seconds": seconds_per_epoch(n, s, repeats)}
            for n in sweep
            for s in (False, True)
        ]
    return out


SMALL = {
    "epochs": 3,
    "sweep_epochs": 2,
    "sweep": (8, 32),
    "context_steps": (8,),
    "repeats": 1,
}
FULL = {
    "epochs": 200,
    "sweep_epochs": 60,
    "sweep": (8, 16, 32, 64),
    "context_steps": (8, 32),
    "repeats": 20,
}
PARTS = ("untrained", "context:8", "context:32", "num_steps", "timing")


def small():
    """The short version the tests recompute (no timing: it differs every run)."""
    return run(**SMALL, parts=("untrained", "context:8", "num_steps"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the short version only")
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument("--only", choices=("small", *PARTS), help="one part only")
    parser.add_argument(
        "--merge", nargs="+", type=pathlib.Path, help="merge part files into --out"
    )
    args = parser.parse_args()
    if args.merge:
        results = {}
        for part in args.merge:
            for key, value in json.loads(part.read_text()).items():
                if key == "context":
                    results.setdefault(key, {}).update(value)
                elif key == "meta":
                    seconds = results.get("meta", {}).get("seconds", 0)
                    results[key] = {**value, "seconds": seconds + value["seconds"]}
                else:
                    results[key] = value
        results["meta"]["command"] = COMMAND
        results["meta"]["full"] = FULL
        args.out.write_text(json.dumps(results, indent=1) + "\n")
        return
    torch.set_num_threads(1)  # timings comparable between runs
    start = time.perf_counter()
    results = {}
    if args.only in (None, "small"):
        results["small"] = small()
    if not args.small and args.only != "small":
        parts = PARTS if args.only is None else (args.only,)
        results.update(run(**FULL, parts=parts))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results["meta"] = {
        "command": COMMAND + (" --small" if args.small else ""),
        "full": FULL,
        "text_chars": TEXT,
        "batch_size": BATCH,
        "num_hiddens": HIDDEN,
        "lr": LR,
        "gradient_clip_val": CLIP,
        "context": CONTEXT,
        "long_context": list(LONG),
        "threads": 1,
        "torch": torch.__version__,
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_at_end": load,
        "seconds": round(time.perf_counter() - start, 1),
    }
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out} in {results['meta']['seconds']} s")


if __name__ == "__main__":
    main()
