"""Hands the old command path over to `composition.importers.stackexchange` at run time.

By name, not by import: infra sits below the services and must not import the layer above them.
"""

import runpy

runpy.run_module("composition.importers.stackexchange", run_name="__main__", alter_sys=True)
