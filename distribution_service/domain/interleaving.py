"""Team-draft interleaving (Radlinski, Kurup and Joachims, 2008): two rankers compared inside one list, each
member's clicks crediting the team that placed the item. Far fewer members are needed than for an A/B test of
the same rankers, because every member sees both."""

from __future__ import annotations

import random
from collections.abc import Sequence

TEAM_A = "A"
TEAM_B = "B"


def team_draft(a: Sequence[str], b: Sequence[str], k: int, seed: str) -> list[tuple[str, str]]:
    """Up to `k` items as (item, team): in each round the team with fewer picks (a coin flip on a tie, seeded by
    `seed` so a decision replays) adds its best item not yet taken."""
    rng = random.Random(seed)
    picked: list[tuple[str, str]] = []
    taken: set[str] = set()
    count = {TEAM_A: 0, TEAM_B: 0}
    lists = {TEAM_A: list(a), TEAM_B: list(b)}
    cursor = {TEAM_A: 0, TEAM_B: 0}

    def next_of(team: str) -> str | None:
        items = lists[team]
        while cursor[team] < len(items) and items[cursor[team]] in taken:
            cursor[team] += 1
        return items[cursor[team]] if cursor[team] < len(items) else None

    while len(picked) < k:
        if count[TEAM_A] < count[TEAM_B]:
            order = (TEAM_A, TEAM_B)
        elif count[TEAM_B] < count[TEAM_A]:
            order = (TEAM_B, TEAM_A)
        else:
            order = (TEAM_A, TEAM_B) if rng.random() < 0.5 else (TEAM_B, TEAM_A)
        for team in order:
            item = next_of(team)
            if item is not None:
                break
        else:
            break
        picked.append((item, team))
        taken.add(item)
        count[team] += 1
    return picked


def credit(teams: dict[str, str], clicked: set[str]) -> str | None:
    """Which team a decision prefers: the one whose items got more clicks; None on a tie (no clicks included)."""
    a = sum(1 for item in clicked if teams.get(item) == TEAM_A)
    b = sum(1 for item in clicked if teams.get(item) == TEAM_B)
    if a == b:
        return None
    return TEAM_A if a > b else TEAM_B
