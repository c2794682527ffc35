"""A keyed event's `_id` is derived from its community and client id (store/event_keys.py); a write tells its own
stored events from another write's by its `write` id."""

from __future__ import annotations

from bson import ObjectId

from distribution_service.store.event_keys import WRITE, Stored, assign_ids, keyed_id, not_stored


def test_the_derived_id_names_the_community_and_the_client_id_and_nothing_else() -> None:
    one, other = ObjectId(), ObjectId()
    assert keyed_id((one, "k")) == keyed_id((one, "k"))
    assert len({keyed_id((one, "k")), keyed_id((other, "k")), keyed_id((one, "k2"))}) == 3


def test_keyed_events_get_their_derived_id_and_the_write_and_others_keep_or_get_a_fresh_one() -> None:
    community, write, given = ObjectId(), ObjectId(), ObjectId()
    keyed = {"community_id": community, "client_event_id": "k", "_id": ObjectId()}
    plain = {"community_id": community}
    kept = {"community_id": community, "_id": given}
    assign_ids([keyed, plain, kept], write)
    assert (keyed["_id"], keyed[WRITE]) == (keyed_id((community, "k")), write)
    assert isinstance(plain["_id"], ObjectId)
    assert WRITE not in plain
    assert kept["_id"] == given


def test_an_id_stored_by_this_write_is_neither_stored_again_nor_refused() -> None:
    community, write = ObjectId(), ObjectId()
    docs = [{"community_id": community, "client_event_id": k} for k in ("mine", "theirs", "new", "new", "old")]
    assign_ids(docs, write)
    stored = {
        (community, "mine"): Stored(keyed_id((community, "mine")), write),
        (community, "theirs"): Stored(keyed_id((community, "theirs")), ObjectId()),
        (community, "old"): Stored(ObjectId(), None),
    }
    fresh, refused = not_stored(docs, stored, write)
    assert fresh == [docs[2]]
    assert refused == [1, 3, 4]
