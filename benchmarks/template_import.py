"""Bulk template import: `python -m benchmarks.template_import`.

Generates a library of TEMPLATES (default 2,000) varied templates (3-8 typed fields each, choice lists,
patterns), and imports it through the gateway's `importTemplates` as JSON and as YAML, each into a fresh
community; then imports the same JSON again (every template unchanged) and once more with 10% changed (new
versions). Baseline, measured in the same run: parsing and validating the same document without writing
(`parse_library`), the floor of any import. Medians over ROUNDS (default 3). The gateway's body limit is
raised for the run (MAX_BODY_BYTES): a 2,000-template document is larger than the default 256 KiB.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from typing import Any

import yaml

from benchmarks.content_harness import Gql, platform
from content_service.schemas.templates import ExportFormat
from content_service.service.templates import parse_library

IMPORT = "mutation($i: ImportTemplatesInput!) { importTemplates(input: $i) { created versioned unchanged total } }"


def generate(n: int, seed: int = 7, changed: float = 0.0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    topics = ["repair", "fitting", "touring", "commute", "racing", "gravel", "kids", "winter", "electric", "storage"]
    library = []
    for i in range(n):
        topic = topics[i % len(topics)]
        fields: list[dict[str, Any]] = [{"name": "title", "required": True, "maxLength": 120}]
        for f in range(rng.randint(2, 7)):
            kind = rng.choice(["TEXT", "TEXT", "NUMBER", "CHOICE"])
            field: dict[str, Any] = {"name": f"f{f}", "type": kind, "required": rng.random() < 0.5}
            if kind == "CHOICE":
                field["choices"] = [f"option-{c}" for c in range(rng.randint(2, 6))]
            elif kind == "TEXT":
                field["maxLength"] = rng.choice([200, 2000, 20000])
            fields.append(field)
        body = "\n\n".join(f"{{{f['name']}}}" for f in fields[1:])
        name = f"{topic.title()} template {i}" + (" (v2)" if rng.random() < changed else "")
        library.append(
            {
                "key": f"{topic}-{i:05d}",
                "name": name,
                "description": f"Standard {topic} knowledge template number {i}.",
                "fields": fields,
                "defaultKind": "UGC",
                "defaultTags": [topic],
                "bodyPattern": body,
            }
        )
    return library


async def _import(gql: Gql, token: str, fmt: str, document: str) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    data = await gql(IMPORT, {"i": {"format": fmt, "document": document}}, token=token)
    return time.perf_counter() - started, data["importTemplates"]


async def run(n: int, rounds: int) -> dict[str, float]:
    library = generate(n)
    docs = {"JSON": json.dumps({"templates": library}), "YAML": yaml.safe_dump({"templates": library}, sort_keys=False)}
    changed_doc = json.dumps({"templates": generate(n, changed=0.1)})
    times: dict[str, list[float]] = {
        k: [] for k in ("parse_json", "parse_yaml", "json", "yaml", "unchanged", "changed")
    }
    async with platform(max_body_bytes=64 * 1024 * 1024, outbox_relay_enabled=False) as gql:
        for r in range(rounds):
            for fmt in ("JSON", "YAML"):
                started = time.perf_counter()
                parse_library(docs[fmt], ExportFormat(fmt))
                times[f"parse_{fmt.lower()}"].append(time.perf_counter() - started)
                slug = f"{fmt.lower()}-{r}"
                community_id = await gql.community(slug)
                _, token = await gql.operator(community_id, slug, "op")
                elapsed, report = await _import(gql, token, fmt, docs[fmt])
                assert report["created"] == n, report
                times[fmt.lower()].append(elapsed)
                if fmt == "JSON":
                    elapsed, report = await _import(gql, token, "JSON", docs["JSON"])
                    assert report["unchanged"] == n, report
                    times["unchanged"].append(elapsed)
                    elapsed, report = await _import(gql, token, "JSON", changed_doc)
                    assert report["versioned"] + report["unchanged"] == n, report
                    times["changed"].append(elapsed)
    med = {k: statistics.median(v) for k, v in times.items()}
    figures: dict[str, float] = {
        "templates": float(n),
        "json_bytes": float(len(docs["JSON"])),
        "yaml_bytes": float(len(docs["YAML"])),
        "import_json_seconds": round(med["json"], 3),
        "import_yaml_seconds": round(med["yaml"], 3),
        "reimport_unchanged_seconds": round(med["unchanged"], 3),
        "reimport_10pct_changed_seconds": round(med["changed"], 3),
        "json_templates_per_second": round(n / med["json"], 1),
        "baseline_parse_json_seconds": round(med["parse_json"], 3),
        "baseline_parse_yaml_seconds": round(med["parse_yaml"], 3),
        "import_json_vs_parse": round(med["json"] / med["parse_json"], 2),
        "import_yaml_vs_parse": round(med["yaml"] / med["parse_yaml"], 2),
    }
    for key, value in figures.items():
        print(f"{key:32} {value}")
    return figures


def main() -> None:
    n = int(os.environ.get("TEMPLATES", "2000"))
    rounds = int(os.environ.get("ROUNDS", "3"))
    print(json.dumps(asyncio.run(run(n, rounds))))


if __name__ == "__main__":
    main()
