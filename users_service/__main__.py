"""`python -m users_service`: users_service alone on USERS_SERVICE_PORT (default 8101)."""

from infra.runtime import resolved_settings, serve
from users_service.app import create_app

if __name__ == "__main__":
    settings = resolved_settings()
    serve(create_app(settings), host=settings.bind_host, port=settings.users_service_port, name="users_service")
