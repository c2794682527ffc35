"""`python -m users_service.ltv` (a hand-over to `users_service.commands.ltv`) and the old import path of the
LTV wire models, which live in `users_service.schemas`."""
