"""Old path of `content_service.schemas.incentives`, kept while the gateway still imports it from here."""

from content_service.schemas.incentives import *  # noqa: F403
