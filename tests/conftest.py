import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
# Only the data location goes into the environment: nbval's kernels
# inherit it, and they must otherwise run exactly like the kernel that
# produced the stored outputs. Without a copy beside the checkout,
# d2lmini downloads the novel once into its cache (never in CI).
if (SHARED_DATA / "timemachine.txt").is_file():
    os.environ.setdefault("D2LMINI_DATA", str(SHARED_DATA))


@pytest.fixture(scope="session")
def data_dir():
    """The directory holding the verified timemachine.txt."""
    from d2lmini.download import timemachine_path

    return timemachine_path().parent


@pytest.fixture(scope="session")
def char_data(data_dir):
    import d2lmini

    return d2lmini.TimeMachine(
        batch_size=64, num_steps=16, num_train=2000, num_val=1000
    )


@pytest.fixture(scope="module")
def ns(request):
    """The globals of the chapter named by the test module's ``CHAPTER``: its code
    run once here, or, when nbval runs the chapter in the same session, the globals
    of nbval's kernel after the last cell (``kernel_claims``)."""
    import matplotlib.pyplot as plt

    import kernel_claims
    from chapter_namespace import chapter_namespace

    stem = request.module.CHAPTER
    if kernel_claims.KERNEL["stem"] == stem:  # inside nbval's kernel: already run
        yield kernel_claims.KERNEL["namespace"]
    else:
        yield chapter_namespace(stem)
    plt.close("all")
