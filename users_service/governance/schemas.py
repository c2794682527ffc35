"""Old import path, kept while callers move to `users_service.schemas` (where every wire model lives)."""

from users_service.schemas.governance import *  # noqa: F403
from users_service.schemas.governance import __all__ as __all__
