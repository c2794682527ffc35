"""One lock for the ranking stack's lazy imports (scikit-learn, scipy, LightGBM, lleaves).

They are imported on first use, off the event loop (a service answers /readyz before paying seconds for them), and
so from more than one thread at once: the prewarm thread (service/prewarm.py) and a first feed's ranking thread.
scikit-learn's modules import each other in a cycle, and when two threads import into that cycle at the same moment
CPython's import-deadlock avoidance hands one of them a partially initialised module: "cannot import name 'clone'
from partially initialized module 'sklearn.base'", a feed's INTERNAL error (seen in tests/faults/test_kills.py after
a restart). Every lazy import of the stack runs under this lock; after the first, an import under it is a dictionary
lookup and an uncontended acquire."""

from __future__ import annotations

import threading

# Re-entrant: load_ranking_stack holds it while text_matrix takes it again.
RANKING_IMPORTS = threading.RLock()
