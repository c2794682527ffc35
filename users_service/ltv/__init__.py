"""`python -m users_service.ltv`: a hand-over to `users_service.commands.ltv`."""
