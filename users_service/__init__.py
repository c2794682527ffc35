"""users_service: communities (tenants), members, roles, and later value tiers, RFM, NPS and governance."""
