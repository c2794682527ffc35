"""Descriptions of the content schema, by schema coordinate (applied by gateway.graphql.descriptions)."""

DESCRIPTIONS: dict[str, str] = {}
