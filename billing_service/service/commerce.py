"""Value-added purchases, ad campaigns, data-service contracts, receipts, creator awards and payouts, costs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bson import ObjectId

import billing_service.service.render as render
from billing_service.domain.ledger import Account, Line, balanced, credit, debit, split_tax
from billing_service.schemas import (
    AdCampaignCreate,
    CostCreate,
    CreatorAwardCreate,
    CreatorPayoutCreate,
    DataContractCreate,
    DealList,
    DealRead,
    LedgerRecordRead,
    PaymentRead,
    ProductCreate,
    ProductList,
    ProductRead,
    PurchaseCreate,
    ReceiptCreate,
)
from billing_service.service.charging import Fulfilment, PaymentFlow, payment_key
from billing_service.service.idempotency import IdempotentRunner
from billing_service.service.members import MemberCheck
from billing_service.service.recognition import Recognition
from billing_service.store import BillingStore, Doc, Session
from infra.errors import BadInputError, NotFoundError
from infra.schemas import object_id

COST_ACCOUNTS = {
    "DELIVERY": Account.COST_DELIVERY,
    "CREATOR_AWARDS": Account.COST_CREATOR_AWARDS,
    "PAYMENT_FEES": Account.COST_PAYMENT_FEES,
}


class CommerceService:
    def __init__(
        self,
        store: BillingStore,
        flow: PaymentFlow,
        runner: IdempotentRunner,
        recognition: Recognition,
        members: MemberCheck,
        *,
        default_method: str | None,
    ) -> None:
        self.store = store
        self.flow = flow
        self.runner = runner
        self.recognition = recognition
        self.members = members
        self.default_method = default_method
        flow.register("purchase", Fulfilment(self._purchase_paid, self._nothing))

    # Value-added services

    async def create_product(self, cid: ObjectId, product_in: ProductCreate) -> ProductRead:
        doc = await self.store.commerce.insert("products", None, {"community_id": cid, **product_in.model_dump()})
        return render.product(doc)

    async def list_products(self, cid: ObjectId, limit: int) -> ProductList:
        return ProductList(items=[render.product(d) for d in await self.store.commerce.list_products(cid, limit)])

    async def lookup_payments(self, cid: ObjectId, ids: list[str]) -> list[PaymentRead | None]:
        """Payments by id in the order asked, None where the community has none (a list's links, batched)."""
        found = await self.store.payments.get_many(cid, [ObjectId(i) for i in dict.fromkeys(ids)])
        return [render.payment(found[ObjectId(i)]) if ObjectId(i) in found else None for i in ids]

    async def purchase(self, cid: ObjectId, purchase_in: PurchaseCreate) -> PaymentRead:
        """A member buys a course, consultation or report: one charge, revenue at once, a numbered invoice."""
        member = ObjectId(purchase_in.member_id)

        async def prepare() -> tuple[Doc, str]:
            product = await self.store.commerce.get("products", cid, ObjectId(purchase_in.product_id))
            if product is None:
                raise NotFoundError(f"no product with id {purchase_in.product_id} here", field="productId")
            method = purchase_in.payment_method or self.default_method
            if not method:
                raise BadInputError("a payment method is required", field="paymentMethod")
            return product, method

        async def start(session: Session, prepared: tuple[Doc, str]) -> Doc:
            product, method = prepared
            payment_id = ObjectId()
            await self.flow.create_intent(
                session,
                {
                    "_id": payment_id,
                    "community_id": cid,
                    "member_id": member,
                    "key": payment_key("purchase", payment_id),
                    "amount_cents": product["price_cents"],
                    "currency": product["currency"],
                    "method": method,
                    "purpose": {"type": "purchase", "product_id": product["_id"], "name": product["name"]},
                },
            )
            return {"payment_id": payment_id}

        async def proceed(ref: Doc) -> Doc:
            payment = await self.flow.collect(await self.flow.payment_or_raise(cid, ref["payment_id"]))
            if payment["status"] == "FAILED":
                raise BadInputError(
                    f"the payment was declined ({payment.get('decline_reason')})", field="paymentMethod"
                )
            return render.payment(payment).to_wire()

        body = await self.runner.run(
            community_id=cid,
            scope=f"member:{member}",
            key=purchase_in.idempotency_key,
            params={"op": "purchase", "productId": purchase_in.product_id, "method": purchase_in.payment_method},
            prepare=prepare,
            start=start,
            proceed=proceed,
        )
        return PaymentRead.model_validate(body)

    async def _purchase_paid(self, session: Session, payment: Doc) -> None:
        await self.flow.book_sale(
            session,
            payment,
            income=Account.REVENUE_VALUE_ADDED,
            kind="value_added_sale",
            description=payment["purpose"]["name"],
            customer=str(payment.get("member_id")),
            meta={"stream": "VALUE_ADDED", "product_id": payment["purpose"]["product_id"]},
        )

    async def _nothing(self, session: Session, payment: Doc) -> None:
        return None

    # Ads and data services (operator-booked; paid later by receipts)

    async def book_ad_campaign(self, cid: ObjectId, campaign_in: AdCampaignCreate) -> DealRead:
        """Revenue at booking into receivables; each creator's share as a cost owed to them (payable)."""
        if sum(s.share_bps for s in campaign_in.creator_shares) > 10_000:
            raise BadInputError("creator shares add up to more than 100%", field="creatorShares")
        net, tax = split_tax(campaign_in.amount_cents, self.flow.tax_rate_bps)
        shares = [(ObjectId(s.creator_id), net * s.share_bps // 10_000) for s in campaign_in.creator_shares]
        creators_total = sum(amount for _, amount in shares)
        creator_ids = [s.creator_id for s in campaign_in.creator_shares]

        async def check() -> None:
            await self.members.require(cid, creator_ids, field="creatorShares")

        async def book(session: Session) -> Doc:
            deal = await self.store.commerce.insert(
                "deals",
                session,
                {
                    "community_id": cid,
                    "kind": "AD_CAMPAIGN",
                    "counterparty": campaign_in.advertiser,
                    "amount_cents": campaign_in.amount_cents,
                    "currency": campaign_in.currency,
                    "received_cents": 0,
                    "creator_share_cents": creators_total,
                    "creator_shares": [{"creator_id": c, "amount": a} for c, a in shares],
                },
            )
            lines = [
                debit(Account.RECEIVABLES, campaign_in.amount_cents),
                credit(Account.REVENUE_ADS, net),
                credit(Account.TAX_PAYABLE, tax),
                debit(Account.COST_CREATOR_SHARE, creators_total),
                credit(Account.CREATOR_PAYOUTS_PAYABLE, creators_total),
            ]
            await self._post(session, cid, f"deal:{deal['_id']}", "ad_booking", lines, shares, {"stream": "ADS"})
            return deal

        return render.deal(
            await self._once(cid, campaign_in.idempotency_key, campaign_in.model_dump(mode="json"), book, check)
        )

    async def sign_data_contract(self, cid: ObjectId, contract_in: DataContractCreate) -> DealRead:
        """Billed at signature into receivables; recognised as data revenue over the contract's term."""
        if contract_in.ends_at <= contract_in.starts_at:
            raise BadInputError("endsAt must be after startsAt", field="endsAt")
        net, tax = split_tax(contract_in.amount_cents, self.flow.tax_rate_bps)

        async def sign(session: Session) -> Doc:
            deal = await self.store.commerce.insert(
                "deals",
                session,
                {
                    "community_id": cid,
                    "kind": "DATA_CONTRACT",
                    "counterparty": contract_in.partner,
                    "amount_cents": contract_in.amount_cents,
                    "currency": contract_in.currency,
                    "received_cents": 0,
                    "starts_at": contract_in.starts_at,
                    "ends_at": contract_in.ends_at,
                },
            )
            lines = [
                debit(Account.RECEIVABLES, contract_in.amount_cents),
                credit(Account.DEFERRED_REVENUE, net),
                credit(Account.TAX_PAYABLE, tax),
            ]
            await self._post(session, cid, f"deal:{deal['_id']}", "data_contract", lines, [], {"stream": "DATA"})
            await self.recognition.open_schedule(
                session,
                community_id=cid,
                source=f"deal:{deal['_id']}",
                amount=net,
                start=contract_in.starts_at,
                end=contract_in.ends_at,
                revenue_account=Account.REVENUE_DATA,
                member_id=None,
            )
            return deal

        return render.deal(
            await self._once(cid, contract_in.idempotency_key, contract_in.model_dump(mode="json"), sign)
        )

    async def list_deals(self, cid: ObjectId, kind: str, limit: int) -> DealList:
        return DealList(items=[render.deal(d) for d in await self.store.commerce.list_deals(cid, kind, limit)])

    async def record_receipt(self, cid: ObjectId, receipt_in: ReceiptCreate) -> LedgerRecordRead:
        deal = await self.store.commerce.get("deals", cid, object_id(receipt_in.deal_id, field="dealId"))
        if deal is None:
            raise NotFoundError(f"no deal with id {receipt_in.deal_id} here", field="dealId")

        async def receive(session: Session) -> Doc:
            if not await self.store.commerce.add_receipt(session, deal, receipt_in.amount_cents):
                raise BadInputError("the receipt exceeds what is owed on this deal", field="amountCents")
            lines = [debit(Account.CASH, receipt_in.amount_cents), credit(Account.RECEIVABLES, receipt_in.amount_cents)]
            return await self._record(
                session, cid, "receipt", receipt_in.amount_cents, lines, [], {"deal_id": deal["_id"]}
            )

        return _record_read(
            await self._once(cid, receipt_in.idempotency_key, receipt_in.model_dump(mode="json"), receive)
        )

    # Creators and costs

    async def award_creator(self, cid: ObjectId, award_in: CreatorAwardCreate) -> LedgerRecordRead:
        """A UGC award or profit share: a cost now, owed to the creator until paid out."""
        creator = ObjectId(award_in.creator_id)
        amount = award_in.amount_cents

        async def check() -> None:
            await self.members.require(cid, [award_in.creator_id], field="creatorId")

        async def award(session: Session) -> Doc:
            lines = [debit(Account.COST_CREATOR_AWARDS, amount), credit(Account.CREATOR_PAYOUTS_PAYABLE, amount)]
            meta = {"reason": award_in.reason}
            return await self._record(session, cid, "creator_award", amount, lines, [(creator, amount)], meta)

        return _record_read(
            await self._once(cid, award_in.idempotency_key, award_in.model_dump(mode="json"), award, check)
        )

    async def pay_creator(self, cid: ObjectId, payout_in: CreatorPayoutCreate) -> LedgerRecordRead:
        creator = ObjectId(payout_in.creator_id)
        amount = payout_in.amount_cents

        async def check() -> None:
            await self.members.require(cid, [payout_in.creator_id], field="creatorId")

        async def pay(session: Session) -> Doc:
            owed = await self.store.ledger.creator_payable(cid, creator, session)
            if amount > owed:
                raise BadInputError(f"the community owes this creator {owed} only", field="amountCents")
            lines = [debit(Account.CREATOR_PAYOUTS_PAYABLE, amount), credit(Account.CASH, amount)]
            return await self._record(session, cid, "creator_payout", amount, lines, [(creator, -amount)], {})

        return _record_read(
            await self._once(cid, payout_in.idempotency_key, payout_in.model_dump(mode="json"), pay, check)
        )

    async def record_cost(self, cid: ObjectId, cost_in: CostCreate) -> LedgerRecordRead:
        amount = cost_in.amount_cents

        async def spend(session: Session) -> Doc:
            lines = [debit(COST_ACCOUNTS[cost_in.category], amount), credit(Account.CASH, amount)]
            meta = {"description": cost_in.description}
            return await self._record(session, cid, "cost", amount, lines, [], meta, at=cost_in.incurred_at)

        return _record_read(await self._once(cid, cost_in.idempotency_key, cost_in.model_dump(mode="json"), spend))

    # Shared

    async def _once(
        self,
        cid: ObjectId,
        key: str,
        params: Doc,
        run: Callable[[Session], Awaitable[Doc]],
        check: Callable[[], Awaitable[None]] | None = None,
    ) -> Doc:
        """An operator's money-moving write under an idempotency key: the record and its effect in one transaction.
        `check` validates first (outside the transaction): a refusal saves nothing and leaves the key free."""

        async def prepare() -> None:
            if check is not None:
                await check()

        async def start(session: Session, _: None) -> Doc:
            doc = await run(session)
            return {"doc": doc}

        async def proceed(ref: Doc) -> Doc:
            doc: Doc = ref["doc"]
            return doc

        return await self.runner.run(
            community_id=cid,
            scope="operator",
            key=key,
            params={k: v for k, v in params.items() if k != "idempotency_key"},
            prepare=prepare,
            start=start,
            proceed=proceed,
        )

    async def _post(
        self,
        session: Session,
        cid: ObjectId,
        posting_id: str,
        kind: str,
        lines: list[Line],
        creators: list[tuple[ObjectId, int]],
        meta: Doc,
        at: datetime | None = None,
    ) -> None:
        creator_meta = {
            "creator_ids": [c for c, _ in creators],
            "creator_amounts": [{"creator_id": c, "amount": a} for c, a in creators],
        }
        await self.store.ledger.post(
            session,
            community_id=cid,
            posting_id=posting_id,
            kind=kind,
            lines=balanced(lines),
            occurred_at=at or datetime.now(UTC),
            meta={**meta, **creator_meta},
        )

    async def _record(
        self,
        session: Session,
        cid: ObjectId,
        kind: str,
        amount: int,
        lines: list[Line],
        creators: list[tuple[ObjectId, int]],
        meta: Doc,
        at: datetime | None = None,
    ) -> Doc:
        record = await self.store.commerce.insert(
            "records", session, {"community_id": cid, "kind": kind, "amount_cents": amount, **meta}
        )
        posting_id = f"{kind}:{record['_id']}"
        await self._post(session, cid, posting_id, kind, lines, creators, meta, at)
        return {"id": str(record["_id"]), "kind": kind, "posting_id": posting_id, "amount_cents": amount}


def _record_read(doc: Doc) -> LedgerRecordRead:
    return LedgerRecordRead(
        id=doc["id"], kind=doc["kind"], posting_id=doc["posting_id"], amount_cents=doc["amount_cents"]
    )
