"""Old path of `content_service.schemas.moderation`, kept while the gateway still imports it from here."""

from content_service.schemas.moderation import *  # noqa: F403
