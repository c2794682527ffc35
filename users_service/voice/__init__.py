"""Old import path of users_service's voice wire models; they live in `users_service.schemas`."""
