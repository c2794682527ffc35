"""The operator views of imported Stack Exchange dumps against figures recomputed independently from the dump files:
`python -m benchmarks.member_value_check` (SITES=bicycles.meta,french.meta,cardano by default; DUMPS=folder of the
dumps, default ../shared/data/stackexchange).

For each site: import the dump with the Stack Exchange importer (in-process services on an in-memory SecantusDB;
the import ends with a tier run as of the dump's last event by a member), read `tierDistribution` and
`rfmPyramid` through `UsersClient`, and recompute the same counts in plain Python straight from the XML files: the
members (Users.xml less the Community bot), their engagement events (answering, commenting, accepting an answer to one's
question, favouriting — the importer's per-member events), the RFM scores by quantiles within the community, the
pyramid cut, and each member's tier by the rules' defaults (a first run from import: a member's tier is the tier
they qualify for). Each figure is printed beside the service's and the playbook's target; the last line is one
JSON object with both and whether every count matches. It takes minutes (the imports), so it is a benchmark.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import print_summary, scratch_settings
from composition.importers.stackexchange.pipeline import import_dump
from composition.topology import Topology
from infra.moments import as_utc

BOT = -1
# The playbook's targets (section 1 for tiers, section 3 for layers), beside the figures.
TIER_TARGETS = {"POTENTIAL": 0.38, "ACTIVE_CONTRIBUTOR": 0.22}
LAYER_TARGETS = {"BASE": 0.75, "ACTIVATED": 0.15, "CORE": 0.10}
TIERS = ["POTENTIAL", "NEW", "CASUAL", "ACTIVE", "ACTIVE_CONTRIBUTOR", "KOC", "EXPERT", "CORE", "AMBASSADOR"]
LAYERS = ["BASE", "ACTIVATED", "CORE"]
# Defaults of the member-value settings (docs/member-value.md).
RFM_WINDOW_DAYS, WINDOW_DAYS, NEW_MEMBER_DAYS = 365, 100, 30
ACTIVE_MIN_EVENTS, CONTRIBUTOR_MIN_CONTENTS, KOC_MIN_CONTENTS, KOC_MIN_EVENTS = 10, 1, 5, 20
EXPERT_TOP, EXPERT_MIN_ACCEPTED = 50, 3
# Vote types the importer keeps (1 accept, 2 up, 3 down, 5 favourite).
KEPT_VOTES = {1, 2, 3, 5}


def rows(folder: Path, name: str) -> Iterator[dict[str, str]]:
    for _, element in ET.iterparse(folder / name):
        if element.tag == "row":
            yield dict(element.attrib)
            element.clear()


def when(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.strip())
    return as_utc(moment)


def number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None and text.strip() else None
    except ValueError:
        return None


@dataclass
class Dump:
    """What the recount reads from a dump: members, their events and posts, the experts."""

    joined: dict[int, datetime] = field(default_factory=dict)
    events: list[tuple[int | None, datetime]] = field(default_factory=list)
    posts: list[tuple[int | None, datetime]] = field(default_factory=list)
    experts: set[int] = field(default_factory=set)


def read_dump(folder: Path) -> Dump:
    dump = Dump()
    for row in rows(folder, "Users.xml"):
        user, joined = number(row.get("Id")), when(row.get("CreationDate"))
        if user is not None and user != BOT and joined is not None:
            dump.joined[user] = joined

    def member(text: str | None) -> int | None:
        user = number(text)
        return user if user in dump.joined else None

    questions: dict[int, int | None] = {}
    answers: dict[int, tuple[int | None, int]] = {}  # answer -> (owner, question)
    accepted: dict[int, int] = {}  # question -> accepted answer
    for row in rows(folder, "Posts.xml"):
        post, kind, at = number(row.get("Id")), number(row.get("PostTypeId")), when(row.get("CreationDate"))
        if post is None or at is None:
            continue
        owner, named = member(row.get("OwnerUserId")), number(row.get("OwnerUserId"))
        if named is not None and named != BOT and owner is None:
            continue  # the importer refuses a post whose owner is not a member
        if kind == 1 and (row.get("Title") or "").strip():
            questions[post] = owner
            dump.posts.append((owner, at))
            if number(row.get("AcceptedAnswerId")) is not None:
                accepted[post] = number(row.get("AcceptedAnswerId")) or 0
        elif kind == 2:
            parent = number(row.get("ParentId"))
            if parent in questions:
                answers[post] = (owner, parent)
                dump.posts.append((owner, at))
                dump.events.append((owner, at))  # answering
    # Experts: at least 3 answers accepted by someone else, the top 50 (ties at the cut-off all in).
    counts: Counter[int] = Counter()
    for question, answer in accepted.items():
        answerer = answers.get(answer, (None, 0))[0]
        if answerer is not None and answerer != questions.get(question):
            counts[answerer] += 1
    eligible = sorted(((c, m) for m, c in counts.items() if c >= EXPERT_MIN_ACCEPTED), reverse=True)
    if eligible:
        cutoff = eligible[min(EXPERT_TOP, len(eligible)) - 1][0]
        dump.experts = {m for c, m in eligible if c >= cutoff}
    for row in rows(folder, "Comments.xml"):
        post, at, user = number(row.get("PostId")), when(row.get("CreationDate")), number(row.get("UserId"))
        if at is not None and (post in questions or post in answers) and user in dump.joined:
            dump.events.append((user, at))
    for row in rows(folder, "Votes.xml"):
        kind, post, at = number(row.get("VoteTypeId")), number(row.get("PostId")), when(row.get("CreationDate"))
        if kind not in KEPT_VOTES or at is None or not (post in questions or post in answers):
            continue
        if kind == 1:
            if post in answers:
                dump.events.append((questions.get(answers[post][1]), at))  # the asker accepts
        elif kind == 5:
            user = number(row.get("UserId"))
            if user is None or user == BOT or user in dump.joined:
                dump.events.append((user if user in dump.joined else None, at))
        else:
            dump.events.append((None, at))
    return dump


def quantile_scores(values: dict[int, float], members: list[int], *, lower_is_better: bool) -> dict[int, int]:
    """1 for a member showing nothing; 2-5 by quartile of average rank among those showing something."""
    shown = sorted(((-v if lower_is_better else v), m) for m, v in values.items() if v)
    ranks: dict[float, list[int]] = {}
    for position, (value, _) in enumerate(shown, start=1):
        ranks.setdefault(value, []).append(position)
    n = len(shown)
    scores = dict.fromkeys(members, 1)
    for value, member in shown:
        pct = sum(ranks[value]) / len(ranks[value]) / n
        scores[member] = 1 + min(max(math.ceil(pct * 4 - 1e-9), 1), 4)
    return scores


def recount(dump: Dump) -> dict[str, Any]:
    """Tier and layer counts recomputed from the dump, as of its last member's event (anonymous votes, dated by
    day, may come later: they are nobody's activity)."""
    as_of = max(at for member, at in dump.events if member is not None)
    members = sorted(dump.joined)
    year, window = as_of - timedelta(days=RFM_WINDOW_DAYS), as_of - timedelta(days=WINDOW_DAYS)
    year_events: Counter[int] = Counter()
    last: dict[int, datetime] = {}
    window_events: Counter[int] = Counter()
    for member, at in dump.events:
        if member is None:
            continue
        if at >= year:
            year_events[member] += 1
            last[member] = max(last.get(member, at), at)
        if at >= window:
            window_events[member] += 1
    window_posts = Counter(m for m, at in dump.posts if m is not None and at >= window)
    recency = {m: float((as_of - last[m]).days + 1) for m in last}
    frequency = {m: float(year_events[m]) for m in year_events}
    r = quantile_scores(recency, members, lower_is_better=True)
    f = quantile_scores(frequency, members, lower_is_better=False)
    total = {m: r[m] + f[m] + 1 for m in members}  # M scores 1 for everyone: the dumps carry no money
    signal = sum(1 for m in members if total[m] > 3)
    n = len(members)
    core_size, activated_size = int(n * 0.10 + 0.5), int(n * 0.15 + 0.5)
    core = min(core_size, signal)
    activated = min(activated_size, max(signal - core_size, 0))
    ranked = sorted((m for m in members if total[m] > 3), key=lambda m: (-total[m], -frequency.get(m, 0.0), m))
    in_core = set(ranked[:core])
    tiers: Counter[str] = Counter()
    for m in members:
        events, posts = window_events[m], window_posts[m]
        if m in in_core:
            tier = "CORE"
        elif m in dump.experts:
            tier = "EXPERT"
        elif posts >= KOC_MIN_CONTENTS and events >= KOC_MIN_EVENTS:
            tier = "KOC"
        elif posts >= CONTRIBUTOR_MIN_CONTENTS:
            tier = "ACTIVE_CONTRIBUTOR"
        elif events >= ACTIVE_MIN_EVENTS:
            tier = "ACTIVE"
        elif events >= 1:
            tier = "CASUAL"
        elif as_of - dump.joined[m] < timedelta(days=NEW_MEMBER_DAYS):
            tier = "NEW"
        else:
            tier = "POTENTIAL"
        tiers[tier] += 1
    layers = {"BASE": n - core - activated, "ACTIVATED": activated, "CORE": core}
    return {"as_of": as_of.date().isoformat(), "members": n, "signal": signal, "tiers": dict(tiers), "layers": layers}


async def service_views(folder: Path, slug: str) -> dict[str, Any]:
    with scratch_settings(service_timeout_seconds=3600) as settings:
        async with Topology(settings).running() as services:
            started = time.perf_counter()
            await import_dump(services, folder, slug, progress=lambda line: None)
            imported_s = time.perf_counter() - started
            cid = (await services.users.get_community_by_slug(slug)).id
            tiers = await services.users.tier_distribution(cid)
            pyramid = await services.users.rfm_pyramid(cid)
            runs = await services.users.list_tier_runs(cid, limit=1)
    return {
        "as_of": runs[0].as_of.date().isoformat() if runs and runs[0].as_of else None,
        "members": tiers.members,
        "tiers": {t.tier.value: t.members for t in tiers.tiers if t.members},
        "layers": {layer.layer.value: layer.members for layer in pyramid.layers},
        "import_s": round(imported_s, 1),
    }


def table(site: str, service: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    n = mine["members"]
    lines = [
        f"## {site}: as of {service['as_of']} (recount {mine['as_of']}), members {service['members']} (recount {n})"
    ]
    lines.append("| figure | target | service | recount | match |")
    for kind, names, targets in (("tiers", TIERS, TIER_TARGETS), ("layers", LAYERS, LAYER_TARGETS)):
        for name in names:
            ours, theirs = mine[kind].get(name, 0), service[kind].get(name, 0)
            target = f"{targets[name]:.0%}" if name in targets else ""
            share = f"{theirs} ({theirs / n:.1%})" if n else str(theirs)
            lines.append(f"| {kind[:-1]} {name} | {target} | {share} | {ours} | {'yes' if ours == theirs else 'NO'} |")
    return lines


def matches(service: dict[str, Any], mine: dict[str, Any]) -> bool:
    same = service["members"] == mine["members"] and service["as_of"] == mine["as_of"]
    for kind in ("tiers", "layers"):
        names = set(service[kind]) | set(mine[kind])
        same = same and all(service[kind].get(k, 0) == mine[kind].get(k, 0) for k in names)
    return same


async def main() -> None:
    root = Path(os.environ.get("DUMPS", "../shared/data/stackexchange"))
    sites = [s for s in os.environ.get("SITES", "bicycles.meta,french.meta,cardano").split(",") if s]
    figures: dict[str, Any] = {}
    for site in sites:
        folder = root / site
        if not (folder / "Users.xml").exists():
            print(f"{site}: no dump at {folder}, skipped", file=sys.stderr)
            continue
        mine = recount(read_dump(folder))
        service = await service_views(folder, site.replace(".", "-"))
        print("\n".join(table(site, service, mine)), flush=True)
        figures[site] = {"service": service, "recount": mine, "match": matches(service, mine)}
    figures["all_match"] = all(v["match"] for v in figures.values() if isinstance(v, dict))
    print_summary(figures)


if __name__ == "__main__":
    asyncio.run(main())
