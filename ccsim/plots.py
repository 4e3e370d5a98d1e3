"""Charts. Functions take a run's results (a `RunResult`, a comparison or sweep
table) and a language (``lang="en"`` or ``"zh"``) and return a drawn matplotlib
`Figure`; `save_figure` writes it as PNG or SVG, `plot_results` draws them from a
``ccsim run --out`` / ``ccsim compare --out`` folder.

The object-oriented API and the Agg canvas are used directly, so plotting never
needs a display and never touches pyplot's global state. The charts live in
`ccsim.charts`, one module per family; this module is their public entry
(docs/charts.md describes each one).
"""

from ccsim.charts import *  # noqa: F403
from ccsim.charts import __all__  # noqa: F401
