"""The paywall's pure rules: who reads a gated body, which requirements make sense, what the preview shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from content_service.domain.access import (
    EVERYTHING,
    NOBODY,
    PREVIEW_WINDOW,
    ContentAccess,
    Entitlements,
    Requirement,
    is_locked,
    preview_text,
    requirement_problem,
)
from content_service.schemas.access import ANONYMOUS_VIEWER, ViewerRef
from infra.errors import BadInputError

PAID = Requirement(ContentAccess.PAID)
GOLD_ONLY = Requirement(ContentAccess.PAID, plan_ids=frozenset({"gold"}))
MEMBERS_CORE = Requirement(ContentAccess.MEMBERS, min_tier="CORE")
MEMBER = Entitlements(member_id="m", tier="NEW")
SILVER = Entitlements(member_id="m", paid=True, plan_ids=frozenset({"silver"}), tier="CORE")
NOW = datetime(2026, 12, 6, tzinfo=UTC)
EARLY = Requirement(early_access_until=NOW + timedelta(hours=2))
OVER = Requirement(early_access_until=NOW - timedelta(seconds=1))
EARLY_PAID = Requirement(ContentAccess.PAID, early_access_until=NOW + timedelta(hours=2))
FIRST = Entitlements(member_id="m", tier="CORE", early_access=True)


@pytest.mark.parametrize(
    ("requirement", "viewer", "locked"),
    [
        (Requirement(), NOBODY, False),
        (Requirement(ContentAccess.MEMBERS), NOBODY, True),
        (Requirement(ContentAccess.MEMBERS), MEMBER, False),
        (PAID, MEMBER, True),
        (PAID, SILVER, False),
        (GOLD_ONLY, SILVER, True),
        (MEMBERS_CORE, MEMBER, True),
        (MEMBERS_CORE, SILVER, False),
        (GOLD_ONLY, EVERYTHING, False),
    ],
)
def test_who_reads_a_body(requirement: Requirement, viewer: Entitlements, locked: bool) -> None:
    assert is_locked(requirement, author_id="author", viewer=viewer, now=NOW) is locked


def test_the_author_reads_their_own_piece_without_paying() -> None:
    assert is_locked(GOLD_ONLY, author_id="m", viewer=MEMBER, now=NOW) is False


@pytest.mark.parametrize(
    ("requirement", "viewer", "locked"),
    [
        (EARLY, MEMBER, True),  # in the window, a layer without EARLY_ACCESS gets the teaser
        (EARLY, FIRST, False),
        (EARLY, NOBODY, True),
        (EARLY, EVERYTHING, False),
        (OVER, MEMBER, False),  # the window is over: the requirement alone (PUBLIC)
        (EARLY_PAID, FIRST, True),  # early access adds to the requirement, it does not replace it
    ],
)
def test_early_access_goes_to_layers_granting_it_until_the_window_ends(
    requirement: Requirement, viewer: Entitlements, locked: bool
) -> None:
    assert is_locked(requirement, author_id="author", viewer=viewer, now=NOW) is locked
    assert requirement.gated_at(NOW) is (requirement.early_at(NOW) or not requirement.is_public)


@pytest.mark.parametrize(
    ("requirement", "field"),
    [
        (Requirement(ContentAccess.PUBLIC, min_tier="CORE"), "minTier"),
        (Requirement(ContentAccess.MEMBERS, plan_ids=frozenset({"gold"})), "planIds"),
        (Requirement(ContentAccess.PAID, min_tier="GOLDEN"), "minTier"),
    ],
)
def test_a_requirement_that_makes_no_sense_names_its_field(requirement: Requirement, field: str) -> None:
    problem = requirement_problem(requirement)
    assert problem is not None
    assert problem[0] == field


def test_an_automatic_preview_of_a_gated_piece_shows_at_most_half_its_text() -> None:
    assert preview_text(excerpt=None, body="<p>one two</p> three four", chars=280, gated=True) == "one two…"
    assert preview_text(excerpt=None, body="one two three four", chars=280, gated=False) == "one two three four"
    assert preview_text(excerpt="Teaser", body="anything", chars=5, gated=True) == "Teaser"


def test_a_remembered_teaser_is_the_one_made_for_that_text_length_and_gate() -> None:
    """Teasers are remembered by the body's opening, the length and the gate: asking again (a feed's cards, request
    after request) answers the same, and a gated piece never gets the ungated teaser of the same text."""
    body = "<p>" + " ".join(f"word{i}" for i in range(40)) + "</p>"
    open_teaser = preview_text(excerpt=None, body=body, chars=60, gated=False)
    gated_teaser = preview_text(excerpt=None, body=body, chars=60, gated=True)
    assert open_teaser.startswith("word0 word1")
    assert open_teaser.endswith("…")
    assert len(open_teaser) <= 61
    equal_text = "".join(list(body))  # another string object with the same text
    assert preview_text(excerpt=None, body=equal_text, chars=60, gated=False) == open_teaser
    assert preview_text(excerpt=None, body=body, chars=60, gated=True) == gated_teaser
    assert preview_text(excerpt=None, body="one two", chars=60, gated=True) == "one…"
    assert preview_text(excerpt=None, body="one two", chars=60, gated=False) == "one two"
    # Bodies longer than the window are read (and remembered) by their opening only.
    long_body = "x " * PREVIEW_WINDOW + "tail"
    assert preview_text(excerpt=None, body=long_body, chars=10, gated=False) == "x x x x x…"


def test_viewers_cross_the_wire_and_a_missing_one_reads_as_anonymous() -> None:
    member = ViewerRef.member("5f0000000000000000000001")
    assert ViewerRef.parse(member.to_wire()) == member
    assert ViewerRef.parse(None) == ANONYMOUS_VIEWER
    with pytest.raises(BadInputError, match="viewer: unknown kind root"):
        ViewerRef.parse("root")
