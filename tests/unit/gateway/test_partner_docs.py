"""The GraphQL documents in docs/partners.md are valid against the schema, so the quick start does not rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from gateway.schema import build_schema

DOC = Path(__file__).resolve().parents[3] / "docs" / "partners.md"
TEXT = DOC.read_text()
# curl bodies: "query": "...", and the Python example's PAGE = """...""".
DOCUMENTS = re.findall(r'"query": "((?:[^"\\]|\\.)*)"', TEXT) + re.findall(r'PAGE = """(.*?)"""', TEXT, re.S)


def test_the_guide_carries_its_examples() -> None:
    assert len(DOCUMENTS) >= 3


@pytest.mark.parametrize("document", DOCUMENTS)
def test_each_example_validates(document: str) -> None:
    assert validate(build_schema()._schema, parse(document)) == []
