"""pytest settings for the whole repository (nbval runs chapters/ and exercises/ too).

* Numbers in text outputs are compared within a tolerance, everything else exactly
  (``tests/nbval_numbers.py`` states the rule; CONTRIBUTING says why).
* nbval skips PNG and JPEG because their bytes depend on the rasterizer. Our figures are
  SVG (``use_svg_display``), whose text depends on the same font metrics and float
  formatting, so they are skipped the same way. What a figure shows is tested through
  the values it is drawn from (tests/).
* A chapter's claims tests (test modules with ``CHAPTER = "<stem>"``) run inside the
  kernel that nbval used for that chapter, after its last cell, when the session runs
  both (``tests/kernel_claims.py``): the chapter is executed once, not twice.
* `make test` runs two pytest-xdist workers (``-n 2 --dist loadgroup``): each test file
  is one group that stays on one worker (its module fixtures, e.g. a chapter's
  namespace, are built once); test_browser.py, which builds the book, is scheduled
  first, and the static controls of the built pages go with it; Lighthouse reuses
  that build (one build per run, whichever worker asks first,
  ``test_browser.build_once``) and is scheduled last.
"""

import collections
import os
import pathlib
import sys
from unittest import mock

import nbformat
import nbval.plugin
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "tests"))
import kernel_claims
import nbval_numbers
import shared_fits

nbval_numbers.install()

_init = nbval.plugin.IPyNbFile.__init__


def _init_skipping_svg(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.skip_compare = self.skip_compare + ("image/svg+xml",)


nbval.plugin.IPyNbFile.__init__ = _init_skipping_svg

_collect = nbval.plugin.IPyNbFile.collect


def _collect_with_claims(self):
    """The notebook's cells, then (for a chapter with tests of its claims) the
    ``claims`` item that runs those tests in the same kernel (``kernel_claims``)."""
    yield from _collect(self)
    path = pathlib.Path(str(self.fspath)).resolve()
    # chapters only: exercises/solutions/ holds notebooks with the same stems
    if path.parent == ROOT / "chapters" and path.stem in kernel_claims.claims_modules():
        cell = nbformat.v4.new_code_cell(source="")
        yield nbval.plugin.IPyNbCell.from_parent(
            self,
            name="claims",
            cell_num=-1,
            cell=cell,
            options=collections.defaultdict(bool, check=False),
        )


nbval.plugin.IPyNbFile.collect = _collect_with_claims

_setup = nbval.plugin.IPyNbFile.setup


def _setup_sharing_fits(self):
    """A chapter's kernel saves its fits for the book build (``tests/shared_fits``):
    the variable is set while nbval starts the kernel, which keeps its own copy."""
    path = pathlib.Path(str(self.fspath)).resolve()
    extra = shared_fits.writer_env() if path.parent == ROOT / "chapters" else {}
    with mock.patch.dict(os.environ, extra):
        _setup(self)


nbval.plugin.IPyNbFile.setup = _setup_sharing_fits


def pytest_sessionstart(session):
    shared_fits.remove_old_runs()


ROOT = pathlib.Path(__file__).resolve().parent
# the chapters whose long fits the book build reads (tests/shared_fits.py): first
# among the chapters, so that they are computed (or started) before the build needs them
FITS_FIRST = ("chapters/9_5_rnn_scratch.ipynb", "chapters/9_6_rnn_concise.ipynb")
BROWSER_FILES = (
    "tests/test_browser.py",
    "tests/test_static_controls.py",
    "tests/test_lighthouse.py",  # the same built book
)


# tryfirst: xdist's own hook turns these marks into groups, so they must come first
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """One xdist group per file, the browser files together and first."""

    def group(item):
        path = (
            item.path.relative_to(ROOT).as_posix()
            if item.path.is_relative_to(ROOT)
            else str(item.path)
        )
        if path not in BROWSER_FILES:
            return path
        # the small test book has its own build and browser: the other worker runs it
        uses = getattr(item, "fixturenames", ())
        if "static_book" in uses:
            return "static_book"
        # the static controls on the book's pages follow the browser tests on the worker
        # that built the book; Lighthouse waits for the same build
        # (test_browser.build_once) and comes last, so that the other worker runs it
        # once the book is there (measured: with both files last, one worker ran them
        # one after the other while the other waited, 35 s)
        if path != BROWSER_FILES[2]:
            return "browser"
        return "browser-late"

    _claims_in_kernels(config, items)
    for item in items:
        item.add_marker(pytest.mark.xdist_group(group(item)))
    # a stable sort (xdist hands out the groups in this order): the two book builds
    # first, then the chapters (the longest groups: training, and their claims), the
    # other tests, Lighthouse (it reuses the first build), the exercise notebooks last,
    # the order otherwise kept
    rank = {"browser": 0, "static_book": 1}

    def order(item):
        name = group(item)
        if name == "browser-late":
            return 4
        if name.startswith("exercises/"):
            # short notebooks (about 5 s each): last, they fill whichever worker is free
            # while the other runs Lighthouse
            return 5
        if name in FITS_FIRST:
            return 1.5
        return rank.get(name, 2 if name.startswith("chapters/") else 3)

    items.sort(key=order)


def _claims_in_kernels(config, items):
    """Where a chapter's notebook runs in this session, its claims tests selected
    here run in the notebook's kernel (its ``claims`` item) instead of executing the
    chapter once more; a ``claims`` item with no selected test is dropped."""
    modules = kernel_claims.claims_modules()
    claims = {
        item.path.stem: item
        for item in items
        if isinstance(item, nbval.plugin.IPyNbCell) and item.name == "claims"
    }
    moved, keep = {}, []
    for item in items:
        path = (
            item.path.relative_to(ROOT).as_posix()
            if item.path.is_relative_to(ROOT)
            else ""
        )
        stem = getattr(getattr(item, "module", None), "CHAPTER", None)
        if stem in claims and path in modules.get(stem, ()):
            moved.setdefault(stem, []).append(item)
        else:
            keep.append(item)
    for stem, item in claims.items():
        if stem in moved:
            item.cell.source = kernel_claims.cell_source(
                stem, [i.nodeid for i in moved[stem]]
            )
    dropped = [i for s, i in claims.items() if s not in moved]
    keep = [i for i in keep if i not in dropped]
    deselected = [i for group in moved.values() for i in group] + dropped
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep
