"""`python -m distribution_service.slots run ...`: hands over to distribution_service/service/slots_command.py."""

import runpy

if __name__ == "__main__":
    runpy.run_module("distribution_service.service.slots_command", run_name="__main__", alter_sys=True)
