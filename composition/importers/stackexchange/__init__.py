"""`python -m composition.importers.stackexchange PATH --community SLUG [--json]`: import a Stack Exchange dump."""
