"""The built-in sandbox provider: outcomes chosen by test token, signed webhooks sent asynchronously.

Tokens: `tok_success` (the development default), `tok_decline`, `tok_timeout` (the charge is made but the
answer is lost: the caller sees a timeout, a retry with the same key finds the charge), `tok_delayed` (pending
now, `charge.succeeded` by webhook later) and `tok_delayed_decline` (pending, then `charge.failed`). Like a real
provider it keeps each idempotency key, so a repeated call never charges twice. Every charge sends its events
to the webhook sink after a delay, each one possibly twice and in shuffled order, as real providers may.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field

from billing_service.payments import signatures
from billing_service.payments.provider import (
    ChargeResult,
    ChargeStatus,
    ProviderTimeoutError,
    RefundResult,
    WebhookSink,
)
from infra.errors import BadInputError

TOKENS = ("tok_success", "tok_decline", "tok_timeout", "tok_delayed", "tok_delayed_decline")
# The documented development default of BILLING_WEBHOOK_SECRET: anyone who read the docs can sign with it.
DEFAULT_WEBHOOK_SECRET = "whsec_sandbox_development_only"
MIN_PRODUCTION_SECRET_BYTES = 32


class WeakWebhookSecretError(ValueError):
    """Production refuses a webhook secret that a forger could know or guess."""


@dataclass
class SandboxCharge:
    charge_id: str
    key: str
    amount_cents: int
    currency: str
    method: str
    status: ChargeStatus
    fee_cents: int
    refunded_cents: int = 0
    answered: bool = field(default=False)
    reason: str = "card_declined"


class SandboxProvider:
    name = "sandbox"

    def __init__(
        self,
        *,
        secret: str,
        fee_bps: int = 60,
        webhook_delay_seconds: float = 0.02,
        duplicate_probability: float = 0.3,
        tolerance_seconds: int = 300,
        seed: int | None = None,
        production: bool = False,
    ) -> None:
        if production and (secret == DEFAULT_WEBHOOK_SECRET or len(secret.encode()) < MIN_PRODUCTION_SECRET_BYTES):
            raise WeakWebhookSecretError(
                "APP_ENV=production needs BILLING_WEBHOOK_SECRET: at least 32 bytes, not the documented sandbox default"
            )
        self.secret = secret
        self.fee_bps = fee_bps
        self.webhook_delay_seconds = webhook_delay_seconds
        self.duplicate_probability = duplicate_probability
        self.tolerance_seconds = tolerance_seconds
        self.charges: dict[str, SandboxCharge] = {}
        self.refunds: dict[str, RefundResult] = {}
        self.sink: WebhookSink | None = None
        self.expired_methods: set[str] = set()
        self.sent_events: list[dict[str, object]] = []
        self._random = random.Random(seed)
        self._tasks: set[asyncio.Task[None]] = set()

    # The provider's API

    async def charge(self, *, key: str, amount_cents: int, currency: str, method: str) -> ChargeResult:
        if method not in TOKENS:
            raise BadInputError(f"unknown sandbox payment method {method!r}", field="paymentMethod")
        existing = self.charges.get(key)
        if existing is None:
            status = {
                "tok_decline": ChargeStatus.DECLINED,
                **{m: ChargeStatus.DECLINED for m in self.expired_methods},
                "tok_delayed": ChargeStatus.PENDING,
                "tok_delayed_decline": ChargeStatus.PENDING,
            }.get(method, ChargeStatus.SUCCEEDED)
            fee = amount_cents * self.fee_bps // 10_000 if status != ChargeStatus.DECLINED else 0
            existing = SandboxCharge(f"ch_{uuid.uuid4().hex[:20]}", key, amount_cents, currency, method, status, fee)
            self.charges[key] = existing
            self._send_charge_events(existing)
        if method == "tok_timeout" and not existing.answered:
            existing.answered = True
            raise ProviderTimeoutError("sandbox: the answer to this charge was lost")
        return self._result(existing)

    async def resolve(self, *, key: str) -> ChargeResult:
        existing = self.charges.get(key)
        if existing is None:
            existing = SandboxCharge(
                f"ch_{uuid.uuid4().hex[:20]}", key, 0, "", "", ChargeStatus.DECLINED, 0, reason="abandoned"
            )
            self.charges[key] = existing
        return self._result(existing)

    async def refund(self, *, key: str, charge_id: str, amount_cents: int) -> RefundResult:
        if key in self.refunds:
            return self.refunds[key]
        charge = next((c for c in self.charges.values() if c.charge_id == charge_id), None)
        if charge is None or charge.status != ChargeStatus.SUCCEEDED:
            raise BadInputError("no succeeded charge to refund", field="paymentId")
        if charge.refunded_cents + amount_cents > charge.amount_cents:
            raise BadInputError("refund exceeds what was charged", field="amountCents")
        charge.refunded_cents += amount_cents
        result = RefundResult(refund_id=f"re_{uuid.uuid4().hex[:20]}", amount_cents=amount_cents)
        self.refunds[key] = result
        return result

    def verify_webhook(self, body: bytes, headers: dict[str, str], *, now: float) -> dict[str, object]:
        header = headers.get(signatures.SIGNATURE_HEADER, "")
        signatures.verify(body, header, self.secret, now=now, tolerance_seconds=self.tolerance_seconds)
        event: dict[str, object] = json.loads(body)
        return event

    # Test helpers

    def expire_method(self, method: str, expired: bool = True) -> None:
        """From now on `method` declines (a card that expired after the first charge), or works again."""
        if expired:
            self.expired_methods.add(method)
        else:
            self.expired_methods.discard(method)

    def charge_count(self) -> int:
        """Charges that moved money (succeeded, or pending that will)."""
        return sum(1 for c in self.charges.values() if c.status != ChargeStatus.DECLINED)

    async def drain(self) -> None:
        """Wait until every webhook sent so far has been delivered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def signed(self, event: dict[str, object], *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event, sort_keys=True).encode()
        stamp = int(time.time()) if timestamp is None else timestamp
        return body, {signatures.SIGNATURE_HEADER: signatures.sign(body, self.secret, stamp)}

    # Internals

    def _result(self, charge: SandboxCharge) -> ChargeResult:
        reason = charge.reason if charge.status == ChargeStatus.DECLINED else None
        return ChargeResult(charge.charge_id, charge.status, charge.fee_cents, reason)

    def _send_charge_events(self, charge: SandboxCharge) -> None:
        data = {
            "chargeId": charge.charge_id,
            "key": charge.key,
            "amountCents": charge.amount_cents,
            "currency": charge.currency,
        }
        if charge.status == ChargeStatus.PENDING:
            final = "charge.failed" if charge.method == "tok_delayed_decline" else "charge.succeeded"
            if final == "charge.succeeded":
                charge.status = ChargeStatus.PENDING  # settles when the webhook is sent
            types = ["charge.pending", final]
        elif charge.status == ChargeStatus.DECLINED:
            types = ["charge.failed"]
        else:
            types = ["charge.succeeded"]
        events: list[dict[str, object]] = []
        for event_type in types:
            event = {"id": f"evt_{uuid.uuid4().hex[:20]}", "type": event_type, "created": int(time.time())}
            event["data"] = {**data, "feeCents": charge.fee_cents}
            events.append(event)
            if self._random.random() < self.duplicate_probability:
                events.append(event)
        self._random.shuffle(events)
        if self.sink is None:
            return
        task = asyncio.get_running_loop().create_task(self._deliver(charge, events))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, charge: SandboxCharge, events: list[dict[str, object]]) -> None:
        await asyncio.sleep(self.webhook_delay_seconds)
        if charge.status == ChargeStatus.PENDING and charge.method == "tok_delayed":
            charge.status = ChargeStatus.SUCCEEDED
        elif charge.status == ChargeStatus.PENDING:
            charge.status = ChargeStatus.DECLINED
        for event in events:
            self.sent_events.append(event)
            body, headers = self.signed(event)
            assert self.sink is not None
            try:
                await self.sink(body, headers)
            except Exception:  # noqa: BLE001 - a provider retries failed deliveries; the sandbox drops them
                continue
