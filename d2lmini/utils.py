"""Seeding and device selection."""

import random

import numpy as np
import torch

from ._checks import choice, fail, integer

DEVICES = ("auto", "cpu", "cuda", "cuda:N", "mps")


def set_seed(seed=0):
    """Seed Python, NumPy and PyTorch (their global
    generators) so a run can be repeated.

    Taught in 9.1.
    """
    seed = integer("seed", seed, low=0, high=2**64 - 1)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def random_states():
    """The states of Python's, NumPy's and PyTorch's global generators (what
    ``set_seed`` sets), to put back with :func:`set_random_states`."""
    return random.getstate(), np.random.get_state(), torch.get_rng_state()


def set_random_states(states):
    """Put back the generators' states from :func:`random_states`."""
    random.setstate(states[0])
    np.random.set_state(states[1])
    torch.set_rng_state(states[2])


def _unavailable(device, why_ko, why_en):
    fail(
        f"device={device!r}이지만 {why_ko}. device='auto'(GPU가 "
        "있으면 GPU, 없으면 CPU) 또는 device='cpu'를 쓰세요.",
        f"device={device!r}, but {why_en}. Use device='auto' "
        "(GPU if there is one, else CPU) or device='cpu'.",
    )


def resolve_device(device="auto"):
    """``"auto"`` → CUDA when present, else CPU; a name or ``torch.device`` is checked
    (it must exist on this machine) and returned as a ``torch.device``.

    Used by Trainer (9.5).
    """
    if device is None or (isinstance(device, str) and device == "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if isinstance(device, str):
        if device.split(":")[0] not in ("cpu", "cuda", "mps"):
            choice("device", device, DEVICES)
        try:
            device = torch.device(device)
        except (RuntimeError, ValueError):
            choice("device", device, DEVICES)
    if not isinstance(device, torch.device):
        fail(
            f"device는 'cpu', 'cuda' 같은 문자열이나 torch.device여야 합니다. 받은 값: "
            f"{device!r}",
            f"device must be a string such as 'cpu' or 'cuda', or a torch.device; got "
            f"{device!r}.",
            TypeError,
        )
    if device.type == "cuda":
        if not torch.cuda.is_available():
            _unavailable(
                str(device),
                "이 컴퓨터에는 CUDA GPU가 없습니다(또는 PyTorch가 "
                "CUDA 없이 빌드되었습니다)",
                "this machine has no CUDA GPU (or PyTorch was built without CUDA)",
            )
        if device.index is not None and device.index >= torch.cuda.device_count():
            n = torch.cuda.device_count()
            _unavailable(
                str(device),
                f"GPU가 {n}개뿐이고 번호는 0부터 시작합니다",
                f"there are only {n} GPU(s), numbered from 0",
            )
    elif device.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            _unavailable(
                str(device),
                "이 컴퓨터에서는 Apple MPS 백엔드를 쓸 수 없습니다",
                "Apple's MPS backend is not available here",
            )
    elif device.type != "cpu":
        choice("device", str(device), DEVICES)
    return device
