"""Shared set-up for the content tests: a community with a member, an operator and a published piece."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette

from infra.outbox import OutboxRelay
from tests.factories import Api, Member, create_community, grant, publish, register

FILE_COMPLAINT = """
mutation($input: FileComplaintInput!) {
  fileComplaint(input: $input) { id targetType targetId category status weight contentHidden incidentId }
}
"""
INCIDENTS = """
query($status: IncidentStatus) {
  incidents(status: $status) { id level cause causes openedAt triggerCount steps { name dueAt doneAt overdue owner } }
}
"""


@dataclass(frozen=True)
class World:
    community_id: str
    member: Member
    operator: Member
    content_id: str


async def world(api: Api, slug: str = "demo") -> World:
    community_id = await create_community(api, slug)
    member = await register(api, slug, "alice")
    operator = await register(api, slug, "olga")
    await grant(api, community_id, "olga", "OPERATOR")
    content_id = await publish(api, member, "Chain lube", tags=["maintenance"])
    return World(community_id, member, operator, content_id)


def content_app(api: Api) -> Starlette:
    assert api.app is not None
    app: Starlette = api.app.state.services.apps["content"]
    return app


def relay(api: Api) -> OutboxRelay:
    r: OutboxRelay = content_app(api).state.relay
    return r


async def complain(api: Api, member: Member, **fields: Any) -> dict[str, Any]:
    payload = {"targetType": "SERVICE", "category": "SERVICE_QUALITY", "text": "slow", **fields}
    data = await api.data(FILE_COMPLAINT, {"input": payload}, token=member.token)
    result: dict[str, Any] = data["fileComplaint"]
    return result
