"""Old import path of users_service's governance wire models; they live in `users_service.schemas`."""
