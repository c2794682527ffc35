"""The import of one Stack Exchange dump folder into one community, in batches through the services' clients.

Order: a first look at Posts.xml (who has accepted answers: the experts), then members (Users.xml), questions,
answers (which need their question's id), then events: answering, comments (Comments.xml), votes, favourites and
acceptances (Votes.xml). Every record keeps its source id, so running the import again creates nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from composition.communities import get_or_create_community
from composition.importers.report import ImportReport, invalid, to_stderr
from composition.importers.stackexchange import mapping
from composition.importers.stackexchange.reader import FileState, parse_date, parse_id, parse_tags, read_rows
from composition.topology import Topology
from content_service.schemas import ContentImport, ContentImportBatch
from distribution_service.schemas import EventImport, EventImportBatch
from infra.bulk import MAX_IMPORT_BATCH, ImportOutcome
from infra.errors import ServiceError
from users_service.schemas import CommunityCreate, MemberImport, MemberImportBatch

SOURCE = "stackexchange"
PROGRESS_EVERY_ROWS = 5000
# Events held before they are sent, in batches: the window in which they are grouped by item.
HELD_BATCHES = 20
NOT_IMPORTED_FILES = ("Badges.xml", "Tags.xml", "PostLinks.xml")
# The import's steps, each ending with one `step()`: experts, users, questions, answers, comments, votes, tiers.
STEPS = 7


@dataclass(frozen=True)
class ImportOptions:
    name: str | None = None
    timezone: str = "UTC"
    batch_size: int = MAX_IMPORT_BATCH
    experts: mapping.ExpertRule = field(default_factory=mapping.ExpertRule)


@dataclass
class _Post:
    content_id: str
    owner: str | None  # member id of the author; None when deleted or the community bot
    title: str
    question: int | None = None  # for an answer, its question's source id


class StackExchangeImport:
    def __init__(
        self,
        services: Topology,
        folder: Path,
        slug: str,
        options: ImportOptions | None = None,
        progress: Callable[[str], None] = to_stderr,
        step: Callable[[], None] = lambda: None,
    ) -> None:
        self.services = services
        self.folder = folder
        self.slug = slug
        self.options = options or ImportOptions()
        self.progress = progress
        # Called as each of the STEPS ends: a progress bar's tick.
        self.step = step
        self.report = ImportReport(community=slug)
        self.community_id = ""
        self.members: dict[int, str] = {}
        self.posts: dict[int, _Post] = {}
        self._events: list[EventImport] = []

    async def run(self) -> ImportReport:
        self.community_id = await self._community()
        started = time.monotonic()
        experts = self.options.experts.experts(self._accepted_answers())
        self._finish("Posts.xml (experts)", started)
        self.step()
        steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("Users.xml", lambda: self._import_members(experts)),
            ("Posts.xml (questions)", lambda: self._import_posts(mapping.QUESTION)),
            ("Posts.xml (answers)", lambda: self._import_posts(mapping.ANSWER)),
            ("Comments.xml", self._import_comments),
            ("Votes.xml", self._import_votes),
        ]
        for label, step in steps:
            started = time.monotonic()
            await step()
            await self._flush_events()
            self._finish(label, started)
            self.step()
        for name in NOT_IMPORTED_FILES:
            if (self.folder / name).exists():
                self.report.files[name] = {"imported": False}
        await self._score()
        self.step()
        return self.report

    async def _score(self) -> None:
        """Run the tier job once, as of the history's last activity: else every member shows NEW and BASE."""
        started = time.monotonic()
        try:
            run = await self.services.users.recompute_tiers(self.community_id)
        except ServiceError as exc:
            self.progress(f"tiers: not computed ({exc.message}); run `python -m users_service.value recompute`")
            return
        as_of = f" as of {run.as_of:%Y-%m-%d}" if run.as_of else ""
        self.progress(f"tiers{as_of}: {run.members} members in {time.monotonic() - started:.2f}s")

    # Reading

    def _rows(self, name: str, *, label: str | None = None) -> Iterator[dict[str, str]]:
        path = self.folder / name
        label = label or name
        if not path.exists():
            self.report.files[label] = {"missing": True}
            return
        state = FileState(name)
        for row in read_rows(path, state):
            yield row
            if state.rows % PROGRESS_EVERY_ROWS == 0:
                self.progress(f"{label}: {state.rows} rows")
        self.report.files[label] = {"rows": state.rows}
        if state.error:
            self.report.files[label]["error"] = state.error
            self.progress(f"{label}: {state.error}")

    def _finish(self, label: str, started: float) -> None:
        """Record and show how long a file's step took, from its first row to its last write."""
        entry = self.report.files.setdefault(label, {"missing": True})
        if entry.get("missing"):
            self.progress(f"{label}: missing, skipped")
            return
        entry["seconds"] = round(time.monotonic() - started, 2)
        self.progress(f"{label}: {entry['rows']} rows in {entry['seconds']}s")

    # Community

    async def _community(self) -> str:
        name = self.options.name or f"{self.folder.name} (Stack Exchange)"
        community_in = CommunityCreate(slug=self.slug, name=name[:120], timezone=self.options.timezone)
        community, created = await get_or_create_community(self.services.users, community_in)
        if created:
            self.progress(f"community {self.slug}: created")
        return community.id

    # Experts: who wrote answers that someone else accepted

    def _accepted_answers(self) -> Counter[int]:
        answer_owner: dict[int, int] = {}
        accepted: list[tuple[int, int | None]] = []
        for row in self._rows("Posts.xml", label="Posts.xml (experts)"):
            post_type, owner = parse_id(row.get("PostTypeId")), parse_id(row.get("OwnerUserId"))
            if post_type == mapping.ANSWER and owner is not None:
                answer_owner[parse_id(row.get("Id")) or 0] = owner
            elif post_type == mapping.QUESTION and row.get("AcceptedAnswerId"):
                accepted.append((parse_id(row["AcceptedAnswerId"]) or 0, owner))
        counts: Counter[int] = Counter()
        for answer_id, asker in accepted:
            answerer = answer_owner.get(answer_id)
            if answerer is not None and answerer != asker and answerer != mapping.COMMUNITY_BOT_ID:
                counts[answerer] += 1
        return counts

    # Members

    async def _import_members(self, experts: set[int]) -> None:
        batch: list[MemberImport] = []
        seen: set[int] = set()
        for row in self._rows("Users.xml"):
            user_id = parse_id(row.get("Id"))
            source_id = f"user:{row.get('Id')}"
            if user_id is None:
                self.report.reject("members", "bad Id", source_id)
                continue
            if user_id == mapping.COMMUNITY_BOT_ID:
                self.report.ignore("members", "the Community bot (Id -1) is not a member")
                continue
            if user_id in seen:
                self.report.reject("members", "duplicate Id", source_id)
                continue
            seen.add(user_id)
            joined_at = parse_date(row.get("CreationDate"))
            if joined_at is None:
                self.report.reject("members", "bad CreationDate", source_id)
                continue
            reputation = parse_id(row.get("Reputation"))
            try:
                member_in = MemberImport(
                    source_id=f"user:{user_id}",
                    handle=mapping.handle_for(row.get("DisplayName") or "", user_id),
                    display_name=mapping.display_name_for(row.get("DisplayName"), user_id),
                    joined_at=joined_at,
                    last_seen_at=parse_date(row.get("LastAccessDate")),
                    reputation=max(0, reputation) if reputation is not None else None,
                    roles=["MEMBER", "EXPERT"] if user_id in experts else ["MEMBER"],
                )
            except ValidationError as exc:
                self.report.reject("members", invalid(exc), source_id)
                continue
            batch.append(member_in)
            if len(batch) >= self.options.batch_size:
                await self._send_members(batch)
                batch = []
        if batch:
            await self._send_members(batch)

    async def _send_members(self, batch: list[MemberImport]) -> None:
        result = await self.services.users.import_members(
            self.community_id, MemberImportBatch(source=SOURCE, members=batch)
        )
        self.report.add("members", result)
        for item in result.items:
            if item.id and item.outcome != ImportOutcome.REJECTED:
                self.members[int(item.source_id.removeprefix("user:"))] = item.id

    def _member_of(self, user_id_text: str | None) -> tuple[str | None, str | None]:
        """(member id, refusal): a missing id is a deleted user (no member, no refusal)."""
        if user_id_text is None or not user_id_text.strip():
            return None, None
        user_id = parse_id(user_id_text)
        if user_id == mapping.COMMUNITY_BOT_ID:
            return None, None
        if user_id is None or user_id not in self.members:
            return None, "does not exist"
        return self.members[user_id], None

    # Content

    async def _import_posts(self, post_type: int) -> None:
        label = "Posts.xml (questions)" if post_type == mapping.QUESTION else "Posts.xml (answers)"
        batch: list[tuple[int, ContentImport, str | None, int | None]] = []
        seen: set[int] = set()
        for row in self._rows("Posts.xml", label=label):
            kind = parse_id(row.get("PostTypeId"))
            if kind != post_type:
                if post_type == mapping.QUESTION and kind not in (mapping.QUESTION, mapping.ANSWER):
                    what = mapping.OTHER_POST_TYPES.get(kind or 0, "unknown")
                    self.report.ignore("content", f"post type {row.get('PostTypeId')} ({what}) is not imported")
                continue
            parsed = self._post(row, post_type, seen)
            if parsed is not None:
                batch.append(parsed)
            if len(batch) >= self.options.batch_size:
                await self._send_posts(batch)
                batch = []
        if batch:
            await self._send_posts(batch)

    def _post(
        self, row: dict[str, str], post_type: int, seen: set[int]
    ) -> tuple[int, ContentImport, str | None, int | None] | None:
        post_id = parse_id(row.get("Id"))
        source_id = f"post:{row.get('Id')}"
        if post_id is None:
            self.report.reject("content", "bad Id", source_id)
            return None
        if post_id in seen:
            self.report.reject("content", "duplicate Id", source_id)
            return None
        seen.add(post_id)
        created_at = parse_date(row.get("CreationDate"))
        if created_at is None:
            self.report.reject("content", "bad CreationDate", source_id)
            return None
        owner, refusal = self._member_of(row.get("OwnerUserId"))
        if refusal:
            self.report.reject("content", "owner does not exist", source_id)
            return None
        question: int | None = None
        if post_type == mapping.QUESTION:
            title = " ".join((row.get("Title") or "").split())
            if not title:
                self.report.reject("content", "question without a title", source_id)
                return None
            tags = parse_tags(row.get("Tags"))
            parent_id = None
        else:
            question = parse_id(row.get("ParentId"))
            parent = self.posts.get(question or 0)
            if parent is None or parent.question is not None:
                self.report.reject("content", "answer to a question that was not imported", source_id)
                return None
            title = mapping.answer_title(parent.title)
            tags = []
            parent_id = parent.content_id
        try:
            item = ContentImport(
                source_id=f"post:{post_id}",
                author_id=owner,
                kind="UGC",
                status="PUBLISHED",
                title=title[: mapping.MAX_TITLE],
                body=row.get("Body") or "",
                tags=tags,
                created_at=created_at,
                parent_id=parent_id,
            )
        except ValidationError as exc:
            self.report.reject("content", invalid(exc), source_id)
            return None
        return post_id, item, owner, question

    async def _send_posts(self, batch: list[tuple[int, ContentImport, str | None, int | None]]) -> None:
        items = [item for _, item, _, _ in batch]
        result = await self.services.content.import_content(
            self.community_id, ContentImportBatch(source=SOURCE, items=items)
        )
        self.report.add("content", result)
        for (post_id, item, owner, question), outcome in zip(batch, result.items, strict=True):
            if outcome.id is None:
                continue
            title = item.title if question is None else self.posts[question].title
            self.posts[post_id] = _Post(content_id=outcome.id, owner=owner, title=title, question=question)
            if question is not None:
                # Answering is engagement with the question, at the moment of the answer.
                self._add_event(f"answer:{post_id}", owner, self.posts[question].content_id, "ANSWER", item.created_at)
        await self._flush_events(partial=True)

    # Events

    def _add_event(self, source_id: str, member: str | None, content_id: str, kind: str, at: datetime) -> None:
        self._events.append(
            EventImport(source_id=source_id, member_id=member, content_id=content_id, type=kind, occurred_at=at)
        )

    async def _flush_events(self, *, partial: bool = False) -> None:
        """Send the held events sorted by item, once HELD_BATCHES batches are held (partial) or all of them.

        The service bumps an item's counters once per batch the item is in: sorted, an item's events share one or
        two batches instead of one in each (Votes.xml is in vote order: cardano's votes touch 3,688 item counters
        in file order, 2,155 sorted). What is stored is the same; memory stays bounded by the window.
        """
        size = self.options.batch_size
        if not self._events or (partial and len(self._events) < size * HELD_BATCHES):
            return
        held, self._events = sorted(self._events, key=lambda event: event.content_id), []
        for start in range(0, len(held), size):
            result = await self.services.distribution.import_events(
                self.community_id, EventImportBatch(source=SOURCE, events=held[start : start + size])
            )
            self.report.add("events", result)

    def _event_row(self, row: dict[str, str], seen: set[int], prefix: str) -> tuple[str, _Post, datetime] | None:
        """Checks shared by comments and votes: (source id, post, time), or None when the row is refused."""
        row_id = parse_id(row.get("Id"))
        source_id = f"{prefix}:{row.get('Id')}"
        if row_id is None:
            self.report.reject("events", "bad Id", source_id)
            return None
        if row_id in seen:
            self.report.reject("events", "duplicate Id", source_id)
            return None
        seen.add(row_id)
        at = parse_date(row.get("CreationDate"))
        if at is None:
            self.report.reject("events", "bad CreationDate", source_id)
            return None
        post = self.posts.get(parse_id(row.get("PostId")) or 0)
        if post is None:
            self.report.reject("events", "post was not imported (deleted, or rejected above)", source_id)
            return None
        return source_id, post, at

    async def _import_comments(self) -> None:
        seen: set[int] = set()
        for row in self._rows("Comments.xml"):
            checked = self._event_row(row, seen, "comment")
            if checked is None:
                continue
            source_id, post, at = checked
            if parse_id(row.get("UserId")) == mapping.COMMUNITY_BOT_ID:
                self.report.ignore("events", "comment by the Community bot")
                continue
            member, refusal = self._member_of(row.get("UserId"))
            if refusal:
                self.report.reject("events", "commenter does not exist", source_id)
                continue
            self._add_event(source_id, member, post.content_id, "COMMENT", at)
            await self._flush_events(partial=True)

    async def _import_votes(self) -> None:
        seen: set[int] = set()
        for row in self._rows("Votes.xml"):
            vote_type = parse_id(row.get("VoteTypeId"))
            kind = mapping.VOTE_EVENTS.get(vote_type or 0)
            if kind is None:
                name = mapping.VOTE_NAMES.get(vote_type or 0, "unknown")
                self.report.ignore("events", f"vote type {row.get('VoteTypeId')} ({name}) is not imported")
                continue
            checked = self._event_row(row, seen, "vote")
            if checked is None:
                continue
            source_id, post, at = checked
            member: str | None = None
            if kind == "ACCEPT":
                # The asker accepts: the member is the question's author, the item the accepted answer.
                if post.question is None:
                    self.report.reject("events", "accepted post is not an answer", source_id)
                    continue
                member = self.posts[post.question].owner
            elif kind == "FAVORITE":
                member, refusal = self._member_of(row.get("UserId"))
                if refusal:
                    self.report.reject("events", "voter does not exist", source_id)
                    continue
            self._add_event(source_id, member, post.content_id, kind, at)
            await self._flush_events(partial=True)


async def import_dump(
    services: Topology, folder: Path, slug: str, options: ImportOptions | None = None, **kwargs: Any
) -> ImportReport:
    return await StackExchangeImport(services, folder, slug, options, **kwargs).run()
