"""Acquisition: sign-ups per channel, CAC per channel from recorded spend, and trial programs measured."""
