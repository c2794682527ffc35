"""`python -m users_service.value`: hands over to `users_service.commands.value`, where the command lives."""

import runpy

runpy.run_module("users_service.commands.value", run_name="__main__", alter_sys=True)
