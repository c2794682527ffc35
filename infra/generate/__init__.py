"""`python -m infra.generate`: the old path of `python -m composition.generate`."""
