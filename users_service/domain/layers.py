"""The three layers of the RFM pyramid (base, activated, core)."""

from __future__ import annotations

from enum import StrEnum


class Layer(StrEnum):
    BASE = "BASE"
    ACTIVATED = "ACTIVATED"
    CORE = "CORE"
