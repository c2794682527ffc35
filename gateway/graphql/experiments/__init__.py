"""Experiments through the gateway: design and steering (operators), a member's experimentFlags, readouts."""
