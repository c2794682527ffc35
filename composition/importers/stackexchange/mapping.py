"""How Stack Exchange records become platform records: pure rules, no I/O."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

COMMUNITY_BOT_ID = -1
QUESTION, ANSWER = 1, 2
# What the other post types are, for the report of what was left out.
OTHER_POST_TYPES = {
    3: "orphaned tag wiki",
    4: "tag wiki excerpt",
    5: "tag wiki",
    6: "moderator nomination",
    7: "wiki placeholder",
    8: "privilege wiki",
}
# VoteTypeId -> platform event type; the other vote types are moderation and are not imported.
VOTE_EVENTS = {1: "ACCEPT", 2: "VOTE", 3: "DOWNVOTE", 5: "FAVORITE"}
VOTE_NAMES = {
    4: "offensive",
    6: "close",
    7: "reopen",
    8: "bounty start",
    9: "bounty close",
    10: "deletion",
    11: "undeletion",
    12: "spam",
    15: "moderator review",
    16: "approve edit suggestion",
}
MAX_HANDLE = 40
MAX_TITLE = 300
ANSWER_TITLE_PREFIX = "Answer: "


def handle_for(display_name: str, user_id: int) -> str:
    """A unique, readable handle: the display name folded to ASCII, with the source id appended."""
    folded = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode("ascii").lower()
    base = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "user"
    suffix = f"-{user_id}"
    return base[: MAX_HANDLE - len(suffix)].rstrip("-") + suffix


def display_name_for(display_name: str | None, user_id: int) -> str:
    name = " ".join((display_name or "").split())[:120]
    return name or f"user{user_id}"


def answer_title(question_title: str) -> str:
    """Answers have no title of their own: they carry their question's, marked."""
    return (ANSWER_TITLE_PREFIX + question_title)[:MAX_TITLE]


@dataclass(frozen=True)
class ExpertRule:
    """Top answerers by accepted answers become EXPERT.

    An answer counts when the asker accepted it and the asker is someone else (self-answers do not count).
    At least `min_accepted` such answers, and at most the `top` members with the most (the playbook invites the
    TOP-50 experts); ties at the cut-off are all in.
    """

    top: int = 50
    min_accepted: int = 3

    def experts(self, accepted_by_member: Counter[int]) -> set[int]:
        eligible = [(count, member) for member, count in accepted_by_member.items() if count >= self.min_accepted]
        if not eligible:
            return set()
        eligible.sort(reverse=True)
        cutoff = eligible[min(self.top, len(eligible)) - 1][0]
        return {member for count, member in eligible if count >= cutoff}
