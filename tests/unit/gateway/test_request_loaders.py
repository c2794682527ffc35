"""A request's loaders are built on first use, once per request, never shared between requests."""

from __future__ import annotations

from typing import Any

from content_service.schemas import ANONYMOUS_VIEWER
from gateway.dataloaders import Loaders
from gateway.graphql.users.dataloaders import MemberByIdLoader

NAMES = (
    "member_by_id",
    "caller_by_id",
    "content_by_id",
    "feed_content_by_id",
    "membership_by_member_id",
    "community_by_id",
    "campaign_by_id",
    "plans_by_community",
    "payment_by_id",
    "subscription_by_id",
    "invoice_by_id",
)


class AnyClient:
    """Stands for the three service clients: loaders only take their bound methods until they load."""

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError(f"{name} called")

        return call


def loaders() -> Loaders:
    client: Any = AnyClient()
    return Loaders(client, client, client, ANONYMOUS_VIEWER)


def test_no_loader_is_built_until_asked_for() -> None:
    fresh = loaders()
    assert not any(name in vars(fresh) for name in NAMES)
    caller = fresh.caller_by_id
    assert isinstance(caller, MemberByIdLoader)
    assert [name for name in NAMES if name in vars(fresh)] == ["caller_by_id"]


def test_each_loader_is_one_per_request_and_its_own() -> None:
    first, second = loaders(), loaders()
    for name in NAMES:
        assert getattr(first, name) is getattr(first, name)
        assert getattr(first, name) is not getattr(second, name)
    assert first.member_by_id is not first.caller_by_id
