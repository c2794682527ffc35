"""Lifetime value: a per-community model of each member's value over the next 12 months."""
