"""Old path of `content_service.schemas.crisis`, kept while the gateway still imports it from here."""

from content_service.schemas.crisis import *  # noqa: F403
