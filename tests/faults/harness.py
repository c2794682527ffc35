"""The platform as separate processes on loopback, faults to inject, and a client that records every acknowledgement.

Shared by the fault suite (tests/faults, which asserts counts) and `python -m benchmarks.faults` (which also
prints seconds). The database is the embedded server as the platform runs it (`infra.embedded.acquire`: on disk,
supervised, started again on its port when it dies); each service is `python -m <package>`, started again with
the same command when it dies, as the compose file's `restart: unless-stopped` does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from bson import ObjectId
from pymongo import MongoClient

from infra import embedded
from infra.embedded import free_port
from infra.outbox import PENDING
from infra.processes import answers, stop_all, wait_ready
from infra.settings import Settings
from tests.factories import ADMIN_KEY, JWT_SECRET, Api, Member, create_community, grant, publish, register
from tests.process_env import REPO, process_env, service_addresses

SERVICES = ("users", "content", "distribution", "billing")
INTERNAL_TOKEN = "faults-internal-token-0123456789abcdef"
PURCHASE = "mutation($i: PurchaseInput!) { purchase(input: $i) { id status } }"
CREATE_PRODUCT = "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }"
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok duplicate } }"
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 3) { decisionId } }"
VIEW_PAUSE_SECONDS = 0.2
TRIAL_BALANCE = "query { trialBalance { totalDebits totalCredits } }"


@dataclass
class Service:
    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Platform:
    """Four services and a gateway as processes over one supervised embedded database; `kill` is `kill -9`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.var = root / "var"
        self.uri, server = embedded.acquire(self.var)
        assert server is not None, "a fresh folder: this platform owns its database"
        self.database = server
        self.prefix = "faults"
        names = (*SERVICES, "gateway")
        self.services = {name: Service(name, free_port(), root / f"{name}.log") for name in names}
        self.env = process_env(
            self.uri,
            self.prefix,
            self.var,
            INTERNAL_API_TOKEN=INTERNAL_TOKEN,
            RATE_LIMITS_ENABLED="false",
            GATEWAY_PORT=str(self.services["gateway"].port),
            **service_addresses({name: self.services[name].port for name in SERVICES}, SERVICES),
        )
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._restart_dead, name="restart-unless-stopped", daemon=True)

    @property
    def gateway(self) -> str:
        return self.services["gateway"].url

    def start(self) -> None:
        for service in self.services.values():
            self._spawn(service)
        for service in self.services.values():
            self.wait_ready(service.name)
        self._watcher.start()

    def _spawn(self, service: Service) -> None:
        package = "gateway" if service.name == "gateway" else f"{service.name}_service"
        with open(service.log, "ab") as out:
            service.process = subprocess.Popen(
                [sys.executable, "-m", package], cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        service.starts += 1

    def _restart_dead(self) -> None:
        while not self._stopping.wait(0.1):
            for service in self.services.values():
                if service.process is not None and service.process.poll() is not None and not self._stopping.is_set():
                    self._spawn(service)

    def ready(self, name: str) -> bool:
        return answers(self.services[name].url)

    def wait_ready(self, name: str, timeout: float = 180.0) -> None:
        # no process to watch: a killed service is started again by the watcher
        wait_ready(self.services[name].url, log=self.services[name].log, timeout=timeout, interval=0.1)

    def kill(self, name: str) -> None:
        """`kill -9` of a service, or of the database (`name="database"`); the platform starts it again."""
        process = self.database.process if name == "database" else self.services[name].process
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join(timeout=2)
        stop_all(service.process for service in self.services.values() if service.process is not None)
        embedded.release(self.var, self.database)

    def db(self, service: str) -> Any:
        client: MongoClient[dict[str, Any]] = MongoClient(self.uri, serverSelectionTimeoutMS=20_000)
        return client, client[f"{self.prefix}_{service}"]


def api_on(http: httpx.AsyncClient) -> Api:
    return Api(http, None, Settings(app_env="test", jwt_secret=JWT_SECRET, platform_admin_key=ADMIN_KEY))


@dataclass
class Community:
    id: str
    operator: Member
    members: list[Member]
    product: str
    piece: str


async def community(api: Api, slug: str, members: int) -> Community:
    community_id = await create_community(api, slug)
    operator = await register(api, slug, "olga")
    await grant(api, community_id, "olga", "OPERATOR")
    people = [await register(api, slug, f"m{i}") for i in range(members)]
    data = await api.data(
        CREATE_PRODUCT,
        {"i": {"name": "Course", "kind": "COURSE", "priceCents": 1000, "currency": "CNY"}},
        token=operator.token,
    )
    piece = await publish(api, operator, "Seed piece")
    return Community(community_id, operator, people, data["createProduct"]["id"], piece)


@dataclass
class Acks:
    """What the clients were told: each write's key and when it was acknowledged, failures by code."""

    payments: dict[str, str] = field(default_factory=dict)  # idempotency key -> payment id
    events: dict[str, str] = field(default_factory=dict)  # clientEventId -> the token it was sent with
    content: list[str] = field(default_factory=list)  # content id
    # Feeds answered (decision ids): their impressions are counted from the decision's outbox entry. Not a kind of
    # `times`: recovery and stall are about writes a client was told are stored.
    feeds: list[str] = field(default_factory=list)
    times: dict[str, list[float]] = field(default_factory=lambda: {"payment": [], "event": [], "content": []})
    failures: Counter[str] = field(default_factory=Counter)

    def ack(self, kind: str) -> None:
        self.times[kind].append(time.monotonic())

    def first_after(self, kind: str, moment: float) -> float | None:
        return next((t for t in self.times[kind] if t > moment), None)


def error_codes(body: dict[str, Any]) -> list[str]:
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]


class Load:
    """Writers in a loop until stopped: purchases (one key per attempt until acknowledged), recordEvent with a
    clientEventId (the same id again until acknowledged) and publishContent; each acknowledgement recorded."""

    def __init__(self, api: Api, place: Community, acks: Acks, tag: str) -> None:
        self.api = api
        self.place = place
        self.acks = acks
        self.tag = tag
        self.stop = asyncio.Event()

    async def _post(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any] | None:
        try:
            body = await self.api.post(query, variables, token=token)
        except (httpx.HTTPError, ValueError):
            self.acks.failures["TRANSPORT"] += 1
            await asyncio.sleep(0.05)
            return None
        codes = error_codes(body)
        if codes:
            self.acks.failures.update(codes)
            await asyncio.sleep(0.05)
            return None
        data: dict[str, Any] = body["data"]
        return data

    async def payer(self, member: Member, n: int) -> None:
        i = 0
        while not self.stop.is_set():
            key = f"{self.tag}-{member.handle}-{n}-{i}"
            data = await self._post(
                PURCHASE, {"i": {"productId": self.place.product, "idempotencyKey": key}}, member.token
            )
            if data is not None and data["purchase"]["status"] == "SUCCEEDED":
                self.acks.payments[key] = data["purchase"]["id"]
                self.acks.ack("payment")
                i += 1

    async def reader(self, member: Member, n: int) -> None:
        i = 0
        while not self.stop.is_set():
            event_id = f"{self.tag}-{member.handle}-{n}-{i}"
            variables = {"i": {"contentId": self.place.piece, "type": "OPEN", "clientEventId": event_id}}
            data = await self._post(RECORD, variables, member.token)
            if data is not None and data["recordEvent"]["ok"]:
                self.acks.events[event_id] = member.token
                self.acks.ack("event")
                i += 1

    async def author(self, member: Member) -> None:
        i = 0
        while not self.stop.is_set():
            variables = {"input": {"title": f"{self.tag} {i}", "body": "body", "kind": "UGC", "tags": []}}
            data = await self._post(
                "mutation($input: PublishContentInput!) { publishContent(input: $input) { id } }",
                variables,
                member.token,
            )
            if data is not None:
                self.acks.content.append(data["publishContent"]["id"])
                self.acks.ack("content")
                i += 1

    async def viewer(self, member: Member) -> None:
        while not self.stop.is_set():
            data = await self._post(FEED, {}, member.token)
            if data is not None:
                self.acks.feeds.append(data["feed"]["decisionId"])
            # A feed now and then, not back to back: a feed costs tens of CPU-ms, and a viewer in a tight loop took
            # the core the killed process restarts on (the billing kill went from 18 s to 44 s).
            await asyncio.sleep(VIEW_PAUSE_SECONDS)

    def tasks(self) -> list[asyncio.Task[None]]:
        members = self.place.members
        work = [self.payer(m, 0) for m in members]
        work += [self.reader(m, 0) for m in members[:2]]
        work += [self.author(members[-1])]
        work += [self.viewer(members[-1])]
        return [asyncio.create_task(w) for w in work]


@dataclass
class Verdict:
    """What was stored of what was acknowledged, read back from the databases and through the API."""

    acknowledged: int
    stored: int
    duplicated: int
    unbalanced: int
    outbox_pending: int
    replays_not_duplicate: int
    # Served impressions (counted decisions' shown items) against the item counters' IMPRESSION counts, once the
    # ingest worker drained: counted more than shown, and shown but not counted.
    impressions_counted_twice: int = 0
    impressions_uncounted: int = 0

    @property
    def lost(self) -> int:
        return self.acknowledged - self.stored


REPLAY_ATTEMPTS = 10


async def verdict(platform: Platform, api: Api, place: Community, acks: Acks) -> Verdict:
    client, billing = platform.db("billing")
    content_client, content = platform.db("content")
    try:
        paid = {p["_id"]: p for p in billing.payments.find({"status": "SUCCEEDED"})}
        stored_payments = sum(1 for pid in acks.payments.values() if any(str(k) == pid for k in paid))
        keys = Counter(p["key"] for p in billing.payments.find({}, {"key": 1}))
        invoices = Counter(str(i.get("payment_id")) for i in billing.invoices.find({"payment_id": {"$ne": None}}))
        duplicated = sum(n - 1 for n in keys.values() if n > 1) + sum(n - 1 for n in invoices.values() if n > 1)
        ids = {str(d["_id"]) for d in content.content.find({}, {"_id": 1})}
        stored_content = sum(1 for cid in acks.content if cid in ids)
        pending = content.outbox.count_documents({"status": PENDING})
        for _ in range(400):  # bounded: an event claimed when the crash came is due again after the claim's lease
            if pending == 0:
                break
            await asyncio.sleep(0.1)
            pending = content.outbox.count_documents({"status": PENDING})
    finally:
        client.close()
        content_client.close()

    async def replay(event_id: str, token: str) -> dict[str, Any]:
        """The replay's answer; an error (a service still warming up, a budget) is retried as a client would: only
        an answer decides, and `duplicate: false` would mean the acknowledged event was not stored."""
        variables = {"i": {"contentId": place.piece, "type": "OPEN", "clientEventId": event_id}}
        body: dict[str, Any] = {}
        for attempt in range(REPLAY_ATTEMPTS):
            try:
                body = await api.post(RECORD, variables, token=token)
            except httpx.TransportError:  # a connection the restart cut: retried like an error answer
                body = {}
            if (body.get("data") or {}).get("recordEvent") is not None:
                return body
            await asyncio.sleep(0.2 * (attempt + 1))
        return body

    replays = await asyncio.gather(*(replay(event_id, token) for event_id, token in acks.events.items()))
    not_duplicate = sum(
        1 for body in replays if (body.get("data") or {}).get("recordEvent", {}).get("duplicate") is not True
    )
    twice, uncounted, waiting = await impressions_verdict(platform, place)
    balance = (await api.data(TRIAL_BALANCE, token=place.operator.token))["trialBalance"]
    acknowledged = len(acks.payments) + len(acks.events) + len(acks.content)
    stored = stored_payments + stored_content + (len(acks.events) - not_duplicate)
    return Verdict(
        acknowledged=acknowledged,
        stored=stored,
        duplicated=duplicated,
        unbalanced=abs(balance["totalDebits"] - balance["totalCredits"]),
        outbox_pending=pending + waiting,
        replays_not_duplicate=not_duplicate,
        impressions_counted_twice=twice,
        impressions_uncounted=uncounted,
    )


async def impressions_verdict(platform: Platform, place: Community) -> tuple[int, int, int]:
    """Once distribution's outbox drained (bounded): impressions counted twice, left uncounted, and the outbox
    entries still waiting. The fault load records no IMPRESSION event itself: every count is a served one."""
    client, db = platform.db("distribution")
    try:
        waiting = db.event_outbox.count_documents({})
        for _ in range(400):
            if waiting == 0:
                break
            await asyncio.sleep(0.1)
            waiting = db.event_outbox.count_documents({})
        community = ObjectId(place.id)
        shown = sum(
            len(d.get("shown", []))
            for d in db.decisions.find({"community_id": community, "impressions_counted": True}, {"shown": 1})
        )
        counted = sum(
            int(d.get("counts", {}).get("IMPRESSION", 0))
            for d in db.item_stats.find({"community_id": community}, {"counts": 1})
        )
        stored = db.events.count_documents({"community_id": community, "type": "IMPRESSION"})
    finally:
        client.close()
    return max(counted - shown, 0) + stored, max(shown - counted, 0), waiting


async def wait_until(check: Any, within: float = 180.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not recovered within {within}s")


@dataclass
class Fault:
    """One kill under load: what was acknowledged, and when (monotonic seconds) it was killed and ready again."""

    target: str
    acks: Acks
    killed_at: float
    ready_at: float

    def recovery_seconds(self) -> float:
        """Kill to the first acknowledged write of each kind afterwards (the slowest kind)."""
        firsts = [self.acks.first_after(kind, self.killed_at) for kind in self.acks.times]
        return max((t or self.killed_at) - self.killed_at for t in firsts)

    def stall_seconds(self) -> float:
        """Target ready again to the first acknowledged write of each kind: the delay beyond the restart itself,
        which a transaction the dead process left open would make."""
        firsts = [self.acks.first_after(kind, self.ready_at) for kind in self.acks.times]
        return max(max((t or self.ready_at) - self.ready_at, 0.0) for t in firsts)


def all_ready(platform: Platform) -> bool:
    return all(platform.ready(name) for name in platform.services)


async def exercise(platform: Platform, api: Api, place: Community, target: str, tag: str, warmup: int = 3) -> Fault:
    """Writers running; once `warmup` writes of each kind are acknowledged, kill -9 `target`; wait (bounded) until
    the platform brought it back with no manual step and every kind of write is acknowledged again."""
    acks = Acks()
    load = Load(api, place, acks, tag)
    tasks = load.tasks()
    try:
        await wait_until(lambda: _async(all(len(t) >= warmup for t in acks.times.values())))
        platform.kill(target)
        killed_at = time.monotonic()
        if target != "database":
            await wait_until(lambda: _async(not platform.ready(target)), within=30)
        await wait_until(lambda: asyncio.to_thread(all_ready, platform))
        ready_at = time.monotonic()
        await wait_until(lambda: _async(all(acks.first_after(kind, ready_at) for kind in acks.times)))
    finally:
        load.stop.set()
        await asyncio.gather(*tasks)
    return Fault(target, acks, killed_at, ready_at)


async def _async(value: bool) -> bool:
    return value
