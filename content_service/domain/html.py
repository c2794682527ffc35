"""HTML bodies from other platforms, kept with their formatting and stripped of anything active."""

from __future__ import annotations

import nh3

# nh3 (Ammonia) keeps formatting tags (p, a, code, pre, lists, tables, img...) and drops scripts, styles,
# iframes, event handlers and javascript: links; links get rel="noopener noreferrer".


def sanitize_html(body: str) -> str:
    return nh3.clean(body)
