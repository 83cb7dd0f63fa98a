"""pytest settings for the whole repository (nbval runs chapters/ and exercises/ too).

* Numbers in text outputs are compared within a tolerance, everything else exactly
  (``tests/nbval_numbers.py`` states the rule; CONTRIBUTING says why).
* nbval skips PNG and JPEG because their bytes depend on the rasterizer. Our figures are SVG
  (``use_svg_display``), whose text depends on the same font metrics and float formatting,
  so they are skipped the same way. What a figure shows is tested through the values it is
  drawn from (tests/).
"""
import pathlib
import sys

import nbval.plugin

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "tests"))
import nbval_numbers  # noqa: E402  (tests/ is not a package)

nbval_numbers.install()

_init = nbval.plugin.IPyNbFile.__init__


def _init_skipping_svg(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.skip_compare = self.skip_compare + ("image/svg+xml",)


nbval.plugin.IPyNbFile.__init__ = _init_skipping_svg
