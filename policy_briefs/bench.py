"""Benchmark: the project's build beside stock Pelican and Hugo (when a
`hugo` is on PATH or beside this Python), on the same synthetic collection
(corpus.py).

Every build runs in a new process, as an editor's `invoke build` does; peak
memory is the largest sum of the resident memory of the build's whole
process tree, sampled every 100 ms. Performance is measured here, never in
tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .bench_search import index_cost
from .corpus import write_collection
from .project import ROOT, compile_bytecode

# A sample reads every process's status (1.4 ms of CPU): every 20 ms, that
# was 7 % of a core taken from the build it timed.
MEMORY_SAMPLE_SECONDS = 0.1
EDITED = "brief-00001.md"
EDITS = 3  # one-edit rebuilds timed, each after its own edit

# Settling the filesystem before a build from nothing (settle_filesystem):
# a new empty file normally costs this machine 10-50 us; just after many
# files were deleted, 200-650 us. The probe's files go into several folders,
# as a site's do, which the kernel spreads over several groups of inodes.
PROBE_FOLDERS = 20
PROBE_FILES = 25  # in each folder
SLOW_FILE_SECONDS = 100e-6
SETTLE_STEP_SECONDS = 20
SETTLE_LIMIT_SECONDS = 420


@dataclass
class Run:
    seconds: float
    peak_mb: float


@dataclass
class Figures:
    briefs: int
    cold: Run
    unchanged: Run
    one_edit: Run
    preview_edit: float | None = None
    pdfs_cold: Run | None = None  # every PDF, added to an unchanged site
    # Rebuilds after one edit, with PDFs and, on a site without them, the
    # same edit: (with, without) seconds, in alternation (pdf_edit_pairs).
    pdf_edits: list[tuple[float, float]] = field(default_factory=list)
    stock_pelican: Run | None = None
    hugo: Run | None = None
    extra: dict = field(default_factory=dict)


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for folder in Path("/proc").iterdir():
        entry = folder.name
        if not entry.isdigit():
            continue
        try:
            text = (folder / "status").read_text()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", text, re.M)
        memory = re.search(r"^VmRSS:\s+(\d+)", text, re.M)
        if parent:
            children.setdefault(int(parent.group(1)), []).append(int(entry))
        rss[int(entry)] = int(memory.group(1)) if memory else 0
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def timed(command: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run a command to completion; its time and peak memory (all processes)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(MEMORY_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors[-2000:]}")
    return Run(seconds, peak / 1024)


def _invoke_build(content: Path, output: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("invoke")),
        "build",
        "--content",
        str(content),
        "--output",
        str(output),
    ]


def settle_filesystem(workdir: Path) -> float:
    """Wait until making a file costs what it normally does; the seconds
    waited.

    ext4 without a journal (this machine's disk) holds a freed inode back
    from reuse for 60 s, or 300 s more while its inode table is unwritten,
    and looks at each such inode again whenever it makes a file nearby: for
    minutes after some ten thousand files are deleted (the last benchmark's
    sites, a test run's temporary folders), each new file costs ten times
    its usual system time, and a build from nothing, which makes 24,000
    files, pays seconds for deletions that are not its own. A build from
    nothing is timed once the disk makes files at its usual speed again.
    Each probe keeps its files, so that it frees nothing itself. A probe
    sees only the groups of inodes its folders land in, so it can miss a
    slow disk: leave minutes between deleting a large tree and a benchmark."""
    waited = 0
    while True:
        probe = Path(tempfile.mkdtemp(prefix="probe-", dir=workdir))
        started = time.perf_counter()
        for name in range(PROBE_FOLDERS):
            folder = probe / str(name)
            folder.mkdir()
            for number in range(PROBE_FILES):
                (folder / str(number)).touch()
        per_file = (time.perf_counter() - started) / (PROBE_FOLDERS * PROBE_FILES)
        if per_file < SLOW_FILE_SECONDS:
            return waited
        if waited >= SETTLE_LIMIT_SECONDS:
            say(f"the disk is still slow ({per_file * 1e6:.0f} us a file); timing")
            return waited
        if not waited:
            say(
                f"waiting for the disk: a new file costs {per_file * 1e6:.0f} us "
                "(files deleted in the last minutes are held back)"
            )
        time.sleep(SETTLE_STEP_SECONDS)
        waited += SETTLE_STEP_SECONDS


def edit_body(content: Path) -> None:
    path = next(content.rglob(EDITED))
    text = path.read_text("utf-8")
    path.write_text(text + "\nOne more sentence, edited for the benchmark.\n", "utf-8")


def say(line: str) -> None:
    """Progress on stderr (the table comes at the end, on stdout)."""
    print(line, file=sys.stderr, flush=True)


def run_size(
    count: int, workdir: Path, competitors: bool = True, pdfs: bool = False
) -> Figures:
    """The site's figures leave PDFs out (their own budget); with `pdfs`,
    the PDF figures follow: all of them from cold, then one edit."""
    content, output = workdir / "content", workdir / "output"
    write_collection(content, count, seed=count)
    # Each timed build starts with nothing left to flush: the disk writing
    # back 5,000 new briefs (or PDFs) would be timed as the build's.
    os.sync()
    env = {
        **os.environ,
        "POLICY_BRIEFS_CACHE": str(workdir / "cache"),
        "POLICY_BRIEFS_PDF": "off",
    }
    command = _invoke_build(content, output)
    settle_filesystem(workdir)
    cold = timed(command, ROOT, env)
    say(f"{count} briefs: cold {cold.seconds:.2f} s, {cold.peak_mb:.0f} MB")
    unchanged = timed(command, ROOT, env)
    say(f"{count} briefs: unchanged {unchanged.seconds:.2f} s")
    # An edit takes a few seconds, and this shared machine's speed drifts by
    # a tenth of that from one build to the next: the median of three.
    edits = []
    for _ in range(EDITS):
        edit_body(content)
        os.sync()
        edits.append(timed(command, ROOT, env))
    one_edit = sorted(edits, key=lambda run: run.seconds)[len(edits) // 2]
    say(
        f"{count} briefs: one edit {one_edit.seconds:.2f} s (median of "
        + ", ".join(f"{run.seconds:.2f}" for run in edits)
        + ")"
    )
    figures = Figures(count, cold, unchanged, one_edit)
    figures.extra.update(search_figures(output))
    figures.extra.update(index_cost(content, os.cpu_count() or 1))
    figures.preview_edit = preview_edit_latency(content, workdir / "preview", env)
    say(f"{count} briefs: preview edit {figures.preview_edit:.2f} s")
    if pdfs:
        with_pdfs = {**env, "POLICY_BRIEFS_PDF": "required"}
        settle_filesystem(workdir)
        figures.pdfs_cold = timed(command, ROOT, with_pdfs)
        figures.pdf_edits = pdf_edit_pairs(content, workdir, command, with_pdfs, env)
    if competitors:
        figures.stock_pelican = stock_pelican(content, workdir)
        figures.hugo = hugo(content, workdir)
    return figures


def pdf_edit_pairs(
    content: Path, workdir: Path, command: list[str], with_pdfs: dict, env: dict
) -> list[tuple[float, float]]:
    """What PDFs add to a rebuild after one edit: each of three edits is
    built on the site with PDFs and on a copy without them, one right after
    the other, so that both see the machine in the same state (a shared
    machine's speed drifts by more than the difference between runs made
    minutes apart)."""
    plain_env = {**env, "POLICY_BRIEFS_CACHE": str(workdir / "cache-no-pdfs")}
    plain = _invoke_build(content, workdir / "output-no-pdfs")
    timed(plain, ROOT, plain_env)  # its cold build
    pairs = []
    for _ in range(3):
        edit_body(content)
        os.sync()
        with_run = timed(command, ROOT, with_pdfs)
        pairs.append((with_run.seconds, timed(plain, ROOT, plain_env).seconds))
    return pairs


def preview_edit_latency(content: Path, folder: Path, env: dict) -> float:
    """Seconds from saving a brief to the preview serving its new page: the
    preview (`invoke serve`) runs in its own process, as for an editor."""
    import urllib.request

    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("invoke")),
            "serve",
            "--content",
            str(content),
            "--preview",
            str(folder),
            "--port",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        port = None
        for line in process.stdout:
            found = re.search(r"http://localhost:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        if port is None:
            raise RuntimeError("the preview did not start")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        time.sleep(1)  # the file watcher starts with the server
        source = next(content.rglob(EDITED))
        page = f"http://127.0.0.1:{port}/briefs/{source.stem}.html"
        marker = f"Edited at {time.time_ns()}"
        text = source.read_text("utf-8")
        started = time.perf_counter()
        source.write_text(text + f"\n{marker}.\n", "utf-8")
        deadline = started + 120
        while time.perf_counter() < deadline:
            with urllib.request.urlopen(page, timeout=30) as response:
                if marker in response.read().decode("utf-8"):
                    return time.perf_counter() - started
            time.sleep(0.01)
        raise RuntimeError("the preview never served the edited page")
    finally:
        process.terminate()
        process.wait(timeout=60)


def search_figures(output: Path) -> dict:
    """The search budgets (sizes; keystroke latency in headless Chromium)."""
    from .bench_search import search_budget, search_latency

    figures = search_budget(output)
    try:
        figures.update(search_latency(output))
    except Exception as exc:  # no browser here: say so, keep the rest
        figures["latency"] = f"not measured ({type(exc).__name__}: {exc})"
    return figures


# -- the competitors, on the same briefs -------------------------------------

# Stock Pelican names each page after its file, as the project does: at
# 20,000 briefs the corpus repeats titles, and pages named after the title
# would collide (Pelican then stops with FileOverwriteFailedError).
STOCK_SETTINGS = """
PATH = {content!r}
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
SITENAME = "Stock"
SITEURL = ""
RELATIVE_URLS = True
LOAD_CONTENT_CACHE = False
SLUGIFY_SOURCE = "basename"
FEED_ALL_ATOM = "feeds/all.atom.xml"
DEFAULT_PAGINATION = 10
"""


def _pelican_metadata(text: str) -> str:
    """YAML front matter → Pelican's own Markdown metadata (stock Pelican
    reads no YAML without a plugin)."""
    _, header, body = text.split("---\n", 2)
    lines = []
    for line in header.splitlines():
        key, _, value = line.partition(": ")
        value = value.strip().strip('"').strip("[]")
        name = {"author": "Authors", "region": "Category"}.get(key, key.title())
        if key == "region":
            value = value.split(",")[0]
        lines.append(f"{name}: {value}")
    return "\n".join(lines) + "\n\n" + body


def stock_pelican(content: Path, workdir: Path) -> Run:
    stock = workdir / "stock"
    for source in (content / "briefs").rglob("*.md"):
        target = stock / "content" / source.relative_to(content / "briefs")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_pelican_metadata(source.read_text("utf-8")), "utf-8")
    settings = stock / "settings.py"
    settings.write_text(STOCK_SETTINGS.format(content=str(stock / "content")), "utf-8")
    settle_filesystem(workdir)
    return timed(
        [
            str(Path(sys.executable).with_name("pelican")),
            "-s",
            str(settings),
            "-o",
            str(stock / "output"),
        ],
        stock,
    )


HUGO_LAYOUT = (
    "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>"
    '<main>{{ block "main" . }}{{ end }}</main></body></html>'
)


def hugo(content: Path, workdir: Path) -> Run | None:
    """Hugo's build of the same briefs: a `hugo` on PATH, else the one
    requirements-dev.txt installs beside this Python (a launcher that hands
    over to the binary in 40 ms); None without either."""
    beside = Path(sys.executable).with_name("hugo")
    binary = shutil.which("hugo") or (str(beside) if beside.exists() else None)
    if binary is None:
        return None
    site = workdir / "hugo"
    shutil.copytree(content / "briefs", site / "content" / "briefs")
    (site / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Hugo"\n[taxonomies]\nregion = "region"\n'
        'author = "author"\ntag = "tags"\n',
        "utf-8",
    )
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(HUGO_LAYOUT, "utf-8")
    (layouts / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}', "utf-8"
    )
    (layouts / "list.html").write_text(
        '{{ define "main" }}{{ range .Paginator.Pages }}'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
        "utf-8",
    )
    settle_filesystem(workdir)
    return timed([binary, "--quiet", "-s", str(site)], site)


def run(
    sizes: list[int], competitors: bool = True, pdfs: bool = False
) -> list[Figures]:
    """Each size's folder is kept until the last size is measured: deleting
    it would slow the next size's builds from nothing (settle_filesystem).
    The project's bytecode is written first, as an editor's first build
    writes it (compile_bytecode)."""
    compile_bytecode()
    results, workdirs = [], []
    try:
        for count in sizes:
            workdirs.append(Path(tempfile.mkdtemp(prefix="briefs-bench-")))
            results.append(run_size(count, workdirs[-1], competitors, pdfs))
    finally:
        for workdir in workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
    return results
