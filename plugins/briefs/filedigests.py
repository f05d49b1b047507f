"""Digests of the content of input files, and what saves reading them again.

A brief's read is cached under a key made from its file's digest
(reading.read_key). The build knows a file's digest without reading it
twice in two cases:

- a new build process has just read every input for its up-to-date check
  (pipeline.inputs_digest), and hands their digests on;
- each file's digest is remembered by the file's identity (`Remembered`),
  by a long-lived process (the preview) in memory, and by a new build
  process in the cache (pipeline.inputs_digest): a file whose identity
  is unchanged since the last build is not read again.

An identity is (device, inode, size, mtime, ctime). Programs can set a
file's mtime (cp -p, rsync, some editors) but not its ctime, which the
kernel sets on every change. An identity is only remembered when its ctime
is SETTLED_SECONDS older than the build that looked at it: a file changed
twice within one tick of the clock could otherwise keep all of it (git's
"racily clean" files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .cache import digest_of

SETTLED_SECONDS = 2.0

Identity = tuple[int, int, int, int, int]


def identity_of(info: os.stat_result) -> Identity:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def is_settled(info: os.stat_result, since: float) -> bool:
    """Whether what is known of a file by its identity may be remembered:
    it last changed SETTLED_SECONDS before `since`, when the build started
    looking at files."""
    return info.st_ctime_ns < (since - SETTLED_SECONDS) * 1e9


@dataclass
class Remembered:
    """File digests a long-lived process keeps between builds, by path."""

    files: dict[str, tuple[Identity, str]] = field(default_factory=dict)
    # Whether `files` changed since it was made (then it is worth storing).
    changed: bool = False

    def digest(
        self, path: Path, since: float, info: os.stat_result | None = None
    ) -> tuple[str, bytes | None]:
        """`path`'s digest and, unless it was remembered, its bytes (read
        now). `since`: when this build started looking at files (before any
        of them), for what may be remembered; `info`: the file's stat, when
        taken already. OSError when it cannot be read."""
        info = path.stat() if info is None else info
        identity = identity_of(info)
        name = str(path)
        known = self.files.get(name)
        if known is not None and known[0] == identity:
            return known[1], None
        data = path.read_bytes()
        digest = digest_of(data)
        # The identity was taken before the read: a change made meanwhile
        # gives the file another ctime, so it is read again next time.
        if is_settled(info, since):
            self.files[name] = (identity, digest)
            self.changed = True
        elif self.files.pop(name, None) is not None:
            self.changed = True
        return digest, data

    def keep_only(self, paths: set[str]) -> None:
        """Forget the files no longer read (deleted, renamed)."""
        kept = {name: known for name, known in self.files.items() if name in paths}
        self.changed = self.changed or len(kept) != len(self.files)
        self.files = kept
