"""Shared fixtures: small content folders in tmp_path, built through the real
settings, and parsed HTML; headless Chromium for the browser tests."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2
import pytest
import yaml
from bs4 import BeautifulSoup
from pelican.log import LimitFilter

from policy_briefs.project import PUBLISH_SETTINGS, ROOT, compile_bytecode

INVOKE = [sys.executable, "-m", "invoke"]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Once per test run, before any test process starts: the project's
    bytecode, and scratch folders in memory."""
    if hasattr(config, "workerinput"):
        return  # a test process of pytest-xdist: done for it
    compile_bytecode()  # (else each of the hundred-odd processes compiles)
    scratch_in_memory(config)


# The modules that take longest, slowest first: pytest-xdist hands modules
# to its test processes in collection order (`make test` turns off its own
# order, by number of tests), so that none is left running alone at the end.
SLOWEST_FIRST = (
    "test_pdf.py",
    "test_quality.py",
    "test_incremental.py",
    "test_search_browser.py",
    "test_publish.py",
    "test_deploy.py",
    "test_cli.py",
    "test_opendata.py",
    "test_serve.py",
    "test_autoreload.py",
    "test_search_firefox.py",
    "test_cli_errors.py",
    "test_linkcheck.py",
    "test_output_safety.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: n for n, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# Scratch folders in memory when the machine has room for them (tmpfs).
MEMORY = Path("/dev/shm")
MEMORY_NEEDED = 1 << 30


def scratch_in_memory(config) -> None:
    """Temporary folders (tmp_path, and those of the commands the tests run)
    in memory: builds write and remove many thousands of small files, which
    a disk busy with other work makes slow. Not when TMPDIR or --basetemp
    says where."""
    if config.option.basetemp or os.environ.get("TMPDIR"):
        return
    try:
        free = os.statvfs(MEMORY)
    except OSError:
        return
    if free.f_bavail * free.f_frsize >= MEMORY_NEEDED and os.access(MEMORY, os.W_OK):
        os.environ["TMPDIR"] = str(MEMORY)
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again


REGIONS = [
    {"name": "Northeast Asia", "description": "Japan, the Koreas and *China*."},
    {"name": "Middle East & North Africa", "description": "From Morocco to Iran."},
    {"name": "Europe"},
]
AUTHORS = [
    {"name": "Yuki Tatsumi", "role": "Senior Fellow", "bio": "Yuki **writes**."},
    {"name": "Søren Kjærgaard", "role": "Fellow", "affiliation": "Nordic Desk"},
]

# Debian's Chromium, driven by Playwright; Playwright never downloads a browser.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


def tool_missing(message: str):
    """A tool a test needs is not installed: fail under CI (CI=true), else skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def without_permission_overrides(command: list[str]) -> list[str]:
    """`command` run so that file permissions apply as to an editor's
    account: root reads and writes any file, so as root drop the
    capabilities that allow it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        tool_missing("setpriv (util-linux) is needed to test permissions as root")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]


# PDFs are the PDF tests' business; elsewhere they only cost time (the
# production settings require them whatever this says).
NO_PDFS = {"POLICY_BRIEFS_PDF": "off"}


def run_invoke(
    *args: str,
    cwd: Path = ROOT,
    env: dict | None = None,
    stdin: str = "",
    unprivileged: bool = False,
    timeout: int = 300,
) -> subprocess.CompletedProcess:
    """`invoke ARGS` as an editor runs it, from `cwd` with the project's
    tasks; `unprivileged`: as an editor's account (see below)."""
    command = [*INVOKE, "--search-root", str(ROOT), *args]
    if unprivileged:
        command = without_permission_overrides(command)
    return subprocess.run(
        command,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **NO_PDFS, **(env or {})},
    )


@pytest.fixture(scope="session")
def unavailable():
    """`tool_missing` for test modules (which do not import conftest)."""
    return tool_missing


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process, started by the first test
    that needs it (each test opens contexts of its own and closes them)."""
    if not CHROMIUM.exists():
        tool_missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def tab(browser):
    """One tab for a module's pages (a new tab costs Chromium more than most
    checks of a page do): colour scheme, media and width change in place."""
    page = browser.new_page()
    yield page
    page.close()


@pytest.fixture
def logging_restored():
    """For tests that run a task in this process: the tasks configure
    logging for a terminal; later tests must find the root logger as it was."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


# What shapes the code Jinja compiles a template's source to, besides the
# source, its name and file (jinja2.Environment's options).
COMPILE_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
    "is_async",
    "code_generator_class",
)


@pytest.fixture(autouse=True, scope="session")
def _templates_compiled_once():
    """Each template compiled once by a test process, not once per build:
    the builds of a test run (the clean builds the incremental tests compare
    with, every small site with a cache of its own) compiled the theme some
    4,000 times, a tenth of the suite's time. The same code comes back for
    the same source, name, file, environment options and extensions, so a
    build still stores it in its cache as it would (worker processes
    compile their own)."""
    compiled = {}
    compile_source = jinja2.Environment.compile

    def compile_once(self, source, name=None, filename=None, raw=False, **more):
        if not isinstance(source, str):  # (a parsed template)
            return compile_source(self, source, name, filename, raw, **more)
        options = [repr(getattr(self, option)) for option in COMPILE_OPTIONS]
        key = (*options, *sorted(self.extensions), source, name, filename, raw)
        key += tuple(sorted(more.items()))
        if key not in compiled:
            compiled[key] = compile_source(self, source, name, filename, raw, **more)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja2.Environment, "compile", compile_once)
        yield


@pytest.fixture(autouse=True)
def _reset_pelican_log_limits():
    """Pelican drops repeated warnings for the whole process; tests need them."""
    LimitFilter._raised_messages = set()
    LimitFilter._group_count.clear()
    yield


def front_matter(fields: dict) -> str:
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


class Site:
    """A content folder under tmp_path, and builds of it."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        (self.content / "briefs").mkdir(parents=True)
        self.registry("regions.yml", REGIONS)
        self.registry("authors.yml", AUTHORS)

    def registry(self, name: str, entries) -> Path:
        path = self.content / name
        path.write_text(yaml.safe_dump(entries, allow_unicode=True), "utf-8")
        return path

    def brief(self, name: str = "water-policy", body: str = "Body text.", **fields):
        """Write content/briefs/2024/<name>.md; fields override a valid default."""
        meta = {
            "title": "Water Policy",
            "author": "Yuki Tatsumi",
            "region": "Northeast Asia",
            "date": "2024-03-20",
        }
        meta.update(fields)
        meta = {k: v for k, v in meta.items() if v is not None}
        return self.raw(name, f"---\n{front_matter(meta)}---\n{body}\n")

    def raw(self, name: str, text: str | bytes) -> Path:
        path = self.content / "briefs" / "2024" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, "utf-8")
        return path

    def image(self, relative: str, size: tuple[int, int] = (4, 3)) -> Path:
        """A real PNG at content/<relative> (the PDF engine decodes images)."""
        from PIL import Image

        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, (40, 90, 160)).save(path)
        return path

    def build(self, **overrides):
        from policy_briefs.build import build

        # PDFs are the PDF tests' business (tests/test_pdf.py builds them,
        # and every production path does); elsewhere they only cost time.
        if "settings_file" not in overrides:
            overrides.setdefault("PDF_EDITIONS", "off")
        # Beside the site, not in it: tests list what a build leaves there.
        overrides.setdefault(
            "CACHE_PATH", str(self.root.with_name(self.root.name + "-cache"))
        )
        return build(self.content, self.output, **overrides)

    def copy(self, root: Path) -> Site:
        """This site, content and output, copied to `root`: a test that
        breaks a built site works on a copy."""
        shutil.copytree(self.root, root, symlinks=True)
        copy = object.__new__(Site)
        copy.root, copy.content, copy.output = root, root / "content", root / "output"
        return copy

    def html(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / relative).read_text("utf-8"), "html.parser")

    def invoke(self, *args: str) -> subprocess.CompletedProcess:
        return run_invoke(*args)


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a digest of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Site:
    """A site with one good brief (and an image for briefs that show one),
    built once per module: never changed (`built` gives a copy)."""
    site = Site(tmp_path_factory.mktemp("good"))
    (site.content / "images").mkdir()
    (site.content / "images" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site.brief("good")
    site.build()
    return site


@pytest.fixture
def built(good_build, tmp_path) -> tuple[Site, dict[str, str]]:
    """A copy of the good build to break, and its output's snapshot: a
    failing build must leave that output as it was."""
    site = good_build.copy(tmp_path / "site")
    return site, snapshot(site.output)


# The public address of every production build of the sample site.
SITE_URL = "https://org.github.io/briefs"


def small_content(root: Path, keep: int | tuple[str, ...]) -> Path:
    """The sample content with only its first `keep` published briefs, or
    with only the briefs named (their file names without .md)."""
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    briefs = sorted((content / "briefs").rglob("*.md"))
    if isinstance(keep, int):
        kept = briefs[:keep]
    else:
        kept = [path for path in briefs if path.stem in keep]
        assert len(kept) == len(keep), keep
    for path in set(briefs) - set(kept):
        path.unlink()
    return content


def made_once(tmp_path_factory, name: str, make) -> Path:
    """`make(folder)`'s result, made once per test run in a folder of its own:
    by whichever test process (pytest-xdist worker) asks first, while the
    others wait for it and then share it."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make(tmp_path_factory.mktemp(name))
    run = tmp_path_factory.getbasetemp().parent  # shared by this run's workers
    made = run / f"{name}.made"  # the result's path, once it is complete
    with (run / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if made.is_file():
            return Path(made.read_text("utf-8"))
        result = make(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=run)))
        made.write_text(str(result), "utf-8")
        return result


@pytest.fixture(scope="session")
def sample_development(tmp_path_factory) -> Path:
    """The project's sample content built with pelicanconf.py, once per test
    run for every module that reads it: copy it before changing it. Without
    PDF editions: test_pdf.py reads those of sample_production, whose pages
    link them as these would."""
    from policy_briefs.build import build

    def make(folder: Path) -> Path:
        return build(ROOT / "content", folder / "output", PDF_EDITIONS="off").output

    return made_once(tmp_path_factory, "sample-dev", make)


@pytest.fixture(scope="session")
def sample_production(tmp_path_factory) -> Path:
    """The sample content built with publishconf.py for SITE_URL (PDFs
    required, links checked), once per test run: copy it before changing
    it."""
    from policy_briefs.build import build

    def make(folder: Path) -> Path:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SITEURL", SITE_URL)
            patch.delenv("CNAME", raising=False)
            return build(ROOT / "content", folder / "output", PUBLISH_SETTINGS).output

    return made_once(tmp_path_factory, "sample-prod", make)


# The day the shared offline bundle is dated (its file and folder name).
BUNDLE_DAY = dt.date(2024, 1, 2)
# The sample briefs the shared bundle is made of: published ones (with an
# image, Japanese text, a figure) and, last, the sample's draft.
BUNDLED_BRIEFS = (
    "baltic-undersea-cables",
    "japan-regional-revitalisation",
    "ports-and-power",
    "amazon-finance-after-belem",
)


@pytest.fixture(scope="session")
def sample_bundle(tmp_path_factory) -> Path:
    """The offline bundle of the sample content with BUNDLED_BRIEFS only (a
    zip in a folder of its own, dated BUNDLE_DAY), made once per test run:
    read, never change."""
    from policy_briefs.bundle import make_bundle

    def make(folder: Path) -> Path:
        content = small_content(folder, BUNDLED_BRIEFS)
        return make_bundle(content, folder / "dist", day=BUNDLE_DAY)

    return made_once(tmp_path_factory, "bundle", make)


@pytest.fixture(scope="module")
def module_site(tmp_path_factory) -> Site:
    """A content folder for a module's tests that all read one build."""
    return Site(tmp_path_factory.mktemp("site"))
