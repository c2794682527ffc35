"""A proposal's life: member proposal → expert review → decision → execution feedback. Pure rules."""

from __future__ import annotations

from enum import StrEnum

from infra.errors import ConflictError


class ProposalStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    REVIEWED = "REVIEWED"
    ADOPTED = "ADOPTED"
    REJECTED = "REJECTED"
    IMPLEMENTED = "IMPLEMENTED"


class Recommendation(StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


# Each step may only follow the one before it: no decision without an expert review.
NEXT: dict[str, tuple[ProposalStatus, ...]] = {
    "review": (ProposalStatus.SUBMITTED,),
    "decide": (ProposalStatus.REVIEWED,),
    "feedback": (ProposalStatus.ADOPTED,),
}
ADOPTED = (ProposalStatus.ADOPTED, ProposalStatus.IMPLEMENTED)
DECIDED = (*ADOPTED, ProposalStatus.REJECTED)


def check_step(step: str, status: ProposalStatus) -> None:
    if status not in NEXT[step]:
        expected = " or ".join(s.value for s in NEXT[step])
        raise ConflictError(f"cannot {step} a {status.value} proposal (it must be {expected})", field="proposalId")


def adoption_rate(counts: dict[str, int]) -> float | None:
    """Adopted (incl. implemented) over decided proposals; None before any decision."""
    decided = sum(counts.get(s.value, 0) for s in DECIDED)
    if not decided:
        return None
    return round(sum(counts.get(s.value, 0) for s in ADOPTED) / decided, 4)
