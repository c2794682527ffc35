"""Ranking: the `Ranker` interface and its implementations (the heuristic now, LightGBM next)."""
