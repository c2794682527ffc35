"""Importers of real communities from other platforms, writing through the services' clients."""
