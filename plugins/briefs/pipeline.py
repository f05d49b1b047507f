"""The briefs pipeline, in the order it runs: read → validate → render → write.

`BriefsGenerator` is a Pelican generator that owns everything made from
briefs (their pages, every listing, every feed, their images); Pelican's own
ArticlesGenerator is left with nothing to read (ARTICLE_PATHS = []) and
writes nothing.

1. read      every file under content/briefs (reading.py): bytes → record +
             rendered body, or its problems; cached under a hash of the bytes
             (cache.py), the misses spread over worker processes;
2. validate  what only the whole folder shows (collection.py): registries,
             collisions, links; any error stops the build before anything is
             written, with every problem listed (problems.ContentError);
3. render    every output file as a job whose context is all it shows
             (model.py, pages.py); a job whose fingerprint is unchanged since
             the last build is carried over, the rest rendered in workers
             (render.py);
4. write     each file atomically; carried-over files hard-linked from the
             previous output (mtime kept); files of the last build that no
             job makes any more removed; then every link of the site checked
             (linkcheck.py), from links read while rendering.

Nothing of a build outlives it except the cache on disk and, for a process
that keeps one on purpose (the preview), the `WarmState` it hands to each
build in the BRIEFS_WARM_STATE setting.
"""

from __future__ import annotations

import copy
import ctypes
import gc
import hashlib
import logging
import multiprocessing
import os
import pickle
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import metadata
from itertools import chain
from multiprocessing import resource_tracker
from pathlib import Path
from typing import ClassVar

import blinker
from pelican import signals
from pelican.generators import ArticlesGenerator, Generator
from pelican.readers import MarkdownReader

from . import (
    assets,
    bodychecks,
    filedigests,
    interrupts,
    linkreport,
    opendata,
    pdf,
    pdf_output,
    reading,
    search,
)
from .cache import Cache, CacheUnusable, Pickled, digest_of, digester, fingerprint
from .collection import Collection, display_path, validate_content
from .filedigests import Remembered, identity_of
from .linkcheck import BrokenLink, PageLinks, SiteChecker, is_checked, read_page
from .model import BriefView, Site, build_site, site_views
from .options import BriefsOptions
from .outputdir import MARKER, mark, umask
from .pages import (
    DATA_FOLDER,
    SEARCH_FOLDER,
    Digests,
    Job,
    awaits_pdf,
    brief_jobs,
    catalogue_site,
    combine,
    data_entries,
    data_job,
    feed_jobs,
    job_fingerprint,
    navigation,
    plan,
    settle_editions,
)
from .problems import BriefsError, ContentError, LinkError, Problem
from .reading import ReadSettings, SourceRead, read_key, read_source, render_markdown
from .related import KnownRelated, related_inputs, related_lists
from .render import TEMPLATE_CACHE_KEY, Renderer, render_in_worker, start_worker
from .sharing import Batch, SharedValues
from .urls import public_url

logger = logging.getLogger(__name__)

# Progress, for a display (policy_briefs/progress.py): `count` briefs read,
# `count` files written.
briefs_read = blinker.signal("briefs.read")
files_written = blinker.signal("briefs.written")
# The number of briefs a finished build published (`briefs`).
briefs_published = blinker.signal("briefs.published")
# The collection a build read and validated (`collection`), errors and all:
# `invoke check` reports from it instead of reading every brief again.
collection_validated = blinker.signal("briefs.validated")

PLUGIN_DIR = Path(__file__).resolve().parent
WARM_STATE_KEY = "BRIEFS_WARM_STATE"
PREVIOUS_KEY = "BRIEFS_PREVIOUS_OUTPUT"  # where the last build's files are
TARGET_KEY = "BRIEFS_TARGET"  # the folder this build becomes (default: output)
INPUTS_KEY = "BRIEFS_INPUTS"  # inputs_digest() of this build, when known
# The settings it was taken with (Pelican changes some of its own in place).
INPUTS_SETTINGS_KEY = "BRIEFS_INPUTS_SETTINGS"
# The digest of each file inputs_digest read (by path): not read again.
INPUT_FILES_KEY = "BRIEFS_INPUT_FILES"
PAPER_KEY = "BRIEFS_PAPER_WORKER"  # a PaperWorker started for this build
WORKERS_KEY = "BRIEFS_WORKERS"  # Workers started for this build (Workers.early)
# Below these amounts of work, starting the worker processes (about half a
# second of processor time each) costs more than it saves. Measured on two
# cores: a brief takes about 3 ms to read, a PDF 100 ms to make, a file
# about 1.5 ms to render (a citation file far less): a site of 100 briefs,
# some 450 files, is where rendering in parallel starts to pay.
PARALLEL_FROM = 150  # briefs to read, PDFs to make
RENDER_PARALLEL_FROM = 450  # files to render
# An index update is worth a process of its own (SearchWorker) from about
# 1,000 briefs: measured by the size of the last build's index state in the
# cache (13.7 MB at 5,000 briefs, for an update of half a second).
SEARCH_WORKER_FROM = 3_000_000  # bytes
BRIEF_PAGES = "brief pages"  # a family of pages (carried_brief_pages)
# The theme's compiled templates in the cache folder (template_cache_folder),
# one folder each named by a digest (cache.fingerprint).
TEMPLATE_CACHE_FOLDER = "briefs-templates"
_DIGEST_NAME = re.compile(r"[0-9a-f]{32}")
CHUNK = 24
COPY_CHUNK = 1 << 20  # bytes (_copy)
DATA_TEXTS_CHUNK = 256  # a brief's open data texts take a fifth of a page's time
# Settings that name this build's folders, not what it makes.
NOT_OUTPUT_SETTINGS = {
    "OUTPUT_PATH",
    WARM_STATE_KEY,
    PREVIOUS_KEY,
    TARGET_KEY,
    INPUTS_KEY,
    INPUTS_SETTINGS_KEY,
    INPUT_FILES_KEY,
    PAPER_KEY,
    WORKERS_KEY,
}


@dataclass
class WarmState:
    """What a long-lived process (the preview) keeps between its builds, and
    what it asks of the next one: the pages of the briefs in `first`, handed
    to `on_first(path, bytes)` as soon as they are rendered, before the rest
    of the site (the same jobs and renderer as the full build: the bytes are
    the ones the build then writes)."""

    reads: dict[str, SourceRead] = field(default_factory=dict)
    files: Remembered = field(default_factory=Remembered)
    bodies: dict[str, str] = field(default_factory=dict)
    terms: dict[str, search.BodyTerms] = field(default_factory=dict)
    renderers: dict[str, Renderer] = field(default_factory=dict)
    first: set[Path] = field(default_factory=set)
    on_first: Callable[[str, bytes], None] | None = None


@dataclass(frozen=True)
class ManifestEntry:
    """A file the last build wrote: what it showed and how it was left."""

    fingerprint: str
    stat: tuple[int, int, int]  # inode, size, mtime_ns
    links_key: str | None = None  # its links, in the cache's links table
    # It links to a fragment of another page, whose ids may change.
    cross_fragments: bool = False
    pages: int = 0  # a PDF's page count, for the page that links it
    # The files under content/ a PDF embeds (images), as (path, *identity:
    # filedigests.identity_of): one changed, and the PDF is made again.
    embeds: tuple[tuple, ...] = ()
    # A hash of its bytes, for a file of a group (search, open data): one
    # made again with the same bytes is kept as it was.
    digest: str = ""


class Kept:
    """What reads make and only some steps need, by key (rendered bodies by
    hash, search terms by read): fresh ones, then the preview's memory
    (`warm`), then the cache's `table`, loaded only when needed."""

    def __init__(self, cache: Cache, table: str, warm: dict | None):
        self.cache = cache
        self.table = table
        self.warm = warm
        self.fresh: dict[str, object] = {}
        self.stored = False  # the fresh ones are in the cache (keep)
        # How to make one again if the cache lost it: its file's read.
        self.remake: dict[str, Callable[[], object]] = {}

    def get_many(self, keys, take: bool = False) -> dict:
        """`take`: for a step that needs each one once, let the fresh ones
        go as they are taken (kept already: the cache or the preview's
        memory still has them)."""
        fresh = self.fresh
        if take and self.cache.available and self.stored:
            found = {k: fresh.pop(k) for k in keys if k in fresh}
        else:
            found = {k: fresh[k] for k in keys if k in fresh}
        if self.warm is not None:
            found.update((k, self.warm[k]) for k in keys if k in self.warm)
        missing = [k for k in keys if k not in found]
        found.update(self.cache.get(self.table, missing))
        for key in [k for k in keys if k not in found]:
            found[key] = self.fresh[key] = self.remake[key]()
        return found

    def keep(self, current: set[str]) -> None:
        """Store the fresh ones; drop from the cache what is not current."""
        self.cache.put(self.table, self.fresh)
        self.stored = True
        if self.warm is not None:
            self.warm.update(self.fresh)
        if self.fresh:
            self.cache.keep_only(self.table, current)


def code_version() -> str:
    """The plugin's own code and the libraries that shape its output."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(PLUGIN_DIR.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for package in ("pelican", "Markdown", "Jinja2", "feedgenerator", "PyYAML"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


def tree_digest(folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_digest(settings: dict, files: dict[str, str] | None = None) -> str:
    """Everything a build reads: every file under the content folder and the
    theme, the settings, the code. Equal digests and an output exactly as
    the last build left it: nothing to do (up_to_date). `files`, when
    given, gets the digest of each file (by path), for the build to use
    rather than read the file again. A file is read only when its identity
    changed since the last build process remembered its digest (filedigests,
    in the cache's states); the digests are remembered for the next one.
    Without a usable cache every file is read (the build repairs the cache,
    and says so once)."""
    files = {} if files is None else files
    try:
        cache = build_cache(settings, repair=False)
    except CacheUnusable:
        cache = None
    if cache is None:
        return _inputs_digest(settings, files, Remembered())
    try:
        key = state_key(code_version(), INPUT_FILES_STATE)
        try:
            known = cache.get("states", [key]).get(key)
        except CacheUnusable:
            known = None
        remembered = Remembered(known) if isinstance(known, dict) else Remembered()
        inputs = _inputs_digest(settings, files, remembered)
        if remembered.changed:
            with suppress(CacheUnusable):
                cache.put("states", {key: remembered.files})
    finally:
        cache.close()
    return inputs


def _inputs_digest(
    settings: dict, files: dict[str, str], remembered: Remembered
) -> str:
    """inputs_digest, with the digests known by the files' identities
    (`remembered`), brought up to date here."""
    since = time.time()
    digest = hashlib.blake2b(digest_size=20)
    for root in (Path(settings["PATH"]), Path(settings["THEME"])):
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            # A link to a folder is listed with the folders and not walked
            # into: it is digested as an entry, as a link to a file is.
            links = [name for name in dirs if Path(folder, name).is_symlink()]
            for name in sorted(names + links):
                path = Path(folder, name)
                digest.update(str(path).encode() + b"\0")
                try:
                    # Only regular files are read: a named pipe would block
                    # (the build itself refuses it, and links, by name).
                    info = path.lstat()
                    if stat.S_ISREG(info.st_mode):
                        files[str(path)] = remembered.digest(path, since, info)[0]
                        digest.update(files[str(path)].encode())
                    else:
                        digest.update(str(info.st_mode).encode())
                        if stat.S_ISLNK(info.st_mode):
                            digest.update(os.fsencode(path.readlink()))
                except OSError as error:  # the build itself will say so
                    digest.update(repr(error).encode())
    remembered.keep_only(set(files))
    kept = worker_settings(settings)
    kept.pop(WARM_STATE_KEY, None)
    digest.update(
        pickle.dumps(
            (
                code_version(),
                sorted(kept.items()),
            ),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    )
    return digest.hexdigest()


def template_cache_folder(cache_dir: Path, code: str, settings: dict) -> str | None:
    """A folder in the build cache for the theme's compiled templates, so
    that a build process and its workers do not compile them again (a fifth
    of a second each). Jinja knows a template's code there by its source;
    the folder is named after the plugin's code and the Jinja options that
    shape what a template compiles to, and the other folders of that kind
    are removed (only those: CACHE_PATH may be anywhere). None when it
    cannot be made."""
    key = fingerprint((code, repr(settings.get("JINJA_ENVIRONMENT"))))
    root = cache_dir / TEMPLATE_CACHE_FOLDER
    folder = root / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other != folder and _DIGEST_NAME.fullmatch(other.name):
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        return None
    return str(folder)


def build_cache(settings: dict, repair: bool = True) -> Cache | None:
    """The build cache `settings` ask for, open; None when caching is off.
    Not `repair`: CacheUnusable when it is damaged (see Cache)."""
    cache_dir = settings.get("CACHE_PATH")
    try:
        if not cache_dir or not BriefsOptions.from_settings(settings).cache:
            return None
    except ValueError:  # the build itself will say so
        return None
    return Cache(Path(cache_dir), repair=repair)


def state_key(code: str, name: str) -> str:
    """The cache key of a state (STATES) kept by the code of version `code`."""
    return fingerprint((code, name))


def up_to_date(
    settings: dict,
    output: Path,
    inputs: str,
    paper: Callable[[], PaperWorker | None],
) -> int | None:
    """The number of briefs of the last build into `output` when nothing it
    read has changed since (`inputs`, from inputs_digest) and every file of
    it is still as it left it; else None (then build). The folder's mark
    (outputdir.MARKER) is written after the build and not compared. A build
    that wanted PDFs but had no engine is up to date only while the engine
    is still missing (`paper()` gives the engine's process: started, and
    waited for, only then)."""
    cache = build_cache(settings)
    if cache is None:
        return None
    try:
        folder = Path(output).absolute()
        if not inputs or cache.manifest_inputs(folder) != inputs:
            return None
        manifest = cache.manifest(folder)
    finally:
        cache.close()
    if manifest.get("inputs") != inputs:  # (damaged: read as empty)
        return None
    if not manifest.get("editions"):
        worker = paper()
        if worker is not None and worker.problem is None:
            return None
    recorded = manifest.get("all", {})
    try:
        if _all_files(Path(output)) - {MARKER} != set(recorded):
            return None
        root = str(output)
        mode = (new_file_mode(),)  # (a slice: an older manifest has no mode)
        if any(
            kept[3:] != mode or _stat(_join(root, rel)) != kept
            for rel, kept in recorded.items()
        ):
            return None
    except OSError:
        return None
    return manifest.get("briefs")


def worker_settings(settings: dict) -> dict:
    """The settings as workers and fingerprints see them: picklable values,
    without the ones that only say where this build is written."""
    kept = {}
    for key, value in settings.items():
        if key in NOT_OUTPUT_SETTINGS:
            continue
        try:
            pickle.dumps(value)
        except Exception:
            continue
        kept[key] = value
    return kept


def _early_start_method() -> str:
    """How the workers of a build from nothing start: forked where that is
    safe, on Linux in a process running no other thread (a build from the
    command line, which has done nothing yet but import the plugin), else
    spawned. A forked worker has the plugin imported already: it reads its
    first brief about 0.15 s sooner than a spawned one, which imports it
    again on each core while the build digests its inputs. Beside another
    thread (the preview's, a progress display's) a forked process could
    inherit a lock that thread held, for ever."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


class Workers:
    """A pool of worker processes, started on first use (spawned: safe
    beside the preview's threads; forked where `early` may), shared by the
    read and render stages."""

    # What each worker process sets up when it starts (a renderer).
    initializer: Callable[[dict], None] | None = staticmethod(start_worker)

    def __init__(self, settings: dict, count: int | None):
        self.settings = settings
        self.count = self.processes(count)
        self.start_method = "spawn"
        self._pool: ProcessPoolExecutor | None = None

    @staticmethod
    def processes(count: int | None) -> int:
        """How many worker processes the `workers` option starts (None: one
        per core)."""
        return (os.cpu_count() or 1) if count is None else count

    @classmethod
    def early(cls, settings: dict, output: Path) -> Workers | None:
        """The workers of a build from nothing, started before it digests its
        inputs: each sets up its renderer (and, spawned, imports the plugin:
        about a third of a second) while the build waits on the disk for
        every input file, rather than after; forked where that is safe
        (_early_start_method). Only for a build of PARALLEL_FROM briefs or
        more that has no manifest of `output` in its cache (a first build, a
        scratch build): any other may read and render too little to use them.
        The build's generator takes them if it would start them with the
        same settings (for_build), else closes them."""
        try:
            options = BriefsOptions.from_settings(settings)
            cache = build_cache(settings, repair=False)
        except (ValueError, CacheUnusable):
            return None  # the build itself will say so, or repair the cache
        prepared = dict(settings, MARKDOWN=copy.deepcopy(settings.get("MARKDOWN", {})))
        MarkdownReader(prepared)  # fills in MARKDOWN as Pelican's run will
        try:
            if cache is not None:
                if cache.manifest_inputs(Path(output).absolute()) is not None:
                    return None
                if cache.available:  # as the generator does
                    prepared[TEMPLATE_CACHE_KEY] = template_cache_folder(
                        Path(settings["CACHE_PATH"]), code_version(), prepared
                    )
        except CacheUnusable:
            return None  # (the build repairs it)
        finally:
            if cache is not None:
                cache.close()
        briefs = Path(settings["PATH"], options.briefs_dir)
        workers = cls(prepared, options.workers)
        if workers.count < 2 or not _at_least(briefs, ".md", PARALLEL_FROM):
            return None
        workers.start_method = _early_start_method()
        pool = workers.pool()
        with interrupts.sigint_blocked():  # its processes start here
            for _ in range(workers.count):
                pool.submit(_started)
        return workers

    @property
    def started(self) -> bool:
        """Whether the worker processes are running (an earlier stage used
        them)."""
        return self._pool is not None

    def for_build(self, settings: dict, count: int | None) -> bool:
        """Whether these workers are the ones a build with `settings` and
        `count` workers would start (its generator's, once it has set them)."""
        return self.count == self.processes(count) and worker_settings(
            self.settings
        ) == worker_settings(settings)

    def map(
        self,
        function,
        items: Iterable,
        serial,
        parallel_from: int | None = None,
        count: int | None = None,
    ) -> list:
        """`function` over `items` in the workers, or `serial` in this
        process for fewer than `parallel_from` items (PARALLEL_FROM when
        not given, read when called), or with one core. `count`: how many
        items there are, when they come from an iterator (each chunk is
        then sent as soon as it is made)."""
        return list(self.submit(function, items, serial, parallel_from, count=count))

    def submit(
        self,
        function,
        items: Iterable,
        serial,
        parallel_from: int | None = None,
        chunk: int = CHUNK,
        batch: Callable[[list], object] | None = None,
        count: int | None = None,
    ) -> Iterator:
        """As `map`, but the workers start at once and the results come as
        they are iterated: this process can do other work meanwhile.
        `chunk`: items sent to a worker at a time (more for quick ones: each
        chunk waits on this process's threads to be sent and taken back).
        `batch`: what a chunk is sent as (sharing.Batch), when not a list
        (`items` is then a list)."""
        threshold = PARALLEL_FROM if parallel_from is None else parallel_from
        if (len(items) if count is None else count) < threshold or self.count < 2:
            return map(serial, items)
        pool = self.pool()
        with interrupts.sigint_blocked():  # workers start here: no Ctrl-C
            if batch is None:
                results = pool.map(function, items, chunksize=chunk)
            else:
                batches = [
                    batch(items[i : i + chunk]) for i in range(0, len(items), chunk)
                ]
                results = chain.from_iterable(
                    pool.map(partial(_each, function), batches)
                )
        interrupts.checkpoint("parallel")
        return results

    def pool(self) -> ProcessPoolExecutor:
        """The pool, made before SIGINT is blocked for its workers' start:
        it first starts multiprocessing's resource tracker, which unblocks
        SIGINT when it has started (its workers would then start with Ctrl-C
        deliverable, and die of it half-started). Spawned workers would
        start it anyway; forked ones share it only if it runs before they
        start, else each starts its own, which at the worker's exit unlinks
        what the worker left registered there (the table of views)."""
        if self._pool is None:
            resource_tracker.ensure_running()
            setup = self.initializer
            self._pool = ProcessPoolExecutor(
                self.count,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=interrupts.start_worker,
                initargs=(setup, (worker_settings(self.settings),) if setup else ()),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def release(self) -> None:
        """Let the workers go once their work is done, without waiting for
        them to exit (a process that has loaded the PDF engine takes a
        quarter of a second): they exit while the build goes on."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


class PaperWorker(Workers):
    """The PDF engine in a worker process of its own, started before the
    build reads anything: WeasyPrint loads and its fonts are checked (about
    half a second) on another core while this process reads and validates,
    then the PDFs of an edit are made there with the engine warm. The build
    process itself never loads the engine."""

    def __init__(self, settings: dict):
        super().__init__(settings, 1)
        stylesheet = pdf_output.stylesheet(settings)
        pool = self.pool()
        with interrupts.sigint_blocked():
            self._probe = pool.submit(pdf.probe, str(stylesheet))

    @classmethod
    def start(cls, settings: dict) -> PaperWorker | None:
        """One for a build that may make PDFs, else None."""
        return cls(settings) if pdf_output.wanted(settings) else None

    @property
    def problem(self) -> str | None:
        """Why the engine cannot make PDFs on this machine, or None."""
        return self._probe.result()[0]

    @property
    def signature(self) -> str:
        """pdf.engine_signature(): what shapes every PDF but the document."""
        return self._probe.result()[1]

    def submit(
        self,
        function,
        items: list,
        serial,
        parallel_from: int | None = None,
        chunk: int = 1,
        batch: Callable[[list], object] | None = None,
    ) -> Iterator:
        """Always in the engine's own process, however few the items, one
        at a time (`parallel_from`, `chunk` and `batch` do not apply)."""
        pool = self.pool()
        with interrupts.sigint_blocked():
            return pool.map(function, items)


class SearchWorker(Workers):
    """The search index's update after an edit, in a process of its own:
    it loads the last build's index state and the changed briefs' records
    from the cache, scores their terms again and stores the new state (half
    a second at 5,000 briefs) while this process plans the pages. When the
    index stays as it was, the open data files instead, joined there from
    the texts in the cache (a third of a second). Started with the build,
    it imports on the other core while this one reads."""

    initializer = None

    def __init__(self, settings: dict):
        super().__init__(settings, 1)
        pool = self.pool()  # (made before SIGINT is blocked: see pool)
        with interrupts.sigint_blocked():  # its process starts here
            pool.submit(_started)

    @classmethod
    def start(cls, settings: dict, workers: Workers, cache: Cache, state: str):
        """One when the last build left a large index to update (`state`, its
        key in the cache) and the build may use more than one core."""
        if workers.count < 2 or cache.size("states", state) < SEARCH_WORKER_FROM:
            return None
        return cls(settings)

    def update(self, cache: Path, state: str, keys: list[str]) -> Future:
        """The update of the index to the records `keys` (all in the cache)."""
        pool = self.pool()
        with interrupts.sigint_blocked():
            return pool.submit(_update_search_index, str(cache), state, keys)

    def catalogue(self, cache: Path, job: Job, keyed: dict, **where) -> Future:
        """The open data files of `job` (_make_catalogue)."""
        pool = self.pool()
        with interrupts.sigint_blocked():
            return pool.submit(_make_catalogue, str(cache), job, keyed, **where)


def _started() -> None:
    """(A first task: the worker imports this module.)"""


def _at_least(folder: Path, suffix: str, count: int) -> bool:
    """Whether `folder` holds `count` files named *`suffix` or more, at any
    depth (counted by name only, and only as far as `count`)."""
    found = 0
    for _, _, names in os.walk(folder):
        found += sum(name.endswith(suffix) for name in names)
        if found >= count:
            return True
    return False


def _update_search_index(
    cache_folder: str, state: str, keys: list[str]
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The search files that may have changed, and the digest of every one:
    the index as the last build left it (its state in the cache) updated to
    the records `keys`; the new state goes back to the cache. Never repairs
    the cache the build is using: any damage, and the build makes the index
    itself."""
    cache = Cache(Path(cache_folder), repair=False)
    try:
        index = search.build_index(
            keys, partial(cache.get, "search"), cache.get("states", [state]).get(state)
        )
        cache.put("states", {state: index.state})
    finally:
        cache.close()
    return index.made, index.state.digests


def _catalogue_files(
    cache: Cache, job: Job, keyed: dict, fresh: dict
) -> dict[str, bytes]:
    """The open data files of `job` (opendata.py) from each entry's texts
    (`keyed`: the entries by the key of their texts): `fresh` ones, the
    cache's, and those it lacks or holds damaged made now; the new ones go
    to the cache."""
    context = job.context
    texts = {**fresh, **cache.get("data", [k for k in keyed if k not in fresh])}
    made = {
        key: opendata.entry_texts(entry, context["site_name"], context["public_url"])
        for key, entry in keyed.items()
        if key not in texts
    }
    texts.update(made)
    new = {**fresh, **made}
    cache.put("data", new)
    if new:
        cache.keep_only("data", set(keyed))
    # The entries handed to catalogue_files are these very objects.
    by_entry = {id(entry): texts[key] for key, entry in keyed.items()}
    return opendata.catalogue_files(**context, texts=lambda e: by_entry[id(e)])


def _make_catalogue(
    cache_folder: str,
    job: Job,
    keyed: dict,
    *,
    old: dict[str, ManifestEntry],
    previous: str,
    output: str,
    staging: bool,
) -> dict[str, ManifestEntry | str]:
    """The open data files of `job`, from each entry's texts (`keyed`: the
    entries by the key of their texts, BriefsGenerator.data_keys): those
    the cache lacks are made here and cached. A file whose bytes are those
    of the last build's, there as it left it (`old`, in `previous`), is
    named by its digest, to be carried over; the others are written into
    `output` (as write_group_file takes them). Never repairs the cache the
    build is using: any damage, and the build makes the files itself."""
    cache = Cache(Path(cache_folder), repair=False)
    try:
        files = _catalogue_files(cache, job, keyed, {})
    finally:
        cache.close()
    result: dict[str, ManifestEntry | str] = {}
    for rel, data in files.items():
        digest = digest_of(data)
        if _as_left(previous, rel, old.get(rel), digest):
            result[rel] = digest
        else:
            result[rel] = _write_group_file(
                Path(output), rel, job.fingerprint, data, staging, digest
            )
    return result


def _html_of(read: Callable[[], SourceRead]) -> str:
    return read().html


def _terms_of(read: Callable[[], SourceRead]) -> search.BodyTerms:
    return read().terms


def _read_again(
    path: Path, shown: str, key: str, signature: str, config: ReadSettings
) -> SourceRead:
    """A source's read made again (what the cache lost of it), from its file
    as this build read it: the file's bytes are not held for this (30 MB
    at 5,000 briefs); one changed since is an error."""
    data = path.read_bytes()
    if read_key(path, shown, digest_of(data), signature) != key:
        raise BriefsError([f"{shown}: changed while the site was being built"])
    return read_source(path, shown, data, config)


def _each(function, items: list) -> list:
    """`function` over a batch's items, in a worker."""
    return [function(item) for item in items]


def _read_job(config: ReadSettings, job: tuple[Path, str, bytes]) -> SourceRead:
    path, shown, data = job
    return read_source(path, shown, data, config)


class BriefsGenerator(Generator):
    """Reads, validates, renders and writes everything made from briefs."""

    # The generator of the run under way, the one `finalized` finishes:
    # signals are process-wide, and a run that failed in another generator
    # never closed this one (Pelican's autoreload then runs again with the
    # same Pelican and settings): the next run closes it. Let go on close.
    running: ClassVar[BriefsGenerator | None] = None

    def __init__(self, *args, **kwargs):
        if BriefsGenerator.running is not None:  # its run failed elsewhere
            BriefsGenerator.running.close()
        super().__init__(*args, **kwargs)
        self.options = BriefsOptions.from_settings(self.settings)
        pdf_output.mode(self.settings)  # a wrong value stops the build here
        self.warm: WarmState | None = self.settings.get(WARM_STATE_KEY)
        # The build makes objects by the hundred thousand and keeps most of
        # them to its end: the cyclic collector looks at the young ones every
        # 10,000 allocations rather than 700 (its full passes then never come
        # in an edit: 0.25 s less at 5,000 briefs), and what lasts is frozen
        # once made (see close, which puts all this back).
        self._collector = gc.get_threshold()
        gc.set_threshold(10_000, 10, 10)
        cache_dir = self.settings.get("CACHE_PATH") if self.options.cache else None
        self.cache = Cache(Path(cache_dir) if cache_dir else None)
        self.workers = Workers(self.settings, self.options.workers)
        self.shared: SharedValues | None = None  # (batch)
        self.sharing = True  # False once shared memory has failed
        # The PDF engine's process: handed over by policy_briefs.build (it
        # started it before checking whether anything changed), else ours.
        self.paper: PaperWorker | None = self.settings.get(PAPER_KEY)
        self._own_paper = self.search_worker = None
        self.linker: Linker | None = None  # (render_and_write)
        # What read_many read afresh, until store_reads puts it in the cache.
        self.unstored_reads: tuple[dict, set[str], set[str]] | None = None
        BriefsGenerator.running = self  # (closed by the next run if not before)
        try:
            if self.paper is None:
                self.paper = self._own_paper = PaperWorker.start(self.settings)
            self.code = code_version()
            if self.cache.available:
                self.settings[TEMPLATE_CACHE_KEY] = template_cache_folder(
                    Path(cache_dir), self.code, self.settings
                )
            # Workers policy_briefs.build started early (Workers.early).
            early: Workers | None = self.settings.get(WORKERS_KEY)
            if early is not None:
                if early.for_build(self.settings, self.options.workers):
                    self.workers = early
                    logger.debug("the workers started early are used")
                else:
                    early.close()
                    logger.debug("the workers started early differ: closed")
            self.search_worker = SearchWorker.start(
                self.settings, self.workers, self.cache, self.state_key("search-index")
            )
        except BaseException:
            self.close()
            raise
        self.make_editions = False
        self.search_update: Future | None = None  # (search_job)
        self.data_update: Future | None = None  # (start_data_files)
        # What this build reads (policy_briefs.build takes it before the
        # build reads anything and hands it over): remembered for up_to_date.
        self.inputs = self.settings.get(INPUTS_KEY)
        self.input_files: dict[str, str] = self.settings.get(INPUT_FILES_KEY) or {}
        # The digest of the bytes checked of each published file looked into
        # (content_refusals), by its path under content/.
        self.checked: dict[str, str] = {}
        self.bodies = Kept(self.cache, "bodies", self.warm and self.warm.bodies)
        # Each published brief's search terms, by the key of its read.
        self.terms = Kept(self.cache, "terms", self.warm and self.warm.terms)
        self.read_keys: dict[str, str] = {}  # by the source's path
        self.site: Site | None = None
        # The bios and descriptions, for naming the text a broken link is in.
        self.registry_sources: list[linkreport.Source] = []
        self.jobs: list[Job] = []
        self.written: dict[str, ManifestEntry] = {}
        self.fresh_links: dict[str, Pickled] = {}  # PageLinks
        # The open data texts being made now: their keys, and the results.
        self.fresh_texts: tuple[list[str], Iterable] = ([], ())
        self._related: KnownRelated | None = None
        # Or, until related() takes them: the key of their inputs, and the
        # lists being worked out (start_related).
        self._fresh_related: tuple[str, Iterable] | None = None
        self._data_keys: dict | None = None
        # The digests of the values this build's jobs show (pages.Digests).
        self.digests = Digests()
        self.groups: dict[str, list[str]] = {}
        # Each family of pages: its inputs' digest, and its files (pages.plan's)
        # or each file's own inputs' digest (BRIEF_PAGES).
        self.families: dict[str, tuple[str, list[str] | dict[str, str]]] = {}
        self.old: dict = {}  # the last build's manifest (render_and_write)
        self.previous: Path | None = None  # the last build's output
        self.staging = False  # writing a new folder (render_and_write)
        self.marks = False  # marking the folder it writes in place (the same)
        # The link check runs when every generator has written (theme styles
        # and host files included): listen for the end of this run only.
        signals.finalized.connect(self.finish)

    def finish(self, pelican) -> None:
        """Check every link of the finished site, then remember what was
        written (only a build that succeeded is remembered)."""
        signals.finalized.disconnect(self.finish)
        if self.site is None or BriefsGenerator.running is not self:
            return
        try:
            self.check_and_remember(Path(pelican.output_path))
        finally:
            self.close()

    def check_and_remember(self, output: Path) -> None:
        files = _all_files(output)
        broken = self.check_links(output, files, public_url(self.settings))
        if broken:
            raise LinkError(
                linkreport.report(broken, self.body_sources(), self.registry_sources)
            )
        self.cache.put(
            "links",
            {
                self.written[rel].links_key: links
                for rel, links in self.fresh_links.items()
            },
        )
        briefs_published.send(self, briefs=len(self.site.briefs))
        self.cache.store_manifest(
            self.target,
            {
                "signature": self.signature,
                "files": self.written,
                "groups": self.groups,
                "families": self.families,
                # (what this build wrote it knows; the rest is looked at)
                "all": {
                    rel: self.written[rel].stat
                    if rel in self.written
                    else _stat(_join(output, rel))
                    for rel in files
                },
                "inputs": self.inputs_still(),
                "editions": self.make_editions,
                "briefs": len(self.site.briefs),
            },
        )
        self.cache.keep_only("states", {self.state_key(name) for name in STATES})
        if self.marks:
            mark(output)

    def body_sources(self) -> dict[str, linkreport.Source]:
        """Each brief's page, with its source and its body's links: a
        broken link there is the brief's to fix (linkreport)."""
        return {
            view.save_as: linkreport.Source(read.shown, frozenset(read.local_urls))
            for view in self.site.briefs
            if (read := self.collection.reads.get(Path(view.brief.source))) is not None
        }

    def inputs_still(self) -> str | None:
        """This build's inputs digest when every input is still as it was
        when taken, else None (the next build then builds): an input changed
        meanwhile may show in the output as it is now or as it was, and
        undone later it would match a digest this output does not show.
        The files unchanged since are known by their identities (cheap)."""
        if self.inputs is None:
            return None
        settings = self.settings.get(INPUTS_SETTINGS_KEY)
        known = self.state(INPUT_FILES_STATE)
        remembered = Remembered(known if isinstance(known, dict) else {})
        if settings and _inputs_digest(settings, {}, remembered) == self.inputs:
            return self.inputs
        logger.info("inputs changed while the site was being built: not recorded")
        return None

    # 1 + 2: read and validate -------------------------------------------------

    def generate_context(self):
        try:
            collection = self.read_and_validate()
            texts, links, found = self.registry_texts(collection)
            if not collection.ok:  # one report: the texts' problems with them
                raise ContentError([*collection.problems, *found])
            files = self.published_files(collection, links, found)
        except BaseException:
            self.close()
            raise
        self.collection = collection
        self.site = build_site(
            collection, self.settings, self.options.show_drafts, texts, files
        )
        for read in collection.reads.values():
            if read.brief_digest is not None:
                self.digests.know(read.brief, read.brief_digest)
        gc.freeze()  # (see close)
        self.start_related()
        if self.warm is not None and self.warm.first and self.warm.on_first:
            self.render_first(self.warm)
        self.context["brief_lastmod"] = {
            view.save_as: (view.modified or view.date).date().isoformat()
            for view in self.site.briefs
        }

    def registry_texts(self, collection: Collection):
        """Bios and region descriptions rendered (cached under their text):
        their HTML by (kind, name), their local links by kind and name, and
        their problems. Rendered even when the collection has errors, so
        that one report lists both."""
        content = collection.content_dir
        markdown = ReadSettings.from_settings(self.settings).markdown
        wanted = {}
        registry = collection.registry
        for kind, records, file in (
            ("bio", registry.authors, self.options.authors_file),
            ("description", registry.regions, self.options.regions_file),
        ):
            shown = display_path(content / file, content)
            for record in records:
                text = getattr(record, kind)
                if text:
                    key = fingerprint((self.code, markdown, text))
                    wanted[key] = (kind, record.name, text, shown)
        rendered = self.cache.get("texts", wanted)
        # In the workers when there are many (one author for every eight
        # briefs): they have nothing else to do until the pages are planned.
        missing = [key for key in wanted if key not in rendered]
        render = partial(render_markdown, markdown=markdown)
        fresh = dict(
            zip(
                missing,
                self.workers.map(render, [wanted[key][2] for key in missing], render),
                strict=True,
            )
        )
        self.cache.put("texts", fresh)
        if fresh:
            self.cache.keep_only("texts", set(wanted))
        rendered.update(fresh)
        found = []
        texts, links = {}, {"bio": {}, "description": {}}
        for key, (kind, name, _, shown) in wanted.items():
            found += bodychecks.shared_text_problems(rendered[key], shown, name, kind)
            texts[kind, name] = rendered[key].html
            links[kind][name] = rendered[key].links
            self.registry_sources.append(
                linkreport.Source(
                    f"{shown}: {name}: {kind}", frozenset(rendered[key].links)
                )
            )
        return texts, links, found

    def published_files(
        self, collection: Collection, links: dict, found: list[Problem]
    ) -> list[str]:
        """The files under content/ the published pages use. Any problem
        (the registry texts' `found` too) and the build stops before anything
        is written."""
        published, drafted = assets.used_files(
            collection,
            {path: read.local_urls for path, read in collection.reads.items()},
            links["bio"],
            links["description"],
            self.options.show_drafts,
        )
        files, unused = assets.publication(collection, published, drafted)
        refusals = self.content_refusals(collection, files)
        found = [*found, *assets.file_problems(collection, files, refusals), *unused]
        for problem in found:
            if not problem.is_error:
                logger.warning("%s", problem)
        if any(problem.is_error for problem in found):
            raise ContentError(found)
        return files

    def content_refusals(
        self, collection: Collection, files: list[str]
    ) -> dict[str, list[assets.Refusal]]:
        """assets.content_refusals of the published files it looks into,
        kept in the cache by each file's identity (filedigests.identity_of)
        with the digest of the bytes checked (`self.checked`: the file is
        published only with those bytes, _copy): a build reads again only
        the images and SVGs changed since the last one, not every one."""
        since = time.time()
        keys: dict[str, str] = {}
        settled = set()
        for rel in files:
            suffix = os.path.splitext(rel)[1].lower()  # noqa: PTH122
            if suffix not in assets.LOOKED_INTO:
                continue
            try:
                info = (collection.content_dir / rel).stat()
            except OSError:
                continue  # file_problems reads it, and fails naming it
            # A file's names share its identity (hard links): its suffix too.
            identity = identity_of(info)
            key = fingerprint((self.code, assets.CHECKED_BY, suffix, *identity))
            keys[rel] = key
            if filedigests.is_settled(info, since):
                settled.add(key)
        known = self.cache.get("files", set(keys.values()))
        refusals, fresh = {}, {}
        for rel, key in keys.items():
            if key in known:
                self.checked[rel], refusals[rel] = known[key]
                continue
            path = collection.content_dir / rel
            try:
                data = path.read_bytes()
            except OSError:
                continue  # file_problems reads it, and fails naming it
            self.checked[rel] = digest_of(data)
            refusals[rel] = assets.content_refusals(path, data)
            if key in settled:
                fresh[key] = (self.checked[rel], refusals[rel])
        self.cache.put("files", fresh)
        if fresh:
            self.cache.keep_only("files", set(keys.values()))
        return refusals

    def render_first(self, warm: WarmState) -> None:
        """The preview's edited briefs, before anything else is planned."""
        views = [v for v in self.site.briefs if Path(v.brief.source) in warm.first]
        jobs = brief_jobs(self.site, views, self.related())
        bodies = self.bodies.get_many({k for job in jobs for k in job.bodies})
        renderer = self.renderer()
        for job in jobs:
            for rel, data, _ in renderer.render(job, bodies):
                warm.on_first(rel, data)

    def start_related(self) -> None:
        """Each brief's related briefs: as an earlier build worked them out
        when nothing they depend on has changed since (a body edit), else
        afresh. With many briefs, in one of the workers the reads started (a
        third of a second at 5,000): they would otherwise wait while this
        process plans, until the brief pages come."""
        briefs = self.site.briefs
        inputs = related_inputs(briefs, self.options.related_count)
        key = fingerprint(inputs)
        known = self.state("related")
        if known is not None and known[0] == key:
            self._related = KnownRelated(briefs, known[1])
            return
        if self.workers.started and len(briefs) >= PARALLEL_FROM:
            lists = self.workers.submit(
                related_lists, [inputs], related_lists, parallel_from=1
            )
        else:
            lists = [related_lists(inputs)]
        self._fresh_related = (key, lists)

    def related(self) -> KnownRelated:
        """The related briefs start_related worked out."""
        if self._related is None:
            key, results = self._fresh_related
            (lists,) = results
            self.store_state("related", (key, lists))
            self._related = KnownRelated(self.site.briefs, lists)
        return self._related

    def state_key(self, name: str) -> str:
        return state_key(self.code, name)

    def state(self, name: str):
        """What the last build of this code stored under `name`, or None."""
        key = self.state_key(name)
        return self.cache.get("states", [key]).get(key)

    def store_state(self, name: str, value) -> None:
        """Keep `value` for the next build (one entry a name in STATES; a
        finished build drops the states of other code versions)."""
        self.cache.put("states", {self.state_key(name): value})

    def renderer(self) -> Renderer:
        """A renderer for this process, kept warm by the preview for as long
        as the templates, settings and code stay the same."""
        settings = worker_settings(self.settings)
        if self.warm is None:
            return Renderer(settings)
        key = self.output_signature()
        if key not in self.warm.renderers:
            self.warm.renderers = {key: Renderer(settings)}
        return self.warm.renderers[key]

    def render_jobs(
        self,
        jobs: list[Job],
        lazily: bool = False,
        workers: Workers | None = None,
        write_to: Path | None = None,
        parallel_from: int | None = None,
        chunk: int = CHUNK,
    ) -> Iterator | list:
        """Each job's files, with the bodies it shows: in the workers (the
        build's, or `workers`), or in this process with one renderer made
        when first needed (fewer than `parallel_from` jobs, by default
        RENDER_PARALLEL_FROM). `lazily`: the workers start at once and the
        results come as they are iterated (this process can do other work
        meanwhile). `write_to`: whoever renders a file writes it into that
        folder, and its manifest entry comes back instead of its bytes."""
        bodies = self.bodies.get_many({key for job in jobs for key in job.bodies})
        tasks = [(job, {key: bodies[key] for key in job.bodies}) for job in jobs]
        renderer = None

        def serial(task):
            nonlocal renderer
            renderer = renderer or self.renderer()
            return renderer.render(*task)

        function = render_in_worker
        if write_to is not None:
            function = partial(_render_and_write, write_to, self.staging, function)
            serial = partial(_render_and_write, write_to, self.staging, serial)
        workers = workers or self.workers
        if parallel_from is None:
            parallel_from = RENDER_PARALLEL_FROM
        if lazily:
            return workers.submit(
                function, tasks, serial, parallel_from, chunk, self.batch
            )
        return list(
            workers.submit(function, tasks, serial, parallel_from, chunk, self.batch)
        )

    def batch(self, tasks: list) -> Batch | list:
        """Render tasks as a worker is sent them: the site's views by their
        place in a table each worker loads once (sharing.py), made for the
        first batch; whole, where there is no shared memory to put it in."""
        if self.shared is None and self.sharing:
            try:
                self.shared = SharedValues(site_views(self.site))
            except OSError as error:  # e.g. no /dev/shm, or a full one
                self.sharing = False
                logger.info("briefs: views sent with every batch (%s)", error)
        return self.shared.batch(tasks) if self.shared is not None else tasks

    def read_and_validate(self) -> Collection:
        read_config = ReadSettings.from_settings(self.settings)
        collection = validate_content(
            Path(self.settings["PATH"]),
            self.options,
            self.settings["TIMEZONE"],
            read_many=partial(self.read_many, read_config),
        )
        for problem in collection.problems:
            if not problem.is_error:
                logger.warning("%s", problem)
        collection_validated.send(self, collection=collection)
        return collection  # (its errors are raised in generate_context)

    def read_many(
        self, config: ReadSettings, sources: list[tuple[Path, str]]
    ) -> dict[Path, SourceRead]:
        """Every source's read: from memory, the cache, or the workers."""
        signature = f"{self.code}\0{config}"
        keyed, unreadable = [], {}
        since = time.time()
        for path, shown in sources:
            try:
                digest, data = self.source_digest(path, since)
            except OSError as error:
                unreadable[path] = reading.unreadable(shown, error)
                continue
            keyed.append((read_key(path, shown, digest, signature), path, shown, data))
        if self.warm is not None:
            self.warm.files.keep_only({str(path) for _, path, *_ in keyed})
        known = dict(self.warm.reads) if self.warm else {}
        known.update(self.cache.get("reads", [k for k, *_ in keyed if k not in known]))
        unknown = [item for item in keyed if item[0] not in known]
        missing = []  # (key, path, shown, data), as sent to be read

        def jobs() -> Iterator[tuple[Path, str, bytes]]:
            """The reads to make, each sent as soon as its file is read: a
            file known by its digest alone (inputs_digest's, in a build from
            nothing every brief's) is read now, and keyed by what it holds
            now (it may have changed meanwhile)."""
            for item in unknown:
                _, path, shown, data = item
                if data is None:
                    try:
                        data = path.read_bytes()
                    except OSError as error:
                        unreadable[path] = reading.unreadable(shown, error)
                        continue
                    key = read_key(path, shown, digest_of(data), signature)
                    if key != item[0]:  # not what inputs_digest saw: not vouched for
                        self.inputs = None
                    item = (key, path, shown, data)
                missing.append(item)
                yield path, shown, data

        fresh = self.workers.map(
            partial(_read_job, config),
            jobs(),
            partial(_read_job, config),
            count=len(unknown),
        )
        read_now = {item[1]: item for item in missing}
        keyed = [
            read_now.get(item[1], item) for item in keyed if item[1] not in unreadable
        ]
        new = {}
        for item, read in zip(missing, fresh, strict=True):
            if read.html is not None:
                self.bodies.fresh[read.body_key] = read.html
            if read.terms is not None:
                self.terms.fresh[item[0]] = read.terms
            new[item[0]] = read.without_body()
        known.update(new)
        logger.debug("read %d of %d briefs", len(missing), len(keyed))
        briefs_read.send(self, count=len(keyed))
        current = {key for key, *_ in keyed}
        reads = {path: known[key] for key, path, *_ in keyed}
        self.read_keys = {str(path): key for key, path, *_ in keyed}
        for key, path, shown, _ in keyed:
            read_again = partial(_read_again, path, shown, key, signature, config)
            body = reads[path].body_key
            if body is not None:
                self.bodies.remake[body] = partial(_html_of, read_again)
                self.terms.remake[key] = partial(_terms_of, read_again)
        if self.warm is not None:
            self.warm.reads = {key: known[key] for key in current}
        bodies = {r.body_key for r in reads.values()}
        self.unstored_reads = (new, current, bodies)
        return {**reads, **unreadable}

    def source_digest(self, path: Path, since: float) -> tuple[str, bytes | None]:
        """A source's digest and, when it had to be read for it, its bytes:
        given by inputs_digest, remembered by the preview, else read now."""
        if self.warm is not None:
            return self.warm.files.digest(path, since)
        digest = self.input_files.get(str(path))
        if digest is not None:
            return digest, None
        data = path.read_bytes()
        return digest_of(data), data

    def store_reads(self) -> None:
        """Put this build's fresh reads, bodies and search terms in the cache
        (and drop what no file needs). Done once the workers have pages to
        render (start_pages), or when the build stops before: in a cold build
        it is a second the workers would otherwise wait out."""
        if self.unstored_reads is None:
            return
        new, current, bodies = self.unstored_reads
        self.unstored_reads = None
        self.cache.put("reads", new)
        self.bodies.keep(bodies)
        self.terms.keep(current)
        if new:
            self.cache.keep_only("reads", current)

    # 3 + 4: render and write ----------------------------------------------------

    def generate_output(self, writer):
        try:
            self.render_and_write()
        except BaseException:
            self.close()
            raise
        # Their work is done: they exit while this process checks the links.
        self.close_workers(wait=False)

    def render_and_write(self) -> None:
        output = Path(self.output_path)
        self.target = Path(self.settings.get(TARGET_KEY) or output).absolute()
        previous = Path(self.settings.get(PREVIOUS_KEY) or output)
        self.previous = previous
        # A new folder (the build's staging folder), not the last build's.
        self.staging = output != previous
        # Written in place (plain `pelican -o DIR`): the folder is marked as
        # a build's at the end only if it held nothing else, or was marked
        # (policy_briefs.build would otherwise refuse it, or, marked, replace
        # files no build wrote).
        self.marks = not self.staging and (
            not output.is_dir()
            or (output / MARKER).is_file()
            or next(output.iterdir(), None) is None
        )
        if not self.staging and (link := _first_link(output)) is not None:
            raise BriefsError(
                [
                    f"{link}: a symbolic link in the output folder, which a build "
                    "writes in place; a page written through it would land "
                    "outside the folder: remove the link"
                ]
            )
        self.signature = self.output_signature()
        old = self.cache.manifest(self.target)
        # What the last build made here, whatever it was made from: an
        # in-place build removes what it no longer makes even when nothing
        # can be carried over (a changed setting or template).
        made_here: dict[str, ManifestEntry] = old.get("files", {})
        if old.get("signature") != self.signature:
            old = {}
        self.old = old
        old_files: dict[str, ManifestEntry] = old.get("files", {})
        old_groups: dict[str, list[str]] = old.get("groups", {})
        digests = self.digests
        # The PDFs that changed, the open data texts, the search index and the
        # brief pages (those not waiting for a PDF) are made while the build
        # plans the rest, the workers' first. A SearchWorker's index update
        # starts before anything (after an edit it is the longest path);
        # without one there is nothing to start, and the search job waits
        # until the workers have their first texts and pages.
        search_job = None
        if self.search_worker is not None:
            search_job = self.search_job(digests, old_files, old_groups)
        # The PDF engine's worker, started with the build, may still be loading
        # WeasyPrint: what needs no PDF is done before it is asked.
        self.make_editions = pdf_output.check_engine(self.settings, self.paper)
        editions, finish_pdfs = self.start_pdfs(output, previous, old_files, digests)
        catalogue = data_entries(self.site, editions)
        # With nothing to carry over, the open data files are made: their
        # texts start at once, while this process plans (the workers wait).
        texts_started = not old_files and self.search_worker is None
        if texts_started:
            self.start_data_texts(catalogue)
        feeds = feed_jobs(self.site, self.settings, editions)
        data = data_job(self.site, self.settings, feeds, catalogue)
        data.fingerprint = job_fingerprint(data, digests)
        make_data = self.carry_or_render([data], old_files, old_groups, output)
        if (
            make_data
            and not texts_started
            and not self.start_data_files(data, old_files, old_groups, output)
        ):
            self.start_data_texts(catalogue)
        shared = navigation(self.site)
        carried, fresh = self.carried_brief_pages(shared, editions, old_files, output)
        brief_pages = brief_jobs(self.site, fresh, self.related(), shared, editions)
        started, early, early_results = self.start_pages(
            brief_pages, digests, old_files, old_groups, output
        )
        if search_job is None:
            search_job = self.search_job(digests, old_files, old_groups)
        started.update(map(id, [*carried, data]))
        brief_pages += carried
        self.store_reads()
        _give_back_memory()
        self.jobs = plan(
            self.site,
            self.settings,
            self.collection,
            self.options.show_drafts,
            brief_pages,
            shared,
            feeds,
            data,
            digests,
            partial(self.family, old_files, output, started),
        )
        # Pages that only send readers on (aliases): never in the sitemap.
        self.context["redirect_pages"] = frozenset(
            job.save_as for job in self.jobs if job.kind == "redirect"
        )
        gc.freeze()  # (see close)
        finish_pdfs()
        if self.paper is not None:
            self.paper.release()  # this build makes no more PDFs
        settle_editions(self.jobs, editions, digests)
        self.jobs.append(search_job)
        rest = [job for job in self.jobs if id(job) not in started]
        to_render = self.carry_or_render(rest, old_files, old_groups, output)
        content = Path(self.settings["PATH"])
        for job in [j for j in to_render if j.kind == "copy"]:
            planned = {
                self.input_files.get(str(job.source)),
                self.checked.get(job.save_as),
            } - {None}
            shown = display_path(job.source, content)
            self.written[job.save_as] = _copy(job, output, planned, shown)
        renderable = [j for j in to_render if j.kind not in ("copy", *GROUPS)]
        results = chain(
            early_results, self.render_jobs(renderable, lazily=True, write_to=output)
        )
        renderable = early + renderable
        to_render = early + make_data + to_render
        # The groups are made here, from the cache, while the workers render
        # and write, and a thread takes in what they wrote as it comes.
        stop = threading.Event()
        with ThreadPoolExecutor(1, thread_name_prefix="briefs-written") as thread:
            writing = thread.submit(self.collect_written, renderable, results, stop)
            try:
                for job in [j for j in to_render if j.kind in GROUPS]:
                    made = GROUPS[job.kind](self, job)
                    self.groups[job.save_as] = sorted(made)
                    for rel in sorted(made):
                        self.written[rel] = self.write_group_file(
                            output, previous, rel, job.fingerprint, made[rel], old_files
                        )
                    del made
                    _give_back_memory()
                if self.workers.started:  # (this process waits for them)
                    self.cache.checkpoint()
                writing.result()
            finally:
                stop.set()
        if self.search_worker is not None:
            self.search_worker.release()  # this build updates the index no more
        if self.linker is not None:
            self.linker.finish()
            self.linker = None
        files_written.send(self, count=len(self.written))
        if output == previous:
            _remove_unmade(output, made_here, self.written)
        logger.info(
            "briefs: %d files, %d rendered, %d carried over",
            len(self.jobs),
            len(to_render),
            len(self.jobs) - len(to_render),
        )

    def start_pages(
        self,
        jobs: list[Job],
        digests: Digests,
        old_files: dict,
        old_groups: dict,
        output: Path,
    ) -> tuple[set[int], list[Job], Iterator]:
        """The brief pages that need no PDF still being made, carried over or
        started in the workers now: they would otherwise wait, idle, while
        this process plans the listings and feeds. (The ids of the jobs
        done with, those being rendered, and their results.) Not with fewer
        than RENDER_PARALLEL_FROM: those are rendered with the rest."""
        ready = [job for job in jobs if not awaits_pdf(job)]
        if len(ready) < RENDER_PARALLEL_FROM or self.workers.count < 2:
            return set(), [], iter(())
        for job in ready:
            job.fingerprint = job_fingerprint(job, digests)
        to_render = self.carry_or_render(ready, old_files, old_groups, output)
        results = self.render_jobs(to_render, lazily=True, write_to=output)
        return {id(job) for job in ready}, to_render, results

    def family(
        self,
        old_files: dict,
        output: Path,
        started: set[int],
        name: str,
        digest: str,
        make: Callable[[], list[Job]],
    ) -> list[Job]:
        """A family of pages made from inputs of `digest` (pages.plan): when
        the last build made it from the same and left its files as they
        are, they are carried over whole (`started`), without planning a
        page; else make() plans it."""
        last = self.old.get("families", {}).get(name)
        if last is not None and last[0] == digest:
            files = last[1]
            entries = [old_files.get(rel) for rel in files]
            made = all(entry is not None for entry in entries)
            if made and self.left_as_made(files, entries):
                jobs = self.carried(files, entries, output)
                started.update(map(id, jobs))
                self.families[name] = last
                return jobs
        jobs = make()
        self.families[name] = (digest, [job.save_as for job in jobs])
        return jobs

    def carried_brief_pages(
        self, shared: dict, editions: dict, old_files: dict, output: Path
    ) -> tuple[list[Job], list[BriefView]]:
        """The brief pages carried over without being planned, and the briefs
        whose pages are planned. A page is carried over when the last build
        made every brief page from the same views, navigation and series
        (one digest: BRIEF_PAGES) and this one from the same body and PDF,
        and left its file as it is: an edit to a body leaves every page but
        its brief's."""
        site, digests = self.site, self.digests
        inputs = (shared, site.briefs, site.series)
        digest = combine(BRIEF_PAGES, list(map(digests.of, inputs)))
        # A page whose PDF is being made is planned: the PDF's size and page
        # count are not known yet (its digest is none that can be met).
        own = {
            view.save_as: ""
            if isinstance(edition := editions.get(view.save_as), pdf.PendingEdition)
            else combine(
                # (the body's key and words: where its links are follows)
                "page",
                [*map(str, site.bodies[view.save_as][:2]), digests.of(edition)],
            )
            for view in site.briefs
        }
        last = self.old.get("families", {}).get(BRIEF_PAGES)
        self.families[BRIEF_PAGES] = (digest, own)
        if last is None or last[0] != digest:
            return [], site.briefs
        previous, files, entries, fresh = self.previous, [], [], []
        for view in site.briefs:
            rel = view.save_as
            entry = old_files.get(rel)
            if (
                own[rel]
                and last[1].get(rel) == own[rel]
                and entry is not None
                and _unchanged(previous, rel, entry)
            ):
                files.append(rel)
                entries.append(entry)
            else:
                fresh.append(view)
        return self.carried(files, entries, output), fresh

    def carried(
        self, files: list[str], entries: list[ManifestEntry], output: Path
    ) -> list[Job]:
        """The last build's `files`, left as it made them (their manifest
        `entries`), carried over as they are: jobs that are not planned."""
        self.written.update(zip(files, entries, strict=True))
        self.link(self.previous, output, files)
        return [
            Job(rel, "carried", fingerprint=entry.fingerprint)
            for rel, entry in zip(files, entries, strict=True)
        ]

    def carry_or_render(
        self, jobs: list[Job], old_files: dict, old_groups: dict, output: Path
    ) -> list[Job]:
        """The jobs to render: the others, whose files the last build made
        with the same fingerprint and left as they are, are carried over."""
        to_render, carried = [], []
        for job in jobs:
            files, entries = _last_made(job, old_files, old_groups)
            same = all(_same_job(entry, job) for entry in entries)
            if same and self.left_as_made(files, entries):
                self.written.update(zip(files, entries, strict=True))
                carried.extend(files)
                if job.save_as in old_groups:
                    self.groups[job.save_as] = files
                continue
            to_render.append(job)
            logger.debug("render %s", job.save_as)
        self.link(self.previous, output, carried)
        return to_render

    def left_as_made(self, files: list[str], entries: list[ManifestEntry]) -> bool:
        """Whether each of the last build's `files` (its manifest `entries`)
        is still as that build left it."""
        previous = self.previous
        return all(
            _unchanged(previous, rel, entry)
            for rel, entry in zip(files, entries, strict=True)
        )

    def carry_over(
        self, previous: Path, output: Path, rel: str, entry: ManifestEntry
    ) -> bool:
        """Whether the last build's `rel` is still exactly as that build left
        it: then it is carried over (link)."""
        if not _unchanged(previous, rel, entry):
            return False
        self.link(previous, output, [rel])
        return True

    def link(self, previous: Path, output: Path, names: list[str]) -> None:
        """Carry the last build's `names` over: kept in place when building
        into the same folder, else hard-linked into the new one (same inode,
        same mtime) by the Linker, another process, while this one makes
        the rest (tens of thousands of links, a third of a second of the
        kernel's time in an edit); the Linker starts with the first."""
        if not names or output == previous:
            return
        if self.linker is None:
            self.linker = Linker(previous, output)
        self.linker.link(names)

    def collect_written(self, jobs: list[Job], results, stop: threading.Event) -> None:
        """Take in every file of `jobs` from `results` (written where they
        were rendered) as it comes, until `stop` (set when the build fails
        meanwhile)."""
        for _, made in zip(jobs, results, strict=True):
            if stop.is_set():
                return
            for rel, entry, links in made:
                self.written[rel] = entry
                if links is not None:
                    self.fresh_links[rel] = links

    def write_group_file(
        self,
        output: Path,
        previous: Path,
        rel: str,
        job_fingerprint: str,
        data: bytes | str | ManifestEntry,
        old_files: dict,
    ) -> ManifestEntry:
        """A file of a group, kept as it was when its bytes did not change
        (most of the search shards and documents after an edit). `data` is
        the bytes, or only their digest when the group found the last
        build's file as that build left it (BriefsGenerator.keeps), or the
        entry of the file another process wrote (_make_catalogue)."""
        if isinstance(data, ManifestEntry):
            return data
        digest = data if isinstance(data, str) else digest_of(data)
        old = old_files.get(rel)
        if _as_left(previous, rel, old, digest):
            self.link(previous, output, [rel])
            return replace(old, fingerprint=job_fingerprint)
        if isinstance(data, str):
            raise BriefsError([_changed_meanwhile(previous, rel)])
        return _write_group_file(
            output, rel, job_fingerprint, data, self.staging, digest
        )

    def search_job(self, digests: Digests, old_files: dict, old_groups: dict) -> Job:
        """The search index (search.py): a job whose fingerprint is the keys
        of the briefs' search records, in index order (newest first). When
        the last build's index is out of date and a SearchWorker is there,
        it starts updating the index now, from the records in the cache."""
        keyed = {}
        language = self.settings["DEFAULT_LANG"]
        for view in sorted(
            (v for v in self.site.briefs if not v.is_draft),
            key=lambda v: (-v.brief.date.timestamp(), v.url),
        ):
            body = self.site.bodies[view.save_as][0]
            # (the site's language: a record names a brief's when it differs)
            key = combine(
                "search-record", [self.code, digests.of(view), body, language]
            )
            keyed[key] = (view, body)
        job = Job(SEARCH_FOLDER, "search", context={"records": keyed})
        job.fingerprint = combine("search", list(keyed))
        _, before = _last_made(job, old_files, old_groups)
        if self.search_worker is not None and not all(
            _same_job(entry, job) for entry in before
        ):
            have = self.cache.keys("search", keyed)
            made = self.search_records([k for k in keyed if k not in have], keyed)
            self.cache.put("search", made)
            job.context["records_made"] = bool(made)
            self.search_update = self.search_worker.update(
                self.cache.path.parent, self.state_key("search-index"), list(keyed)
            )
        return job

    def start_data_files(
        self, job: Job, old_files: dict, old_groups: dict, output: Path
    ) -> bool:
        """Have the SearchWorker make the open data files (_make_catalogue),
        when there is one: after an edit the workers are idle, and this
        process has the pages to plan. Not while it updates the search index
        (search_job): that takes longer than the planning, and this process
        makes the files when it has planned. Whether it took them
        (data_files then takes its result)."""
        if self.search_worker is None or self.search_update is not None:
            return False
        last = [rel for rel in old_groups.get(job.save_as, ()) if rel in old_files]
        self.data_update = self.search_worker.catalogue(
            self.cache.path.parent,
            job,
            self.data_keys(job.context["entries"]),
            old={rel: old_files[rel] for rel in last},
            previous=str(self.previous),
            output=str(output),
            staging=self.staging,
        )
        return True

    def start_data_texts(self, entries: list) -> None:
        """Start making the open data texts the cache lacks (each entry's of
        `entries`) in the workers, which are idle while this process plans
        the pages; data_files takes them."""
        keyed = self.data_keys(entries)
        have = self.cache.keys("data", keyed)
        texts = [key for key in keyed if key not in have]
        site = catalogue_site(self.settings)
        made = self.render_jobs(
            [
                Job(DATA_FOLDER, "data-texts", context={"entry": keyed[key], **site})
                for key in texts
            ],
            lazily=True,
            chunk=DATA_TEXTS_CHUNK,
        )
        self.fresh_texts = (texts, made)

    def data_keys(self, entries: list) -> dict:
        """Each open data entry by the key of its texts: the entry, the
        site's name and its public address (worked out once a build: both
        start_data_texts and data_files need them)."""
        if self._data_keys is None:
            site = catalogue_site(self.settings)
            texts = fingerprint((self.code, site["site_name"], site["public_url"]))
            self._data_keys = {
                combine("data-texts", [texts, self.digests.of(entry)]): entry
                for entry in entries
            }
        return self._data_keys

    def search_files(self, job: Job) -> dict[str, bytes | str]:
        """Every search file, from each brief's search record and the last
        build's index (search.IndexState, in the cache): only the terms of
        the briefs that changed are scored again, and only the files that
        may have changed are made; the others are named by digest, to be
        kept from the last build's output (all are made when one of those
        is not there as that build left it)."""
        keyed = job.context["records"]
        made_records = job.context.get("records_made", False)

        def load(keys: list[str]) -> dict:
            """Records by key: the cache's, else made now (and cached at
            once: an index made from scratch asks for a batch at a time)."""
            nonlocal made_records
            found = self.cache.get("search", keys)
            missing = [k for k in keys if k not in found and k in keyed]
            made = self.search_records(missing, keyed)
            self.cache.put("search", made)
            made_records = made_records or bool(made)
            found.update(made)
            return found

        made = self.updated_search_index()
        if made is None:
            index = search.build_index(list(keyed), load, self.state("search-index"))
            self.store_state("search-index", index.state)
            made = index.made, index.state.digests
        files, digests = made
        kept = {rel: digest for rel, digest in digests.items() if rel not in files}
        if not all(self.keeps(rel, digest) for rel, digest in kept.items()):
            index, kept = search.build_index(list(keyed), load), {}
            self.store_state("search-index", index.state)
            files = index.made
        if made_records:
            self.cache.keep_only("search", set(keyed))
        return {**files, **kept}

    def updated_search_index(self) -> tuple[dict[str, bytes], dict[str, str]] | None:
        """The SearchWorker's update (search_job), when it made one: the
        files that may have changed and the digest of every file."""
        update, self.search_update = self.search_update, None
        if update is None:
            return None
        try:
            return update.result()
        except Exception as exc:  # e.g. the cache damaged meanwhile
            logger.debug("search index: the update in another process failed: %r", exc)
            return None

    def keeps(self, rel: str, digest: str) -> bool:
        """Whether the last build's `rel` is there, as it left it, with
        bytes of `digest` (a group file can then be kept unmade)."""
        return _as_left(self.previous, rel, self.old.get("files", {}).get(rel), digest)

    def search_records(self, keys: list[str], keyed: dict) -> dict:
        """The search records of `keys` (search_job's), from the terms each
        brief's read made (search.body_terms) and what its page says."""
        views = [keyed[key][0] for key in keys]
        reads = [self.read_keys[view.brief.source] for view in views]
        terms = self.terms.get_many(set(reads), take=True)
        default_language = self.settings["DEFAULT_LANG"]
        return {
            key: search.document(
                view.brief,
                terms[read],
                view.url,
                [(a.name, a.slug) for a in view.authors],
                [(r.name, r.slug) for r in view.regions],
                [(t.name, t.slug) for t in view.tags],
                view.locale_date,
                view.language if view.language != default_language else "",
            )
            for key, view, read in zip(keys, views, reads, strict=True)
        }

    def data_files(self, job: Job) -> dict[str, bytes | str | ManifestEntry]:
        """The open data files (opendata.py) from each entry's texts: the
        SearchWorker's (start_data_files), else made here."""
        update, self.data_update = self.data_update, None
        if update is not None:
            try:
                return update.result()
            except Exception as exc:  # e.g. the cache damaged meanwhile
                logger.debug("open data: the files in another process failed: %r", exc)
        # The texts made this build (start_data_texts), cached as they come.
        made, self.fresh_texts = self.fresh_texts, ([], ())
        return _catalogue_files(
            self.cache,
            job,
            self.data_keys(job.context["entries"]),
            dict(zip(*made, strict=True)),
        )

    def start_pdfs(
        self, output: Path, previous: Path, old_files: dict, digests: Digests
    ) -> tuple[dict, Callable[[], None]]:
        """The PDF edition of every published brief (pdf_output.py): a PDF
        whose inputs did not change is carried over, the others are started
        at once. → ({brief page: its PdfEdition, or a pdf.PendingEdition for
        one being made}, finish): finish() waits for those, writes them and
        puts their editions in the dict, before any page that links one is
        rendered."""
        if not self.make_editions:
            return {}, lambda: None
        paper = pdf_output.paper_for(self.settings, self.collection.content_dir)
        engine = self.paper.signature
        content = str(self.collection.content_dir)
        jobs, editions = [], {}
        for view in self.site.briefs:
            if view.is_draft:
                continue
            path = f"{view.save_as.rpartition('.')[0]}.pdf"
            key = self.site.bodies[view.save_as][0]
            job = Job(
                path,
                "pdf",
                context={"article": view, "paper": paper},
                bodies=(key,),
            )
            inputs = [engine, digests.of(view), key, digests.of(paper)]
            job.fingerprint = combine("pdf", inputs)
            entry = old_files.get(path)
            if (
                entry is not None
                and entry.fingerprint == job.fingerprint
                and entry.embeds == _embeds(content, [e[0] for e in entry.embeds])
                and self.carry_over(previous, output, path, entry)
            ):
                self.written[path] = entry
                editions[view.save_as] = pdf.PdfEdition(
                    path, entry.stat[1], entry.pages
                )
                continue
            jobs.append(job)
            editions[view.save_as] = pdf.PendingEdition(path)
        # A few (an edit): in the engine's warm process; many: everywhere.
        few = len(jobs) < PARALLEL_FROM
        results = self.render_jobs(
            jobs,
            lazily=True,
            workers=self.paper if few else None,
            parallel_from=PARALLEL_FROM,
        )

        def finish() -> None:
            # Each is written as it comes (thousands would not fit in memory).
            try:
                for job, made in zip(jobs, results, strict=True):
                    ((rel, data, (pages, read)),) = made
                    entry = _write(output, rel, job.fingerprint, data, self.staging)
                    embeds = _embeds(content, read)
                    self.written[rel] = replace(
                        entry,
                        # (an image gone meanwhile: made again next time)
                        fingerprint=entry.fingerprint if embeds is not None else "",
                        links_key=None,
                        pages=pages,
                        embeds=embeds or (),
                    )
                    editions[job.context["article"].save_as] = pdf.PdfEdition(
                        rel, len(data), pages
                    )
            except pdf.PdfError as exc:
                view = next(j.context["article"] for j in jobs if j.save_as == exc.key)
                shown = display_path(view.brief.source, self.collection.content_dir)
                raise ContentError(
                    [
                        Problem(shown, f"the PDF edition failed: {m}")
                        for m in exc.messages
                    ]
                ) from None
            logger.info("PDF editions: %d, %d made", len(editions), len(jobs))

        return editions, finish

    def output_signature(self) -> str:
        """What every file depends on besides its own context (its
        permission bits on the umask: new_file_mode)."""
        settings = worker_settings(self.settings)
        settings.pop("PATH", None)
        settings.pop(TEMPLATE_CACHE_KEY, None)
        # Whether a page links a PDF is in its own context (plan's editions):
        # turning PDFs on re-renders the pages that link them, not all.
        settings.pop(pdf_output.SETTING, None)
        return hashlib.blake2b(
            pickle.dumps(
                (self.code, tree_digest(Path(self.settings["THEME"]) / "templates"),
                 sorted(settings.items(), key=lambda item: item[0]),
                 new_file_mode()),
                protocol=pickle.HIGHEST_PROTOCOL,
            ),
            digest_size=16,
        ).hexdigest()  # fmt: skip

    def check_links(
        self, output: Path, files: set[str], site_url: str | None
    ) -> list[BrokenLink]:
        """Every link of the finished site. Pages rendered now were read as
        they were rendered; other checked files (theme styles, the sitemap)
        are read now. A page carried over from a build whose links all
        resolved still resolves, unless files came or went, or it links to a
        fragment of a page rendered again: only those are checked again."""
        same_files = files == set(self.old.get("all", ()))
        pages: dict[str, PageLinks | Pickled] = {}
        again: dict[str, str] = {}
        for rel in sorted(files):
            if not is_checked(rel):
                continue
            if rel in self.fresh_links:
                pages[rel] = self.fresh_links[rel]
                continue
            entry = self.written.get(rel)
            if entry is None or entry.links_key is None:
                text = (output / rel).read_text(encoding="utf-8", errors="replace")
                pages[rel] = read_page(rel, text)
            elif not same_files or (entry.cross_fragments and self.fresh_links):
                again[rel] = entry.links_key
        stored = self.cache.get("links", set(again.values()))
        for rel, key in again.items():
            if key not in stored:  # lost from the cache: read the file again
                text = (output / rel).read_text(encoding="utf-8", errors="replace")
                stored[key] = read_page(rel, text)
            pages[rel] = stored[key]

        def load(rel: str) -> PageLinks | None:
            if not is_checked(rel) or not (output / rel).is_file():
                return None
            text = (output / rel).read_text(encoding="utf-8", errors="replace")
            return read_page(rel, text)

        checker = SiteChecker(files, pages, site_url, load=load)
        broken = checker.run()
        for rel in self.fresh_links:
            entry = self.written[rel]
            self.written[rel] = replace(
                entry, cross_fragments=checker.has_cross_fragments(rel)
            )
        return broken

    def close_workers(self, wait: bool = True) -> None:
        """Stop the build's processes; not `wait`ing, once their work is
        done, let them exit while the build goes on (Workers.release)."""
        if self.linker is not None:  # the build failed: stop it first
            self.linker.stop()
        helpers = [self.workers, self._own_paper, self.search_worker]
        for workers in filter(None, helpers):
            if wait:
                workers.close()
            else:
                workers.release()
        if self.shared is not None:
            self.shared.close()
            self.shared = None

    def close(self) -> None:
        signals.finalized.disconnect(self.finish)  # (a run that failed here)
        if BriefsGenerator.running is self:
            BriefsGenerator.running = None
        self.close_workers()
        self.store_reads()  # (a build that failed before it did)
        self.cache.close()
        # The collection, its views and the jobs last the whole build: they
        # are frozen once made (gc.freeze), so that the collector's full
        # passes do not scan their million objects again and again (a sixth
        # of an edit's time). They are handed back here, with the collector's
        # own pace (the preview's process goes on to the next build).
        gc.unfreeze()
        gc.set_threshold(*self._collector)


# What a build keeps for the next one besides reads and outputs: each
# brief's related briefs, the search index (BriefsGenerator.state), the
# digests of the input files (inputs_digest).
INPUT_FILES_STATE = "input-files"
STATES = ("related", "search-index", INPUT_FILES_STATE)

# Jobs that make a group of files in this process, from the cache.
# A group's files: bytes, or the digest of a file kept from the last build.
GROUPS: dict[
    str, Callable[[BriefsGenerator, Job], dict[str, bytes | str | ManifestEntry]]
] = {
    "search": BriefsGenerator.search_files,
    "data": BriefsGenerator.data_files,
}


# Plain strings and os functions for the paths of every output file: a build
# looks at tens of thousands, and pathlib's objects cost more than the stat.
_join = os.path.join


def _give_back_memory() -> None:
    """Hand the memory freed so far back to the system. The C library keeps
    what Python frees for reuse: the reads stored and the search index and
    open data written, the build process would stay 100 MB larger while its
    workers render, and the build's peak is the sum of all its processes."""
    if _malloc_trim is not None:
        _malloc_trim(0)


try:  # glibc's; other C libraries give memory back by themselves, or not
    _malloc_trim = ctypes.CDLL(None).malloc_trim
except (OSError, AttributeError):
    _malloc_trim = None


def _stat(path: Path | str) -> tuple[int, int, int, int]:
    return _identity(os.stat(path))  # noqa: PTH116


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    """What a manifest records of a file to know it again: inode, size,
    modification time and permission bits (a file made unreadable to others
    by hand is made again, not kept)."""
    return (info.st_ino, info.st_size, info.st_mtime_ns, stat.S_IMODE(info.st_mode))


def new_file_mode() -> int:
    """The permission bits of a file this process makes (0o666 less the
    umask), which every file of a build has, as a clean build's do: a build
    under another umask keeps none of the last one's files."""
    return 0o666 & ~umask()


def _changed_meanwhile(previous: Path, rel: str) -> str:
    """The error for a file of the last build that is no longer as the build
    found it when it chose to keep it."""
    return (
        f"{_join(previous, rel)}: changed while the site was being built; build again"
    )


def _last_made(
    job: Job, old_files: dict, old_groups: dict
) -> tuple[list[str], list[ManifestEntry | None]]:
    """The files the last build made for `job` (one, or several for a group,
    e.g. the open data) and their manifest entries (None: not made)."""
    files = old_groups.get(job.save_as, [job.save_as])
    return files, [old_files.get(rel) for rel in files]


def _same_job(entry: ManifestEntry | None, job: Job) -> bool:
    """Whether the last build made `entry`'s file from what `job` shows."""
    return entry is not None and entry.fingerprint == job.fingerprint


def _unchanged(previous: Path | str, rel: str, entry: ManifestEntry) -> bool:
    """Whether the last build's `rel` (in its folder `previous`) is still
    exactly as it left it."""
    try:
        return _stat(_join(previous, rel)) == entry.stat
    except OSError:
        return False


def _as_left(
    previous: Path | str, rel: str, entry: ManifestEntry | None, digest: str
) -> bool:
    """Whether the last build's `rel` (its `entry`, None when it made none)
    is there, as it left it, with bytes of `digest`: a file of a group can
    then be kept unmade."""
    return (
        entry is not None
        and entry.digest == digest
        and _unchanged(previous, rel, entry)
    )


class Linker:
    """Hard-links files of the last build's folder into the new one, in a
    small process of its own (hardlinks.py, started in milliseconds), while
    the build goes on: a link is the kernel's work, and this process would
    otherwise wait for tens of thousands of them."""

    def __init__(self, old: Path, new: Path):
        self.old = old
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(PLUGIN_DIR / "hardlinks.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.link([str(old), str(new)])

    def link(self, names: list[str]) -> None:
        """Have `names` (paths under both folders) linked: sent as the pipe's
        buffer fills, the rest by `finish` (a group's files and the PDFs
        come one at a time: a write to the pipe each would cost more than
        the link)."""
        self.process.stdin.write(b"".join(os.fsencode(n) + b"\0" for n in names))

    def finish(self) -> None:
        """Wait for every link; a file that could not be linked changed or
        went since it was checked (the build cannot vouch for it)."""
        self.process.stdin.close()
        with self.process.stdout:
            failed = self.process.stdout.read()
        self.process.wait()
        if self.process.returncode != 0:
            raise BriefsError(
                [f"linking the unchanged files failed (exit {self.process.returncode})"]
            )
        if failed:
            raise BriefsError(
                [
                    _changed_meanwhile(self.old, os.fsdecode(name))
                    for name in failed.split(b"\0")
                ]
            )

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        with suppress(OSError):
            self.process.stdin.close()
        self.process.stdout.close()


def _embeds(content: str, names: Iterable[str]) -> tuple[tuple, ...] | None:
    """Files under `content` a PDF embeds, with their identity now
    (filedigests.identity_of; None when one is gone)."""
    found = []
    for name in names:
        try:
            info = os.stat(_join(content, name))  # noqa: PTH116
        except OSError:
            return None
        found.append((name, *identity_of(info)))
    return tuple(found)


def _first_link(output: Path) -> str | None:
    """The first symbolic link found in the folder `output` (a file or a
    folder, not followed), or None. A folder's entries tell what each is:
    no file is looked up on its own."""
    folders = [str(output)]
    while folders:
        try:
            with os.scandir(folders.pop()) as scanned:
                entries = sorted(scanned, key=lambda entry: entry.name)
        except FileNotFoundError:
            continue  # (no folder yet: nothing in it)
        for entry in entries:
            if entry.is_symlink():
                return entry.path
        folders.extend(
            entry.path
            for entry in reversed(entries)
            if entry.is_dir(follow_symlinks=False)
        )
    return None


def _all_files(output: Path) -> set[str]:
    files: set[str] = set()
    for folder, _, names in os.walk(output):
        rel = Path(folder).relative_to(output).as_posix()
        prefix = "" if rel == "." else rel + "/"
        files.update(prefix + name for name in names)
    return files


def _write(
    output: Path, rel: str, fingerprint: str, data: bytes, staging: bool = False
) -> ManifestEntry:
    """Write a file atomically: never into an existing file's inode (it may
    be a hard link shared with the previous output). In a `staging` folder
    (nothing there but this build's files, and a failed build's folder is
    deleted whole) a new file is written where it goes: no rename and no
    folder lookup for each of tens of thousands of files."""
    path = output / rel
    written = _write_new(path, data) if staging else None
    if written is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        interrupts.checkpoint("file-written")
        temporary.replace(path)
        written = _stat(path)
    return ManifestEntry(fingerprint, written, f"{fingerprint}:{rel}")


def _write_group_file(
    output: Path,
    rel: str,
    fingerprint: str,
    data: bytes,
    staging: bool,
    digest: str,
) -> ManifestEntry:
    """Write a file of a group (search, open data): no links of its own to
    check, and the `digest` of its bytes kept."""
    entry = _write(output, rel, fingerprint, data, staging)
    return replace(entry, links_key=None, digest=digest)


def _write_new(path: Path, data: bytes) -> tuple[int, int, int] | None:
    """Write `data` to `path` when there is no file there (making its folder
    if missing), and give its stat (_stat); None when there is one. Plain
    os calls: a fifth less of the kernel's and Python's time a file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        try:
            descriptor = os.open(path, flags, 0o666)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, flags, 0o666)
    except FileExistsError:
        return None
    try:
        rest = memoryview(data)
        while rest:
            rest = rest[os.write(descriptor, rest) :]
        info = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return _identity(info)


def _render_and_write(
    output: Path, staging: bool, render: Callable, task: tuple[Job, dict[str, str]]
) -> list[tuple[str, ManifestEntry, Pickled | None]]:
    """Render a job and write its files where it was rendered (in a worker:
    no page's bytes cross between processes, and both cores write)."""
    job = task[0]
    return [
        (rel, _write(output, rel, job.fingerprint, data, staging), links)
        for rel, data, links in render(task)
    ]


def _copy(job: Job, output: Path, planned: set[str], shown: str) -> ManifestEntry:
    """Copy a file of content/ into the output when its bytes are the ones
    the build planned with (`planned`: the digests the inputs digest and
    the check of its bytes took of it): one changed since would be
    published unchecked, or under an inputs digest it does not show."""
    path = output / job.save_as
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    digest = digester()
    try:
        with job.source.open("rb") as source, temporary.open("wb") as copy:
            while chunk := source.read(COPY_CHUNK):
                digest.update(chunk)
                copy.write(chunk)
        if planned - {digest.hexdigest()}:
            raise BriefsError(
                [f"{shown}: changed while the site was being built; build again"]
            )
        # Its times, not its permission bits: a published file has the
        # build's (new_file_mode), whatever the source's.
        times = job.source.stat()
        os.utime(temporary, ns=(times.st_atime_ns, times.st_mtime_ns))
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ManifestEntry(job.fingerprint, _stat(path), None)


def _remove_unmade(output: Path, old: dict, written: dict) -> None:
    """In-place builds: delete what the last build made and no job makes now
    (only files still exactly as that build left them)."""
    for rel, entry in old.items():
        if rel in written:
            continue
        path = output / rel
        try:
            if _stat(path) == entry.stat:
                path.unlink()
        except OSError:
            continue


def silence_articles_generator(generators: list) -> None:
    """Pelican's ArticlesGenerator read nothing (ARTICLE_PATHS is empty), but
    its output step would still write an empty site feed over ours: for this
    run's instance, that step writes nothing and only hands it the briefs,
    which Pelican counts in its closing summary ("Processed 18 articles")."""
    briefs = next((g for g in generators if isinstance(g, BriefsGenerator)), None)
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            generator.generate_output = partial(_count_briefs, generator, briefs)


def _count_briefs(
    articles: ArticlesGenerator, briefs: BriefsGenerator | None, writer
) -> None:
    if briefs is not None and briefs.site is not None:
        views = briefs.site.briefs
        articles.articles = [view for view in views if not view.is_draft]
        articles.drafts = [view for view in views if view.is_draft]
