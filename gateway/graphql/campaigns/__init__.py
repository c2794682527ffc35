"""The campaigns domain of the public schema: check-in → tasks → share campaigns and their rewards.

Participation and rewards are users_service's, cash moves through billing's ledger; resolvers only call clients.
"""

from gateway.graphql.campaigns.mutations import CampaignMutation
from gateway.graphql.campaigns.offline import OfflineEventMutation, OfflineEventQuery
from gateway.graphql.campaigns.queries import CampaignQuery

__all__ = ["CampaignMutation", "CampaignQuery", "OfflineEventMutation", "OfflineEventQuery"]
