"""Settings read once from the environment, shared by every service and the gateway."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

ServiceName = Literal["users", "content", "distribution", "billing"]
SERVICE_NAMES: tuple[ServiceName, ...] = ("users", "content", "distribution", "billing")


class Settings(BaseSettings):
    """Every knob of the platform; each field is read from the variable of the same name in upper case."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    app_env: Literal["development", "production", "test"] = "development"
    log_level: str = "INFO"

    # Database: MONGODB_URI wins; otherwise the embedded server under VAR_DIR is used or started.
    mongodb_uri: str | None = None
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
    # Shared secret that services require on internal calls when set.
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
    rate_limit_per_address: str = "1200/minute"
    rate_limit_per_member: str = "600/minute"
    rate_limit_register_per_address: str = "600/minute"
    login_max_failures: int = 5
    login_failure_window_seconds: int = 900

    seed_demo: bool = True

    # Issue 6: member value and voice. The playbook's bars (section 6): NPS above 40 is excellent.
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
    # Playbook section 3: a 7-day experience camp converting 19.3%, a 21-day growth plan retaining 41%;
    # section 6: LTV/CAC above 3.5 is healthy.
    trial_camp_conversion_target: float = 0.193
    trial_plan_retention_target: float = 0.41
    ltv_to_cac_healthy_above: float = 3.5
    # Issue 4: real communities. Where the shared Stack Exchange dumps are, and which one `make run` imports as a
    # second demo community (in the background, once; empty: none).
    stackexchange_data_dir: Path = REPO_ROOT.parent / "shared" / "data" / "stackexchange"
    demo_stackexchange_dump: str = "bicycles.meta"

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    def database_name(self, service: ServiceName) -> str:
        return f"{self.db_prefix}_{service}"

    def service_url(self, service: ServiceName) -> str | None:
        url: str | None = getattr(self, f"{service}_service_url")
        return url.rstrip("/") if url else None

    def service_port(self, service: ServiceName) -> int:
        port: int = getattr(self, f"{service}_service_port")
        return port


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
