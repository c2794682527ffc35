"""Partner API keys at the edge: resolving a key, the scope each root field needs, and per-key budgets."""
