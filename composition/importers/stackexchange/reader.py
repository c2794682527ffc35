"""Streaming reads of a Stack Exchange dump file: one attribute dict per `<row/>`, memory flat whatever the size.

A byte-order mark and CRLF line ends are fine (the XML parser handles both). A file that breaks off or is not
well-formed ends its stream where the damage starts: the rows before it are kept and the damage is reported.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from infra.moments import as_utc


@dataclass
class FileState:
    """What reading one file found: rows yielded, and the parse error that stopped it, if any."""

    name: str
    rows: int = 0
    error: str | None = None


def read_rows(path: Path, state: FileState) -> Iterator[dict[str, str]]:
    """Each `<row>`'s attributes in file order; a parse error stops the stream and lands in `state.error`."""
    with open(path, "rb") as handle:
        events = ET.iterparse(handle, events=("start", "end"))
        root: ET.Element | None = None
        try:
            for event, element in events:
                if event == "start":
                    if root is None:
                        root = element
                    continue
                if element.tag != "row":
                    continue
                state.rows += 1
                yield dict(element.attrib)
                # Drop what was read, so a dump of any size parses in constant memory.
                element.clear()
                if root is not None:
                    root.clear()
        except ET.ParseError as exc:
            state.error = f"malformed XML after {state.rows} rows: {exc}"


def parse_id(value: str | None) -> int | None:
    """An integer id, or None when the attribute is missing or not a number."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def parse_date(value: str | None) -> datetime | None:
    """A dump date (`2010-08-25T19:50:51.187`, UTC without a zone) as an aware datetime; None if unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return as_utc(moment)


def parse_tags(value: str | None) -> list[str]:
    """`<bug><feature-request>` (older dumps) or `|bug|feature-request|` (newer ones) as a list."""
    if not value:
        return []
    text = value.replace("><", "|").strip("<>|")
    return [tag for tag in text.split("|") if tag]
