"""The health domain of the public schema: indicators with targets, status and trend, their history and alerts.

Operator-only; the values are computed by users_service (daily and on demand), never here.
"""

from gateway.graphql.health.mutations import HealthMutation
from gateway.graphql.health.queries import HealthQuery

__all__ = ["HealthMutation", "HealthQuery"]
