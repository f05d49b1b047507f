"""The output folder: which folders a build may replace, and replacing one
without ever losing the only copy of a site.

A build writes a staging folder beside the output folder and swaps it in
with two renames, which deletes the old folder. So, in this order:

- `guard()` refuses, with one line, a folder whose loss would hurt: an
  empty path, a symbolic link, a file, the content folder (or a folder
  inside it or above it), the project folder, the current folder (or a
  folder above them), and a non-empty folder no build wrote (unless
  `force`).
- `lock()`: one build at a time writes a given folder (fcntl.flock on
  `.<name>.lock` beside it, removed afterwards); the next build waits,
  saying so, and gives up after LOCK_TIMEOUT seconds.
- `recover()` repairs what a build killed outright (SIGKILL, power loss)
  left: killed between its two renames, the old site `.<name>.old-<pid>`
  is renamed back; staging folders `.<name>.building-<pid>-<random>` of
  dead builds, and old sites `.<name>.deleting-<group>` whose deleting
  process (see swap) was killed, are deleted. Only these exact names are
  ever touched.
- `staging()`, then `swap()`, or `discard()` when the build failed.

Every build marks the folder it swaps in with MARKER, a small hidden file
inside it: the mark moves with the folder in every rename (and with a copy
of a built site), so it never disagrees with what is on disk. It is never
published: the link checker and the sitemap read only pages, feeds and
stylesheets, the offline zip leaves it out, `publish` lifts it out while
ghp-import reads the folder (`unmarked()`), and the Pages workflow's
upload-pages-artifact skips hidden files.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import removetree
from .interrupts import checkpoint, held
from .problems import BriefsError

logger = logging.getLogger(__name__)

MARKER = ".policy-briefs-build"
MARKER_TEXT = (
    "Written by a policy-briefs build (invoke build); the next build replaces "
    "this folder as a whole.\n"
)
LOCK_TIMEOUT = 300.0
_LOCK_POLL = 0.1


class FolderError(BriefsError):
    """Nothing was built or changed; one line says why."""

    def __init__(self, message: str):
        super().__init__([message])


def require_folder(path: str | Path, what: str = "content folder") -> Path:
    """`path` resolved, or FolderError when it is not an existing folder."""
    if not str(path).strip() or not Path(path).is_dir():
        state = "is not a folder" if Path(path).exists() else "does not exist"
        raise FolderError(f"the {what} '{path}' {state}")
    return Path(path).resolve()


def guard(
    output: str | Path,
    content: str | Path,
    project_root: Path,
    cwd: Path,
    force: bool = False,
) -> Path:
    """The output folder resolved, or FolderError if replacing it could
    destroy something. `force` allows only a folder no build wrote."""
    shown = str(output)
    if not shown.strip():
        raise FolderError(
            f"refusing to build into '{shown}': an empty path is the current "
            "folder; give a folder such as output/"
        )
    content_folder = require_folder(content)
    path = Path(cwd, output)
    if path.is_symlink():
        raise FolderError(
            f"refusing to build into {shown}: it is a symbolic link (to "
            f"{path.readlink()}) and a build replaces the folder; give the "
            "real folder instead"
        )
    target = path.resolve()
    reason = _unsafe(
        target, content_folder, Path(project_root).resolve(), Path(cwd).resolve()
    )
    if reason:
        raise FolderError(f"refusing to build into {shown}: {reason}")
    if not force and _foreign(target):
        raise FolderError(
            f"refusing to build into {shown}: it holds files no build of this "
            f"project wrote (builds mark their folders with {MARKER}); move "
            "them away, or pass --force to replace the folder and everything in it"
        )
    return target


def _unsafe(target: Path, content: Path, root: Path, cwd: Path) -> str | None:
    if target.exists() and not target.is_dir():
        return "it is a file, not a folder"
    if target != content and target.is_relative_to(content):
        return f"it is inside the content folder ({content})"
    for folder, name in (
        (content, "the content folder"),
        (root, "the project folder"),
        (cwd, "the current folder"),
    ):
        if target == folder:
            return f"it is {name}"
        if folder.is_relative_to(target):
            return f"it contains {name} ({folder})"
    return None


def _foreign(target: Path) -> bool:
    """A non-empty folder without a build's mark."""
    if not target.is_dir() or (target / MARKER).is_file():
        return False
    return next(target.iterdir(), None) is not None


def require_writable(folder: Path) -> None:
    """FolderError unless files can be created in `folder`, or in the
    nearest folder above it that exists (nothing is left behind)."""
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    try:
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as exc:
        raise FolderError(f"cannot write into {folder}: {exc.strerror}") from None


@contextmanager
def lock(output: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold `output`'s lock for the block; wait while another build holds it."""
    path = output.with_name(f".{output.name}.lock")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        wait = LOCK_TIMEOUT if timeout is None else timeout
        descriptor = _acquire(path, output, wait)
    except OSError as exc:
        raise FolderError(
            f"cannot build into {output}: cannot write in {output.parent} "
            f"({exc.strerror})"
        ) from None
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _acquire(path: Path, output: Path, timeout: float) -> int:
    """A descriptor of `path` holding its flock. The file is removed on
    release, so a lock taken on a file that was meanwhile removed (or
    replaced) is dropped and taken again on the current one."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            while not _try_lock(descriptor):
                if time.monotonic() >= deadline:
                    raise FolderError(
                        f"another build is writing {output}; try again when it "
                        "has finished"
                    )
                if not told:
                    logger.warning(
                        "another build is writing %s; waiting for it to finish "
                        "(at most %d s)",
                        output,
                        timeout,
                    )
                    told = True
                time.sleep(_LOCK_POLL)
            if _same_file(descriptor, path):
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held_file = os.fstat(descriptor)
    return (held_file.st_dev, held_file.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _leftover_pid(output: Path, name: str) -> tuple[str, int] | None:
    """('old', 'deleting' or 'building', pid) for the exact names a build
    creates."""
    match = re.fullmatch(
        rf"\.{re.escape(output.name)}\."
        r"(?:(old|deleting)-(\d+)|(building)-(\d+)-[a-z0-9_]{8})",
        name,
    )
    if match is None:
        return None
    kind = match.group(1) or match.group(3)
    return kind, int(match.group(2) or match.group(4))


def _running(pid: int, group: bool = False) -> bool:
    """Whether process `pid` is running or, with `group`, any process of the
    process group `pid` (1 and below name no one group: taken as running)."""
    if group and pid <= 1:
        return True
    try:
        (os.killpg if group else os.kill)(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(output: Path) -> None:
    """Repair what killed builds left beside `output`; hold the lock.

    Under the lock no other build of `output` is swapping, so leftovers of
    this process id are stale too (a reused id)."""
    olds, others = [], []
    for path in output.parent.iterdir():
        found = _leftover_pid(output, path.name)
        if found is None:
            continue
        kind, pid = found
        if pid == os.getpid() or not _running(pid, group=kind == "deleting"):
            (olds if kind == "old" else others).append(path)
    if olds and not os.path.lexists(output):
        newest = max(olds, key=lambda path: path.stat().st_mtime)
        newest.rename(output)
        olds.remove(newest)
        logger.warning(
            "restored %s from %s, left by a build killed while it swapped the site",
            output,
            newest.name,
        )
    for path in olds + others:
        _remove(path)


def staging(output: Path) -> Path:
    """A new, empty staging folder beside `output`, with the permissions of
    a folder made under the umask, as the folders inside it (mkdtemp makes
    it private)."""
    prefix = f".{output.name}.building-{os.getpid()}-"
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=output.parent))
    folder.chmod(0o777 & ~umask())
    return folder


def umask() -> int:
    """The process's umask, read from /proc where there is one (setting it
    to read it is not safe beside threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def swap(staging_folder: Path, output: Path, apart: bool = False) -> None:
    """Mark `staging_folder` and put it in the place of `output` with two
    renames, then delete the old site: here, or `apart`, in a process of its
    own that goes on after this one returns (0.2 s of a build of 5,000
    briefs). Ctrl-C waits until all that is done. Hold the lock."""
    mark(staging_folder)
    checkpoint("staged")
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
    with held():
        try:
            if os.path.lexists(output):
                output.rename(old)
            checkpoint("swapping")
            try:
                staging_folder.rename(output)
            except OSError:
                if os.path.lexists(old) and not os.path.lexists(output):
                    old.rename(output)
                raise
        except OSError as exc:
            raise FolderError(f"cannot replace {output}: {exc.strerror}") from None
        if os.path.lexists(old):
            if apart:
                _remove_apart(old, output)
            else:
                _remove(old)


def discard(staging_folder: Path) -> None:
    """Delete the staging folder of a build that failed."""
    if os.path.lexists(staging_folder):
        _remove(staging_folder)


def _remove(folder: Path) -> None:
    """Delete `folder` in this process (removetree.py)."""
    removetree.remove(folder)
    if os.path.lexists(folder):
        logger.warning("could not delete %s; delete it by hand", folder)


def _remove_apart(folder: Path, output: Path) -> None:
    """Delete `folder` in a process of its own, which goes on after this
    one returns (removetree.py): renamed `.<name>.deleting-<its process
    group>` first, so that a build after it leaves it alone while that
    process lives, and deletes what is left of it if it was killed."""
    remover = subprocess.Popen(
        [sys.executable, "-I", "-S", str(Path(__file__).with_name("removetree.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group (Ctrl-C is not for it)
    )
    trash = output.with_name(f".{output.name}.deleting-{remover.pid}")
    try:
        folder.rename(trash)
    except OSError:
        trash = None
    with remover.stdin:
        if trash is not None:
            remover.stdin.write(os.fsencode(trash))
    remover.wait()  # (until it has handed the deletion to a child)
    if trash is None:
        _remove(folder)


@contextmanager
def unmarked(output: Path) -> Iterator[None]:
    """`output` without its mark for the block (hold the lock): publishing
    copies exactly the site."""
    marker = output / MARKER
    was_marked = marker.is_file()
    marker.unlink(missing_ok=True)
    try:
        yield
    finally:
        if was_marked:
            mark(output)
