"""Write the fixture folder of submissions that tests/test_grading.py grades.

    python tests/grading_fixtures/make_fixtures.py

Each notebook is built from an exercise source (solutions kept, or replaced by stubs) and
then changed in one way: a wrong answer, a missing function, or one of the hostile kinds
(infinite loop, sys.exit, os._exit, top-level exception, enormous output, wrong return
type, input mutation, reading the hidden cases from disk, importing the reference
implementation), a forbidden shortcut (float64 norms where float32 is asked, autograd
for BPTT and for randomized truncation), hint outputs (grade --hints), plus files that
are not notebooks. The cheats of tests/red_team go further.
expected.csv is what the grader must write for this folder (with --timeout 6).
"""
import pathlib
import sys

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
from d2lmini.grading.notebooks import build  # noqa: E402

OUT = HERE / "submissions"
SRC = ROOT / "exercises"


def nb(stem, solution=True):
    return build(SRC / f"{stem}.md", solution=solution)


def code(source):
    return nbformat.v4.new_code_cell(source)


def replace_function(book, name, source):
    for cell in book.cells:
        if cell.cell_type == "code" and cell.source.startswith(f"def {name}("):
            cell.source = source
            return book
    raise KeyError(name)


def insert_after_imports(book, source):
    """A new code cell right after the imports cell (before every exercise)."""
    index = next(i for i, c in enumerate(book.cells)
                 if c.cell_type == "code" and "from d2lmini.grading import check" in c.source)
    book.cells.insert(index + 1, code(source))
    return book


def with_hint_outputs(book):
    """A stub whose notebook shows hints: two of 9.3-perplexity, one of 9.3-partition
    (what ``hint`` prints, kept as outputs), and a forged line for another chapter."""
    from d2lmini.grading import hint

    calls = [("9.3-perplexity", 1), ("9.3-perplexity", 2), ("9.3-partition", 1),
             ("9.7-bptt", 2)]
    for exercise_id, n in calls:
        cell = code(f'hint("{exercise_id}", {n})')
        cell.outputs = [nbformat.v4.new_output(
            "execute_result", {"text/plain": repr(hint(exercise_id, n))},
            execution_count=1)]
        book.cells.append(cell)
    return book


def main():
    OUT.mkdir(exist_ok=True)
    for old in OUT.rglob("*"):
        if old.is_file():
            old.unlink()
    books = {}
    books["full_marks.ipynb"] = nb("9_3_language_models")
    books["partial.ipynb"] = replace_function(
        nb("9_3_language_models"), "perplexity",
        "def perplexity(log_probs):\n    return -sum(log_probs) / len(log_probs)")
    books["stub.ipynb"] = nb("9_3_language_models", solution=False)
    no_meta = nb("9_4_rnn")
    del no_meta.metadata["d2lmini"]
    books["nested/9_4_rnn.ipynb"] = no_meta
    books["infinite_loop.ipynb"] = insert_after_imports(
        nb("9_3_language_models"), "while True:\n    pass")
    books["blocks_alarm.ipynb"] = insert_after_imports(
        nb("9_3_language_models"),
        "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
        "while True:\n    pass")
    books["sys_exit.ipynb"] = insert_after_imports(
        nb("9_3_language_models"), "import sys\nsys.exit()")
    books["os_exit.ipynb"] = insert_after_imports(
        nb("9_3_language_models"), "import os\nos._exit(3)")
    books["top_exception.ipynb"] = insert_after_imports(
        nb("9_3_language_models"), "1 / 0")
    loud = insert_after_imports(nb("9_3_language_models"),
                                "for _ in range(200):\n    print('x' * 250_000)")
    books["enormous_output.ipynb"] = replace_function(
        loud, "partition",
        "def partition(corpus, num_steps, offset):\n"
        "    print('y' * 1_000_000)\n"
        "    corpus = torch.as_tensor(corpus)\n"
        "    m = (len(corpus) - offset - 1) // num_steps\n"
        "    X = corpus[offset:offset + m * num_steps].reshape(m, num_steps)\n"
        "    Y = corpus[offset + 1:offset + 1 + m * num_steps].reshape(m, num_steps)\n"
        "    return X, Y")
    missing = nb("9_3_language_models")
    missing.cells = [c for c in missing.cells if not c.source.startswith("def partition(")]
    books["missing_function.ipynb"] = missing
    books["wrong_type.ipynb"] = replace_function(
        nb("9_3_language_models"), "perplexity",
        "def perplexity(log_probs):\n    return str(math.exp(-sum(log_probs) / len(log_probs)))")
    books["mutation.ipynb"] = replace_function(
        nb("9_5_rnn_scratch"), "clip_by_global_norm",
        "def clip_by_global_norm(grads, max_norm):\n"
        "    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))\n"
        "    for g in grads:\n"
        "        g.mul_(min(1.0, max_norm / norm))\n"
        "    return grads, norm")
    books["reads_hidden.ipynb"] = replace_function(
        nb("9_3_language_models"), "perplexity",
        "def perplexity(log_probs):\n"
        "    import pathlib\n"
        "    import d2lmini.grading\n"
        "    path = pathlib.Path(d2lmini.grading.__file__).with_name('hidden.py')\n"
        "    text = path.read_text()\n"
        "    return 4.0 if 'uniform' in text else 0.0")
    books["imports_oracle.ipynb"] = replace_function(
        nb("9_3_language_models"), "perplexity",
        "def perplexity(log_probs):\n"
        "    from d2lmini.grading.exercises import perplexity as reference\n"
        "    return reference(log_probs)")
    books["jacobian_float64.ipynb"] = replace_function(
        nb("9_7_bptt"), "jacobian_norms",
        "def jacobian_norms(W, steps):\n"
        "    powers = [torch.linalg.matrix_power(W.double(), t)\n"
        "              for t in range(1, steps + 1)]\n"
        "    norms = torch.stack([torch.linalg.matrix_norm(P, ord=2) for P in powers])\n"
        "    return norms, next((t + 1 for t, n in enumerate(norms) if n < 1), None)")
    books["randomized_autograd.ipynb"] = replace_function(
        nb("9_7_bptt"), "randomized_estimate",
        "def randomized_estimate(w, h0, xs, xi):\n"
        "    w = torch.tensor(float(w), requires_grad=True)\n"
        "    h = torch.tensor(float(h0))\n"
        "    for x in xs:\n"
        "        h = w * h + x\n"
        "    h.backward()\n"
        "    return float(w.grad)")
    books["hints_used.ipynb"] = with_hint_outputs(nb("9_3_language_models", solution=False))
    books["bptt_autograd.ipynb"] = replace_function(
        nb("9_7_bptt"), "bptt_grads",
        "def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):\n"
        "    params = [p.detach().clone().requires_grad_()\n"
        "              for p in (W_xh, W_hh, b_h)]\n"
        "    H, loss = H0, 0\n"
        "    for X, g in zip(inputs, G):\n"
        "        H = torch.tanh(X @ params[0] + H @ params[1] + params[2])\n"
        "        loss = loss + (H * g).sum()\n"
        "    loss.backward()\n"
        "    return tuple(p.grad for p in params)")
    unknown = nb("9_3_language_models")
    del unknown.metadata["d2lmini"]
    books["notes.ipynb"] = unknown
    for name, book in books.items():
        path = OUT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(book, path)
    (OUT / "invalid_json.ipynb").write_text('{"cells": [', encoding="utf-8")
    (OUT / "empty.ipynb").write_text("", encoding="utf-8")
    print(f"{len(books) + 2} submissions in {OUT}")


if __name__ == "__main__":
    main()
