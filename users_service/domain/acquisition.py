"""Acquisition channels: where a sign-up came from and what each channel costs."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    # The playbook's "golden triangle" (search, social, vertical forums), plus referral and partner sign-ups.
    SEARCH = "SEARCH"
    SOCIAL = "SOCIAL"
    VERTICAL_FORUM = "VERTICAL_FORUM"
    REFERRAL = "REFERRAL"
    PARTNER = "PARTNER"
    OTHER = "OTHER"
