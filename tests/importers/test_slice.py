"""The dump slicer the real-dump tests import (tests/importers/slice.py), on a hand-made dump: the cut, what is kept
and that kept rows are the dump's own bytes (byte-order mark, CRLF, escaping)."""

from __future__ import annotations

from pathlib import Path

from tests.importers.slice import write_slice

BOM = "\ufeff"
HEAD = f'{BOM}<?xml version="1.0" encoding="utf-8"?>\r\n'
FILES = {
    "Users.xml": [
        '<row Id="-1" CreationDate="2010-01-01T00:00:00.000" DisplayName="Community" />',
        '<row Id="1" CreationDate="2010-01-01T00:00:00.000" DisplayName="Ann &amp; co" />',
        '<row Id="2" CreationDate="2011-01-01T00:00:00.000" DisplayName="Late joiner, early voter" />',
        '<row Id="3" CreationDate="2011-01-01T00:00:00.000" DisplayName="Later" />',
    ],
    "Posts.xml": [
        '<row Id="10" PostTypeId="1" CreationDate="2010-02-01T09:00:00.000" OwnerUserId="1" Title="Q &lt;b&gt;" />',
        '<row Id="12" PostTypeId="2" ParentId="10" CreationDate="2010-02-02T10:00:00.000" OwnerUserId="-1" />',
        '<row Id="11" PostTypeId="2" ParentId="10" CreationDate="2010-02-02T10:00:00.000" OwnerUserId="1" />',
        '<row Id="13" PostTypeId="1" CreationDate="2010-02-02T18:00:00.000" OwnerUserId="3" Title="After" />',
    ],
    "Comments.xml": [
        '<row Id="1" PostId="10" CreationDate="2010-02-01T10:00:00.000" UserId="1" />',
        '<row Id="2" PostId="13" CreationDate="2010-02-02T19:00:00.000" UserId="1" />',
        '<row Id="3" PostId="99" CreationDate="2010-02-01T11:00:00.000" UserId="1" />',
    ],
    "Votes.xml": [
        '<row Id="1" PostId="10" VoteTypeId="5" UserId="2" CreationDate="2010-02-02T00:00:00.000" />',
        '<row Id="2" PostId="13" VoteTypeId="2" CreationDate="2010-02-02T00:00:00.000" />',
        '<row Id="3" PostId="99" VoteTypeId="2" CreationDate="2010-02-02T00:00:00.000" />',
        '<row Id="4" PostId="10" VoteTypeId="2" CreationDate="2010-02-03T00:00:00.000" />',
    ],
    "Badges.xml": [
        '<row Id="1" UserId="1" Name="Teacher" Date="2010-02-01T12:00:00.000" />',
        '<row Id="2" UserId="1" Name="Later" Date="2010-03-01T12:00:00.000" />',
        '<row Id="3" UserId="3" Name="Student" Date="2010-02-01T12:00:00.000" />',
    ],
    "PostLinks.xml": [
        '<row Id="1" PostId="11" RelatedPostId="10" CreationDate="2010-02-02T10:00:00.000" LinkTypeId="1" />',
        '<row Id="2" PostId="13" RelatedPostId="10" CreationDate="2010-02-02T18:00:00.000" LinkTypeId="1" />',
    ],
    "Tags.xml": ['<row Id="1" TagName="misc" Count="3" />'],
}


def write_dump(folder: Path) -> Path:
    for name, rows in FILES.items():
        root = name.removesuffix(".xml").lower()
        lines = [HEAD, f"<{root}>\r\n", *(f"  {row}\r\n" for row in rows), f"</{root}>"]
        (folder / name).write_bytes("".join(lines).encode())
    return folder


def kept_ids(path: Path) -> list[str]:
    return [line.split('Id="')[1].split('"')[0] for line in path.read_text(encoding="utf-8-sig").splitlines()[2:-1]]


def test_slice_is_the_dump_at_its_nth_post_and_keeps_every_row_as_the_dump_wrote_it(tmp_path: Path) -> None:
    (tmp_path / "dump").mkdir()
    dump = write_dump(tmp_path / "dump")
    part = write_slice(dump, tmp_path / "slice", posts=2)
    # Posts 11 and 12 share a moment: the cut is a moment, so both are in.
    assert (part.cut, part.posts) == ("2010-02-02T10:00:00.000", {"10", "11", "12"})
    assert kept_ids(part.folder / "Posts.xml") == ["10", "12", "11"]
    # The comment on a post after the cut is out; the one on a post the dump lacks (deleted) stays, to be refused.
    assert kept_ids(part.folder / "Comments.xml") == ["1", "3"]
    # A vote dated the cut's day stays unless its post is after the cut; one dated after the cut is out.
    assert kept_ids(part.folder / "Votes.xml") == ["1", "3"]
    # Joined by the cut, or named by a kept row (user 2 votes before joining); the bot is kept, user 3 is not.
    assert kept_ids(part.folder / "Users.xml") == ["-1", "1", "2"]
    assert kept_ids(part.folder / "Badges.xml") == ["1"]
    assert kept_ids(part.folder / "PostLinks.xml") == ["1"]
    assert (part.folder / "Tags.xml").read_bytes() == (dump / "Tags.xml").read_bytes()
    for name in FILES:
        whole, sliced = (dump / name).read_bytes().splitlines(True), (part.folder / name).read_bytes().splitlines(True)
        assert sliced[:2] == whole[:2]  # the byte-order mark, the declaration and the root, with their CRLF
        assert sliced[-1] == whole[-1]
        assert set(sliced) <= set(whole)
