"""`python -m content_service.evaluate_tags [DATA_DIR]`: tag-suggestion precision@3 on Stack Exchange.

Reads each site's Posts.xml directly (questions with their real tags), splits them by creation time (the oldest
80% are the corpus, the newest 20% are drafts to tag), suggests three tags per draft with the same TF-IDF
nearest-neighbour index the service uses, and reports precision@3 against the real tags, beside a baseline
that always suggests the corpus's three most frequent tags. The last line is one JSON object of the figures.
"""

from __future__ import annotations

import html
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import iterparse

from content_service.domain.assist import TfidfIndex, precision_at_k

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "stackexchange"
TRAIN_SHARE = 0.8


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def read_questions(posts: Path) -> list[tuple[str, str, list[str]]]:
    """(creation date, title + body text, tags) of every question that has tags."""
    questions = []
    for _, elem in iterparse(posts, events=("end",)):
        if elem.tag == "row" and elem.get("PostTypeId") == "1":
            tags = re.findall(r"<([^<>]+)>", elem.get("Tags", "")) or [t for t in elem.get("Tags", "").split("|") if t]
            if tags:
                body = re.sub(r"<[^>]+>", " ", html.unescape(elem.get("Body", "")))
                questions.append((elem.get("CreationDate", ""), f"{elem.get('Title', '')}\n{body}", tags))
        elem.clear()
    return sorted(questions, key=lambda q: q[0])


def evaluate_site(posts: Path) -> dict[str, float | int]:
    questions = read_questions(posts)
    cut = int(len(questions) * TRAIN_SHARE)
    train, test = questions[:cut], questions[cut:]
    index = TfidfIndex([q[1] for q in train], [q[2] for q in train])
    popular = [t for t, _ in Counter(t for q in train for t in q[2]).most_common(3)]
    started = time.perf_counter()
    model = [precision_at_k([t for t, _ in index.suggest_tags(q[1], k=3)], q[2]) for q in test]
    elapsed = time.perf_counter() - started
    baseline = [precision_at_k(popular, q[2]) for q in test]
    return {
        "questions": len(questions),
        "test": len(test),
        "precision_at_3": round(statistics.fmean(model), 4),
        "baseline_precision_at_3": round(statistics.fmean(baseline), 4),
        "mean_ms_per_draft": round(1000 * elapsed / max(1, len(test)), 2),
    }


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else DEFAULT_DIR
    sites = sorted(p for p in root.glob("*/Posts.xml"))
    if not sites:
        say(f"no */Posts.xml under {root}")
        return 1
    figures: dict[str, object] = {}
    total = weighted = base = 0.0
    for posts in sites:
        result = evaluate_site(posts)
        figures[posts.parent.name] = result
        total += float(result["test"])
        weighted += float(result["precision_at_3"]) * float(result["test"])
        base += float(result["baseline_precision_at_3"]) * float(result["test"])
        ratio = float(result["precision_at_3"]) / max(float(result["baseline_precision_at_3"]), 1e-9)
        say(
            f"{posts.parent.name:16} questions={result['questions']:5} test={result['test']:4} "
            f"precision@3={result['precision_at_3']:.4f} baseline={result['baseline_precision_at_3']:.4f} x{ratio:.2f}"
        )
    figures["overall_precision_at_3"] = round(weighted / total, 4)
    figures["overall_baseline_precision_at_3"] = round(base / total, 4)
    say(
        f"overall precision@3={figures['overall_precision_at_3']} baseline={figures['overall_baseline_precision_at_3']}"
    )
    say(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
