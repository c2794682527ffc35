"""`python -m users_service.value`: a hand-over to `users_service.commands.value`."""
