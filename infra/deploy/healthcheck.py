"""The image's health check: GET /readyz on the port of this container's ROLE; exit 0 when it answers 200.

A file of the image, not a module of the platform: it reads the same variables the process does, with the same
defaults (infra/settings.py), and needs nothing beyond the standard library.
"""

import os
import sys
import urllib.request

# ROLE -> (port variable, default port); roles that are commands have no port and are healthy while they run.
PORTS = {
    "gateway": ("GATEWAY_PORT", 8000),
    "worker": ("GATEWAY_PORT", 8000),
    "users": ("USERS_SERVICE_PORT", 8101),
    "content": ("CONTENT_SERVICE_PORT", 8102),
    "distribution": ("DISTRIBUTION_SERVICE_PORT", 8103),
    "billing": ("BILLING_SERVICE_PORT", 8104),
}


def main() -> int:
    role = os.environ.get("ROLE", "gateway")
    if role not in PORTS:
        return 0
    variable, default = PORTS[role]
    url = f"http://127.0.0.1:{os.environ.get(variable, default)}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
