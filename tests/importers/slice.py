"""A shared dump as it stood when its N-th post was written: the same seven-file folder, each kept row byte for byte.

The real-dump tests import a slice, not the whole dump: what they prove (every member and post, engagement on
imported posts, votes on deleted posts refused, re-import, a newcomer's feed) holds as well on a hundred and fifty
posts, and the whole dumps are the import benchmark's (`python -m benchmarks.import_dump --dump NAME`).

The cut is a moment, T = the creation date of the N-th post (by date, then id): every post written by T; the
comments and votes made by T on those posts or on posts the whole dump lacks (deleted: refused by the import, as in
the whole dump); the users who joined by T or whom a kept row names (so no kept row names a user the slice lacks
and the dump has); the badges earned by T; the post links between kept posts. Each kept row is copied as its raw
line, so the byte-order mark, the line ends (CRLF or LF) and the escaping are the dump's own and the importer reads
a slice exactly as it reads a dump. Tags.xml is copied whole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FILES = ("Users.xml", "Posts.xml", "Comments.xml", "Votes.xml", "Badges.xml", "Tags.xml", "PostLinks.xml")
# Attributes of kept rows that name a user.
USER_REFERENCES = {
    "Posts.xml": ("OwnerUserId", "LastEditorUserId"),
    "Comments.xml": ("UserId",),
    "Votes.xml": ("UserId",),
}


@dataclass
class Slice:
    """Where the slice is, its cut and what it kept (ids as the dump writes them)."""

    folder: Path
    cut: str
    posts: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)


Lines = list[tuple[bytes, dict[str, str] | None]]


def read_lines(path: Path) -> Lines:
    """Each raw line of a dump file with its row's attributes, or None for a line that is not a row (one row a line,
    as the dumps are written; the attributes come from one parse of the whole file)."""
    with open(path, "rb") as handle:
        lines = handle.readlines()
    parsed = iter([dict(element.attrib) for _, element in ET.iterparse(path) if element.tag == "row"])
    found = [(line, next(parsed) if line.lstrip().startswith(b"<row") else None) for line in lines]
    assert next(parsed, None) is None, f"{path} has more than one row on a line"
    return found


def write_slice(dump: Path, target: Path, posts: int) -> Slice:
    """Write into `target` the slice of `dump` up to its `posts`-th post (by date, then id); returns what it kept."""
    files = {name: read_lines(dump / name) for name in FILES if (dump / name).exists()}

    def file_rows(name: str) -> list[dict[str, str]]:
        return [row for _, row in files.get(name, []) if row is not None]

    # The dump's ISO dates sort as text.
    dates = sorted((row["CreationDate"], int(row["Id"])) for row in file_rows("Posts.xml"))
    kept = Slice(target, dates[min(posts, len(dates)) - 1][0])

    def by_cut(row: dict[str, str]) -> bool:
        return row.get("CreationDate", "") <= kept.cut

    every_post = {row["Id"] for row in file_rows("Posts.xml")}
    kept.posts = {row["Id"] for row in file_rows("Posts.xml") if by_cut(row)}

    def on_kept_or_deleted_post(row: dict[str, str]) -> bool:
        # Votes carry a day, not a time: one dated the cut's day may be on a post written after the cut.
        return by_cut(row) and (row.get("PostId") in kept.posts or row.get("PostId") not in every_post)

    kept.users = {row["Id"] for row in file_rows("Users.xml") if by_cut(row)}
    for name, attributes in USER_REFERENCES.items():
        keep = by_cut if name == "Posts.xml" else on_kept_or_deleted_post
        for row in filter(keep, file_rows(name)):
            kept.users.update(row[a] for a in attributes if row.get(a))
    keeps: dict[str, Callable[[dict[str, str]], bool]] = {
        "Users.xml": lambda row: row.get("Id") in kept.users,
        "Posts.xml": by_cut,
        "Comments.xml": on_kept_or_deleted_post,
        "Votes.xml": on_kept_or_deleted_post,
        "Badges.xml": lambda row: row.get("UserId") in kept.users and row.get("Date", "") <= kept.cut,
        "Tags.xml": lambda row: True,
        "PostLinks.xml": lambda row: {row.get("PostId"), row.get("RelatedPostId")} <= kept.posts,
    }
    target.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        with open(target / name, "wb") as out:
            out.writelines(line for line, row in lines if row is None or keeps[name](row))
    return kept
