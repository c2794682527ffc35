"""`python -m infra.importers.stackexchange PATH --community SLUG [--json]`: import a Stack Exchange dump."""
