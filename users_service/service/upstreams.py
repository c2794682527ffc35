"""The other services users_service reads from (activity, revenue, content counts), through their clients only."""

from __future__ import annotations

from dataclasses import dataclass

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient


@dataclass(frozen=True)
class Upstreams:
    distribution: DistributionClient
    billing: BillingClient
    content: ContentClient
