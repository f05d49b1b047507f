"""Ctrl-C during a build: held where it would do harm, prompt everywhere else.

- `held()`: a step that must not be cut in half (swapping the site into
  place) runs to its end; a Ctrl-C or SIGTERM that arrived meanwhile takes
  effect right after it.
- `parallel_map()`: worker processes that a Ctrl-C never kills. On a
  terminal, Ctrl-C interrupts every process of the foreground group; with
  Python 3.11's ProcessPoolExecutor a worker dying of it while it starts
  leaves the pool waiting for it forever (the build hangs). Here workers
  start with SIGINT blocked and then ignore it: only the parent is
  interrupted, and it cancels the queued work and stops them.
- `checkpoint()`: named points where the interruption tests stop a build
  (see the function), instead of timing a signal against a running build.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

logger = logging.getLogger(__name__)

INTERRUPT_AT = "POLICY_BRIEFS_INTERRUPT_AT"
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held() -> Iterator[None]:
    """Run the block to its end; deliver SIGINT/SIGTERM received meanwhile
    afterwards. Python raises KeyboardInterrupt only in the main thread, so
    elsewhere (the preview's rebuild thread) there is nothing to hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {
        number: signal.signal(number, lambda received, frame: arrived.append(received))
        for number in HELD_SIGNALS
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(arrived):
            signal.raise_signal(number)


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """Processes started inside the block inherit SIGINT blocked."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_worker(initializer: Callable | None, initargs: tuple) -> None:
    """A worker ignores Ctrl-C: its parent decides (and stops the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if initializer is not None:
        initializer(*initargs)


def parallel_map(
    function: Callable,
    items: Iterable,
    *,
    chunksize: int = 1,
    max_workers: int | None = None,
    initializer: Callable | None = None,
    initargs: tuple = (),
) -> list:
    """`[function(item) for item in items]` across worker processes."""
    pool = ProcessPoolExecutor(
        max_workers, initializer=start_worker, initargs=(initializer, initargs)
    )
    try:
        with sigint_blocked():  # the workers start here
            results = pool.map(function, items, chunksize=chunksize)
        checkpoint("parallel")
        return list(results)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def checkpoint(stage: str) -> None:
    """Fault injection for the interruption tests.

    With POLICY_BRIEFS_INTERRUPT_AT=<stage>:<SIGNAL> in the environment (for
    example `swapping:SIGKILL`), the process sends itself that signal when
    it reaches `stage`: to its whole process group when it leads one, as
    Ctrl-C on a terminal does (tests start builds in a new session), else
    to itself only. Stages: `parallel` (worker processes running), `staged`
    (the new site is complete, before the swap), `swapping` (between the
    swap's two renames), `file-written` (a page or feed written, not yet
    renamed into place).
    """
    wanted = os.environ.get(INTERRUPT_AT)
    if not wanted:
        return
    name, _, signal_name = wanted.partition(":")
    if name != stage:
        return
    number = signal.Signals[signal_name or "SIGINT"]
    logger.debug("checkpoint %s: sending %s", stage, number.name)
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), number)
    else:
        os.kill(os.getpid(), number)
    if number == signal.SIGINT and threading.current_thread() is not (
        threading.main_thread()
    ):
        # Python runs the handler in the main thread, at its next step: the
        # thread that reached the stage (one writing files) stops here too,
        # as the whole process would on Ctrl-C at that point.
        raise KeyboardInterrupt
