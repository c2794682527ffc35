"""The ledger's trial balance, the revenue report and invoices."""

from __future__ import annotations

import strawberry

from billing_service import schemas as s
from gateway.context import Info
from gateway.graphql.billing import member_or_operator
from gateway.graphql.billing_types import Invoice, InvoicePdf, RevenueReport, TrialBalance
from gateway.graphql.pagination import check_first


@strawberry.input
class InvoiceLineInput:
    description: str
    unit_cents: int
    quantity: int = 1


@strawberry.input
class CreateInvoiceDraftInput:
    customer: str
    currency: str
    lines: list[InvoiceLineInput]
    member_id: strawberry.ID | None = None
    community_id: strawberry.ID | None = None


@strawberry.input
class FinalizeInvoiceInput:
    invoice_id: strawberry.ID
    community_id: strawberry.ID | None = None


@strawberry.input
class VoidInvoiceInput:
    invoice_id: strawberry.ID
    community_id: strawberry.ID | None = None


@strawberry.type
class LedgerQuery:
    @strawberry.field(description="Operators of the community (or the admin key): every account's totals.")
    async def trial_balance(self, info: Info, community_id: strawberry.ID | None = None) -> TrialBalance:
        cid = await info.context.operator_community(community_id)
        return TrialBalance.from_read(await info.context.services.billing.trial_balance(cid))

    @strawberry.field(description="Operators: revenue analytics for a period 'YYYY-MM', 'YYYY-Qn' or 'YYYY'.")
    async def revenue_report(self, info: Info, period: str, community_id: strawberry.ID | None = None) -> RevenueReport:
        cid = await info.context.operator_community(community_id)
        return RevenueReport.from_read(await info.context.services.billing.revenue_report(cid, period))

    @strawberry.field(description="Operators see the community's invoices; a member sees their own.")
    async def invoices(self, info: Info, first: int = 20, community_id: strawberry.ID | None = None) -> list[Invoice]:
        check_first(first)
        cid, member_id = await member_or_operator(info.context, community_id)
        reads = await info.context.services.billing.list_invoices(cid, member_id, first)
        return [Invoice.from_read(r) for r in reads]

    @strawberry.field(description="An invoice or credit note as a PDF (a member's own, or any for operators).")
    async def invoice_pdf(
        self, info: Info, invoice_id: strawberry.ID, community_id: strawberry.ID | None = None
    ) -> InvoicePdf:
        cid, member_id = await member_or_operator(info.context, community_id)
        read = await info.context.services.billing.invoice_pdf(cid, str(invoice_id), member_id)
        return InvoicePdf(filename=read.filename, content_base64=read.content_base64)


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(description="Operators: an unnumbered draft invoice (e.g. a data partner's period bill).")
    async def create_invoice_draft(self, info: Info, input: CreateInvoiceDraftInput) -> Invoice:
        cid = await info.context.operator_community(input.community_id)
        draft_in = s.InvoiceDraftCreate(
            customer=input.customer,
            currency=input.currency,
            member_id=str(input.member_id) if input.member_id else None,
            lines=[
                s.InvoiceLineIn(description=line.description, quantity=line.quantity, unit_cents=line.unit_cents)
                for line in input.lines
            ],
        )
        return Invoice.from_read(await info.context.services.billing.create_invoice_draft(cid, draft_in))

    @strawberry.mutation(description="Operators: number a draft (per community, without gaps).")
    async def finalize_invoice(self, info: Info, input: FinalizeInvoiceInput) -> Invoice:
        cid = await info.context.operator_community(input.community_id)
        return Invoice.from_read(await info.context.services.billing.finalize_invoice(cid, str(input.invoice_id)))

    @strawberry.mutation(description="Operators: void a draft or open invoice; its number stays used.")
    async def void_invoice(self, info: Info, input: VoidInvoiceInput) -> Invoice:
        cid = await info.context.operator_community(input.community_id)
        return Invoice.from_read(await info.context.services.billing.void_invoice(cid, str(input.invoice_id)))
