"""Shared by the tests/test_robust_*.py files: what a clean d2lmini error looks like."""

import re

import pytest
import torch

HANGUL = re.compile("[\uac00-\ud7a3]")


def clean_error(exc_type, *words):
    """``with clean_error(ValueError, "lr"):`` — the call must
    raise ``exc_type`` with a bilingual message (a line with
    Korean, then an English line) that contains ``words``."""
    return _Clean(exc_type, words)


def is_clean(err, words=()):
    lines = str(err).split("\n")
    # the English line may quote the bad value itself, which can be Korean text
    english = re.sub(r"'[^']*'|\"[^\"]*\"", "", lines[-1])
    return (
        len(lines) >= 2
        and HANGUL.search(lines[0])
        and not HANGUL.search(english)
        and all(w in str(err) for w in words)
    )


class _Clean:
    def __init__(self, exc_type, words):
        self.raises = pytest.raises(exc_type)
        self.words = words

    def __enter__(self):
        self.info = self.raises.__enter__()
        return self.info

    def __exit__(self, *exc):
        suppressed = self.raises.__exit__(*exc)
        if not suppressed:  # another exception: let it propagate as it is
            return False
        err = self.info.value
        assert is_clean(err, self.words), f"not a clean bilingual error: {err!r}"
        return suppressed


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: one thread is faster, and far faster on a crowded CPU (import this
    fixture into a test module to use it there; the thread count is restored after)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
