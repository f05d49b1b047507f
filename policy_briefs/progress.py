"""Build progress on a terminal: briefs read and files written, drawn by rich.

Pelican is silent while it works, so on a large site an editor cannot tell a
slow build from a stuck one. The counts come from the briefs pipeline's
signals, so they are true for any content. Nothing is shown when the output
is not a terminal or the CI variable is set: logs stay exactly as they were.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.file_proxy import FileProxy
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from briefs.pipeline import briefs_read, files_written

logger = logging.getLogger(__name__)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def wanted(stream: TextIO) -> bool:
    """Only for a person watching a terminal, never in CI logs."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not in_ci()


class Counter:
    """Counts the pipeline's signals into two rows of a rich Progress: one
    for the briefs read, one for the files written. The display (and the
    thread that redraws it) starts with the first count: a build forks its
    workers before it reads, where no other thread runs
    (briefs.pipeline._early_start_method)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.read = 0
        self.written = 0
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(file=stream, force_terminal=True),
        )
        self.reading = self.progress.add_task("reading briefs", total=None)
        self.writing = self.progress.add_task("writing files", total=None, start=False)
        self.log_handlers: list[logging.StreamHandler] | None = None  # (once shown)

    def file_read(self, sender, count: int = 1, **kwargs) -> None:
        self.read += count
        self._show(self.reading, self.read, "briefs read")
        self.progress.start_task(self.writing)

    def page_written(self, sender, count: int = 1, **kwargs) -> None:
        self.written += count
        self._show(self.writing, self.written, "files written")

    def _show(self, task, count: int, what: str) -> None:
        if self.log_handlers is None:
            self._start()
        self.progress.update(
            task, description=f"{count} {what}", completed=count, total=count
        )

    def _start(self) -> None:
        """Show the display; log lines to the same stream go above it."""
        self.progress.start()
        self.log_handlers = [
            handler
            for handler in logging.getLogger().handlers
            if isinstance(handler, logging.StreamHandler)
            and handler.stream is self.stream
        ]
        proxy = FileProxy(self.progress.console, self.stream)
        for handler in self.log_handlers:
            handler.setStream(proxy)

    def stop(self) -> None:
        """The final counts stay on screen; a stage that never ran (an
        up-to-date build reads nothing) leaves no row, and a build that
        counted nothing no display."""
        if self.log_handlers is None:
            return
        if not self.read:
            self.progress.remove_task(self.reading)
        if not self.written:
            self.progress.remove_task(self.writing)
        for handler in self.log_handlers:
            handler.stream.flush()
            handler.setStream(self.stream)
        self.progress.stop()


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
        counter.stop()
        logger.debug("%d briefs read, %d files written", counter.read, counter.written)
