"""A data-only format for case inputs and results that cross a process boundary.

``encode`` turns a value into JSON-ready data; tensors travel as raw little-endian
bytes (base64) with a whitelisted dtype and a shape, never as pickles. ``decode`` reads
it back and refuses anything else, so a hostile process can send wrong values but never
code or an object whose ``__eq__`` lies. Inputs may also hold ``nn.RNN``/``nn.Linear``
modules (configuration and weights) and a ``ToyStep`` (a decoding step's table).
"""

import base64
import json

import numpy as np
import torch

DTYPES = {
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "bool": torch.bool,
}
MAX_ELEMENTS = 1_000_000
MAX_DEPTH = 20


class WireError(ValueError):
    """Data that is not in the format (or too large, or too deep)."""


class ToyStep:
    """``step(token, state) -> (logits, state)`` whose logits depend on the token and
    on a running sum of the tokens, so that decoding must thread the state."""

    def __init__(self, table):
        self.table = table

    def __call__(self, token, state):
        state = (0 if state is None else state) + int(token) + 1
        vocab_size = len(self.table)
        return self.table[int(token)] + 0.7 * self.table[state % vocab_size], state


class Opaque:
    """Something that is not plain data (a custom object, a tensor subclass): it equals
    nothing, and its type name is shown in messages."""

    def __init__(self, type_name):
        self.type_name = str(type_name)[:40]

    def __repr__(self):
        return f"<{self.type_name}>"


class ModuleData:
    """A module's kind, configuration and weights, as plain data (the parent's view)."""

    def __init__(self, kind, config, state):
        self.kind, self.config, self.state = kind, config, state


_MODULES = {
    "RNN": (
        "input_size",
        "hidden_size",
        "num_layers",
        "nonlinearity",
        "bias",
        "batch_first",
    ),
    "Linear": ("in_features", "out_features"),
}


# ---------------------------------------------------------------- encode
def encode(value, inputs=False, depth=0):
    """``value`` as JSON-ready data (``inputs=True``: modules and ``ToyStep`` too)."""
    if depth > MAX_DEPTH:
        return {"$": "opaque", "type": "too deeply nested"}
    kind = type(value)
    if kind in (str, list, tuple, dict) and len(value) > MAX_ELEMENTS:
        return {"$": "opaque", "type": f"{kind.__name__} of length {len(value)}"}
    if value is None or kind in (bool, int, str, float):
        return value
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return encode(value.item(), inputs, depth + 1)
    if kind is list:
        return [encode(v, inputs, depth + 1) for v in value]
    if kind is tuple:
        return {"$": "tuple", "items": [encode(v, inputs, depth + 1) for v in value]}
    if kind is dict:
        return {
            "$": "dict",
            "items": [
                [encode(k, inputs, depth + 1), encode(v, inputs, depth + 1)]
                for k, v in value.items()
            ],
        }
    if inputs and kind is ToyStep:
        return {"$": "toy_step", "table": _encode_tensor(value.table)}
    if inputs and kind.__name__ in _MODULES and isinstance(value, torch.nn.Module):
        config = {k: getattr(value, k) for k in _MODULES[kind.__name__]}
        state = {k: _encode_tensor(v) for k, v in value.state_dict().items()}
        return {"$": "module", "kind": kind.__name__, "config": config, "state": state}
    return {"$": "opaque", "type": kind.__name__}


def _encode_tensor(t):
    if type(t) not in (torch.Tensor, torch.nn.Parameter):
        return {"$": "opaque", "type": f"Tensor subclass {type(t).__name__}"}
    name = str(t.dtype).replace("torch.", "")
    if name not in DTYPES or t.numel() > MAX_ELEMENTS or t.layout != torch.strided:
        return {"$": "opaque", "type": f"tensor of {name}, {t.numel()} elements"}
    array = t.detach().cpu().contiguous().numpy()
    data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return {
        "$": "tensor",
        "dtype": name,
        "shape": list(t.shape),
        "data": base64.b64encode(data).decode("ascii"),
    }


def dumps(value, inputs=False):
    return json.dumps(encode(value, inputs), separators=(",", ":"))


# ---------------------------------------------------------------- decode
def decode(data, build=False, depth=0):
    """Plain values from ``encode``'s data. ``build=True`` makes real modules and
    ``ToyStep``s (to call a function); otherwise they stay ``ModuleData``."""
    if depth > MAX_DEPTH:
        raise WireError("too deeply nested")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v, build, depth + 1) for v in data]
    if type(data) is not dict:
        raise WireError(f"unexpected {type(data).__name__}")
    tag = data.get("$")
    if tag == "tuple":
        return tuple(decode(v, build, depth + 1) for v in _list(data, "items"))
    if tag == "dict":
        out = {}
        for pair in _list(data, "items"):
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict item")
            key = decode(pair[0], build, depth + 1)
            if type(key) not in (str, int, float, bool, type(None), tuple):
                raise WireError("bad dict key")
            out[key] = decode(pair[1], build, depth + 1)
        return out
    if tag == "tensor":
        return decode_tensor(data)
    if tag == "opaque":
        return Opaque(data.get("type", "object"))
    if tag == "toy_step":
        table = decode_tensor(data.get("table"))
        return ToyStep(table) if build else ModuleData("ToyStep", {}, {"table": table})
    if tag == "module":
        return _decode_module(data, build)
    raise WireError(f"unknown tag {str(tag)[:20]!r}")


def _list(data, key):
    value = data.get(key)
    if type(value) is not list:
        raise WireError(f"{key} is not a list")
    return value


def decode_tensor(data):
    if type(data) is not dict or data.get("$") != "tensor":
        raise WireError("not a tensor")
    dtype, shape, text = data.get("dtype"), data.get("shape"), data.get("data")
    if dtype not in DTYPES or type(shape) is not list or type(text) is not str:
        raise WireError("bad tensor")
    if not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape):
        raise WireError("bad tensor shape")
    count = int(np.prod(shape)) if shape else 1
    if count > MAX_ELEMENTS:
        raise WireError("tensor too large")
    np_dtype = np.dtype(dtype if dtype != "bool" else "?").newbyteorder("<")
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) != count * np_dtype.itemsize:
        raise WireError("tensor data does not match its shape")
    array = np.frombuffer(raw, dtype=np_dtype).astype(np_dtype.newbyteorder("="))
    return torch.from_numpy(array.reshape(shape).copy())


def _decode_module(data, build):
    kind, config, state = data.get("kind"), data.get("config"), data.get("state")
    if kind not in _MODULES or type(config) is not dict or type(state) is not dict:
        raise WireError("bad module")
    config = {k: config[k] for k in _MODULES[kind] if k in config}
    if not all(type(v) in (int, bool, str) for v in config.values()):
        raise WireError("bad module configuration")
    tensors = {str(k): decode_tensor(v) for k, v in state.items()}
    if not build:
        return ModuleData(kind, config, tensors)
    with torch.random.fork_rng(devices=[]):
        module = getattr(torch.nn, kind)(**config)
    module.load_state_dict(tensors)
    return module


def loads(text, build=False):
    try:
        return decode(json.loads(text), build)
    except (ValueError, TypeError, KeyError, RecursionError) as err:
        raise WireError(str(err)[:100]) from None


# ---------------------------------------------------------------- comparing inputs
def same(a, b):
    """Whether two decoded values are equal as data (for input-mutation checks)."""
    if isinstance(a, torch.Tensor):
        return (
            isinstance(b, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and torch.equal(a, b)
        )
    if isinstance(a, ModuleData):
        return (
            isinstance(b, ModuleData)
            and a.kind == b.kind
            and a.config == b.config
            and same(a.state, b.state)
        )
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b))
        )
    if isinstance(a, dict):
        return type(b) is dict and set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Opaque):
        return isinstance(b, Opaque) and a.type_name == b.type_name
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b
