"""`python -m billing_service`: billing_service alone on BILLING_SERVICE_PORT (default 8104)."""

from billing_service.app import create_app
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.runtime import resolved_settings, serve
from infra.settings import default_url
from users_service.client import UsersClient

if __name__ == "__main__":
    settings = resolved_settings()
    token = settings.internal_api_token
    users = UsersClient(default_url(settings, "users"), internal_token=token)
    distribution = DistributionClient(default_url(settings, "distribution"), internal_token=token)
    content = ContentClient(default_url(settings, "content"), internal_token=token)
    app = create_app(settings, users=users, distribution=distribution, content=content)
    serve(app, host=settings.bind_host, port=settings.billing_service_port, name="billing_service")
