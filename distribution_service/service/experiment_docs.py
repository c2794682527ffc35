"""An experiment document read as the wire model, and the arm facts the other experiment services share."""

from __future__ import annotations

from distribution_service.domain.assignment import Targeting
from distribution_service.domain.experiment_enums import Channel, ExperimentKind
from distribution_service.schemas.experiments import ArmRead, ExperimentRead, GuardrailSpec, RolloutStep, TargetingSpec
from distribution_service.store import Doc
from infra.errors import NotFoundError


class ExperimentNotFound(NotFoundError):
    def __init__(self) -> None:
        super().__init__("experiment not found", field="id")


def experiment_read(doc: Doc, exposures: int = 0) -> ExperimentRead:
    return ExperimentRead(
        id=str(doc["_id"]),
        name=doc["name"],
        hypothesis=doc["hypothesis"],
        kind=doc["kind"],
        status=doc["status"],
        arms=[ArmRead.model_validate(arm) for arm in doc["arms"]],
        targeting=TargetingSpec.model_validate(doc["targeting"]),
        layer=doc.get("layer"),
        layer_range=doc.get("layer_range"),
        rollout=doc["rollout"],
        schedule=[RolloutStep.model_validate(step) for step in doc.get("schedule", [])],
        guardrails=[GuardrailSpec.model_validate(g) for g in doc.get("guardrails", [])],
        primary_metric=doc["primary_metric"],
        target_sample=doc["target_sample"],
        mde=doc.get("mde"),
        pre_period_days=doc.get("pre_period_days", 14),
        exposures=exposures,
        created_at=doc["created_at"],
        started_at=doc.get("started_at"),
        stopped_at=doc.get("stopped_at"),
        stop_reason=doc.get("stop_reason"),
    )


def targeting_of(doc: Doc) -> Targeting:
    t = doc.get("targeting", {})
    return Targeting(
        tiers=tuple(t.get("tiers", [])),
        rfm_layers=tuple(t.get("rfmLayers", t.get("rfm_layers", []))),
        channels=tuple(t.get("channels", [])),
        audience=t.get("audience", "ALL"),
    )


def weights_of(doc: Doc) -> list[float]:
    return [float(arm["weight"]) for arm in doc["arms"]]


def used_on(doc: Doc, channel: Channel) -> bool:
    """Whether some arm changes what `channel` serves: only then is the arm used (and an exposure logged) there."""
    if doc["kind"] == ExperimentKind.INTERLEAVING.value:
        return channel == Channel.FEED
    arms = doc["arms"]
    if channel in (Channel.FEED, Channel.PUSH) and any(a.get("ranker_version") for a in arms):
        return True
    if channel == Channel.PUSH:
        return any(a.get("push_copy") or a.get("golden_slot") for a in arms)
    if channel == Channel.IN_APP:
        return any(a.get("flags") for a in arms)
    if channel == Channel.REWARD:
        return any(a.get("reward") for a in arms)
    return False
