"""`python -m content_service.templates.evaluate_tags`: the old name of `python -m content_service.evaluate_tags`."""

import runpy

if __name__ == "__main__":
    runpy.run_module("content_service.evaluate_tags", run_name="__main__", alter_sys=True)
