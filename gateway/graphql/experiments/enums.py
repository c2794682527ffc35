"""Public enums of experiments: distribution_service's own enums under their GraphQL names."""

from __future__ import annotations

import strawberry

from distribution_service.schemas import (
    Audience,
    Channel,
    ExperimentDecision,
    ExperimentKind,
    ExperimentMetric,
    ExperimentStatus,
    ExportFormat,
    GuardrailMetric,
)

strawberry.enum(ExperimentStatus, name="ExperimentStatus", description="Where an experiment stands.")
strawberry.enum(ExperimentKind, name="ExperimentKind", description="How an experiment compares its arms.")
strawberry.enum(Channel, name="ExperimentChannel", description="Where an arm is used and its exposure logged.")
strawberry.enum(Audience, name="ExperimentAudience", description="Members by how long they have belonged.")
strawberry.enum(GuardrailMetric, name="GuardrailMetric", description="What a gray release is watched for.")
strawberry.enum(ExperimentMetric, name="ExperimentMetric", description="A per-member metric an experiment reads.")
strawberry.enum(ExperimentDecision, name="ExperimentDecision", description="What was decided when it finished.")
strawberry.enum(ExportFormat, name="ExperimentExportFormat", description="A file format of the results database.")

__all__ = [
    "Audience",
    "Channel",
    "ExperimentDecision",
    "ExperimentKind",
    "ExperimentMetric",
    "ExperimentStatus",
    "ExportFormat",
    "GuardrailMetric",
]
