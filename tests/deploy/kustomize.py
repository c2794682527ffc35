"""The part of Kustomize that infra/deploy/k8s uses, in Python, so that CI renders the overlays without `kustomize`.

Supported, and refused otherwise: `resources` (files and folders), `namespace`, `images` (newName, newTag),
`replicas`, and strategic-merge `patches` from files (each document names its target by kind and name). The merge
follows Kubernetes' rules for the lists these manifests patch: lists of named objects (containers, env, ports,
volumes) merge by name, every other list is replaced, and a null deletes a key. Where `kubectl` is installed,
tests/deploy/test_kubernetes.py checks that this renders exactly what `kubectl kustomize` renders.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]
SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"}
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}


def load_documents(path: Path) -> list[Doc]:
    return [doc for doc in yaml.load_all(path.read_text(), Loader=LOADER) if doc]


def build(folder: Path) -> list[Doc]:
    """The documents `kustomize build folder` prints, in the order of their resources."""
    spec: Doc = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise ValueError(f"{folder}: kustomization fields not rendered here: {sorted(unknown)}")
    docs: list[Doc] = []
    for entry in spec.get("resources", []):
        path = folder / entry
        docs += build(path) if path.is_dir() else load_documents(path)
    for patch in spec.get("patches", []):
        for body in load_documents(folder / patch["path"]):
            apply_patch(docs, body)
    for replica in spec.get("replicas", []):
        only(docs, "Deployment", replica["name"])["spec"]["replicas"] = replica["count"]
    for image in spec.get("images", []):
        for doc in docs:
            for container in containers(doc):
                name, _, _ = container["image"].partition(":")
                if name == image["name"]:
                    tag = image.get("newTag", container["image"].partition(":")[2])
                    container["image"] = f"{image.get('newName', name)}:{tag}" if tag else image.get("newName", name)
    if "namespace" in spec:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = spec["namespace"]
    return docs


def only(docs: list[Doc], kind: str, name: str) -> Doc:
    found = [doc for doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name]
    if len(found) != 1:
        raise ValueError(f"{len(found)} {kind} named {name!r}, not one")
    return found[0]


def apply_patch(docs: list[Doc], body: Doc) -> None:
    target = only(docs, body["kind"], body["metadata"]["name"])
    merged = merge(target, body)
    target.clear()
    target.update(merged)


def merge(base: Any, patch: Any) -> Any:
    """Kubernetes' strategic merge, as far as these manifests need it."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(out[key], value) if key in out else copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(patch, list) and named(base) and named(patch):
        patches = {item["name"]: item for item in patch}
        kept = [merge(item, patches[item["name"]]) if item["name"] in patches else item for item in base]
        present = {item["name"] for item in base}
        return kept + [copy.deepcopy(item) for item in patch if item["name"] not in present]
    return copy.deepcopy(patch)


def named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "name" in item for item in items)


def pod_spec(doc: Doc) -> Doc | None:
    """The pod template's spec of a workload (Deployment, Job, CronJob), else None."""
    if doc["kind"] in ("Deployment", "Job"):
        spec: Doc = doc["spec"]["template"]["spec"]
        return spec
    if doc["kind"] == "CronJob":
        cron: Doc = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return cron
    return None


def containers(doc: Doc) -> list[Doc]:
    spec = pod_spec(doc)
    if spec is None:
        return []
    return [*spec.get("initContainers", []), *spec["containers"]]
