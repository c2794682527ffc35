"""Old path of `content_service.schemas.templates`, kept while the gateway still imports it from here."""

from content_service.schemas.templates import *  # noqa: F403
