"""The closed value sets of experiments (re-exported by distribution_service.schemas: they cross the wire)."""

from __future__ import annotations

from enum import StrEnum


class ExperimentStatus(StrEnum):
    DRAFT = "DRAFT"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    ROLLED_BACK = "ROLLED_BACK"
    FINISHED = "FINISHED"


class ExperimentKind(StrEnum):
    # Members split between arms; each arm changes what its members get.
    AB = "AB"
    # Two rankers' lists merged per decision by team draft; every member sees both.
    INTERLEAVING = "INTERLEAVING"


class Channel(StrEnum):
    """Where an arm is used (and its exposure logged)."""

    FEED = "FEED"
    PUSH = "PUSH"
    IN_APP = "IN_APP"
    REWARD = "REWARD"


class Audience(StrEnum):
    ALL = "ALL"
    NEW = "NEW"
    EXISTING = "EXISTING"


class GuardrailMetric(StrEnum):
    MUTE_RATE = "MUTE_RATE"
    COMPLAINT_RATE = "COMPLAINT_RATE"
    PUSH_FREQUENCY = "PUSH_FREQUENCY"
    ERROR_RATE = "ERROR_RATE"


class ExperimentMetric(StrEnum):
    OPEN_RATE = "OPEN_RATE"
    CTR = "CTR"
    SHARE_RATE = "SHARE_RATE"
    CONVERSION = "CONVERSION"
    REVENUE_PER_MEMBER = "REVENUE_PER_MEMBER"


class ExperimentDecision(StrEnum):
    SHIP = "SHIP"
    ROLL_BACK = "ROLL_BACK"
    ITERATE = "ITERATE"
    NO_EFFECT = "NO_EFFECT"


class ExportFormat(StrEnum):
    CSV = "CSV"
    JSON = "JSON"
