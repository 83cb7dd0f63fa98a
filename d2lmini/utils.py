"""Seeding and device selection."""
import random

import numpy as np
import torch

from ._checks import choice


def set_seed(seed=0):
    """Seed Python, NumPy and PyTorch so a run can be repeated exactly."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def resolve_device(device="auto"):
    """``"auto"`` → CUDA when present, else CPU; a name or ``torch.device`` is kept."""
    if isinstance(device, torch.device):
        return device
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if isinstance(device, str) and device.split(":")[0] in ("cpu", "cuda", "mps"):
        return torch.device(device)
    choice("device", device, ("auto", "cpu", "cuda", "cuda:N", "mps"))
