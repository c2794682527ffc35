"""`python -m users_service.ltv`: hands over to `users_service.commands.ltv`, where the command lives."""

import runpy

runpy.run_module("users_service.commands.ltv", run_name="__main__", alter_sys=True)
