"""Kept documents under a change stamp (infra/kept_docs.py with infra/change_stamps.py): a document answers only
under the stamp that was current when it was read, and never past the kept documents' maximum age."""

from __future__ import annotations

from bson import ObjectId

from infra.kept_docs import KeptDocs

COMMUNITY = ObjectId()
MEMBER = ObjectId()


def kept_at(now: list[float]) -> KeptDocs:
    kept = KeptDocs(ttl_seconds=600.0)
    kept.clock = lambda: now[0]
    return kept


def test_a_document_answers_under_its_stamp_only() -> None:
    now = [100.0]
    kept = kept_at(now)
    first, second = ObjectId(), ObjectId()
    kept.keep(COMMUNITY, [{"_id": MEMBER, "roles": ["MEMBER"]}], kept.started(), stamp=first)
    now[0] += 300.0
    # when / then
    assert kept.get(COMMUNITY, [MEMBER], stamp=first) == {MEMBER: {"_id": MEMBER, "roles": ["MEMBER"]}}
    assert kept.get(COMMUNITY, [MEMBER], stamp=second) == {}
    assert kept.get(COMMUNITY, [MEMBER]) == {}


def test_a_stamped_document_still_ages_out() -> None:
    now = [100.0]
    kept = kept_at(now)
    stamp = ObjectId()
    kept.keep(COMMUNITY, [{"_id": MEMBER}], kept.started(), stamp=stamp)
    # when
    now[0] += 600.0
    # then
    assert kept.get(COMMUNITY, [MEMBER], stamp=stamp) == {}


def test_a_write_through_this_process_voids_a_stamped_document_at_once() -> None:
    now = [100.0]
    kept = kept_at(now)
    stamp = ObjectId()
    kept.keep(COMMUNITY, [{"_id": MEMBER}], kept.started(), stamp=stamp)
    now[0] += 1.0
    # when
    kept.written(COMMUNITY)
    # then
    assert kept.get(COMMUNITY, [MEMBER], stamp=stamp) == {}
