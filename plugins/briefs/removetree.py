"""Delete a folder tree, also one a build's output made read-only.

outputdir.py deletes the old site and failed builds' folders with
`remove()`. After a large build, `outputdir.swap` runs this file as a
script, by path with `python -I -S` (it imports only the standard library,
so it starts in milliseconds), to delete the old site while the build
returns. Standard input: the folder to delete. Nothing on it (the build was
killed before it said which): nothing is deleted.
"""

import os
import shutil
import stat
import sys
from contextlib import suppress
from pathlib import Path


def remove(folder: str | os.PathLike) -> None:
    """Delete `folder`; where a folder in it refuses, give the owner write
    access to every folder below (never following a symbolic link out of
    it) and try again."""
    try:
        shutil.rmtree(folder)
        return
    except OSError:
        _make_removable(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _make_removable(folder: str | os.PathLike) -> None:
    folder = Path(folder)
    if folder.is_symlink():
        return
    _add_owner_access(folder)
    for parent, names, _ in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            if not path.is_symlink():
                _add_owner_access(path)


def _add_owner_access(path: Path) -> None:
    with suppress(OSError):
        path.chmod(path.stat().st_mode | stat.S_IRWXU)


if __name__ == "__main__":
    named = sys.stdin.buffer.read()
    # The build waits for this process only: a child of it deletes, in the
    # same process group (whose id names the folder), reparented when this
    # one exits, so that the build leaves neither a zombie nor a wait.
    if named and os.fork() == 0:
        remove(os.fsdecode(named))
        os._exit(0)
