"""The platform's short database timeouts apply unless the URI sets its own."""

from __future__ import annotations

from infra.mongo import CONNECT_TIMEOUT_MS, SERVER_SELECTION_TIMEOUT_MS, timeouts


def test_a_bare_uri_gets_the_short_defaults() -> None:
    assert timeouts("mongodb://db:27017/?replicaSet=rs0") == {
        "serverSelectionTimeoutMS": SERVER_SELECTION_TIMEOUT_MS,
        "connectTimeoutMS": CONNECT_TIMEOUT_MS,
    }


def test_an_option_in_the_uri_wins_whatever_its_case() -> None:
    assert timeouts("mongodb://db/?serverselectiontimeoutms=15000") == {"connectTimeoutMS": CONNECT_TIMEOUT_MS}
    assert timeouts("mongodb://db/?serverSelectionTimeoutMS=1&connectTimeoutMS=2") == {}
