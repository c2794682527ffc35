"""`python -m content_service`: content_service alone on CONTENT_SERVICE_PORT (default 8102)."""

from billing_service.client import BillingClient
from content_service.app import create_app
from distribution_service.client import DistributionClient
from infra.runtime import resolved_settings, serve
from infra.settings import default_url
from users_service.client import UsersClient

if __name__ == "__main__":
    settings = resolved_settings()
    users = UsersClient(default_url(settings, "users"), internal_token=settings.internal_api_token)
    distribution = DistributionClient(default_url(settings, "distribution"), internal_token=settings.internal_api_token)
    billing = BillingClient(default_url(settings, "billing"), internal_token=settings.internal_api_token)
    app = create_app(settings, users=users, distribution=distribution, billing=billing)
    serve(app, host=settings.bind_host, port=settings.content_service_port, name="content_service")
