"""Old import path, kept while callers move to `users_service.schemas` (where every wire model lives)."""

from users_service.schemas.value import *  # noqa: F403
from users_service.schemas.value import __all__ as __all__
