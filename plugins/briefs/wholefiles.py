"""Pages and feeds are written whole or not at all.

Pelican writes each file in place: a build that fails or is interrupted
half-way through a feed leaves a truncated, invalid feed behind (plain
`pelican` writes straight into the output folder). Here each file is
written under a hidden temporary name beside it and renamed over the real
name only when writing finished.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from policy_briefs.interrupts import checkpoint


def partial_name(target: str) -> str:
    """The temporary name of `target` while it is being written."""
    path = Path(target)
    return str(path.with_name(f".{path.name}.partial"))


class ReplaceWhenDone:
    """Context manager around a file open on `partial_name(target)`."""

    def __init__(self, file: TextIO, target: str):
        self.file = file
        self.target = target

    def __enter__(self) -> TextIO:
        return self.file

    def __exit__(self, kind, value, traceback) -> bool:
        self.file.close()
        if self.file.name == os.devnull:  # Pelican skips this write
            return False
        partial = Path(self.file.name)
        try:
            if kind is None:
                checkpoint("file-written")
                partial.replace(self.target)
        finally:
            partial.unlink(missing_ok=True)
        return False
