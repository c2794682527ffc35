import pytest

from billing_service.payments.provider import ChargeStatus, ProviderTimeoutError
from billing_service.payments.sandbox import SandboxProvider
from infra.errors import BadInputError


def sandbox() -> SandboxProvider:
    return SandboxProvider(secret="s", fee_bps=60, seed=1)


class TestCharge:
    async def test_a_repeated_key_returns_the_first_charge(self) -> None:
        provider = sandbox()
        first = await provider.charge(key="k", amount_cents=1000, currency="CNY", method="tok_success")
        again = await provider.charge(key="k", amount_cents=1000, currency="CNY", method="tok_success")
        assert (first, first.status, first.fee_cents, provider.charge_count()) == (again, ChargeStatus.SUCCEEDED, 6, 1)

    async def test_decline(self) -> None:
        result = await sandbox().charge(key="k", amount_cents=1000, currency="CNY", method="tok_decline")
        assert (result.status, result.decline_reason) == (ChargeStatus.DECLINED, "card_declined")

    async def test_timeout_charges_then_answers_the_retry(self) -> None:
        provider = sandbox()
        with pytest.raises(ProviderTimeoutError):
            await provider.charge(key="k", amount_cents=1000, currency="CNY", method="tok_timeout")
        retried = await provider.charge(key="k", amount_cents=1000, currency="CNY", method="tok_timeout")
        assert (retried.status, provider.charge_count()) == (ChargeStatus.SUCCEEDED, 1)

    async def test_delayed_is_pending(self) -> None:
        result = await sandbox().charge(key="k", amount_cents=1000, currency="CNY", method="tok_delayed")
        assert result.status == ChargeStatus.PENDING

    async def test_an_unknown_token_is_bad_input(self) -> None:
        with pytest.raises(BadInputError, match="unknown sandbox payment method 'tok_nope'"):
            await sandbox().charge(key="k", amount_cents=1, currency="CNY", method="tok_nope")


class TestRefund:
    async def test_refunds_up_to_the_charge_once_per_key(self) -> None:
        provider = sandbox()
        charge = await provider.charge(key="k", amount_cents=1000, currency="CNY", method="tok_success")
        first = await provider.refund(key="r", charge_id=charge.charge_id, amount_cents=600)
        again = await provider.refund(key="r", charge_id=charge.charge_id, amount_cents=600)
        assert first == again
        with pytest.raises(BadInputError, match="^refund exceeds what was charged$"):
            await provider.refund(key="r2", charge_id=charge.charge_id, amount_cents=401)
