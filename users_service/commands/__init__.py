"""users_service's command-line tools (`python -m users_service.value ...`, `python -m users_service.ltv ...`)."""
