"""Invoices: numbered per community without gaps, drafts unnumbered, voids keep numbers, PDFs, credit notes."""

from __future__ import annotations

import asyncio
import base64

import pypdfium2 as pdfium

from billing_service.schemas import PurchaseCreate
from tests.factories import REGISTER, Api, create_community, grant, register
from tests.integration.billing.helpers import (
    PURCHASE,
    balances,
    community_with_operator,
    documents,
    product,
    services,
    trial_balance,
)

INVOICES = "query { invoices(first: 100) { number status kind totalCents memberId } }"
STATES = "query { invoices(first: 100) { kind invoiceKind status invoiceStatus payment { status paymentStatus } } }"
DRAFT = """
mutation($i: CreateInvoiceDraftInput!) { createInvoiceDraft(input: $i) { id number status totalCents } }
"""
FINALIZE = "mutation($i: FinalizeInvoiceInput!) { finalizeInvoice(input: $i) { id number status } }"
VOID = "mutation($i: VoidInvoiceInput!) { voidInvoice(input: $i) { id number status } }"
PDF = "query($id: ID!) { invoicePdf(invoiceId: $id) { filename contentBase64 } }"
REFUND = """
mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { number kind totalCents creditNoteFor } }
"""
DATA_PARTNER_DRAFT = {
    "customer": "Acme Data",
    "currency": "CNY",
    "lines": [{"description": "Q1 feed", "unitCents": 600}],
}


# Enough purchases in flight at once to conflict on the counter document: gaps would show at any count.
CONCURRENT_PURCHASES = 40


async def test_concurrent_purchases_are_numbered_without_gaps(api: Api) -> None:
    community_id, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000)
    bob = await register(api, "demo", "bob")
    # when: at the billing service's client (numbering is the billing service's; purchases through the gateway,
    # concurrent too, are test_payment_replays.py's)
    answers = await asyncio.gather(
        *(
            services(api).billing.purchase(
                community_id, PurchaseCreate(member_id=bob.id, product_id=course, idempotency_key=f"k{n}")
            )
            for n in range(CONCURRENT_PURCHASES)
        )
    )
    # then
    assert {a.status for a in answers} == {"SUCCEEDED"}
    assert len({a.invoice_id for a in answers}) == CONCURRENT_PURCHASES
    numbers = sorted(d["number"] for d in documents(api, "invoices"))
    assert numbers == [f"INV-{n:06d}" for n in range(1, CONCURRENT_PURCHASES + 1)]


async def test_drafts_have_no_number_until_finalized_and_voids_keep_theirs(api: Api) -> None:
    _, olga = await community_with_operator(api)
    first = (await api.data(DRAFT, {"i": DATA_PARTNER_DRAFT}, token=olga.token))["createInvoiceDraft"]
    second = (await api.data(DRAFT, {"i": DATA_PARTNER_DRAFT}, token=olga.token))["createInvoiceDraft"]
    assert (first["number"], first["status"], first["totalCents"]) == (None, "DRAFT", 600)
    # when
    one = (await api.data(FINALIZE, {"i": {"invoiceId": first["id"]}}, token=olga.token))["finalizeInvoice"]
    voided = (await api.data(VOID, {"i": {"invoiceId": first["id"]}}, token=olga.token))["voidInvoice"]
    two = (await api.data(FINALIZE, {"i": {"invoiceId": second["id"]}}, token=olga.token))["finalizeInvoice"]
    # then
    assert (one["number"], voided["number"], voided["status"], two["number"]) == (
        "INV-000001",
        "INV-000001",
        "VOID",
        "INV-000002",
    )


async def test_finalizing_twice_is_conflict(api: Api) -> None:
    _, olga = await community_with_operator(api)
    draft = (await api.data(DRAFT, {"i": DATA_PARTNER_DRAFT}, token=olga.token))["createInvoiceDraft"]
    await api.data(FINALIZE, {"i": {"invoiceId": draft["id"]}}, token=olga.token)
    code = await api.error_code(FINALIZE, {"i": {"invoiceId": draft["id"]}}, token=olga.token)
    assert code == "CONFLICT"
    assert [d.get("number") for d in documents(api, "invoices")] == ["INV-000001"]


async def test_numbers_are_per_community(api: Api) -> None:
    _, olga = await community_with_operator(api)
    other = await create_community(api, "other")
    await register(api, "other", "otto")
    await grant(api, other, "otto", "OPERATOR")
    draft = await api.data(DRAFT, {"i": {**DATA_PARTNER_DRAFT, "communityId": other}}, admin=True)
    finalized = await api.data(
        FINALIZE, {"i": {"invoiceId": draft["createInvoiceDraft"]["id"], "communityId": other}}, admin=True
    )
    mine = (await api.data(DRAFT, {"i": DATA_PARTNER_DRAFT}, token=olga.token))["createInvoiceDraft"]
    own = await api.data(FINALIZE, {"i": {"invoiceId": mine["id"]}}, token=olga.token)
    assert (finalized["finalizeInvoice"]["number"], own["finalizeInvoice"]["number"]) == ("INV-000001", "INV-000001")


async def test_a_member_downloads_their_invoice_as_pdf(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000)
    bob = await register(api, "demo", "bob")
    bought = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token)
    # when
    pdf = (await api.data(PDF, {"id": bought["purchase"]["invoiceId"]}, token=bob.token))["invoicePdf"]
    # then
    content = base64.b64decode(pdf["contentBase64"])
    assert (pdf["filename"], content[:5]) == ("INV-000001.pdf", b"%PDF-")


async def test_another_member_cannot_download_the_invoice(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    bought = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token)
    code = await api.error_code(PDF, {"id": bought["purchase"]["invoiceId"]}, token=carol.token)
    assert code == "NOT_FOUND"


async def test_members_list_their_own_invoices_only(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token)
    await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=carol.token)
    mine = (await api.data(INVOICES, token=bob.token))["invoices"]
    everyone = (await api.data(INVOICES, token=olga.token))["invoices"]
    assert [i["memberId"] for i in mine] == [bob.id]
    assert len(everyone) == 2


async def test_a_partial_refund_issues_a_credit_note_and_reverses_revenue(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=10_000)
    bob = await register(api, "demo", "bob")
    bought = (await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token))[
        "purchase"
    ]
    variables = {"i": {"paymentId": bought["id"], "amountCents": 4000, "idempotencyKey": "r1"}}
    # when
    note = (await api.data(REFUND, variables, token=olga.token))["refundPayment"]
    again = (await api.data(REFUND, variables, token=olga.token))["refundPayment"]
    # then
    assert note == again
    assert (note["number"], note["kind"], note["totalCents"], note["creditNoteFor"]) == (
        "CN-000001",
        "CREDIT_NOTE",
        4000,
        bought["invoiceId"],
    )
    assert balances(await trial_balance(api, olga)) == {
        "assets:cash": 10_000 - 60 - 4000,
        "costs:payment_fees": 60,
        "revenue:value_added": 6000,
    }
    services = api.app.state.services  # type: ignore[union-attr]
    assert await services.billing.revenue_by_member(_community(api)) == {bob.id: 6000}
    # and: the enum twins say the same as the deprecated strings
    states = (await api.data(STATES, token=olga.token))["invoices"]
    assert all((i["invoiceKind"], i["invoiceStatus"]) == (i["kind"], i["status"]) for i in states)
    assert sorted((i["invoiceKind"], i["invoiceStatus"]) for i in states) == [
        ("CREDIT_NOTE", "ISSUED"),
        ("INVOICE", "PAID"),
    ]
    payments = [i["payment"] for i in states if i["payment"]]
    assert payments
    assert all(p["paymentStatus"] == p["status"] == "SUCCEEDED" for p in payments)


async def test_a_refund_beyond_what_was_paid_is_bad_input(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000)
    bob = await register(api, "demo", "bob")
    bought = (await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token))[
        "purchase"
    ]
    errors = await api.errors(
        REFUND, {"i": {"paymentId": bought["id"], "amountCents": 1001, "idempotencyKey": "r"}}, token=olga.token
    )
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "amountCents"}
    assert documents(api, "invoices", {"kind": "CREDIT_NOTE"}) == []


def _community(api: Api) -> str:
    return str(documents(api, "products")[0]["community_id"])


async def test_an_invoice_pdf_prints_chinese_and_the_members_name(api: Api) -> None:
    # given: a course with a Chinese name, bought by a member with a Chinese display name
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=1000, name="自行车维修课程")
    signup = {"communitySlug": "demo", "handle": "wang", "displayName": "王小明"}
    wang = (await api.data(REGISTER, {"input": signup}))["registerUser"]
    bought = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=wang["token"])
    # when
    pdf = (await api.data(PDF, {"id": bought["purchase"]["invoiceId"]}, token=wang["token"]))["invoicePdf"]
    # then: the text layer holds the Chinese and the name, not the member's id
    document = pdfium.PdfDocument(base64.b64decode(pdf["contentBase64"]))
    page = document[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    assert "自行车维修课程" in text
    assert "王小明 (@wang)" in text
    assert wang["user"]["id"] not in text
    # and the glyphs are drawn: the rendered page has dark pixels inside the Chinese description's box
    scale = 2
    pixels = page.render(scale=scale, grayscale=True).to_numpy()
    start = text.index("自行车维修课程")
    boxes = [textpage.get_charbox(start + i) for i in range(len("自行车维修课程"))]
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    height = page.get_height()
    region = pixels[
        int((height - top) * scale) : int((height - bottom) * scale) + 1, int(left * scale) : int(right * scale) + 1
    ]
    assert region.size > 0
    assert int(region.min()) < 128
