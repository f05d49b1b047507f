"""Build progress on a terminal: files read and pages written, on one line.

Pelican is silent while it works, so on a large site an editor cannot tell a
slow build from a stuck one. The counts come from the briefs pipeline's
signals, so they are true for any content. Nothing is shown when the output is not a
terminal or the CI variable is set: logs stay exactly as they were.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from contextlib import contextmanager
from typing import TextIO

from briefs.pipeline import briefs_read, files_written

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 0.1


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def wanted(stream: TextIO) -> bool:
    """Only for a person watching a terminal, never in CI logs."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not in_ci()


class Counter:
    """Counts Pelican's signals and redraws one status line, at most ten
    times a second (a redraw per page would slow a big build down)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.read = 0
        self.written = 0
        self._drawn_at = 0.0

    def file_read(self, sender, count: int = 1, **kwargs) -> None:
        self.read += count
        self.draw()

    def page_written(self, sender, count: int = 1, **kwargs) -> None:
        self.written += count
        self.draw()

    def draw(self, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._drawn_at < REFRESH_SECONDS:
            return
        self._drawn_at = now
        line = f"\r{self.read} files read, {self.written} pages written"
        self.stream.write(line + ("\n" if final else ""))
        self.stream.flush()


@contextmanager
def reporting(stream: TextIO | None = None, enabled: bool | None = None):
    """Show progress for the Pelican runs inside the block; yields the
    Counter, or None when quiet (see `wanted`)."""
    stream = stream if stream is not None else sys.stderr
    if not (wanted(stream) if enabled is None else enabled):
        yield None
        return
    counter = Counter(stream)
    connections = (
        (briefs_read, counter.file_read),
        (files_written, counter.page_written),
    )
    for signal, receiver in connections:
        signal.connect(receiver, weak=False)
    try:
        yield counter
    finally:
        for signal, receiver in connections:
            signal.disconnect(receiver)
        logger.debug("%d files read, %d pages written", counter.read, counter.written)
        if counter.read or counter.written:
            counter.draw(final=True)
