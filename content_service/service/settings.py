"""Per-community content settings (the platform's defaults where a community changed nothing) and review on entry."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from content_service.domain.flags import DEFAULT_FLAG_WEIGHTS
from content_service.domain.kinds import ContentKind
from content_service.domain.lifecycle import TIER_ORDER, ReviewPolicy, review_reasons
from content_service.domain.mix import KINDS, parse_target
from content_service.domain.procedure import SEVEN_STEPS
from content_service.schemas.production import ContentSettingsRead, ContentSettingsUpdate
from content_service.store import ContentStore, Session
from infra.errors import BadInputError
from infra.kept import KeptPerKey
from infra.settings import Settings

Doc = dict[str, Any]
# A community's settings are kept this long per process: every content read (the paywall's preview length) and
# publish (the review policy) reads them. An operator's change through this process is seen at once (update drops
# the kept copy); another replica's within this many seconds.
KEPT_SECONDS = 5.0


def defaults(settings: Settings) -> ContentSettingsRead:
    return ContentSettingsRead(
        review_required={"PGC": False, "UGC": False, "COMMERCIAL": True},
        ugc_review_below_tier=None,
        blocked_words=[],
        mix_target=parse_target(settings.content_mix_target),
        mix_margin_points=settings.content_mix_margin_points,
        mix_window_days=settings.content_mix_window_days,
        update_frequency_target=settings.content_update_frequency_target,
        flag_weights=dict(DEFAULT_FLAG_WEIGHTS),
        auto_hide_threshold=settings.auto_hide_threshold,
        complaints_per_hour=settings.crisis_complaints_per_hour,
        mention_platforms=settings.crisis_mention_platforms,
        mention_window_hours=settings.crisis_mention_window_hours,
        step_deadlines_minutes=dict(SEVEN_STEPS),
        bullet_comments_per_minute=settings.bullet_comments_per_minute,
        complaints_per_member_per_hour=settings.complaints_per_member_per_hour,
        content_star_winners=settings.content_star_winners,
        content_star_budget_minor=settings.content_star_budget_minor,
        exposure_boost_percent=settings.exposure_boost_percent,
        exposure_boost_days=settings.exposure_boost_days,
        preview_chars=settings.paywall_preview_chars,
    )


class SettingsService:
    def __init__(self, store: ContentStore, settings: Settings, *, kept_seconds: float = KEPT_SECONDS) -> None:
        self.store = store
        self.defaults = defaults(settings)
        # community -> its settings, shared by readers (read only)
        self._kept: KeptPerKey[ObjectId, ContentSettingsRead] = KeptPerKey(kept_seconds)

    async def get(self, community_id: ObjectId) -> ContentSettingsRead:
        """The community's settings (the platform's defaults under what it changed), at most `kept_seconds` old."""
        return await self._kept.get(community_id, lambda: self._read(community_id))

    async def _read(self, community_id: ObjectId) -> ContentSettingsRead:
        stored = await self.store.settings.get(community_id)
        merged = self.defaults.model_dump()
        for key, value in stored.items():
            if key in merged and value is not None:
                merged[key] = {**merged[key], **value} if isinstance(merged[key], dict) else value
        return ContentSettingsRead.model_validate(merged)

    async def update(self, community_id: ObjectId, update: ContentSettingsUpdate) -> ContentSettingsRead:
        """Operators only (checked by the gateway); only the fields given change."""
        changes = update.model_dump(exclude_none=True, exclude={"actor_id"})
        _check_settings(changes)
        current = await self.get(community_id)
        if "mix_target" in changes:
            target = {**current.mix_target, **changes["mix_target"]}
            if abs(sum(target.values()) - 100.0) > 1e-6:
                raise BadInputError("mixTarget: the shares must add up to 100", field="mixTarget")

        async def work(s: Session) -> None:
            await self.store.settings.update(community_id, changes, session=s)
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=update.actor_id,
                action="SETTINGS_UPDATED",
                target_type="COMMUNITY",
                target_id=str(community_id),
                detail={"changed": sorted(changes)},
            )

        try:
            await self.store.transaction(work)
        finally:
            self._kept.drop(community_id)
        return await self.get(community_id)

    async def review_policy(self, community_id: ObjectId) -> ReviewPolicy:
        s = await self.get(community_id)
        return ReviewPolicy(s.review_required, s.ugc_review_below_tier, tuple(s.blocked_words))

    async def entry_review_reasons(
        self, community_id: ObjectId, *, kind: ContentKind, tier: str, text: str
    ) -> list[str]:
        """Why a piece entering the community must be reviewed first (none: it may go out at once)."""
        return review_reasons(await self.review_policy(community_id), kind=kind, author_tier=tier, text=text)


def _check_settings(changes: Doc) -> None:
    tier = changes.get("ugc_review_below_tier")
    if tier is not None and tier not in TIER_ORDER:
        raise BadInputError(f"ugcReviewBelowTier: unknown tier {tier}", field="ugcReviewBelowTier")
    for key in ("mix_target", "review_required"):
        unknown = set(changes.get(key, {})) - set(KINDS)
        if unknown:
            raise BadInputError(f"{key}: unknown kind {sorted(unknown)[0]}", field=key)
    unknown_tiers = set(changes.get("flag_weights", {})) - set(TIER_ORDER)
    if unknown_tiers:
        raise BadInputError(f"flagWeights: unknown tier {sorted(unknown_tiers)[0]}", field="flagWeights")
    unknown_steps = (
        set(changes.get("step_deadlines_minutes", {})) - set(SEVEN_STEPS) - {"RESPONSE_TEAM_NOTIFIED", "LEGAL_COUNSEL"}
    )
    if unknown_steps:
        raise BadInputError(
            f"stepDeadlinesMinutes: unknown step {sorted(unknown_steps)[0]}", field="stepDeadlinesMinutes"
        )
