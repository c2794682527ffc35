"""Plumbing shared by every service and the gateway: settings, MongoDB, HTTP clients, logging, metrics."""
