"""Platform-wide starter templates, offered to every community beside its own library (validated when seeded)."""

from __future__ import annotations

from typing import Any

STARTERS: list[dict[str, Any]] = [
    {
        "key": "starter-qa",
        "name": "Question and answer",
        "description": "A question members ask, answered step by step.",
        "fields": [
            {"name": "title", "required": True, "maxLength": 300},
            {"name": "question", "required": True, "maxLength": 5000},
            {"name": "answer", "required": True, "maxLength": 50000},
        ],
        "defaultTags": ["qa"],
        "bodyPattern": "{question}\n\n{answer}",
    },
    {
        "key": "starter-howto",
        "name": "How-to guide",
        "description": "Goal, steps and pitfalls.",
        "fields": [
            {"name": "title", "required": True, "maxLength": 300},
            {"name": "goal", "required": True, "maxLength": 2000},
            {"name": "steps", "required": True, "maxLength": 50000},
            {"name": "pitfalls", "maxLength": 10000},
            {"name": "level", "type": "CHOICE", "choices": ["BEGINNER", "INTERMEDIATE", "ADVANCED"]},
        ],
        "defaultTags": ["howto"],
        "bodyPattern": "{goal}\n\n{steps}\n\n{pitfalls}",
    },
    {
        "key": "starter-review",
        "name": "Product review",
        "description": "A member's verdict with a score.",
        "fields": [
            {"name": "title", "required": True, "maxLength": 300},
            {"name": "verdict", "required": True, "maxLength": 20000},
            {"name": "score", "type": "NUMBER", "required": True, "maxLength": 4},
        ],
        "defaultTags": ["review"],
        "bodyPattern": "{verdict}\n\nScore: {score}",
    },
]
