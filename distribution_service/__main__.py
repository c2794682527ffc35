"""`python -m distribution_service`: distribution_service alone on DISTRIBUTION_SERVICE_PORT (default 8103)."""

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.app import create_app
from infra.runtime import resolved_settings, serve
from infra.settings import default_url
from users_service.client import UsersClient

if __name__ == "__main__":
    settings = resolved_settings()
    content = ContentClient(default_url(settings, "content"), internal_token=settings.internal_api_token)
    users = UsersClient(default_url(settings, "users"), internal_token=settings.internal_api_token)
    billing = BillingClient(default_url(settings, "billing"), internal_token=settings.internal_api_token)
    app = create_app(settings, content=content, users=users, billing=billing)
    serve(app, host=settings.bind_host, port=settings.distribution_service_port, name="distribution_service")
