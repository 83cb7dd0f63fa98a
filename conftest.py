"""pytest settings for the whole repository (nbval runs chapters/ and exercises/ too).

nbval compares every stored output strictly except pictures: it skips PNG and JPEG
because their bytes depend on the rasterizer. Our figures are SVG (``use_svg_display``),
whose text depends on the same font metrics and float formatting, so they are skipped the
same way. What a figure shows is tested through the values it is drawn from (tests/).
"""
import nbval.plugin

_init = nbval.plugin.IPyNbFile.__init__


def _init_skipping_svg(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.skip_compare = self.skip_compare + ("image/svg+xml",)


nbval.plugin.IPyNbFile.__init__ = _init_skipping_svg
