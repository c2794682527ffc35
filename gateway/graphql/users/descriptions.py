"""Descriptions of the users schema, by schema coordinate (applied by gateway.graphql.descriptions)."""

DESCRIPTIONS: dict[str, str] = {}
