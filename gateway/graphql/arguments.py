"""Argument descriptions shared by operator fields of every domain."""

from __future__ import annotations

import strawberry

# The input-field wording (users and billing inputs) and the argument wording (content queries) differ in the
# published schema; both stay as they are.
COMMUNITY_ARG = "Required with the admin key; an operator's token implies their community."
CommunityArg = strawberry.argument(description="Required with the admin key; an operator's token implies it.")
