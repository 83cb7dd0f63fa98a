import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
# Only the data location goes into the environment: nbval's kernels inherit it, and they
# must otherwise run exactly like the kernel that produced the stored outputs.
os.environ.setdefault("D2LMINI_DATA", str(SHARED_DATA))


@pytest.fixture(scope="session")
def data_dir():
    """The directory holding the verified timemachine.txt (tests never download)."""
    path = pathlib.Path(os.environ["D2LMINI_DATA"])
    if not (path / "timemachine.txt").is_file():
        pytest.fail(f"D2LMINI_DATA={path} does not hold timemachine.txt")
    return path


@pytest.fixture(scope="session")
def char_data(data_dir):
    import d2lmini
    return d2lmini.TimeMachine(batch_size=64, num_steps=16, num_train=2000, num_val=1000)
