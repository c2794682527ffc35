"""The perks a layer's treatment grants: a closed set, each read by one rule of the platform (or a label only).

A treatment (summary + perks) is data per community; these codes are what other services and actions act on, so an
operator moves a perk between layers and the platform follows, with no code change.
"""

from __future__ import annotations

from enum import StrEnum


class Perk(StrEnum):
    STANDARD_CONTENT = "STANDARD_CONTENT"
    BATCH_OFFERS = "BATCH_OFFERS"
    GROWTH_PATH = "GROWTH_PATH"
    PRIORITY_SUPPORT = "PRIORITY_SUPPORT"
    PRODUCT_DECISIONS = "PRODUCT_DECISIONS"
    PROFIT_SHARE = "PROFIT_SHARE"
    EARLY_ACCESS = "EARLY_ACCESS"


# What each perk does where something reads it; None: a label operators act on by hand (nothing reads it yet).
EFFECTS: dict[Perk, str | None] = {
    Perk.STANDARD_CONTENT: "Reads PUBLIC and MEMBERS pieces, as every member does (the paywall's default).",
    Perk.BATCH_OFFERS: "Receives the billing coupons `sendBatchOffer` issues to the layer (once per member per offer).",
    Perk.GROWTH_PATH: "Takes part in campaigns reserved for the growth path (`createCampaign(perk: GROWTH_PATH)`).",
    Perk.PRIORITY_SUPPORT: None,
    Perk.PRODUCT_DECISIONS: None,
    Perk.PROFIT_SHARE: None,
    Perk.EARLY_ACCESS: "Reads a piece in full during its early-access window (`earlyAccessUntil`); others: the teaser.",
}


LABELS: dict[Perk, str] = {
    Perk.PRIORITY_SUPPORT: "A label: nothing routes support by it yet; operators act on it by hand.",
    Perk.PRODUCT_DECISIONS: "A label: the governance committee is drawn from the CORE layer, not from this perk.",
    Perk.PROFIT_SHARE: "A label: no payout reads it yet; operators pay profit shares by hand (creator payouts).",
}


def effect_of(perk: Perk) -> str:
    return EFFECTS[perk] or LABELS[perk]


def acts(perk: Perk) -> bool:
    return EFFECTS[perk] is not None
