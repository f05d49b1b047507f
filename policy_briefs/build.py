"""Atomic builds: Pelican into a staging folder, then swap it into place.

The briefs plugin validates everything first, renders only what changed
since the last build (carrying the rest over from the previous output by
hard links) and checks every link once all files are written. The previous
output stays exactly as it was unless every step succeeded, and a successful
build leaves no stale file from a deleted or renamed brief.
Which folders may be replaced, the lock, recovery and the swap itself live
in outputdir.
"""

from __future__ import annotations

import logging
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pelican import Pelican
from pelican.log import console as pelican_console
from pelican.settings import read_settings

from briefs import outputdir
from briefs.collection import Collection, missing_content_folder
from briefs.options import BriefsOptions
from briefs.pipeline import (
    INPUT_FILES_KEY,
    INPUTS_KEY,
    INPUTS_SETTINGS_KEY,
    PAPER_KEY,
    PREVIOUS_KEY,
    TARGET_KEY,
    WORKERS_KEY,
    PaperWorker,
    Workers,
    briefs_published,
    collection_validated,
    inputs_digest,
    up_to_date,
)
from briefs.problems import BriefsError, ContentError, LinkError

from .errors import BuildError
from .project import DEV_SETTINGS, ROOT

logger = logging.getLogger(__name__)

# From this many briefs the old site is deleted by a process of its own,
# which goes on after the build returns (24,000 files at 5,000 briefs: a
# fifth of a second of an edit).
DELETE_APART_FROM = 1_000


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


def briefs_options(settings_file: Path = DEV_SETTINGS) -> tuple[BriefsOptions, str]:
    """The BRIEFS options and time zone of a settings file, for what reads
    the content outside a build (check, publish); ValueError for a wrong
    BRIEFS setting."""
    settings = load_settings(ROOT / "content", ROOT / "output", settings_file)
    return BriefsOptions.from_settings(settings), settings["TIMEZONE"]


def run_pelican(settings: dict) -> _Collector:
    """Run Pelican in this process; BriefsError propagates, errors collected
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
    content: str | Path = ROOT / "content",
    output: str | Path = ROOT / "output",
    settings_file: Path = DEV_SETTINGS,
    force: bool = False,
    inputs_changed: bool = False,
    **overrides,
) -> BuildResult:
    """Build `content` into `output`, or raise BuildError leaving it untouched.

    `force` lets the build replace a non-empty folder that no build wrote;
    `inputs_changed`: the caller saw the inputs change (the preview, told by
    its file watcher), so the up-to-date check, which reads every input, is
    skipped."""
    if missing := missing_content_folder(Path(content)):
        raise BuildError([str(missing)])
    output = outputdir.guard(output, content, ROOT, Path.cwd(), force)
    with outputdir.lock(output), ExitStack() as stack:
        outputdir.recover(output)
        current = load_settings(content, output, settings_file, **overrides)

        @cache
        def paper() -> PaperWorker | None:
            """The PDF engine's process (None when PDFs are off), started
            before the build reads anything: it loads the engine on another
            core meanwhile."""
            worker = PaperWorker.start(current)
            if worker is not None:
                stack.callback(worker.close)
            return worker

        workers = Workers.early(current, output)
        if workers is not None:  # (the generator closes them when it took them)
            stack.callback(workers.close)
        # Nothing changed since the last build (make's rule): leave it be.
        inputs, files = None, {}
        if not inputs_changed:
            inputs = inputs_digest(current, files)
            briefs = up_to_date(current, output, inputs, paper)
            if briefs is not None:
                logger.info("%s is up to date", output)
                return BuildResult(output, [], briefs)
        staging = outputdir.staging(output)
        overrides = {
            PREVIOUS_KEY: str(output),
            TARGET_KEY: str(output),
            INPUTS_KEY: inputs,
            INPUTS_SETTINGS_KEY: current,
            INPUT_FILES_KEY: files,
            PAPER_KEY: paper(),
            WORKERS_KEY: workers,
            **overrides,
        }
        published = []

        def count(sender, briefs: int, **kwargs) -> None:
            published.append(briefs)

        briefs_published.connect(count)
        try:
            try:
                settings = load_settings(content, staging, settings_file, **overrides)
                collector = run_pelican(settings)
            except ContentError as exc:  # the problems; callers add a closing line
                raise BuildError([str(p) for p in exc.problems], exc.problems) from None
            except LinkError as exc:
                raise BuildError(exc.lines, broken_links=True) from None
            except BriefsError as exc:
                raise BuildError(exc.lines) from None
            except Exception as exc:  # a theme or settings error: one line
                if logger.isEnabledFor(logging.DEBUG):
                    raise
                raise BuildError([f"{exc.__class__.__name__}: {exc}"]) from None
            if collector.errors:
                raise BuildError(collector.errors)
            outputdir.swap(staging, output, apart=sum(published) >= DELETE_APART_FROM)
            return BuildResult(output, collector.warnings, sum(published))
        finally:
            briefs_published.disconnect(count)
            outputdir.discard(staging)


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


class _Held(logging.Filter):
    """A handler's filter that prints nothing: the warnings it would have
    printed, as it would have printed them, go to `lines`."""

    def __init__(self, handler: logging.Handler, lines: list[str]):
        super().__init__()
        self.handler, self.lines = handler, lines

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            self.lines.append(self.handler.format(record).split("\n", 1)[0])
        return False


@contextmanager
def held_back(lines: list[str]):
    """While it lasts, the warnings the log would print go to `lines`
    instead, and its errors nowhere (a failed build raises them): for a
    report that lists every line once."""
    held = [
        (handler, _Held(handler, lines)) for handler in logging.getLogger().handlers
    ]
    for handler, hold in held:
        handler.addFilter(hold)
    try:
        yield lines
    finally:
        for handler, hold in held:
            handler.removeFilter(hold)


@contextmanager
def collection_kept(kept: list[Collection]):
    """While it lasts, the collection each build reads and validates, errors
    and all, is added to `kept`: a report can list its problems without
    reading every brief again."""

    def keep(sender, collection: Collection, **kwargs) -> None:
        kept.append(collection)

    collection_validated.connect(keep)
    try:
        yield kept
    finally:
        collection_validated.disconnect(keep)


def configure_logging(debug: bool = False) -> None:
    """Plain one-line messages on stderr (Pelican's rich handler wraps lines)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter("%(levelname)s: %(message)s"))
    handler.addFilter(_not_about_feed_domain)
    pelican_console.quiet = not debug
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
