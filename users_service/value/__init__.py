"""`python -m users_service.value` (a hand-over to `users_service.commands.value`) and the old import path of
the member-value wire models, which live in `users_service.schemas`."""
