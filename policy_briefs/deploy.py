"""Deploy the production site to the gh-pages branch, refusing bad sites.

(`.nojekyll`, CNAME, the sitemap and robots.txt are written by the build's
host_files plugin; deploying only checks `.nojekyll` is there.)

ghp-import replaces the whole branch tree with the folder it is given: a
failed or half-empty build would become the public site. So `publish`:

- refuses a working tree whose build inputs (content, theme, plugins,
  settings, tasks.py, the tooling) have uncommitted or untracked changes,
  which would be published under the last commit's name (`allow_dirty`);
- builds with publishconf.py (atomic build whose link check also resolves
  the absolute feed, canonical and sitemap URLs under the public address);
- compares the result with the branch already published: a drop below half
  of its brief pages, or any page or feed address it has that the new site
  lacks (readers' links would break; an alias keeps it), needs `force`.

Only then does ghp-import commit on top of the published branch (history
kept, so a bad publish can be reverted) and push it, holding the output
folder's lock so that no build replaces the folder while it is read.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from briefs import outputdir
from briefs.collection import is_ignored, validate_content
from briefs.sitefiles import NOJEKYLL

from . import addresses
from . import build as site_build
from .project import PUBLISH_SETTINGS

logger = logging.getLogger(__name__)

MIN_RATIO = 0.5
BRIEF_PAGE = re.compile(r"^briefs/[^/]+\.html$")
# Everything the build reads, relative to the repository.
BUILD_INPUTS = (
    "content",
    "theme",
    "plugins",
    "pelicanconf.py",
    "publishconf.py",
    "tasks.py",
    "policy_briefs",
)


class PublishError(site_build.BuildError):
    """Nothing was published; `lines` say why, one problem per line."""


@dataclass
class PublishResult:
    briefs: int
    previous: int | None  # briefs on the branch before, None if unpublished
    commit: str
    pushed: bool


class Git:
    """The few git commands publishing needs, run in one repository."""

    def __init__(self, repo: Path):
        self.repo = Path(repo)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["git", *args],
            cwd=self.repo,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise PublishError(
                [f"git {' '.join(args)} failed: {result.stderr.strip()}"]
            )
        return result

    def rev(self, ref: str) -> str | None:
        result = self.run(
            "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False
        )
        return result.stdout.strip() or None

    def fetch_branch(self, remote: str, branch: str) -> bool:
        """Update `remote`/`branch` from the remote; False if it has none."""
        found = self.run(
            "ls-remote", "--exit-code", "--heads", remote, branch, check=False
        )
        if found.returncode == 2:
            return False
        if found.returncode != 0:
            raise PublishError(
                [f"cannot reach remote {remote!r}: {found.stderr.strip()}"]
            )
        self.run(
            "fetch",
            "--quiet",
            remote,
            f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
        )
        return True

    def published_ref(self, remote: str, branch: str) -> str | None:
        """The published branch as ghp-import will build on it."""
        for ref in (f"refs/remotes/{remote}/{branch}", f"refs/heads/{branch}"):
            if self.rev(ref):
                return ref
        return None

    def count_briefs(self, ref: str) -> int:
        names = self.run("ls-tree", "--name-only", ref, "briefs/").stdout.splitlines()
        return sum(1 for name in names if BRIEF_PAGE.match(name))

    def files(self, ref: str) -> list[str]:
        """Every file path of `ref`'s tree."""
        listing = self.run("ls-tree", "-r", "-z", "--name-only", ref).stdout
        return [name for name in listing.split("\0") if name]

    def changes(self, paths: list[str]) -> list[str]:
        """`git status --porcelain` lines (modified, staged, untracked, and
        ignored: `!!`) under `paths`, each file on a line of its own."""
        status = self.run(
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--ignored",
            "--",
            *paths,
        )
        return [line for line in status.stdout.splitlines() if line.strip()]

    def unwatched(self, paths: list[str]) -> list[str]:
        """Tracked files under `paths` that git is told not to look at
        (`update-index --skip-worktree` or `--assume-unchanged`, tagged S
        or in lower case by `ls-files -v`): `changes` cannot vouch for them."""
        listing = self.run("ls-files", "-v", "-z", "--", *paths).stdout
        return [
            entry[2:]
            for entry in listing.split("\0")
            if entry and (entry[0] == "S" or entry[0].islower())
        ]


def publish(
    content: Path = site_build.ROOT / "content",
    output: Path = site_build.ROOT / "output",
    *,
    repo: Path = site_build.ROOT,
    remote: str = "origin",
    branch: str = "gh-pages",
    push: bool = True,
    force: bool = False,
    allow_dirty: bool = False,
    message: str | None = None,
    settings_file: Path = PUBLISH_SETTINGS,
) -> PublishResult:
    """Build, check and commit `output` to `branch` (and push it); or raise."""
    git = Git(repo)
    if not allow_dirty:
        refuse_uncommitted_inputs(git, content)
    read: list = []  # the collection the build validated (for naming sources)
    try:
        with site_build.collection_kept(read):
            built = site_build.build(content, output, settings_file)
    except outputdir.FolderError:
        raise
    except site_build.BuildError as exc:
        raise PublishError(["build failed, nothing published:", *exc.lines]) from None
    output = built.output
    with outputdir.lock(output):
        if not (output / NOJEKYLL).is_file():
            raise PublishError(
                [
                    f"{output} has no .nojekyll (the host_files plugin writes it "
                    "in production builds): GitHub Pages would run Jekyll and "
                    "hide files; is host_files in PLUGINS?"
                ]
            )
        if push:
            git.fetch_branch(remote, branch)
        published = git.published_ref(remote, branch)
        previous = git.count_briefs(published) if published else None
        refuse_shrinking_site(built.briefs, previous, branch, force)
        if published and not force:
            refuse_lost_addresses(
                git.files(published),
                output,
                branch,
                lambda: addresses.sources(
                    read[0] if read else _validated(content, settings_file)
                ),
            )

        before = git.rev(f"refs/heads/{branch}")
        commit_message = message or default_message(git, built.briefs)
        with outputdir.unmarked(output):
            run_ghp_import(git, output, branch, remote, push, commit_message)
    after = git.rev(f"refs/heads/{branch}")
    if not after or after == before:
        raise PublishError([f"ghp-import made no commit on {branch}"])
    logger.info("published %d briefs as %s", built.briefs, after[:12])
    return PublishResult(built.briefs, previous, after, push)


def refuse_uncommitted_inputs(git: Git, content: Path) -> None:
    """The published commit message names HEAD: what is built must be it.
    A file git ignores counts too (a brief in a folder named `cache/` is
    built all the same); what the build never reads does not."""
    paths = list(BUILD_INPUTS)
    content = Path(content).resolve()
    outside = not content.is_relative_to(git.repo.resolve())
    if not outside:
        paths.append(content.relative_to(git.repo.resolve()).as_posix() or ".")
    changes = [line for line in git.changes(paths) if not _never_read(line)]
    changes += [
        f"{path}: git is told not to look at it (skip-worktree or "
        "assume-unchanged), so its changes would not show"
        for path in git.unwatched(paths)
    ]
    if outside:
        changes.append(f"{content}: the content folder is outside the repository")
    if changes:
        raise PublishError(
            [
                "files the build reads have uncommitted changes, which would be "
                "published under the last commit's name; commit them, or pass "
                "--allow-dirty:",
                *(f"  {line}" for line in changes),
            ]
        )


def _validated(content: Path, settings_file: Path):
    """The collection of `content`, read and validated again: a build with
    nothing to do (its output up to date) read none."""
    return validate_content(content, *site_build.briefs_options(settings_file))


def _never_read(status_line: str) -> bool:
    """An untracked or ignored file no build reads: hidden files, editor
    leftovers (briefs.collection.is_ignored) and Python's bytecode."""
    if not status_line.startswith(("?? ", "!! ")):
        return False
    parts = status_line[3:].strip('"').rstrip("/").split("/")
    return any(is_ignored(part) or part == "__pycache__" for part in parts) or (
        parts[-1].endswith(".pyc")
    )


def refuse_lost_addresses(
    published_files: list[str],
    output: Path,
    branch: str,
    sources: Callable[[], Mapping[str, str]],
):
    """Every page and feed address published on `branch` that the new site
    lacks, each with how to keep it (naming the brief or entry behind a new
    address: `sources()` gives addresses.sources, asked only when one is
    lost)."""
    published = addresses.addresses(published_files)
    new = addresses.site_addresses(output)
    found = addresses.report(published, new)
    if found:
        found = addresses.report(published, new, sources())
    if found:
        raise PublishError(
            [
                f"{len(found)} address{'es' if len(found) != 1 else ''} of pages "
                f"and feeds published on {branch} would disappear (readers' links "
                "and bookmarks to them would break); keep them with aliases, or "
                "pass --force:",
                *(f"  {address}: {advice}" for address, advice in found),
            ]
        )


def refuse_shrinking_site(new: int, previous: int | None, branch: str, force: bool):
    if force:
        return
    if new == 0:
        raise PublishError(["the new site has no briefs; refusing to publish it"])
    if previous and new < previous * MIN_RATIO:
        raise PublishError(
            [
                f"the new site has {new} briefs but {branch} has {previous}: "
                f"refusing to publish a site with less than "
                f"{MIN_RATIO:.0%} of the published briefs (use --force if intended)"
            ]
        )


def default_message(git: Git, briefs: int) -> str:
    source = git.run("rev-parse", "--short", "HEAD", check=False).stdout.strip()
    return f"Publish {briefs} briefs" + (f" from {source}" if source else "")


def run_ghp_import(
    git: Git, output: Path, branch: str, remote: str, push: bool, message: str
) -> None:
    command = [
        sys.executable,
        "-m",
        "ghp_import",
        "-m",
        message,
        "-b",
        branch,
        "-r",
        remote,
    ]
    if push:
        command.append("--push")
    command.append(str(output))
    result = subprocess.run(
        command, cwd=git.repo, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or "Failed to process commit" in result.stdout:
        detail = (result.stderr or result.stdout).strip()
        raise PublishError([f"ghp-import failed: {detail}"])
