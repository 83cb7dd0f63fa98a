"""What the book build runs: interactive controls, their precomputed frames, the page.

A chapter imports the two functions from here::

    from d2lmini.controls import controls, text_generator

* :mod:`.panel` — ``controls(draw, **widgets)``: a figure and live ipywidgets;
* :mod:`.textgen` — ``text_generator(model, vocab)``: continue a prefix with a model.

In the static book (``$D2LMINI_STATIC_FRAMES`` set by ``_ext/static_controls.py``)
they also precompute what the page shows without a kernel:

* :mod:`.grid` — which values of each widget are precomputed;
* :mod:`.frames` — ``draw`` evaluated on that grid, from the same random state;
* :mod:`.frame_files` — the figures, manifests and timings written to disk;
* :mod:`.static_page` — the panel's HTML: default figures and native controls;
* :mod:`.model_export` — a character model's weights, for the page to run it.

``ipywidgets`` is needed here only (``pip install d2lmini[widgets]``).
"""

from .panel import NOTE, Controls, controls
from .textgen import text_generator

__all__ = ["NOTE", "Controls", "controls", "text_generator"]
