"""Gray release of a model: a stable share of members (by a hash of member and version) gets the new model."""

from __future__ import annotations

import hashlib

CONTROL = "control"
TREATMENT = "treatment"


def bucket(member_id: str, salt: str) -> float:
    """A member's place in [0, 1) for this experiment: stable across requests and processes, independent
    between experiments (the salt is the experiment's version)."""
    digest = hashlib.sha256(f"{salt}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def arm(member_id: str, version: str, traffic: float) -> str:
    return TREATMENT if bucket(member_id, version) < traffic else CONTROL
