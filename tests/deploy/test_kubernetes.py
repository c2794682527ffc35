"""The Kubernetes manifests: every overlay renders, every manifest validates offline, and the platform's rules hold
(probes on the real endpoints and ports, sizes, autoscaling, disruption budgets, partitioned slots, migrations,
configuration and secrets from the environment)."""

from __future__ import annotations

import copy
import functools
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from distribution_service.service.slots_command import parser as slots_parser
from distribution_service.service.slots_command import partition_of
from infra.settings import Settings
from tests.deploy.image import DEPLOY, module_of
from tests.deploy.kustomize import Doc, build, containers, only, pod_spec

K8S = DEPLOY / "k8s"
READ_SCHEMA = kubernetes_validate.utils.schema_contents
TREES = ("base", "overlays/dev", "overlays/prod")
OVERLAYS = ("overlays/dev", "overlays/prod")
# The oldest Kubernetes these manifests are checked against (CronJob timeZone is GA since 1.27).
KUBERNETES_VERSION = "1.30.0"
SERVICES = ("gateway", "users", "content", "distribution", "billing")
SECRETS = {"MONGODB_URI", "JWT_SECRET", "PLATFORM_ADMIN_KEY", "INTERNAL_API_TOKEN", "BILLING_WEBHOOK_SECRET"}
# ConfigMap keys that are not platform settings: read by the CronJobs' arguments and by uvicorn.
NOT_SETTINGS = {"SLOT_COMMUNITY", "FORWARDED_ALLOW_IPS"}


def render(tree: str) -> list[Doc]:
    return copy.deepcopy(rendered(tree))


@functools.cache
def rendered(tree: str) -> list[Doc]:
    return build(K8S / tree)


def env_of(container: Doc) -> dict[str, Any]:
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container.get("env", [])}


def expand(arg: str, values: dict[str, str]) -> str:
    """`$(NAME)` in a container's argument, as the kubelet expands it from the container's environment."""
    return re.sub(r"\$\((\w+)\)", lambda match: values[match.group(1)], arg)


def default_port(role: str) -> int:
    field = "gateway_port" if role == "gateway" else f"{role}_service_port"
    port: int = Settings.model_fields[field].default
    return port


@pytest.fixture(autouse=True)
def schemas_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """kubernetes-validate reads its 2 MB schema of definitions for every document: read each file once."""
    monkeypatch.setattr(kubernetes_validate.utils, "schema_contents", cached_schema)


@functools.cache
def cached_schema(filename: str, desired_version: str) -> Any:
    return READ_SCHEMA(filename, desired_version)


@pytest.mark.parametrize("tree", TREES)
def test_every_manifest_validates_against_the_kubernetes_schemas(tree: str) -> None:
    docs = render(tree)
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_a_misspelt_field_is_refused() -> None:
    deployment = copy.deepcopy(only(render("overlays/prod"), "Deployment", "gateway"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/readyz"}}
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("tree", OVERLAYS)
def test_the_python_rendering_is_what_kubectl_kustomize_renders(tree: str) -> None:
    out = subprocess.run(["kubectl", "kustomize", str(K8S / tree)], capture_output=True, text=True, check=True).stdout
    theirs = [doc for doc in yaml.safe_load_all(out) if doc]

    def by_name(docs: list[Doc]) -> dict[tuple[str, str], Doc]:
        return {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}

    assert by_name(render(tree)) == by_name(theirs)


@pytest.mark.parametrize("tree", OVERLAYS)
def test_each_service_is_probed_on_its_real_endpoints_and_port(tree: str) -> None:
    docs = render(tree)
    for name in SERVICES:
        (container,) = containers(only(docs, "Deployment", name))
        role = env_of(container)["ROLE"]
        assert role == name
        assert [port["containerPort"] for port in container["ports"] if port["name"] == "http"] == [default_port(role)]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}


@pytest.mark.parametrize("tree", OVERLAYS)
def test_every_container_has_requests_and_limits(tree: str) -> None:
    for doc in render(tree):
        for container in containers(doc):
            resources = container["resources"]
            for bound in ("requests", "limits"):
                assert set(resources[bound]) == {"cpu", "memory"}, (doc["metadata"]["name"], bound)


@pytest.mark.parametrize("tree", OVERLAYS)
def test_the_gateway_and_distribution_scale_on_cpu(tree: str) -> None:
    docs = render(tree)
    autoscalers = {doc["metadata"]["name"]: doc["spec"] for doc in docs if doc["kind"] == "HorizontalPodAutoscaler"}
    assert set(autoscalers) == {"gateway", "distribution"}
    for name, spec in autoscalers.items():
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 1 <= spec["minReplicas"] <= only(docs, "Deployment", name)["spec"]["replicas"] <= spec["maxReplicas"]


@pytest.mark.parametrize("tree", OVERLAYS)
def test_each_deployment_has_a_disruption_budget_and_a_service_over_its_pods(tree: str) -> None:
    docs = render(tree)
    for name in SERVICES:
        selector = only(docs, "Deployment", name)["spec"]["selector"]["matchLabels"]
        assert only(docs, "PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"] == selector
        service = only(docs, "Service", name)["spec"]
        assert service["selector"] == selector
        assert [(port["port"], port["targetPort"]) for port in service["ports"]] == [(default_port(name), "http")]


@pytest.mark.parametrize("tree", OVERLAYS)
def test_each_golden_slot_is_a_cron_job_split_across_indexed_workers(tree: str) -> None:
    docs = render(tree)
    config = only(docs, "ConfigMap", "platform-config")["data"]
    slots = dict(part.split("=") for part in Settings().golden_slots.split(","))
    for slot, clock in slots.items():
        cron = only(docs, "CronJob", f"slots-{slot.lower()}")
        hour, minute = (int(part) for part in clock.split(":"))
        assert cron["spec"]["schedule"] == f"{minute} {hour} * * *"
        job = cron["spec"]["jobTemplate"]["spec"]
        assert job["completionMode"] == "Indexed"
        workers = job["completions"]
        assert job["parallelism"] == workers
        (container,) = containers(cron)
        env = env_of(container)
        assert env["ROLE"] == "slots"
        annotation = "metadata.annotations['batch.kubernetes.io/job-completion-index']"
        assert env["PARTITION_INDEX"] == {"fieldRef": {"fieldPath": annotation}}
        for index in range(workers):
            values = {"PARTITION_INDEX": str(index), "SLOT_COMMUNITY": config["SLOT_COMMUNITY"]}
            argv = [expand(arg, values) for arg in container["args"]]
            args = slots_parser().parse_args(argv)
            assert (args.slot.value, partition_of(args)) == (slot, (index, workers))


@pytest.mark.parametrize("tree", OVERLAYS)
def test_migrations_run_as_a_job_of_their_own(tree: str) -> None:
    job = only(render(tree), "Job", "migrate")
    assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migrations"
    (container,) = containers(job)
    assert env_of(container)["ROLE"] == "migrate"
    assert pod_spec(job) is not None
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_every_role_in_the_manifests_runs_a_real_module(tmp_path: Path) -> None:
    roles = {env_of(c)["ROLE"] for tree in OVERLAYS for doc in render(tree) for c in containers(doc)}
    assert roles == {*SERVICES, "slots", "billing-cycle", "migrate"}
    for role in roles:
        assert importlib.util.find_spec(module_of(role, tmp_path)) is not None, role


@pytest.mark.parametrize("tree", OVERLAYS)
def test_configuration_and_secrets_come_from_the_environment(tree: str) -> None:
    docs = render(tree)
    assert not [doc for doc in docs if doc["kind"] == "Secret"], "no secret is committed"
    config = only(docs, "ConfigMap", "platform-config")["data"]
    assert config["APP_ENV"] == "production"
    assert (config["SLOT_SCHEDULER_ENABLED"], config["BILLING_SCHEDULER_INTERVAL_SECONDS"]) == ("false", "0")
    assert not SECRETS & set(config)
    assert {key.lower() for key in set(config) - NOT_SETTINGS} <= set(Settings.model_fields)
    for doc in docs:
        for container in containers(doc):
            sources = container["envFrom"]
            assert {"configMapRef": {"name": "platform-config"}} in sources
            assert {"secretRef": {"name": "platform-secrets"}} in sources


@pytest.mark.parametrize("tree", OVERLAYS)
def test_pods_run_unprivileged_on_a_read_only_root(tree: str) -> None:
    for doc in render(tree):
        spec = pod_spec(doc)
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for container in containers(doc):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_production_pins_its_image() -> None:
    images = {c["image"] for doc in render("overlays/prod") for c in containers(doc)}
    assert len(images) == 1
    (image,) = images
    assert ":" in image
    assert not image.endswith(":latest")
