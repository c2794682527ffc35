"""The gateway: the one public GraphQL endpoint. Schema, auth, limits, batching and error mapping; no business rules."""
