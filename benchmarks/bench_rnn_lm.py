"""Train D2L 1.0's 9.5/9.6 configuration and print speed, perplexity and memory.

TimeMachine(batch_size=1024, num_steps=32), 32 hidden units, lr 1, gradient clipping
1, 100 epochs, for RNNLMScratch and RNNLM, with the live display off ("quiet") and
on ("plot"). Each run happens in a fresh subprocess so its peak RSS is its own.

    python benchmarks/bench_rnn_lm.py [--epochs 100] [--models scratch concise]
                                      [--displays quiet plot]
"""

import argparse
import json
import subprocess
import sys

RUN = r"""
import json, resource, sys, time
import torch
import d2lmini as d
model_name, display, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
d.set_seed(0)
data = d.TimeMachine(batch_size=1024, num_steps=32)
V = len(data.vocab)
if model_name == "scratch":
    model = d.RNNLMScratch(d.RNNScratch(V, 32), V, lr=1)
else:
    model = d.RNNLM(d.RNN(V, 32), V, lr=1)
trainer = d.Trainer(max_epochs=epochs, gradient_clip_val=1, display=display, seed=0)
start = time.perf_counter()
trainer.fit(model, data)
wall = time.perf_counter() - start
print(json.dumps({
    "model": model_name, "display": display, "epochs": epochs,
    "wall_s": wall, "train_tokens_per_s": trainer.train_items / wall,
    "val_ppl": trainer.history["val_ppl"][-1],
    "train_ppl": trainer.history["train_ppl"][-1],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "threads": torch.get_num_threads(),
}))
"""

TARGETS = {"scratch": (1.5e6, 7.4), "concise": (3.0e6, 7.3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--models", nargs="+", default=["scratch", "concise"])
    ap.add_argument("--displays", nargs="+", default=["quiet", "plot"])
    args = ap.parse_args()
    print(
        f"{'model':8} {'display':7} {'wall s':>7} {'M tok/s':>8} {'val ppl':>8} "
        f"{'peak RSS MB':>12}  target (tok/s, ppl, RSS)"
    )
    for model in args.models:
        for display in args.displays:
            run = subprocess.run(
                [sys.executable, "-c", RUN, model, display, str(args.epochs)],
                capture_output=True,
                text=True,
            )
            if run.returncode != 0:
                sys.exit(f"{model}/{display} failed:\n{run.stderr[-3000:]}")
            r = json.loads(run.stdout.strip().splitlines()[-1])
            speed, ppl = TARGETS[model]
            ok = (
                r["train_tokens_per_s"] >= speed
                and r["val_ppl"] <= ppl
                and r["peak_rss_mb"] <= 500
            )
            print(
                f"{model:8} {display:7} {r['wall_s']:7.2f} "
                f"{r['train_tokens_per_s'] / 1e6:8.2f} {r['val_ppl']:8.3f} "
                f"{r['peak_rss_mb']:12.0f}  >= {speed / 1e6:.1f} M, <= "
                f"{ppl}, <= 500 MB: {'met' if ok else 'NOT met'}"
            )


if __name__ == "__main__":
    main()
