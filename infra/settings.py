"""Settings read once from the environment, shared by every service and the gateway."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

ServiceName = Literal["users", "content", "distribution", "billing"]
SERVICE_NAMES: tuple[ServiceName, ...] = ("users", "content", "distribution", "billing")

# The sandbox's documented webhook secret: anyone can sign with it, so production refuses it.
SANDBOX_WEBHOOK_SECRET = "whsec_sandbox_development_only"
MIN_SECRET_BYTES = 32
# Exactly what production needs; everything else (Redis, a metrics token, split services) stays optional.
PRODUCTION_SECRETS = ("jwt_secret", "platform_admin_key", "internal_api_token", "billing_webhook_secret")


class Settings(BaseSettings):
    """Every knob of the platform; each field is read from the variable of the same name in upper case."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    app_env: Literal["development", "production", "test"] = "development"
    log_level: str = "INFO"

    # Database: MONGODB_URI wins; otherwise the embedded server under VAR_DIR is used or started.
    mongodb_uri: str | None = None
    # The embedded development server's CPU priority (infra/database_server.py reads it from the environment:
    # it runs without the platform's packages): its threads' niceness, and a background client's connections'.
    secantus_nice: int = Field(default=0, ge=0, le=19)
    secantus_background_nice: int = Field(default=10, ge=0, le=19)
    # Its WiredTiger cache (infra/database_server.py reads it from the environment too).
    secantus_cache_size: str = Field(default="4G", pattern=r"^[1-9][0-9]*[KMGTkmgt]?$")
    # This process's database clients name themselves background (infra/mongo.py): the heavy lane's child says so.
    database_background: bool = False
    db_prefix: str = Field(default="community", pattern=r"^[A-Za-z0-9_]{1,40}$")
    var_dir: Path = REPO_ROOT / "var"

    # Ports a process listens on when run alone.
    gateway_port: int = 8000
    users_service_port: int = 8101
    content_service_port: int = 8102
    distribution_service_port: int = 8103
    billing_service_port: int = 8104
    bind_host: str = "127.0.0.1"

    # Where the other services live; unset means "mount in-process".
    users_service_url: str | None = None
    content_service_url: str | None = None
    distribution_service_url: str | None = None
    billing_service_url: str | None = None
    service_timeout_seconds: float = 10.0
    # Shared secret every service requires on internal calls, in every mode. Outside production an unset token
    # is generated (see `internal_token_generated`; `infra.dev_secrets` makes processes of one VAR_DIR agree).
    internal_api_token: str | None = None

    # Auth.
    platform_admin_key: str | None = None
    jwt_secret: str | None = None
    jwt_ttl_seconds: int = 7 * 24 * 3600
    jwt_issuer: str = "community-platform"

    # Limits (the development defaults let a scripted test register a few hundred members a minute).
    max_body_bytes: int = 256 * 1024
    max_query_depth: int = 12
    max_aliases: int = 30
    max_query_tokens: int = 3000
    # Refused before validation (gateway/document_limits.py): graphql-core's work on these grows with the count.
    max_directives: int = Field(default=20, ge=0)
    max_field_repeats: int = Field(default=10, ge=1)
    # A flood guard in requests per address; the real budgets are in query cost points (below).
    rate_limit_per_address: str = "3000/minute"
    # Deprecated: requests per member. Unset by default: members are budgeted in cost points, not requests.
    rate_limit_per_member: str | None = None
    rate_limit_register_per_address: str = "600/minute"
    # Query cost (gateway/query_cost.py): the most one operation may cost, and budgets in points per minute
    # (`limits` notation). A 10-item feed with content and authors costs 40; `me { id }` costs 1.
    query_cost_max: int = Field(default=5000, ge=1)
    query_cost_per_member: str = "20000/minute"
    query_cost_per_address: str = "60000/minute"
    # The cost lane (gateway/cost_lane.py): operations costing at least the threshold run at most `slots` at a time
    # per gateway process, so that heavy ones queue among themselves, not in front of short requests. 0 slots: off.
    query_cost_lane_threshold: int = Field(default=1000, ge=1)
    query_cost_lane_slots: int = Field(default=1, ge=0)
    # While cheap operations run, a heavy one's service calls take turns and pause so that they hold at most this
    # share of the time, and at least it (gateway/cost_pacing.py). 1: not paced.
    query_cost_lane_share: float = Field(default=0.5, gt=0, le=1)
    # Heavy queries (the lane's threshold) answered by a child gateway process at niceness HEAVY_LANE_NICE, over a
    # private unix socket (gateway/heavy_lane.py), so that the kernel keeps cheap requests first; budgets are still
    # charged here. Until the child is ready (and after a crash, while it restarts) heavy queries run here.
    # None: on, except under APP_ENV=test (gateway/heavy_lane.py `lane_enabled`).
    heavy_lane_process: bool | None = None
    heavy_lane_nice: int = Field(default=10, ge=0, le=19)
    # The child under the kernel's SCHED_IDLE policy as well (Linux): it runs only when the gateway has nothing to run,
    # and a cheap request waking the gateway takes the core from it at once; so heavy queries wait as long as the
    # gateway stays busy (docs/performance.md, "The heavy lane's child and the scheduler").
    heavy_lane_sched_idle: bool = False
    # Browser origins allowed to call the gateway (CORS), comma-separated; "*" for any. Unset: none in production,
    # any outside it (a local web app on another port works out of the box).
    cors_allow_origins: str | None = None
    # Partner API keys: budgets per key and minute (`limits` notation; the defaults let a partner page through
    # 2,000 items a minute with room to spare), and how long the gateway caches a key it has looked up.
    partner_requests_per_key: str = "300/minute"
    partner_cost_per_key: str = "20000/minute"
    api_key_cache_seconds: float = Field(default=30.0, ge=0)
    # Persisted queries (Apollo APQ): how many hashed queries the gateway keeps in memory (least recently used out;
    # 0 turns APQ off), a manifest of allow-listed operations (Apollo persisted query manifest or {hash: query}),
    # and the partner key ids held to that allow-list, comma-separated ("*": every partner key).
    persisted_queries_cache_size: int = Field(default=1000, ge=0)
    persisted_queries_allowlist: Path | None = None
    persisted_queries_keys: str | None = None
    # False turns every request and cost budget off (the per-request maximum stays): for benchmarks and load tests.
    rate_limits_enabled: bool = True
    # The gateway freezes what is alive once it has started, and again this many seconds later, out of the garbage
    # collector's full passes (infra/gc_pause.py); None = 30 s, except under APP_ENV=test (0: never).
    gc_freeze_after_seconds: float | None = Field(default=None, ge=0)
    # After that second freeze: young collections whose survivors are frozen this often (0: none), and a full
    # collection of the whole heap (frozen cycles reclaimed) this often (0: never).
    gc_refreeze_seconds: float = Field(default=5.0, ge=0)
    gc_full_collect_seconds: float = Field(default=600.0, ge=0)
    login_max_failures: int = 5
    login_failure_window_seconds: int = 900
    # Member accounts: one-time codes that claim an imported account or reset a password, and mail.
    claim_code_ttl_seconds: int = Field(default=7 * 86400, gt=0)
    reset_code_ttl_seconds: int = Field(default=3600, gt=0)
    code_max_failures: int = Field(default=5, ge=1)
    reset_requests_per_window: int = Field(default=3, ge=1)
    # Unset: `log` outside production, `off` in production (mail waits in the outbox until SMTP is configured).
    mail_mode: Literal["off", "log", "smtp"] | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "Community <no-reply@localhost>"
    mail_worker_interval_seconds: float = Field(default=5.0, ge=0)
    slot_push_reasons: bool = True

    seed_demo: bool = True

    # Member value and voice. The playbook's bars (section 6): NPS above 40 is excellent.
    nps_excellent_above: float = 40.0
    # Playbook section 8: a user committee of 500 core users, an expert think-tank of 100+, 67% of proposals adopted.
    governance_committee_target: int = 500
    governance_expert_panel_target: int = 100
    governance_target_adoption_rate: float = 0.67
    # Playbook section 2, lifecycle stage targets: launch 5,000 seed users with KOCs >= 30% of the core group;
    # growth MAU 100,000 and content 60% professional / 35% UGC / 5% commercial; maturity funnel conversion
    # 12.7%; expansion at least one incubated sub-community.
    stage_seed_members_target: int = 5000
    stage_koc_share_target: float = 0.30
    stage_mau_target: int = 100_000
    stage_content_mix_target: tuple[float, float, float] = (0.60, 0.35, 0.05)
    stage_funnel_conversion_target: float = 0.127
    stage_sub_communities_target: int = 1
    # Playbook section 2, expansion: a sub-community is incubated in 45 days on average.
    incubation_target_days: int = 45
    # Playbook section 3: a 7-day experience camp converting 19.3%, a 21-day growth plan retaining 41%;
    # section 6: LTV/CAC above 3.5 is healthy.
    trial_camp_conversion_target: float = 0.193
    trial_plan_retention_target: float = 0.41
    ltv_to_cac_healthy_above: float = 3.5
    # Real communities: where the shared Stack Exchange dumps are, and which one `make run` imports as a second
    # demo community (in the background, once; empty: none; SEED_DEMO=false: none either).
    stackexchange_data_dir: Path = REPO_ROOT.parent / "shared" / "data" / "stackexchange"
    demo_stackexchange_dump: str = "bicycles.meta"
    # Content production, interaction, moderation and crisis response (playbook figures as defaults;
    # communities override most of them in their content settings).
    outbox_relay_enabled: bool = True
    outbox_relay_interval_seconds: float = 1.0
    outbox_retry_base_seconds: float = 2.0
    outbox_retry_max_seconds: float = 3600.0
    outbox_max_attempts: int = 12
    webhook_timeout_seconds: float = 5.0
    webhook_tolerance_seconds: int = 300
    # Webhook endpoints: a failed delivery is retried after base * factor^n seconds (capped) until the retries
    # span the window; an endpoint failing for the whole of the disable period (and this many attempts) is
    # turned off, with a notice to operators.
    webhook_retry_base_seconds: float = 30.0
    webhook_retry_factor: float = 4.0
    webhook_retry_max_delay_seconds: float = 8 * 3600.0
    webhook_retry_window_hours: float = 24.0
    webhook_disable_after_hours: float = 72.0
    webhook_disable_after_failures: int = 15
    webhook_worker_interval_seconds: float = 1.0
    crisis_complaints_per_hour: int = 50
    crisis_mention_platforms: int = 3
    crisis_mention_window_hours: int = 24
    content_mix_window_days: int = 30
    content_mix_target: str = "PGC=60,UGC=35,COMMERCIAL=5"
    content_mix_margin_points: float = 10.0
    content_update_frequency_target: float = 3.8
    auto_hide_threshold: float = 10.0
    bullet_comments_per_minute: int = 10
    content_star_budget_minor: int = 3_000_000
    content_star_winners: int = 10
    exposure_boost_percent: int = 300
    exposure_boost_days: int = 7
    near_duplicate_similarity: float = 0.8
    paywall_preview_chars: int = Field(default=280, ge=0, le=5000)
    paywall_entitlement_ttl_seconds: float = Field(default=30.0, ge=0)
    # Billing. Figures from the playbook where it gives one; see docs/billing.md.
    billing_currency: str = "CNY"
    billing_tax_rate_bps: int = Field(default=0, ge=0, le=5000)  # prices are tax-inclusive; 600 = 6% VAT
    invoice_cjk_font: str | None = None  # empty: fontconfig's "Noto Sans CJK SC" (fonts-noto-cjk)
    billing_default_payment_method: str = "tok_success"  # charged without a method outside production
    billing_webhook_secret: str = SANDBOX_WEBHOOK_SECRET
    billing_webhook_tolerance_seconds: int = 300
    billing_sandbox_fee_bps: int = 60
    billing_sandbox_webhook_delay_seconds: float = 0.02
    billing_sandbox_duplicate_probability: float = 0.3
    billing_payment_lease_seconds: float = 30.0
    billing_replay_wait_seconds: float = 20.0
    billing_dunning_retry_days: list[int] = Field(default_factory=lambda: [1, 1, 8])  # Kill Bill's default
    billing_dunning_notice_day: int = 10
    billing_dunning_block_day: int = 14
    billing_dunning_cancel_day: int = 21
    billing_scheduler_interval_seconds: float = 300.0  # 0 turns the in-process scheduler off
    health_snapshot_interval_seconds: float = 86_400.0  # daily health snapshots of every community; 0: off
    campaign_release_interval_seconds: float = 3_600.0  # held campaign cash whose holding period ended; 0: off
    billing_arpu_target_cents: int = 2860  # playbook: ARPU 28.6 CNY
    billing_mix_target_membership_pct: int = 35
    billing_mix_target_value_added_pct: int = 28
    billing_mix_target_ads_pct: int = 22
    billing_mix_target_data_pct: int = 15
    billing_gross_margin_target_low_pct: int = 58
    billing_gross_margin_target_high_pct: int = 62
    billing_ltv_cac_target: float = 3.5
    billing_cvr_target: float = 0.03
    billing_funnel_target: float = 0.127
    # Honeycomb distribution (golden slots in each community's timezone; the playbook's three pushes).
    golden_slots: str = "MORNING=07:30,NOON=12:00,EVENING=20:30"
    # The in-process slot scheduler: None = on, except under APP_ENV=test; turn it off where a cron runs slots.
    slot_scheduler_enabled: bool | None = None
    # A slot still fires this many minutes after its time (a restart at 07:35 still sends the 07:30 push).
    slot_window_minutes: int = 15
    slot_top_k: int = 5
    max_deliveries_per_day: int = 3
    # Items' counters (engagement, impressions) may be this many seconds old in a ranking; 0: always fresh.
    ranking_counters_ttl_seconds: float = 30.0
    # Every candidate source offers only items created or active in this many last days: the rule training
    # builds its candidate pools with (distribution_service/ranking/dataset.py ALIVE_DAYS).
    ranking_alive_days: float = 30.0
    # A feed reads the member's last this-many engagements (features and "already seen"), whatever their history.
    ranking_history_limit: int = 100
    # The fallback ranker's weights (every community's ranker until a model is promoted): the weight of an item's
    # engagement (log-scaled, over the pool's best) beside its freshness (1 when new), and the days after which
    # freshness halves (distribution_service/ranking/heuristic.py; benchmarks/heuristic_weights.py chose the first).
    ranking_heuristic_engagement: float = Field(default=0.03, ge=0, le=10, allow_inf_nan=False)
    ranking_heuristic_half_life_days: float = Field(default=7.0, gt=0, le=365, allow_inf_nan=False)
    # The community-wide candidates (newest, boosted), the running experiments and the item snapshots recorded
    # events copy are shared by a process for this many seconds; None = 5 s, except under APP_ENV=test (0: read
    # each time, so a test sees what it just published).
    ranking_pool_ttl_seconds: float | None = None
    # Content pieces a feed shows (its cards) are kept by content_service's process for this many seconds: an edit,
    # status change or moderation removal through that process applies at once, through another within this
    # window. None = 5 s, except under APP_ENV=test (0: always read).
    content_card_ttl_seconds: float | None = None
    # The member behind each request may be this old: users_service's process keeps the members it read while their
    # community's change stamp is unchanged and reads the stamp at most this often (users_service/store/members.py):
    # a role change through that process applies at once, through another within this window. None = 2 s, except
    # under APP_ENV=test (0: none kept).
    member_read_ttl_seconds: float | None = None
    # The event ingest worker derives items' counters and delivery marks from stored events this often (and at
    # once when an event is recorded); their lag behind an acknowledged event is about this plus one batch.
    # 0 turns the worker off in this process (another replica or a command then derives).
    ingest_interval_seconds: float = 0.5

    # One member may file this many complaints an hour (a community may change it).
    complaints_per_member_per_hour: int = 20

    # A developer's local webhook receiver: loopback targets allowed outside production only when this is set.
    webhook_allow_loopback: bool = False

    # Gateway /metrics: a bearer token when set; unset, open in development and off in production.
    metrics_token: str | None = None

    # What replicas share (infra/shared_state.py, infra/leader.py): budgets, leader leases, cache generations.
    # Unset: each process keeps its own, which is right for one process per role.
    redis_url: str | None = None
    # A scheduler's leader holds its lease this long and renews it every third of it; another replica takes over
    # within this time of the leader's death.
    leader_lease_seconds: float = Field(default=15.0, gt=0)
    # A background job (tier run, LTV training) renews its lease every third of this; a RUNNING job whose lease
    # lapsed belongs to a dead process and reads FAILED.
    job_lease_seconds: float = Field(default=30.0, gt=0)
    # OpenTelemetry: traces exported by OTLP/HTTP to this collector (the standard variable; the other OTEL_*
    # variables apply too); unset, no tracing at all.
    otel_exporter_otlp_endpoint: str | None = None
    # One JSON line per HTTP request served (method, path, status, duration, GraphQL operation, request id).
    access_log: bool = True

    _internal_token_generated: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _secure_defaults(self) -> Self:
        if self.is_production:
            problems = production_problems(self)
            if problems:
                raise ValueError("APP_ENV=production: " + "; ".join(problems))
        elif not self.internal_api_token:
            # Known only to this process: services mounted in it share it, nobody outside can call them.
            self.internal_api_token = secrets.token_urlsafe(MIN_SECRET_BYTES)
            self._internal_token_generated = True
        return self

    @property
    def internal_token_generated(self) -> bool:
        """True when no INTERNAL_API_TOKEN was given and this process made one up."""
        return self._internal_token_generated

    def with_internal_token(self, token: str) -> Settings:
        """A copy whose internal token is `token`, shared with other processes rather than made up here."""
        copy = self.model_copy(update={"internal_api_token": token})
        copy._internal_token_generated = False
        return copy

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def content_card_ttl(self) -> float:
        """CONTENT_CARD_TTL_SECONDS, by default 5 s, except under APP_ENV=test (0: a test sees what it just wrote)."""
        if self.content_card_ttl_seconds is None:
            return 0.0 if self.app_env == "test" else 5.0
        return self.content_card_ttl_seconds

    @property
    def member_read_ttl(self) -> float:
        """MEMBER_READ_TTL_SECONDS, by default 2 s, except under APP_ENV=test (0: a test sees what it just wrote)."""
        if self.member_read_ttl_seconds is None:
            return 0.0 if self.app_env == "test" else 2.0
        return self.member_read_ttl_seconds

    @property
    def gc_freeze_after(self) -> float:
        """GC_FREEZE_AFTER_SECONDS, by default 30 s, except under APP_ENV=test (0: apps come and go in one process)."""
        if self.gc_freeze_after_seconds is None:
            return 0.0 if self.app_env == "test" else 30.0
        return self.gc_freeze_after_seconds

    @property
    def mail_delivery(self) -> Literal["off", "log", "smtp"]:
        """MAIL_MODE in force: production never marks a mail as sent by only logging it."""
        if self.mail_mode is not None:
            return self.mail_mode
        return "off" if self.is_production else "log"

    @property
    def cors_origins(self) -> list[str]:
        """CORS_ALLOW_ORIGINS as a list: unset means none in production and any ("*") elsewhere."""
        if self.cors_allow_origins is None:
            return [] if self.is_production else ["*"]
        return [origin.strip() for origin in self.cors_allow_origins.split(",") if origin.strip()]

    @property
    def allowlisted_keys(self) -> list[str]:
        """PERSISTED_QUERIES_KEYS as a list of key ids ("*" for every partner key); empty: no key is held."""
        return [key.strip() for key in (self.persisted_queries_keys or "").split(",") if key.strip()]

    def database_name(self, service: ServiceName) -> str:
        return f"{self.db_prefix}_{service}"

    def service_url(self, service: ServiceName) -> str | None:
        url: str | None = getattr(self, f"{service}_service_url")
        return url.rstrip("/") if url else None

    def service_port(self, service: ServiceName) -> int:
        port: int = getattr(self, f"{service}_service_port")
        return port


def production_problems(settings: Settings) -> list[str]:
    """Why these settings may not run in production, one sentence per variable; empty when they may."""
    problems = [] if settings.mongodb_uri else ["MONGODB_URI must be set"]
    for name in PRODUCTION_SECRETS:
        value: str | None = getattr(settings, name)
        variable = name.upper()
        if not value:
            problems.append(f"{variable} must be set")
        elif value == SANDBOX_WEBHOOK_SECRET:
            problems.append(f"{variable} must be set: the sandbox's documented default is refused")
        elif len(value.encode()) < MIN_SECRET_BYTES:
            problems.append(f"{variable} must be at least {MIN_SECRET_BYTES} bytes")
    return problems


def default_url(settings: Settings, service: ServiceName) -> str:
    """A service's URL for a process that runs alone: the environment's, else its default local port."""
    return settings.service_url(service) or f"http://127.0.0.1:{settings.service_port(service)}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
