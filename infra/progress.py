"""Progress of long command-line jobs: a tqdm bar on stderr, or the plain lines it replaces.

The bar shows only where someone watches: stderr is a terminal and `--no-progress` was not given. Elsewhere (a
log file, CI, a script reading the output) each `say` is one plain line on stderr, as before, and stdout stays
the command's answer alone.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from types import TracebackType
from typing import TextIO

from tqdm import tqdm


def add_flag(parser: argparse.ArgumentParser) -> None:
    """Give a command's parser the `--no-progress` flag every long command shares."""
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar on stderr (it shows only on a terminal)"
    )


def wanted(no_progress: bool, stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    return not no_progress and stream.isatty()


class ProgressBar:
    """A bar over `total` steps (`advance`, `to`), with `say` lines above it; plain stderr lines when off."""

    def __init__(self, desc: str, total: float, *, enabled: bool, unit: str = "step") -> None:
        self.enabled = enabled
        # A bar in percent shows no rate ("390%/s" says nothing); a bar of steps does.
        shape = "{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}{postfix}" if unit == "%" else None
        size = shutil.get_terminal_size()
        self.bar = tqdm(
            total=total,
            desc=desc,
            unit=unit,
            file=sys.stderr,
            disable=not enabled,
            # A terminal that reports no size (0x0, as some pseudo-terminals do) would hide the bar: fall back to 80x24.
            ncols=size.columns,
            nrows=size.lines,
            leave=True,
            bar_format=shape,
        )

    def say(self, line: str) -> None:
        if self.enabled:
            tqdm.write(line, file=sys.stderr)
        else:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def detail(self, line: str) -> None:
        """A passing detail (a count so far): beside the bar when it shows, else a plain line as before."""
        if self.enabled:
            self.bar.set_postfix_str(line.strip(), refresh=True)
        else:
            self.say(line)

    def phase(self, line: str) -> None:
        """A phase begins: its line above the bar, and the bar moves one step."""
        self.say(line)
        self.advance()

    def advance(self, steps: float = 1) -> None:
        self.bar.update(steps)

    def to(self, done: float) -> None:
        """Move the bar to `done` steps (never backwards)."""
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
