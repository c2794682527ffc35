"""The exposure boost as a ranking rule: a boosted item's score rises by the log of its factor, whatever the ranker.

A ranking score reads as a Plackett-Luce utility (an item is picked first with probability proportional to
exp(score); lambdarank's scores and the heuristic's sums are both used that way), so adding ln(factor) makes a
boosted item `factor` times as likely to be picked ahead of the same rivals: "+300%" (factor 4) is four times the
exposure. The boost was only a model feature before, and no training history ever held a boost, so no model
split on it and the heuristic never read it: the boosted piece never rose.
"""

from __future__ import annotations

import numpy as np

# The reason a boosted item carries in its explanation, beside the ranker's own.
REASON = "exposure_boost"


def log_boost(factors: np.ndarray) -> np.ndarray:
    """ln(factor) per item: 0 for the unboosted (factor 1), ln 4 ≈ 1.386 for +300%; factors below 1 lower an item."""
    return np.log(np.clip(np.asarray(factors, dtype=float), 1e-3, None))


def boosted(scores: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """The ranker's scores with every item's boost applied."""
    return np.asarray(scores, dtype=float) + log_boost(factors)
