"""`make run` imports the shared bicycles.meta dump as a second demo community, in the background, once.

Part of demo seeding: `SEED_DEMO=false` (and production) turns it off with the demo community. The gateway answers
at once; the import runs beside it (about 10 s) and writes `var/imports/<slug>.done` when it
is complete, so later starts skip it. Cleaning the database (`make clean-db`) makes it run again.

The imported community gets an operator with the demo password and a first health snapshot, so the operator
console (`/console/`) shows it at once; the daily snapshot job takes over from there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from composition.demo import DEMO_PASSWORD, demo_enabled
from composition.importers.report import to_stderr
from composition.importers.stackexchange.pipeline import ImportOptions, import_dump
from composition.topology import Topology
from infra.errors import ServiceError
from infra.logging import get_logger
from infra.settings import Settings
from users_service.schemas import IndicatorLevel, MemberCreate, MemberRead, Role, RoleChange

log = get_logger(__name__)
GUEST_HANDLE = "guest"
OPERATOR_HANDLE = "operator"


def demo_dump(settings: Settings) -> tuple[Path, str] | None:
    """The dump folder and the community slug to import it as, or None when there is nothing to import."""
    if not demo_enabled(settings) or not settings.demo_stackexchange_dump:
        return None
    folder = settings.stackexchange_data_dir / settings.demo_stackexchange_dump
    if not (folder / "Users.xml").is_file():
        return None
    return folder, settings.demo_stackexchange_dump.lower().replace(".", "-").replace("_", "-")


async def _operator(services: Topology, community_id: str) -> MemberRead:
    """The community's demo operator, who signs in to the console with the demo password."""
    try:
        member = await services.users.get_member_by_handle(community_id, OPERATOR_HANDLE)
    except ServiceError:
        member_in = MemberCreate(handle=OPERATOR_HANDLE, display_name="Operator", password=DEMO_PASSWORD)
        member = await services.users.register_member(community_id, member_in)
    if Role.OPERATOR in member.roles:
        return member
    return await services.users.grant_role(community_id, RoleChange(handle=OPERATOR_HANDLE, role=Role.OPERATOR))


def _marker(settings: Settings, slug: str) -> Path:
    return settings.var_dir / "imports" / f"{slug}.done"


async def import_demo_dump(
    services: Topology, settings: Settings, token_for: Callable[[str, str], str], out: Callable[[str], None] = to_stderr
) -> str | None:
    """Import the demo dump unless a completed import is recorded; returns the slug when the community is ready."""
    found = demo_dump(settings)
    if found is None:
        return None
    folder, slug = found
    marker = _marker(settings, slug)
    try:
        community = None
        if marker.exists():
            try:
                community = await services.users.get_community_by_slug(slug)
            except ServiceError:
                community = None
        if community is None:
            out(f"importing {folder} as community {slug!r} in the background...")
            report = await import_dump(services, folder, slug, ImportOptions(), progress=lambda line: None)
            created = report.summary()["created"]
            counts = ", ".join(f"{created[kind]} {kind}" for kind in ("members", "content", "events"))
            out(f"imported {slug!r}: {counts}")
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(slug + "\n")
            community = await services.users.get_community_by_slug(slug)
        try:
            guest = await services.users.get_member_by_handle(community.id, GUEST_HANDLE)
        except ServiceError:
            guest = await services.users.register_member(
                community.id, MemberCreate(handle=GUEST_HANDLE, display_name="Guest")
            )
        out(f"  {slug} newcomer ({GUEST_HANDLE}):  Authorization: Bearer {token_for(guest.id, community.id)}")
        await _operator(services, community.id)
        if (await services.users.health_indicators(community.id, IndicatorLevel.PRIMARY.value)).computed_at is None:
            await services.users.compute_health(community.id)
        out(f"  {slug} operator (console at /console/):  {OPERATOR_HANDLE} / {DEMO_PASSWORD}")
        return slug
    except ServiceError as exc:
        log.warning("demo_import_failed", slug=slug, error=str(exc))
        return None
