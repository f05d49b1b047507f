"""The output folder is never a folder whose loss would hurt, and replacing
it never loses the only copy of a site: refusals, the builds' mark, the
lock, recovery from a build killed mid-swap, exact leftover names.

Builds run from a scratch working folder, so that even a build that wrongly
replaced "the current folder" could only touch tmp_path: as commands
(`invoke --search-root`) where a process of their own matters (a refusal
as an editor sees it, --force, a build killed, an editor's permissions, two
builds at once), else as `invoke build`'s task run in this process."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import INVOKE, NO_PDFS, ROOT, run_invoke, snapshot
from invoke import Context, Exit
from test_validation import fm

import tasks
from briefs import outputdir
from briefs.interrupts import INTERRUPT_AT
from briefs.problems import BriefsError
from policy_briefs.build import load_settings, run_pelican

WAIT_SECONDS = 60
PELICAN = [sys.executable, "-m", "pelican"]


def invoke_in(cwd: Path, *args: str, env: dict | None = None, unprivileged=False):
    """`invoke ARGS` run from `cwd` with the project's tasks."""
    return run_invoke(
        *args, cwd=cwd, env=env, unprivileged=unprivileged, timeout=WAIT_SECONDS * 5
    )


def build_args(site, output: str | Path, *more: str) -> list[str]:
    return ["build", "--content", str(site.content), "--output", str(output), *more]


@pytest.fixture
def work(site):
    """A working folder beside the content folder, with one valid brief."""
    site.brief("good")
    folder = site.root / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def build_task(site, work, monkeypatch, capsys, logging_restored):
    """`invoke build --content CONTENT --output OUTPUT` as its task runs in
    this process, from `work`: the exit code and what it printed (a refused
    or failed build's lines are printed by the task; invoke adds nothing)."""
    monkeypatch.chdir(work)
    for name, value in NO_PDFS.items():
        monkeypatch.setenv(name, value)

    def run(output: str | Path) -> subprocess.CompletedProcess:
        capsys.readouterr()
        try:
            tasks.build(Context(), content=str(site.content), output=str(output))
            code = 0
        except Exit as stop:
            assert stop.message is None, stop.message
            code = stop.code
        printed = capsys.readouterr()
        return subprocess.CompletedProcess("build", code, printed.out, printed.err)

    return run


def assert_refused(result, line: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [line]
    assert "Built" not in result.stdout


# Refusals ------------------------------------------------------------------


def test_the_content_folder_is_refused_and_kept(site, work):
    before = snapshot(site.content)
    result = invoke_in(work, *build_args(site, site.content))
    assert_refused(
        result, f"refusing to build into {site.content}: it is the content folder"
    )
    assert snapshot(site.content) == before


def test_a_folder_inside_or_above_the_content_folder_is_refused(site, work, build_task):
    before = snapshot(site.content)
    inside = build_task(site.content / "site")
    assert_refused(
        inside,
        f"refusing to build into {site.content / 'site'}: it is inside the "
        f"content folder ({site.content})",
    )
    above = build_task(site.root)
    assert_refused(
        above,
        f"refusing to build into {site.root}: it contains the content folder "
        f"({site.content})",
    )
    assert snapshot(site.content) == before
    assert work.is_dir()


@pytest.mark.parametrize("valid", [True, False], ids=["built", "failed"])
def test_a_build_task_leaves_its_memory_to_the_system(site, work, build_task, valid):
    """What a build made is frozen when its task ends, built or failed
    (gc.freeze): the collector's last pass at exit would free it object by
    object (0.4 s at 5,000 briefs), and the process is about to end."""
    if not valid:
        site.brief("undated", date=None)
    gc.unfreeze()  # (whatever earlier tests left)
    try:
        result = build_task(work / "site")
        assert result.returncode == (0 if valid else 1), result.stderr
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_current_folder_and_an_empty_path_are_refused(work, build_task):
    (work / "notes.txt").write_text("mine", "utf-8")
    assert_refused(
        build_task("."),
        "refusing to build into .: it is the current folder",
    )
    assert_refused(
        build_task(""),
        "refusing to build into '': an empty path is the current folder; give a "
        "folder such as output/",
    )
    assert (work / "notes.txt").read_text("utf-8") == "mine"


def test_a_file_is_refused(work, build_task):
    (work / "site").write_text("not a folder", "utf-8")
    assert_refused(
        build_task("site"),
        "refusing to build into site: it is a file, not a folder",
    )
    assert (work / "site").read_text("utf-8") == "not a folder"


def test_a_symbolic_link_is_refused_and_never_replaced(site, work, build_task):
    web_root = site.root / "www"
    web_root.mkdir()
    (web_root / "index.html").write_text("served elsewhere", "utf-8")
    (work / "site").symlink_to(web_root)
    assert_refused(
        build_task("site"),
        f"refusing to build into site: it is a symbolic link (to {web_root}) and a "
        "build replaces the folder; give the real folder instead",
    )
    assert (work / "site").is_symlink()
    assert (web_root / "index.html").read_text("utf-8") == "served elsewhere"


def test_a_folder_no_build_wrote_is_refused_unless_forced(site, work, build_task):
    mine = work / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work", "utf-8")
    assert_refused(
        build_task("documents"),
        "refusing to build into documents: it holds files no build of this "
        f"project wrote (builds mark their folders with {outputdir.MARKER}); move "
        "them away, or pass --force to replace the folder and everything in it",
    )
    assert (mine / "thesis.txt").read_text("utf-8") == "years of work"

    forced = invoke_in(work, *build_args(site, "documents", "--force"))
    assert forced.returncode == 0, forced.stderr
    assert (mine / "briefs" / "good.html").is_file()
    assert not (mine / "thesis.txt").exists()


def test_builds_mark_their_folder_and_replace_it_again(site):
    site.build()
    assert (site.output / outputdir.MARKER).is_file()
    (site.output / "stale.html").write_text("old", "utf-8")
    site.build()  # its own folder: replaced without --force
    assert not (site.output / "stale.html").exists()
    assert (site.output / outputdir.MARKER).is_file()


def test_an_empty_existing_folder_is_built_into(site):
    site.brief("x")
    site.output.mkdir()
    site.build()
    assert (site.output / "briefs" / "x.html").is_file()


def test_an_in_place_build_removes_what_it_no_longer_makes(site):
    """Plain Pelican builds into its folder: a brief deleted since the last
    build into it, with a setting changed as well (nothing carried over),
    leaves none of its files; a file the build did not make is kept."""
    site.brief("kept")
    site.brief("gone", title="Gone Brief")
    cache = str(site.root / "cache")
    for pagination in (10, 3):
        settings = load_settings(
            site.content,
            site.output,
            CACHE_PATH=cache,
            PDF_EDITIONS="off",
            DEFAULT_PAGINATION=pagination,
        )
        assert run_pelican(settings).errors == []
        if pagination == 10:
            assert (site.output / "briefs" / "gone.html").is_file()
            (site.content / "briefs" / "2024" / "gone.md").unlink()
            (site.output / "notes.txt").write_text("mine", "utf-8")
    assert list((site.output / "briefs").glob("gone.*")) == []
    assert (site.output / "briefs" / "kept.html").is_file()
    assert (site.output / "notes.txt").read_text("utf-8") == "mine"


@pytest.mark.parametrize("link", ["briefs", "notes/deep/kept.html"])
def test_an_in_place_build_never_writes_through_a_symbolic_link(site, tmp_path, link):
    """Plain Pelican writes its folder in place: a link placed in it (to a
    folder or a file elsewhere, at any depth) would take what is written
    through it out of the folder."""
    from briefs.problems import BriefsError

    site.brief("x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site.output / "notes" / "deep").mkdir(parents=True)
    (site.output / "notes" / "a.txt").write_text("mine", "utf-8")
    target = elsewhere if link == "briefs" else elsewhere / "kept.html"
    if target != elsewhere:
        target.write_text("elsewhere", "utf-8")
    (site.output / link).symlink_to(target)
    settings = load_settings(
        site.content, site.output, CACHE_PATH=str(tmp_path / "c"), PDF_EDITIONS="off"
    )
    with pytest.raises(BriefsError) as failure:
        run_pelican(settings)
    assert failure.value.lines == [
        f"{site.output / link}: a symbolic link in the output folder, which a "
        "build writes in place; a page written through it would land outside the "
        "folder: remove the link"
    ]
    assert sorted(p.name for p in elsewhere.iterdir()) == (
        [] if link == "briefs" else ["kept.html"]
    )


@pytest.mark.parametrize(
    ("relative", "cwd", "reason"),
    [
        ("a/project", "a/project/work", "it is the project folder"),
        ("a", "a/project/work", "it contains the project folder ({tmp}/a/project)"),
        ("a/project/work", "a/project/work", "it is the current folder"),
        ("a/project/work/..", "a/project/work", "it is the project folder"),
        ("c", "c/work", "it contains the current folder ({tmp}/c/work)"),
    ],
)
def test_the_project_and_current_folders_are_refused(tmp_path, relative, cwd, reason):
    """guard() on its own, with a stand-in project folder."""
    root, content = tmp_path / "a" / "project", tmp_path / "b" / "content"
    for folder in (root / "work", tmp_path / "c" / "work", content):
        folder.mkdir(parents=True)
    with pytest.raises(outputdir.FolderError) as error:
        outputdir.guard(tmp_path / relative, content, root, tmp_path / cwd)
    assert error.value.lines == [
        f"refusing to build into {tmp_path / relative}: " + reason.format(tmp=tmp_path)
    ]


def test_a_missing_content_folder_is_one_line(work, build_task):
    """The task's message, which invoke prints as the one line on stderr
    (as the command: test_cli_errors.py)."""
    with pytest.raises(Exit) as refused:
        tasks.build(Context(), content="missing", output="out")
    assert refused.value.code == 1
    assert refused.value.message == "the content folder 'missing' does not exist"
    assert not (work / "out").exists()


def test_plain_pelican_refuses_the_content_folder(site):
    before = snapshot(site.content)
    result = subprocess.run(
        [*PELICAN, str(site.content), "-s", "pelicanconf.py", "-o", str(site.content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert result.returncode == 1
    assert (
        f"refusing to build into {site.content}: it is the content folder"
        in result.stderr.splitlines()
    )
    assert "Traceback" not in result.stderr
    assert snapshot(site.content) == before


# Recovery and leftovers ----------------------------------------------------


def test_a_build_killed_between_its_renames_is_undone_by_the_next_one(site, work):
    """Killed outright between the swap's two renames, a build leaves no
    output folder, only the old site under its temporary name; the next
    build puts it back before anything else, even when it then fails."""
    site.build()
    old = snapshot(site.output)
    site.brief("another")
    killed = invoke_in(
        work, *build_args(site, site.output), env={INTERRUPT_AT: "swapping:SIGKILL"}
    )
    assert killed.returncode == -signal.SIGKILL
    assert not site.output.exists()
    [parked] = site.root.glob(".output.old-*")
    assert snapshot(parked) == old

    site.raw("bad", fm(region="region: Atlantis"))
    failed = invoke_in(work, *build_args(site, site.output))
    assert failed.returncode == 1
    assert "'Atlantis' is not a known region" in failed.stderr
    assert snapshot(site.output) == old
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "output", "work"]


def test_leftovers_are_recognised_by_their_exact_names_only(site):
    """Only `.output.building-<pid>-<8 random>`, `.output.old-<pid>` and
    `.output.deleting-<pid>` of dead processes are removed; a user's folder
    with a similar name never is."""
    site.brief("x")
    site.build()
    dead = 999_999_999  # above any pid_max: no such process
    removed = [
        f".output.building-{dead}-abcd_123",
        f".output.old-{dead}",
        f".output.deleting-{dead}",
    ]
    kept = [
        ".output.old-2023-backup",
        ".output.building-1-mine",
        f".output.building-{dead}-short",
        ".output.old-12x",
        ".output.old-1",  # pid 1 is always running
        ".output.deleting-1",  # (its deleting process still at work)
        ".output.deleting",
    ]
    for name in removed + kept:
        (site.root / name / "briefs").mkdir(parents=True)
    site.build()
    for name in removed:
        assert not (site.root / name).exists(), name
    for name in kept:
        assert (site.root / name / "briefs").is_dir(), name


def test_a_large_site_is_deleted_apart_once_replaced(site, monkeypatch):
    """From DELETE_APART_FROM briefs, the old site is deleted by a process
    of its own that goes on after the build returns; a build killed before
    it named the folder leaves it for the next build (previous test)."""
    from policy_briefs import build as site_build

    monkeypatch.setattr(site_build, "DELETE_APART_FROM", 1)
    site.brief("first")
    site.build()
    site.brief("second")
    with monkeypatch.context() as patch:
        patch.setattr(outputdir, "_remove", None)  # (not in this process)
        site.build()
    assert (site.output / "briefs" / "second.html").is_file()
    deadline = time.monotonic() + 30
    while sorted(p.name for p in site.root.iterdir()) != ["content", "output"]:
        assert time.monotonic() < deadline, sorted(site.root.iterdir())
        time.sleep(0.05)


def test_the_deleting_process_deletes_nothing_unless_told_what(tmp_path):
    folder = tmp_path / ".output.deleting-1"
    (folder / "briefs").mkdir(parents=True)
    script = Path(outputdir.__file__).with_name("removetree.py")
    told = [sys.executable, "-I", "-S", str(script)]
    subprocess.run(told, input=b"", check=True, timeout=60)
    assert (folder / "briefs").is_dir()
    subprocess.run(told, input=os.fsencode(folder), check=True, timeout=60)
    deadline = time.monotonic() + 30  # (a child of it deletes, after it exits)
    while folder.exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_read_only_output_is_replaced_without_leftovers(site, work):
    site.build()
    for folder in [site.output, *(p for p in site.output.rglob("*") if p.is_dir())]:
        folder.chmod(0o555)
    site.brief("another")
    result = invoke_in(work, *build_args(site, site.output), unprivileged=True)
    assert result.returncode == 0, result.stderr
    assert (site.output / "briefs" / "another.html").is_file()
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "output", "work"]


def test_an_unwritable_parent_folder_is_one_line(site, work):
    parent = site.root / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    result = invoke_in(work, *build_args(site, parent / "output"), unprivileged=True)
    assert_refused(
        result,
        f"cannot build into {parent / 'output'}: cannot write in {parent} "
        "(Permission denied)",
    )


# The lock ------------------------------------------------------------------


class Reader:
    """Collects a subprocess's stderr lines as they come."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self.process = process
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        pytest.fail(f"no {text!r} in:\n" + "\n".join(self.lines))


def test_a_second_build_waits_for_the_first(site, work):
    site.build()
    before = snapshot(site.output)
    site.brief("another")
    with outputdir.lock(site.output.resolve()):  # a build in progress
        process = subprocess.Popen(
            [*INVOKE, "--search-root", str(ROOT), *build_args(site, site.output)],
            cwd=work,
            env={**os.environ, **NO_PDFS},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reader = Reader(process)
        reader.wait_for(f"another build is writing {site.output}; waiting for it")
        assert snapshot(site.output) == before
    assert process.wait(timeout=WAIT_SECONDS) == 0, "\n".join(reader.lines)
    assert (site.output / "briefs" / "another.html").is_file()
    assert not (site.root / ".output.lock").exists()


def test_a_build_gives_up_when_the_lock_is_not_released(site, monkeypatch):
    site.build()
    before = snapshot(site.output)
    monkeypatch.setattr(outputdir, "LOCK_TIMEOUT", 0)
    with outputdir.lock(site.output), pytest.raises(BriefsError) as error:
        site.build()
    assert error.value.lines == [
        f"another build is writing {site.output}; try again when it has finished"
    ]
    assert snapshot(site.output) == before
