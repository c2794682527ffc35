"""What an import did: counts created, skipped, rejected (with reasons) and ignored, per kind of record."""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from infra.bulk import ImportOutcome, ImportResult

KINDS = ("members", "content", "events")
EXAMPLES_PER_REASON = 3


def invalid(exc: ValidationError) -> str:
    """A rejection reason from a validation error: the field and the rule, without the value."""
    first = exc.errors()[0]
    field_name = ".".join(str(p) for p in first["loc"] if isinstance(p, str))
    return f"invalid {field_name}: {first['msg']}"


def to_stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@dataclass
class ImportReport:
    community: str
    created: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    ignored_reasons: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def reject(self, kind: str, reason: str, source_id: str | None = None) -> None:
        self.rejected[kind] += 1
        self.reasons[kind][reason] += 1
        if source_id is not None and len(self.examples[(kind, reason)]) < EXAMPLES_PER_REASON:
            self.examples[(kind, reason)].append(source_id)

    def ignore(self, kind: str, reason: str) -> None:
        """A record deliberately not imported (not an error): the community bot, unsupported post types..."""
        self.ignored[kind] += 1
        self.ignored_reasons[kind][reason] += 1

    def add(self, kind: str, result: ImportResult) -> None:
        self.created[kind] += result.created
        self.skipped[kind] += result.skipped
        for item in result.items:
            if item.outcome == ImportOutcome.REJECTED:
                self.reject(kind, item.reason or "refused by the service", item.source_id)

    def summary(self) -> dict[str, Any]:
        def counts(counter: Counter[str]) -> dict[str, int]:
            return {kind: counter[kind] for kind in KINDS}

        return {
            "community": self.community,
            "created": counts(self.created),
            "skipped": counts(self.skipped),
            "rejected": counts(self.rejected),
            "ignored": counts(self.ignored),
            "reasons": {kind: dict(sorted(self.reasons[kind].items())) for kind in KINDS if self.reasons[kind]},
            "ignoredReasons": {
                kind: dict(sorted(self.ignored_reasons[kind].items())) for kind in KINDS if self.ignored_reasons[kind]
            },
            "files": self.files,
            "seconds": round(time.monotonic() - self.started, 2),
        }

    def describe(self, out: Callable[[str], None] = to_stderr) -> None:
        """A human summary: totals, then each rejection reason with a few source ids."""
        for label, counter in (("created", self.created), ("skipped", self.skipped), ("rejected", self.rejected)):
            out(f"{label}: " + ", ".join(f"{counter[k]} {k}" for k in KINDS))
        out("ignored: " + ", ".join(f"{self.ignored[k]} {k}" for k in KINDS))
        for kind in KINDS:
            for reason, count in sorted(self.reasons[kind].items()):
                examples = ", ".join(self.examples[(kind, reason)])
                out(f"  rejected {kind}: {reason}: {count}" + (f" (e.g. {examples})" if examples else ""))
            for reason, count in sorted(self.ignored_reasons[kind].items()):
                out(f"  ignored {kind}: {reason}: {count}")
