"""Hard-link files of the last build's folder into the new one: the script
pipeline.Linker runs, in a process of its own, while the build goes on.

It is run by path with `python -I -S` and imports only the standard
library, so it starts in milliseconds. Standard input: the old folder, the
new folder, then each file's path under both, each ended by a NUL byte; the
build sends them as it finds them, and they are linked as they come (a
thread reads them meanwhile, so the build never waits on a full pipe).
Standard output, at the end: the paths it could not link (changed or gone
since the build checked them), separated by NUL bytes.
"""

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from queue import SimpleQueue


def link_all(old: bytes, new: bytes, names: Iterable[bytes]) -> list[bytes]:
    """Link each of `names` from `old` into `new`; the names that failed."""
    made, failed = set(), []
    for name in names:
        target = os.path.join(new, name)  # noqa: PTH118
        folder = os.path.dirname(target)  # noqa: PTH120
        try:
            if folder not in made:
                os.makedirs(folder, exist_ok=True)  # noqa: PTH103
                made.add(folder)
            os.link(os.path.join(old, name), target)  # noqa: PTH118
        except OSError:
            failed.append(name)
    return failed


def received(stream) -> Iterator[bytes]:
    """The NUL-ended names on `stream` as they come, read by a thread."""
    batches = SimpleQueue()

    def read() -> None:
        pending = b""
        while chunk := stream.read1(1 << 16):
            *complete, pending = (pending + chunk).split(b"\0")
            batches.put(complete)
        batches.put(None)

    threading.Thread(target=read, daemon=True).start()
    while (batch := batches.get()) is not None:
        yield from batch


if __name__ == "__main__":
    names = received(sys.stdin.buffer)
    old, new = next(names), next(names)
    failed = link_all(old, new, names)
    sys.stdout.buffer.write(b"\0".join(failed))
