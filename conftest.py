"""pytest settings for the whole repository (nbval runs chapters/ and exercises/ too).

* Numbers in text outputs are compared within a tolerance, everything else exactly
  (``tests/nbval_numbers.py`` states the rule; CONTRIBUTING says why).
* nbval skips PNG and JPEG because their bytes depend on the rasterizer. Our figures are
  SVG (``use_svg_display``), whose text depends on the same font metrics and float
  formatting, so they are skipped the same way. What a figure shows is tested through
  the values it is drawn from (tests/).
* `make test` runs two pytest-xdist workers (``-n 2 --dist loadgroup``): each test file
  is one group that stays on one worker (its module fixtures, e.g. a chapter's
  namespace, are built once), the two browser files share a group (one book build,
  one browser), and that group, the longest, is scheduled first.
"""

import pathlib
import sys

import nbval.plugin
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "tests"))
import nbval_numbers

nbval_numbers.install()

_init = nbval.plugin.IPyNbFile.__init__


def _init_skipping_svg(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.skip_compare = self.skip_compare + ("image/svg+xml",)


nbval.plugin.IPyNbFile.__init__ = _init_skipping_svg


ROOT = pathlib.Path(__file__).resolve().parent
BROWSER_FILES = ("tests/test_browser.py", "tests/test_static_controls.py")


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
        return "static_book" if "static_book" in uses else "browser"

    for item in items:
        item.add_marker(pytest.mark.xdist_group(group(item)))
    # a stable sort: the two book builds first, the order otherwise kept
    first = {"browser": 0, "static_book": 1}
    items.sort(key=lambda item: first.get(group(item), 2))
