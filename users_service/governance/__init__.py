"""Self-governance: the user committee (core layer), the expert panel, and proposals from idea to feedback."""
