"""Moved to `composition.importers`; only the old command path is kept here."""
