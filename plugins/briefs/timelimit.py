"""A time limit on work that a hostile input can make take hours: rendering
a Markdown text (bodychecks.py), laying out a PDF (pdf.py)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TooSlow(BaseException):
    """Not an Exception: no `except Exception` inside a renderer stops it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow in the block after `seconds`. SIGALRM works only in a
    main thread: a worker process's, or a build's (a preview's thread
    renders without a limit). A timer already set (a caller's own) is left
    to run, and set again after the block."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum, frame):
        raise TooSlow

    outer = signal.getitimer(signal.ITIMER_REAL)
    if 0 < outer[0] <= seconds:  # it rings first: the caller's limit holds
        yield
        return
    handler = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, handler)
        if outer[0]:
            left = max(outer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer[1])
