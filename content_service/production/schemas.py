"""Old path of `content_service.schemas.production`, kept while the gateway still imports it from here."""

from content_service.schemas.production import *  # noqa: F403
