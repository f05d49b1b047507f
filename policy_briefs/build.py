"""Atomic builds: validate → Pelican into a staging folder → link check → swap.

The previous output stays exactly as it was unless every step succeeded, and
a successful build leaves no stale file from a deleted or renamed brief.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican
from pelican.log import console as pelican_console
from pelican.settings import read_settings

from briefs.problems import ContentError
from briefs.site import public_url

from .linkcheck import check_site
from .project import DEV_SETTINGS, ROOT

logger = logging.getLogger(__name__)


class BuildError(Exception):
    """The build failed; `lines` are the one-line messages to show."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class BuildResult:
    output: Path
    warnings: list[str] = field(default_factory=list)
    briefs: int = 0


class _Collector(logging.Handler):
    """Keeps Pelican's warnings and errors so that an error fails the build."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record):
        message = record.getMessage().split("\n", 1)[0]
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(
            message
        )


def load_settings(
    content: Path, output: Path, settings_file: Path = DEV_SETTINGS, **overrides
) -> dict:
    override = {"PATH": str(Path(content).absolute()), "OUTPUT_PATH": str(output)}
    override.update(overrides)
    return read_settings(str(settings_file), override=override)


def run_pelican(settings: dict) -> _Collector:
    """Run Pelican in this process; ContentError propagates, errors collected
    from every logger (Pelican's, the plugins', Markdown's)."""
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        Pelican(settings).run()
    finally:
        root.removeHandler(collector)
    return collector


def build(
    content: Path = ROOT / "content",
    output: Path = ROOT / "output",
    settings_file: Path = DEV_SETTINGS,
    check_links: bool = True,
    **overrides,
) -> BuildResult:
    """Build `content` into `output`, or raise BuildError leaving it untouched."""
    output = Path(output).absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output)
    staging = None
    try:
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{output.name}.building-{os.getpid()}-", dir=output.parent
            )
        )
        staging.chmod(0o755)
        try:
            settings = load_settings(content, staging, settings_file, **overrides)
            collector = run_pelican(settings)
        except ContentError as exc:
            raise BuildError([str(p) for p in exc.problems]) from None
        except Exception as exc:  # a theme or settings error: one line, not a trace
            if logger.isEnabledFor(logging.DEBUG):
                raise
            raise BuildError([f"{exc.__class__.__name__}: {exc}"]) from None
        if collector.errors:
            raise BuildError(collector.errors)
        if check_links:
            broken = check_site(staging, site_url=public_url(settings))
            if broken:
                raise BuildError([str(link) for link in broken])
        briefs = len(list((staging / "briefs").glob("*.html")))
        swap_into_place(staging, output)
        return BuildResult(output, collector.warnings, briefs)
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def remove_leftovers(output: Path) -> None:
    """Staging and old folders of builds that were killed outright (SIGKILL,
    power loss); those of a build still running are left alone."""
    for pattern in (f".{output.name}.building-*", f".{output.name}.old-*"):
        for folder in output.parent.glob(pattern):
            pid = folder.name.removeprefix(f".{output.name}.").split("-")[1]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _no_interrupts():
    """Hold Ctrl-C (SIGINT/SIGTERM) until the block is done."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with two renames, and remove the old
    site, all before Ctrl-C is let through: no mix, no leftover."""
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
    with _no_interrupts():
        if output.exists():
            output.rename(old)
        staging.rename(output)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)


def _not_about_feed_domain(record: logging.LogRecord) -> bool:
    """Pelican warns that feeds need SITEURL; briefs.feeds makes development
    feeds relative to each feed file instead, so the warning is noise."""
    return not str(record.msg).startswith("Feeds generated without SITEURL")


class _OneLineFormatter(logging.Formatter):
    """Content problems are already one finished line ('file: field:
    warning: ...'); everything else gets its level in front."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("briefs."):
            return record.getMessage()
        return super().format(record)


def configure_logging(debug: bool = False) -> None:
    """Plain one-line messages on stderr (Pelican's rich handler wraps lines)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter("%(levelname)s: %(message)s"))
    handler.addFilter(_not_about_feed_domain)
    pelican_console.quiet = not debug
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
