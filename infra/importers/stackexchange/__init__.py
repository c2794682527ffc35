"""`python -m infra.importers.stackexchange`: the old path of `python -m composition.importers.stackexchange`."""
