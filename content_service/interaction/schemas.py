"""Old path of `content_service.schemas.interaction`, kept while the gateway still imports it from here."""

from content_service.schemas.interaction import *  # noqa: F403
