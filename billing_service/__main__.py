"""`python -m billing_service`: billing_service alone on BILLING_SERVICE_PORT (default 8104)."""

from billing_service.app import create_app
from infra.runtime import resolved_settings, serve

if __name__ == "__main__":
    settings = resolved_settings()
    serve(create_app(settings), host=settings.bind_host, port=settings.billing_service_port, name="billing_service")
