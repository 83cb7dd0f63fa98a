"""Import one of the precompute scripts in tools/ (they are scripts, not a package)."""

import importlib.util
import pathlib

TOOLS = pathlib.Path(__file__).resolve().parent.parent / "tools"


def load_tool(name):
    """``tools/<name>.py`` as a fresh module (its ``small()`` and settings)."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_run(tool):
    """``tool.small()`` on one torch thread, as the tool itself runs (the thread
    count changes float32 sums)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return tool.small()
    finally:
        torch.set_num_threads(threads)
