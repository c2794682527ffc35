"""What billing needs from a payment provider. A real provider (Stripe, Alipay, WeChat Pay) is one module
implementing `PaymentProvider`; see docs/billing.md "Adding a provider adapter"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ChargeStatus(StrEnum):
    SUCCEEDED = "SUCCEEDED"
    PENDING = "PENDING"
    DECLINED = "DECLINED"


@dataclass(frozen=True)
class ChargeResult:
    charge_id: str
    status: ChargeStatus
    fee_cents: int
    decline_reason: str | None = None


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    amount_cents: int


class ProviderTimeoutError(Exception):
    """The provider did not answer: the charge may or may not exist. Retrying with the same key is safe."""


WebhookSink = Callable[[bytes, dict[str, str]], Awaitable[object]]


class PaymentProvider(Protocol):
    name: str

    async def charge(self, *, key: str, amount_cents: int, currency: str, method: str) -> ChargeResult:
        """Charge `method`; the provider keeps `key` so that a repeat returns the first charge, never a second."""
        ...

    async def resolve(self, *, key: str) -> ChargeResult:
        """The charge made under `key`; when none was made, close the key: a decline that every later `charge`
        with this key gets too, so a request that comes back late cannot charge what the reconciler gave up."""
        ...

    async def refund(self, *, key: str, charge_id: str, amount_cents: int) -> RefundResult: ...

    def verify_webhook(self, body: bytes, headers: dict[str, str], *, now: float) -> dict[str, object]:
        """The event in `body` if its signature and timestamp check out; else raise BadInputError."""
        ...
