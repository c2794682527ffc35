"""Public enums of billing: the service's own enums under their GraphQL names."""

from __future__ import annotations

import strawberry

from billing_service.schemas import Interval, InvoiceKind, InvoiceStatus, PaymentStatus
from billing_service.schemas import SubscriptionStatus as ServiceSubscriptionStatus

# Each call registers the service's enum as a GraphQL enum under its public name, in the service's order.
strawberry.enum(Interval, name="PlanInterval")
strawberry.enum(ServiceSubscriptionStatus, name="SubscriptionStatus")
strawberry.enum(PaymentStatus, name="PaymentStatus")
strawberry.enum(InvoiceKind, name="InvoiceKind")
strawberry.enum(InvoiceStatus, name="InvoiceStatus")
PlanInterval = Interval
SubscriptionStatus = ServiceSubscriptionStatus

__all__ = ["InvoiceKind", "InvoiceStatus", "PaymentStatus", "PlanInterval", "SubscriptionStatus"]
