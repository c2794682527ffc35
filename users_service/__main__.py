"""`python -m users_service`: users_service alone on USERS_SERVICE_PORT (default 8101)."""

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.runtime import resolved_settings, serve
from infra.settings import default_url
from users_service.app import create_app

if __name__ == "__main__":
    settings = resolved_settings()
    token = settings.internal_api_token
    app = create_app(
        settings,
        distribution=DistributionClient(default_url(settings, "distribution"), internal_token=token),
        billing=BillingClient(default_url(settings, "billing"), internal_token=token),
        content=ContentClient(default_url(settings, "content"), internal_token=token),
    )
    serve(
        app,
        host=settings.bind_host,
        port=settings.users_service_port,
        name="users_service",
    )
