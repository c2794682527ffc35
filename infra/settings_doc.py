"""`python -m infra.settings_doc > docs/settings.md` (`make docs`): every setting, from the settings class itself.

Names, types and defaults come from `Settings.model_fields`; each field's text is its `Field(description=...)` when it
has one, else its line in DESCRIPTIONS below (kept here, beside the generator, so that the settings class stays a
list of knobs). tests/unit/infra/test_settings_doc.py fails when a field has no text, a text names no field, or
docs/settings.md is stale: a new setting is documented in the same commit.
"""

from __future__ import annotations

import json
import os
import sys
import types
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from infra.settings import MIN_SECRET_BYTES, PRODUCTION_SECRETS, REPO_ROOT, Settings

DESCRIPTIONS: dict[str, str] = {
    "app_env": "`production` binds every interface and refuses to start without its secrets (below); `test` turns "
    "the in-process slot scheduler off and reads ranking pools fresh each time.",
    "log_level": "Log level of every process (JSON lines on stdout).",
    "mongodb_uri": "The MongoDB server (a replica set: transactions need one). Unset outside production: the "
    "embedded SecantusDB under `VAR_DIR` is used, or started. A secret: it may carry credentials.",
    "secantus_nice": "The embedded SecantusDB server's niceness, all its threads (0-19; `infra/database_server.py`; "
    "not MongoDB's, which `MONGODB_URI` points at). The server runs in the session group of the process that "
    "starts it, so a niceness weighs against the platform's own threads, not against the rest of the machine; 0 "
    "(the default): as that process.",
    "secantus_background_nice": "The niceness of the embedded server's threads serving a background client's "
    "connections (`DATABASE_BACKGROUND`: the heavy lane's child): what the database does for a maximum-cost query "
    "gives the core to the gateway's event loop, and takes it whenever the loop has nothing to run (README, \"The hot "
    "path\"); 0: as every other connection. Not MongoDB's.",
    "secantus_cache_size": "The embedded SecantusDB server's WiredTiger cache (`512M`, `4G`, bytes; "
    "`infra/database_server.py`; not MongoDB's): a ceiling, not an allocation (an idle server holds ~50 MB). In "
    "memory (tests, benchmarks) it holds every document, and WiredTiger's eviction starts rewriting pages once "
    "updates pass 2.5% of it: at SecantusDB's 1G the server's CPU per stored event doubled after a benchmark's "
    "feed runs "
    '(docs/performance.md, "The embedded server\'s cache (eighteenth session)").',
    "database_background": "This process's database clients name themselves background (an application name ending "
    "in `/background`), so the embedded server serves them at `SECANTUS_BACKGROUND_NICE`: the heavy lane's child "
    "gets it from the gateway (`gateway/heavy_lane.py`). MongoDB only shows the name.",
    "db_prefix": "Each service's database is `<prefix>_<service>` (`community_users`, ...).",
    "var_dir": "Where the development database and the development secrets live.",
    "gateway_port": "The gateway's port (also the worker's health port).",
    "users_service_port": "users_service's port when it runs alone (`python -m users_service`).",
    "content_service_port": "content_service's port when it runs alone.",
    "distribution_service_port": "distribution_service's port when it runs alone.",
    "billing_service_port": "billing_service's port when it runs alone.",
    "bind_host": "Interface the process listens on; the image sets `0.0.0.0`.",
    "users_service_url": "Where users_service runs; unset: mounted in this process.",
    "content_service_url": "Where content_service runs; unset: mounted in this process.",
    "distribution_service_url": "Where distribution_service runs; unset: mounted in this process.",
    "billing_service_url": "Where billing_service runs; unset: mounted in this process.",
    "service_timeout_seconds": "Timeout of one call to another service.",
    "internal_api_token": "The secret every service requires on internal calls, in every mode. Outside production "
    "an unset token is generated and shared by the processes of one `VAR_DIR`.",
    "platform_admin_key": "The operators' API key (`X-API-Key`): creates communities and runs operator tools.",
    "jwt_secret": "Signs members' bearer tokens (HS256); rotating it signs everyone out.",
    "jwt_ttl_seconds": "Lifetime of a member's token.",
    "jwt_issuer": "The tokens' `iss` claim, checked on every request.",
    "max_body_bytes": "Largest request body the gateway accepts.",
    "max_query_depth": "Deepest GraphQL selection accepted.",
    "max_aliases": "Most aliases in one GraphQL operation.",
    "max_query_tokens": "Most tokens in one GraphQL document.",
    "max_directives": "Most directives in one GraphQL document (a directive named twice at one place is refused).",
    "max_field_repeats": "Most times one field (or alias) may be selected in one selection set.",
    "rate_limit_per_address": "Flood guard in requests per client address (`limits` notation); the real budgets are "
    "in query cost points. Behind a balancer see `FORWARDED_ALLOW_IPS`.",
    "rate_limit_per_member": "Deprecated: requests per member; unset, members are budgeted in cost points.",
    "rate_limit_register_per_address": "Registrations per client address.",
    "query_cost_max": "The most one GraphQL operation may cost (a 10-item feed with content and authors costs 40; "
    "`me { id }` costs 1).",
    "query_cost_per_member": "Cost points a member may spend (`limits` notation).",
    "query_cost_per_address": "Cost points a client address may spend.",
    "query_cost_lane_threshold": "Operations costing at least this many points go through the cost lane: at most "
    "`QUERY_COST_LANE_SLOTS` of them execute at once per gateway process, the others wait their turn.",
    "query_cost_lane_slots": "How many operations at or over `QUERY_COST_LANE_THRESHOLD` execute at once per gateway "
    "process (the rest queue in arrival order); 0 turns the lane off.",
    "query_cost_lane_share": "While cheap operations run, a heavy operation's service calls take turns, each followed "
    "by a pause, so that they hold this share of the time: at most, so the cheap ones keep the rest, and at least, "
    "so the heavy one always completes; 1 turns the pacing off.",
    "heavy_lane_process": "Heavy queries (at or over `QUERY_COST_LANE_THRESHOLD`) are answered by a child gateway "
    "process the gateway starts at niceness `HEAVY_LANE_NICE`, over a private unix socket, so that the kernel keeps "
    "the cheap requests first; budgets are still charged once by the gateway. Until the child is ready, and while "
    "it restarts after a crash, heavy queries run in the gateway; mutations always do. Costs the child's memory "
    "(about another gateway's). Unset: on, except under `APP_ENV=test`.",
    "heavy_lane_nice": "The niceness added to the heavy lane's child process (`HEAVY_LANE_PROCESS`).",
    "heavy_lane_sched_idle": "The heavy lane's child also runs under Linux's SCHED_IDLE policy: only when its "
    "gateway has nothing to run, and a cheap request arriving takes the core from it at once. Heavy queries then "
    "wait for as long as the gateway stays busy (under a benchmark's steady cheap load, the whole of it).",
    "gc_freeze_after_seconds": "The gateway moves what is alive once it has started, and again this many seconds "
    "later (the ranking stack loaded), out of the garbage collector's full passes, which stalled every request "
    "for 150-200 ms each; unset: 30 s, 0 (never) under `APP_ENV=test`.",
    "gc_refreeze_seconds": "After the second freeze: this often the gateway collects the young generations and "
    "freezes what survived; while it does, the collector starts no full pass of its own (they ran 3-4 times a "
    "second, under maximum-cost queries up to 21-129 ms): full passes run only every `GC_FULL_COLLECT_SECONDS` "
    "(with that at 0 the collector's own full passes are kept); 0: no refreeze (the collector's own full passes "
    "as before).",
    "gc_full_collect_seconds": "With the refreeze on: this often the gateway unfreezes and collects its whole heap "
    "once (one pass of ~150-200 ms), reclaiming cyclic garbage the refreezes froze; 0: never.",
    "rate_limits_enabled": "`false` turns every request and cost budget off (the per-operation maximum stays): "
    "for benchmarks and load tests. Budgets are counted per gateway process.",
    "claim_code_ttl_seconds": "How long an operator's claim code for an imported member's account stays valid.",
    "reset_code_ttl_seconds": "How long a password-reset code stays valid.",
    "code_max_failures": "Wrong claim or reset codes for one handle (per address; ten times as many overall) "
    "before codes are refused for the login failure window.",
    "reset_requests_per_window": "Password-reset codes mailed to one member per login failure window; "
    "further requests are accepted and send nothing.",
    "mail_mode": "`off` (nothing sent, mail stays queued), `log` (each mail logged, not sent) or `smtp` (sent "
    "through SMTP_HOST). Unset: `log` outside production, `off` in production, so no mail is marked sent "
    "before SMTP is configured.",
    "smtp_host": "The SMTP server mail is sent through (MAIL_MODE=smtp).",
    "smtp_port": "The SMTP server's port (25, 587 for STARTTLS, 465 for TLS).",
    "smtp_tls": "`none`, `starttls` (upgrade after connecting) or `tls` (implicit TLS from the start).",
    "smtp_username": "SMTP login; unset: no authentication.",
    "smtp_password": "SMTP password, with SMTP_USERNAME.",
    "smtp_timeout_seconds": "Timeout of one SMTP conversation; a timed-out mail is retried by the outbox.",
    "mail_from": "The From header of every mail the platform sends.",
    "mail_worker_interval_seconds": "How often billing and distribution hand stored notifications and pushes "
    "to the mailer (users_service); 0 turns the handing off in this process.",
    "slot_push_reasons": "The inbox shows why each item was pushed: a model's feature contributions are computed "
    "when the inbox (or explainFeedItem) is read, from the decision's logged features with the model version that "
    "decided, so a slot run no longer pays for them; false shows none (sources are kept either way).",
    "login_max_failures": "Failed logins of one member before logins are refused for the window below.",
    "login_failure_window_seconds": "Window of the failed-login count.",
    "seed_demo": "Outside production, `python -m gateway` seeds the demo community and imports the demo dump.",
    "nps_excellent_above": "NPS above this is reported excellent (playbook section 6).",
    "governance_committee_target": "Target size of the user committee of core members (playbook section 8).",
    "governance_expert_panel_target": "Target size of the expert think-tank (playbook section 8).",
    "governance_target_adoption_rate": "Target share of proposals adopted (playbook section 8).",
    "stage_seed_members_target": "Launch stage: seed members to reach (playbook section 2).",
    "stage_koc_share_target": "Launch stage: share of KOCs in the core group.",
    "stage_mau_target": "Growth stage: monthly active members to reach.",
    "stage_content_mix_target": "Growth stage: content shares professional, user-generated, commercial.",
    "stage_funnel_conversion_target": "Maturity stage: funnel conversion to reach.",
    "stage_sub_communities_target": "Expansion stage: incubated sub-communities to reach.",
    "trial_camp_conversion_target": "Target conversion of the 7-day experience camp (playbook section 3).",
    "trial_plan_retention_target": "Target retention of the 21-day growth plan (playbook section 3).",
    "ltv_to_cac_healthy_above": "LTV/CAC above this is reported healthy (playbook section 6).",
    "stackexchange_data_dir": "Where the Stack Exchange dumps are (the demo import and the importer's default).",
    "demo_stackexchange_dump": "The dump `make run` imports as a second demo community, once, in the background; "
    "empty: none.",
    "outbox_relay_enabled": "Content's outbox relay (webhooks, notifications to other services) runs in this process.",
    "outbox_relay_interval_seconds": "How often the outbox relay looks for due messages.",
    "outbox_retry_base_seconds": "First retry delay of a failed outbox message (doubling after each failure).",
    "outbox_retry_max_seconds": "Longest retry delay of an outbox message.",
    "outbox_max_attempts": "Attempts before an outbox message is given up (marked FAILED; an operator can replay it).",
    "webhook_timeout_seconds": "Timeout of one outgoing webhook call.",
    "incubation_target_days": "Days a sub-community's incubation should take (the playbook's 45-day average).",
    "webhook_retry_base_seconds": "First retry delay of a failed webhook delivery (then times the factor, capped).",
    "webhook_retry_factor": "Each retry of a webhook delivery waits this many times longer than the previous one.",
    "webhook_retry_max_delay_seconds": "Longest wait between two attempts of a webhook delivery.",
    "webhook_retry_window_hours": "A webhook delivery is retried until its retries span this many hours (then FAILED).",
    "webhook_disable_after_hours": "A webhook endpoint failing without a success for this long is disabled (notice to "
    "operators).",
    "webhook_disable_after_failures": "Consecutive failed attempts a webhook endpoint needs, besides the hours above, "
    "before it is disabled.",
    "webhook_worker_interval_seconds": "How often the webhook delivery worker looks for due deliveries.",
    "webhook_tolerance_seconds": "Age limit of a signed outgoing webhook's timestamp (not read yet: receivers check "
    "their own).",
    "crisis_complaints_per_hour": "Complaints in an hour that open a crisis incident (communities may change it).",
    "crisis_mention_platforms": "Platforms with negative mentions that open a crisis incident.",
    "crisis_mention_window_hours": "Window of the mentions counted above.",
    "content_mix_window_days": "Window of the content mix report.",
    "content_mix_target": "Target content mix in percent by kind (professional, user-generated, commercial).",
    "content_mix_margin_points": "Distance from the target mix, in points, that the report flags.",
    "content_update_frequency_target": "Target new pieces per day.",
    "auto_hide_threshold": "Weighted flags that hide a piece until moderated.",
    "bullet_comments_per_minute": "Bullet comments one member may post a minute.",
    "content_star_budget_minor": "Monthly content-star budget in minor units (cents), split among the winners.",
    "content_star_winners": "Content stars awarded a month.",
    "exposure_boost_percent": "Exposure boost of a starred piece in feeds, in percent.",
    "exposure_boost_days": "Days an exposure boost lasts.",
    "paywall_preview_chars": (
        "Characters of a gated piece's body shown as its public preview where no excerpt was written (at most half "
        "the text); each community may change it (`previewChars` in `updateContentSettings`)."
    ),
    "paywall_entitlement_ttl_seconds": (
        "Seconds content_service keeps a member's entitlements (roles, tier, paid plan) to unlock pieces; a lock "
        "is always decided on a fresh answer, so a subscription unlocks on the next read (0: ask every read)."
    ),
    "near_duplicate_similarity": "Text similarity (0-1) above which the writing assistant flags a draft as a near "
    "duplicate of a published piece.",
    "billing_currency": "Currency of prices and invoices.",
    "billing_tax_rate_bps": "Tax rate in basis points (prices are tax-inclusive; 600 = 6% VAT).",
    "invoice_cjk_font": "Font file (.ttf/.otf/.ttc) invoice and certificate PDFs embed for Chinese text; empty: "
    "found through fontconfig as 'Noto Sans CJK SC' (Debian package fonts-noto-cjk). Without one, CJK prints as '?'.",
    "billing_default_payment_method": "Payment method charged when none is given, outside production only.",
    "billing_webhook_secret": "Signs the payment provider's webhooks. Production refuses the sandbox's documented "
    "default.",
    "billing_webhook_tolerance_seconds": "Age limit of a payment webhook's signed timestamp (replays are refused).",
    "billing_sandbox_fee_bps": "The sandbox provider's fee in basis points.",
    "billing_sandbox_webhook_delay_seconds": "Delay of the sandbox provider's webhooks.",
    "billing_sandbox_duplicate_probability": "Share of the sandbox's webhooks sent twice (to exercise idempotency).",
    "billing_payment_lease_seconds": "How long one attempt holds a payment before another may retry it.",
    "billing_replay_wait_seconds": "How long a repeated request waits for the first one's result (capped at half "
    "`SERVICE_TIMEOUT_SECONDS`).",
    "billing_dunning_retry_days": "Days between retries of a failed renewal (Kill Bill's default).",
    "billing_dunning_notice_day": "Day after a failed renewal when the member is notified.",
    "billing_dunning_block_day": "Day after a failed renewal when paid features are blocked.",
    "billing_dunning_cancel_day": "Day after a failed renewal when the subscription is cancelled.",
    "billing_scheduler_interval_seconds": "How often the billing service runs the billing cycle in-process; 0 turns "
    "it off (a CronJob or the worker runs `python -m billing_service.scheduler` instead).",
    "billing_arpu_target_cents": "Target ARPU in cents (playbook: 28.6 CNY).",
    "billing_mix_target_membership_pct": "Target revenue share of memberships, in percent.",
    "billing_mix_target_value_added_pct": "Target revenue share of value-added services.",
    "billing_mix_target_ads_pct": "Target revenue share of advertising.",
    "billing_mix_target_data_pct": "Target revenue share of data services.",
    "billing_gross_margin_target_low_pct": "Low end of the target gross margin, in percent.",
    "billing_gross_margin_target_high_pct": "High end of the target gross margin, in percent.",
    "billing_ltv_cac_target": "Target LTV/CAC of the revenue report.",
    "billing_cvr_target": "Target paid conversion rate.",
    "billing_funnel_target": "Target funnel conversion of the revenue report.",
    "golden_slots": "The golden slots' local times in each community's timezone.",
    "slot_scheduler_enabled": "The in-process slot scheduler; unset: on except under `APP_ENV=test`. Turn it off "
    "where a cron runs `python -m distribution_service.slots` (the Kubernetes CronJobs, the compose worker).",
    "slot_window_minutes": "A slot still fires this many minutes after its time (a restart at 07:35 still sends the "
    "07:30 push).",
    "slot_top_k": "Items in one slot delivery.",
    "max_deliveries_per_day": "Most slot deliveries one member receives a day.",
    "ranking_counters_ttl_seconds": "How old items' counters may be in a ranking; 0: always fresh.",
    "ranking_alive_days": "Candidates are items created or active in this many last days (the rule training uses).",
    "ranking_history_limit": "A feed reads the member's last this-many engagements.",
    "ranking_heuristic_engagement": "The fallback ranker's (no promoted model) weight of an item's engagement "
    "(log-scaled, over the pool's best) beside its freshness (1 when new), 0 to 10; chosen on the shared dumps "
    "(`python -m benchmarks.heuristic_weights`).",
    "ranking_heuristic_half_life_days": "Days after which the fallback ranker's freshness of an item halves "
    "(above 0, at most 365): how long the kind weights (experts' PGC before a decision) keep their lead.",
    "ranking_pool_ttl_seconds": "How long a process shares the community-wide candidates, feeds' prepared pools "
    "(columns, text rows, item block), the model pointer, the running experiments and the item snapshots recorded "
    "events copy: a publish, boost or promotion reaches feeds within it; unset: 5 s, 0 under `APP_ENV=test`.",
    "content_card_ttl_seconds": "How long content_service's process keeps the pieces a feed shows (its cards): an "
    "edit, status change or moderation removal through that process applies at once, through another within it; "
    "other content reads are never kept; unset: 5 s, 0 under `APP_ENV=test`.",
    "member_read_ttl_seconds": "How old the member behind each request (read for every authenticated request) may "
    "be: users_service's process keeps the members it read while their community's change stamp (replaced by every "
    "member write through users_service) is unchanged, and reads the stamp at most this often; a role or tier "
    "change through that process applies at once, through another within it; 0 keeps none; unset: 2 s, 0 under "
    "`APP_ENV=test`.",
    "ingest_interval_seconds": "How often the event ingest worker derives counters and delivery marks from stored "
    "events (and at once when an event is recorded); 0 turns it off in this process.",
    "complaints_per_member_per_hour": "Complaints one member may file an hour (a community may change it).",
    "webhook_allow_loopback": "Allows loopback webhook targets outside production (a developer's local receiver).",
    "metrics_token": "Bearer token of the gateway's `/metrics`; unset: open in development, off in production.",
    "redis_url": "Redis shared by every replica (`redis://host:6379/0`): rate-limit, cost and partner budgets, "
    "the schedulers' leader leases, the partner-key cache's invalidation. Unset: each process keeps its own (right "
    "for one process per role; with R gateway replicas a client may spend R budgets).",
    "job_lease_seconds": "How long a background job (tier run, LTV training) holds its lease, renewed every third "
    "of it; a RUNNING job whose lease lapsed (its process died) reads FAILED and is failed at the next start.",
    "leader_lease_seconds": "How long a scheduler's leader holds its Redis lease (renewed every third of it); "
    "another replica takes over within this time of the leader's death. Needs `REDIS_URL`.",
    "otel_exporter_otlp_endpoint": "OpenTelemetry collector base URL (OTLP/HTTP, `http://collector:4318`): every "
    "process then exports traces (server, service calls, MongoDB commands); the other standard `OTEL_*` "
    "variables apply. Unset: no tracing.",
    "access_log": "One JSON log line per HTTP request (method, path, status, duration, GraphQL operation, request "
    "id); health, readiness and metrics probes are not logged.",
    "cors_allow_origins": "Comma-separated browser origins allowed to call `/graphql` (`*`: any); unset: none in "
    "production, any elsewhere.",
    "partner_requests_per_key": "Requests one partner API key may make (`limits` notation, default 300/minute).",
    "partner_cost_per_key": "Query-cost points one partner API key may spend (`limits` notation, default "
    "20000/minute: a partner pages 2,000 items a minute; docs/partners.md).",
    "api_key_cache_seconds": "How long a gateway caches a looked-up partner key; a key revoked through another "
    "replica keeps working here for up to this long.",
    "persisted_queries_cache_size": "Automatic persisted queries (Apollo APQ, sha256): how many queries the gateway "
    "keeps by hash, least recently used out; `0` turns APQ off (allow-listed operations still run by hash).",
    "persisted_queries_allowlist": "A JSON manifest of allow-listed operations (Apollo's persisted query manifest, "
    "or a `{sha256: query}` map), loaded at start; a hash that is not its query's sha256 refuses to start.",
    "persisted_queries_keys": "Partner key ids, comma-separated, that may run only allow-listed operations; `*` "
    "holds every partner key. Unset: none is held.",
    "health_snapshot_interval_seconds": "How often users_service computes every community's health indicators "
    "into snapshots (docs/health-indicators.md); the first run waits one interval; 0 turns it off.",
    "campaign_release_interval_seconds": "How often users_service releases held campaign cash rewards whose holding "
    "period ended into members' balances, in every community (docs/campaigns.md); 0 turns it off.",
}

# Variables read outside the settings class.
OTHER_VARIABLES = (
    (
        "ROLE",
        "the image (infra/deploy/entrypoint.sh)",
        "Which process the container runs: gateway, users, content, distribution, billing, worker, migrate, slots, "
        "billing-cycle or ranking.",
    ),
    (
        "FORWARDED_ALLOW_IPS",
        "uvicorn",
        "Addresses or networks whose `X-Forwarded-For` is believed; default `127.0.0.1,::1`. Behind a balancer set "
        "it to the balancer's, or every client shares the balancer's per-address budget.",
    ),
    ("TEST_MONGODB_URI", "tests/conftest.py", "Run the tests against this server instead of an in-memory SecantusDB."),
    ("BENCH_MONGODB_URI", "benchmarks/", "Run a benchmark against this server instead of one it starts."),
)


def described() -> dict[str, str]:
    return {name: field.description or DESCRIPTIONS.get(name, "") for name, field in Settings.model_fields.items()}


def type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Literal:
        return " | ".join(f"`{value}`" for value in get_args(annotation))
    if origin in (Union, types.UnionType):
        kinds = [type_name(arg) for arg in get_args(annotation) if arg is not type(None)]
        return " or ".join(kinds) + ", optional"
    if origin in (list, tuple):
        return f"JSON {origin.__name__}"
    names = {str: "text", int: "integer", float: "number", bool: "boolean", Path: "path"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def default_text(name: str, field: FieldInfo) -> str:
    if name in PRODUCTION_SECRETS or name == "mongodb_uri":
        return "unset" if name != "billing_webhook_secret" else "the sandbox's (refused in production)"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, Path):
        return f"`{os.path.relpath(value, REPO_ROOT)}` (from the checkout)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if isinstance(value, list | tuple):
        return f"`{json.dumps(list(value))}`"
    return f"`{value}`"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    texts = described()
    required = ["MONGODB_URI", *(name.upper() for name in PRODUCTION_SECRETS)]
    lines = [
        "# Settings",
        "",
        "<!-- Generated by `python -m infra.settings_doc > docs/settings.md` (`make docs`) from infra/settings.py: "
        "edit the class, not this file. -->",
        "",
        "Every process reads these from its environment (the name in upper case; case does not matter) once, at "
        "start. Lists and tuples are JSON (`[1, 1, 8]`).",
        "",
        f"`APP_ENV=production` refuses to start unless {', '.join(f'`{n}`' for n in required)} are set, each secret "
        f"at least {MIN_SECRET_BYTES} bytes (`openssl rand -hex 32`); outside production the secrets nobody set are "
        "generated and shared through `VAR_DIR` (infra/dev_secrets.py).",
        "",
        f"{len(texts)} settings, in the order of the class:",
        "",
        "| Variable | Type | Default | What it does |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        row = [f"`{name.upper()}`", type_name(field.annotation), default_text(name, field), texts[name]]
        lines.append("| " + " | ".join(cell(part) for part in row) + " |")
    lines += [
        "",
        "## Read elsewhere",
        "",
        "| Variable | Read by | What it does |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{name}` | {who} | {cell(text)} |" for name, who, text in OTHER_VARIABLES]
    return "\n".join(lines) + "\n"


def main() -> int:
    missing = [name for name, text in described().items() if not text]
    if missing:
        sys.stderr.write(f"settings without a description (comment them in infra/settings.py): {missing}\n")
        return 1
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
