"""The ranking stack's lazy imports wait for one lock (distribution_service/ranking/lazy_imports.py): two threads
importing scikit-learn at once gave a feed "cannot import name 'clone' from partially initialized module". Each case
runs in a fresh interpreter, where nothing of the stack is imported yet."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_first_use_waits_while_another_thread_holds_the_import_lock() -> None:
    out = run(
        """
        import sys, threading, time
        from distribution_service.ranking.lazy_imports import RANKING_IMPORTS
        from distribution_service.ranking.text import text_matrix

        with RANKING_IMPORTS:
            worker = threading.Thread(target=text_matrix, args=(["first feed"],))
            worker.start()
            time.sleep(0.5)
            waiting = "sklearn" not in sys.modules and worker.is_alive()
        worker.join(60)
        print(waiting, "sklearn.base" in sys.modules, worker.is_alive())
        """
    )
    assert out == "True True False"


def test_the_prewarm_and_first_feeds_import_the_stack_together_without_error() -> None:
    out = run(
        """
        import threading
        from distribution_service.ranking.text import text_matrix
        from distribution_service.service.prewarm import load_ranking_stack

        start, errors = threading.Barrier(4), []

        def go(work):
            start.wait()
            try:
                work()
            except Exception as exc:
                errors.append(repr(exc))

        jobs = [load_ranking_stack, lambda: text_matrix(["a feed"]), load_ranking_stack, lambda: text_matrix(["b"])]
        threads = [threading.Thread(target=go, args=(job,)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        print(errors)
        """
    )
    assert out == "[]"
