"""Precompute Section 9.7.3.3: accuracy on the recall task against the distance d.

    OMP_NUM_THREADS=1 .venv/bin/python tools/recall_task.py

writes tools/recall_task.json (committed; chapter 9.7 plots from it). For every
d in FULL["d"], every seed in FULL["seeds"] and both cells (a tanh RNN and an
LSTM with 32 hidden units), d2lmini.recall.train_recall trains a fresh model
(600 SGD updates, batch 64, learning rate 1, clipping at 1) and records the
accuracy on 512 held-out sequences every 50 updates. One thread.

``--small`` runs the short version only (tests/test_recall_task.py recomputes it
and compares it with the ``small`` entry of the file).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import time

import torch

from d2lmini.recall import train_recall

OUT = pathlib.Path(__file__).resolve().with_suffix(".json")
COMMAND = "OMP_NUM_THREADS=1 .venv/bin/python tools/recall_task.py"
SETTINGS = {
    "num_hiddens": 32,
    "num_tokens": 8,
    "steps": 600,
    "batch_size": 64,
    "lr": 1.0,
    "clip": 1.0,
    "eval_every": 50,
    "num_eval": 512,
    "forget_bias": 3.0,
}
FULL = {
    "d": [1, 2, 5, 10, 15, 20, 30, 40],
    "seeds": [0, 1, 2],
    "cells": ["rnn", "lstm"],
}
SMALL = {"d": [2, 40], "seeds": [0], "cells": ["rnn"], "steps": 200}


def run_one(cell, d, seed, **overrides):
    settings = {**SETTINGS, **overrides}
    start = time.perf_counter()
    result = train_recall(cell=cell, d=d, seed=seed, **settings)
    return {
        "cell": cell,
        "d": d,
        "seed": seed,
        "steps": result["steps"],
        "accuracy": [round(a, 5) for a in result["accuracy"]],
        "seconds": round(time.perf_counter() - start, 2),
    }


def small():
    """The short version the tests recompute."""
    return [
        run_one(cell, d, seed, steps=SMALL["steps"])
        for cell in SMALL["cells"]
        for d in SMALL["d"]
        for seed in SMALL["seeds"]
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the short version only")
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    results = {"small": small(), "runs": []}
    if not args.small:
        for d in FULL["d"]:
            for cell in FULL["cells"]:
                for seed in FULL["seeds"]:
                    run = run_one(cell, d, seed)
                    results["runs"].append(run)
                    print(
                        f"{cell:>4} d={d:>2} seed {seed}: accuracy "
                        f"{run['accuracy'][-1]:.3f} ({run['seconds']} s)",
                        flush=True,
                    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results["meta"] = {
        "command": COMMAND + (" --small" if args.small else ""),
        "settings": SETTINGS,
        "full": FULL,
        "small": SMALL,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_at_end": load,
        "seconds": round(time.perf_counter() - start, 1),
    }
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out} in {results['meta']['seconds']} s")


if __name__ == "__main__":
    main()
