"""Shortcuts an exercise forbids: automatic differentiation in BPTT by hand
(``autograd``), building an ``nn.RNN`` to read its parameters (``nn_rnn``), Unicode
normalization or ``d2lmini.hangul`` for the jamo of a syllable (``jamo``),
``d2lmini``'s sequential loader for the windows it is asked to cut (``loader``).

Two checks: ``static_violation`` reads the function's source (and the top-level
functions it calls) in the grading parent, where no submission code runs; ``watch``
notices the forbidden call while the function runs. A determined learner can hide from
both, but no honest solution trips them, and a learner who takes the shortcut by mistake
is told why.
"""

import ast
import contextlib

#: rule -> (attributes, bare names or imported modules) that use the forbidden shortcut
FORBIDDEN = {
    "autograd": (
        {
            "backward",
            "autograd",
            "grad",
            "requires_grad",
            "requires_grad_",
            "vjp",
            "jacrev",
            "jacfwd",
            "jacobian",
            "functional",
        },
        {"autograd", "functorch", "backward"},
    ),
    "nn_rnn": (
        {"RNN", "RNNBase", "RNNCell", "LSTM", "GRU"},
        {"RNN", "RNNBase", "RNNCell", "LSTM", "GRU"},
    ),
    "jamo": (
        {"normalize", "decomposition", "hangul"},
        {"normalize", "hangul"},
    ),
    "loader": (
        {"SequentialLoader", "TimeMachine", "loader", "time_machine"},
        {"SequentialLoader", "TimeMachine"},
    ),
}

#: rule -> names that a top-level import may bind to the shortcut (default: the bare
#: names above); ``from unicodedata import decomposition`` binds one for "jamo"
IMPORTS = {
    "jamo": {"normalize", "decomposition", "hangul"},
    "loader": {"SequentialLoader", "TimeMachine", "loader", "time_machine"},
}

#: rule -> what the feedback names when the shortcut is noticed while it runs
WHAT = {
    "autograd": "backward / torch.autograd",
    "nn_rnn": "nn.RNN(...)",
    "jamo": "unicodedata.normalize / d2lmini.hangul",
    "loader": "d2lmini.SequentialLoader / TimeMachine",
}


class ShortcutUsed(RuntimeError):
    """Raised where a forbidden shortcut is called while its exercise runs."""


def static_violation(sources, function, rule):
    """The first forbidden name used by ``function`` (or a top-level function it calls)
    in the code cells ``sources``, or None."""
    if not rule:
        return None
    defs, imported = {}, {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except Exception:  # noqa: BLE001 — a hostile cell (too deep, too big) is skipped
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defs[node.name] = node
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                imported.update(_forbidden_imports(node, rule))
    todo, seen = [function], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        for node in ast.walk(defs[name]):
            found = _forbidden(node, *FORBIDDEN[rule])
            if found:
                return found
            if isinstance(node, ast.Name) and node.id in imported:
                return imported[node.id]
            if isinstance(node, ast.Name) and node.id in defs:
                todo.append(node.id)
    return None


def _forbidden_imports(node, rule):
    """Name -> forbidden shortcut, for each name that a top-level import binds to one
    (``from unicodedata import normalize as n`` binds ``n``)."""
    words = IMPORTS.get(rule, FORBIDDEN[rule][1])
    module = set((getattr(node, "module", None) or "").split("."))
    bound = {}
    for alias in node.names:
        found = sorted((module | set(alias.name.split("."))) & words)
        if found:
            bound[alias.asname or alias.name.split(".")[0]] = found[0]
    return bound


def _forbidden(node, attributes, names):
    if isinstance(node, ast.ImportFrom):  # from d2lmini.hangul import decompose
        parts = set((node.module or "").split("."))
        return next(iter(sorted(parts & (attributes | names))), None)
    if isinstance(node, ast.Attribute) and node.attr in attributes:
        return node.attr
    if isinstance(node, ast.Name) and node.id in names:
        return node.id
    if isinstance(node, ast.alias):
        parts = set(node.name.split(".")) | {node.asname}
        return next(iter(sorted(parts & (attributes | names))), None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # getattr(x, "backward")
        return next((w for w in names if w == node.value), None)
    return None


@contextlib.contextmanager
def watch(rule):
    """While the block runs, the forbidden shortcut of ``rule`` raises ``ShortcutUsed``;
    yields a list that records each use (so catching the exception does not hide it)."""
    used = []
    if rule == "autograd":
        with _no_autograd(used):
            yield used
    elif rule == "nn_rnn":
        with _no_nn_rnn(used):
            yield used
    elif rule == "jamo":
        with _no_jamo_shortcuts(used):
            yield used
    elif rule == "loader":
        with _no_loader(used):
            yield used
    else:
        yield used


class _Engine:
    """Stands in for the autograd engine: every backward pass goes through it."""

    def __init__(self, real, used):
        self._real, self._used = real, used

    def run_backward(self, *args, **kwargs):
        self._used.append("autograd")
        raise ShortcutUsed("automatic differentiation is not allowed in this exercise")

    def __getattr__(self, name):
        return getattr(self._real, name)


@contextlib.contextmanager
def _no_autograd(used):
    from torch.autograd.variable import Variable

    real = Variable._execution_engine
    Variable._execution_engine = _Engine(real, used)
    try:
        yield
    finally:
        Variable._execution_engine = real


@contextlib.contextmanager
def _no_nn_rnn(used):
    from torch.nn.modules.rnn import RNNBase, RNNCellBase

    originals = {cls: cls.__init__ for cls in (RNNBase, RNNCellBase)}

    def refuse(self, *args, **kwargs):
        used.append("nn_rnn")
        raise ShortcutUsed("building an nn.RNN is not allowed in this exercise")

    for cls in originals:
        cls.__init__ = refuse
    try:
        yield
    finally:
        for cls, init in originals.items():
            cls.__init__ = init


@contextlib.contextmanager
def _no_jamo_shortcuts(used):
    """Record every call of ``unicodedata.normalize``/``decomposition`` and of any
    function of ``d2lmini.hangul``, however it was reached (a profile hook sees the
    function itself, so a reference taken before the call is caught too)."""
    import unicodedata

    forbidden = (unicodedata.normalize, unicodedata.decomposition)

    def profile(frame, event, arg):
        if (event == "c_call" and any(arg is f for f in forbidden)) or (
            event == "call" and frame.f_globals.get("__name__") == "d2lmini.hangul"
        ):
            used.append("jamo")

    with _profiled(profile):
        yield


@contextlib.contextmanager
def _profiled(profile):
    """Run the block with ``profile`` as the profile hook (``sys.setprofile``)."""
    import sys

    before = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(before)


@contextlib.contextmanager
def _no_loader(used):
    """Record every call of a function of ``d2lmini.loader`` or
    ``d2lmini.time_machine`` (a profile hook, as for the jamo)."""

    modules = ("d2lmini.loader", "d2lmini.time_machine")

    def profile(frame, event, arg):
        if event == "call" and frame.f_globals.get("__name__") in modules:
            used.append("loader")

    with _profiled(profile):
        yield
