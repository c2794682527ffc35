"""Old import path of users_service's acquisition wire models; they live in `users_service.schemas`."""
