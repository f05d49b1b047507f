"""`publish` (policy_briefs/deploy.py) against a local bare remote: what
it pushes, what it refuses, and the guards around both."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SITE_URL, small_content

from briefs.outputdir import MARKER
from policy_briefs import build as site_build
from policy_briefs.deploy import PublishError, publish
from policy_briefs.project import PUBLISH_SETTINGS, ROOT


class Repo:
    """A project clone whose `origin` is a local bare repository."""

    def __init__(self, root: Path):
        self.remote = root / "remote.git"
        self.path = root / "clone"
        git("init", "--quiet", "--bare", str(self.remote), cwd=root)
        git("init", "--quiet", "-b", "main", str(self.path), cwd=root)
        git("remote", "add", "origin", str(self.remote), cwd=self.path)
        git("commit", "--quiet", "--allow-empty", "-m", "start", cwd=self.path)

    def remote_log(self, branch: str = "gh-pages") -> list[str]:
        out = git("log", "--format=%s", branch, cwd=self.remote, check=False)
        return out.splitlines()

    def remote_briefs(self, branch: str = "gh-pages") -> list[str]:
        """The published brief pages (briefs/ also holds their PDFs and
        citation files)."""
        names = git("ls-tree", "--name-only", branch, "briefs/", cwd=self.remote)
        return [name for name in names.splitlines() if name.endswith(".html")]

    def remote_files(self, branch: str = "gh-pages") -> set[str]:
        return set(git("ls-tree", "--name-only", branch, cwd=self.remote).split())


def publish_outside(content: Path, output: Path, **options):
    """`publish` of a content folder outside the throwaway repository: its
    files are in no commit, which `publish` refuses but with --allow-dirty
    (what that check refuses has a test of its own)."""
    return publish(content, output, allow_dirty=True, **options)


def git(*args: str, cwd: Path, check: bool = True) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result.stdout


def production_environment(patch: pytest.MonkeyPatch, cache: Path) -> None:
    patch.setenv("SITEURL", SITE_URL)
    patch.delenv("CNAME", raising=False)
    patch.setenv("POLICY_BRIEFS_CACHE", str(cache))


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> SimpleNamespace:
    """One brief of the sample built for production, once, for the cases
    that publish a site they need not build: `publish` builds first, and
    finds this one up to date (the same content, output folder and cache).
    The sites whose build is the point, or fails, are built by their case."""
    root = tmp_path_factory.mktemp("built")
    site = SimpleNamespace(
        content=small_content(root, 1), output=root / "output", cache=root / "cache"
    )
    with pytest.MonkeyPatch.context() as patch:
        production_environment(patch, site.cache)
        site_build.build(site.content, site.output, PUBLISH_SETTINGS)
    return site


@pytest.fixture
def repo(tmp_path, monkeypatch, built_site):
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{key}_NAME", "Publisher")
        monkeypatch.setenv(f"GIT_{key}_EMAIL", "publisher@example.org")
    production_environment(monkeypatch, built_site.cache)
    return Repo(tmp_path)


def test_publish_pushes_to_the_remote_and_keeps_history(repo, tmp_path):
    out = tmp_path / "output"
    content = small_content(tmp_path, 2)
    first = publish_outside(content, out, repo=repo.path, message="First publish")
    assert first.pushed and first.previous is None
    assert first.briefs == 2
    assert repo.remote_log() == ["First publish"]
    assert len(repo.remote_briefs()) == first.briefs
    assert {".nojekyll", "index.html", "sitemap.xml", "robots.txt"} <= (
        repo.remote_files()
    )

    second = publish_outside(content, out, repo=repo.path)
    assert second.previous == first.briefs
    assert repo.remote_log() == [
        f"Publish {second.briefs} briefs from "
        + git("rev-parse", "--short", "HEAD", cwd=repo.path).strip(),
        "First publish",
    ]


def test_publish_from_a_fresh_clone_builds_on_the_published_branch(repo, built_site):
    publish_outside(
        built_site.content, built_site.output, repo=repo.path, message="From elsewhere"
    )
    git("branch", "-D", "gh-pages", cwd=repo.path)
    git("update-ref", "-d", "refs/remotes/origin/gh-pages", cwd=repo.path)

    publish_outside(
        built_site.content,
        built_site.output,
        repo=repo.path,
        message="From a new clone",
    )
    assert repo.remote_log() == ["From a new clone", "From elsewhere"]


def test_publish_refuses_a_site_with_far_fewer_briefs(repo, tmp_path, built_site):
    full = small_content(tmp_path / "full", 3)
    publish_outside(full, tmp_path / "output", repo=repo.path, message="Full site")
    small = (built_site.content, built_site.output)  # one brief
    with pytest.raises(PublishError) as error:
        publish_outside(*small, repo=repo.path, message="Tiny site")
    assert error.value.lines == [
        "the new site has 1 briefs but gh-pages has 3: "
        "refusing to publish a site with less than 50% of the published briefs "
        "(use --force if intended)"
    ]
    assert repo.remote_log() == ["Full site"]

    publish_outside(*small, repo=repo.path, message="Tiny", force=True)
    assert repo.remote_log() == ["Tiny", "Full site"]
    assert len(repo.remote_briefs()) == 1


def test_publish_refuses_when_the_build_fails(repo, tmp_path):
    content = small_content(tmp_path / "bad", 1)
    brief = next((content / "briefs").rglob("*.md"))
    text = re.sub(r"(?m)^region:.*$", "region: Atlantis", brief.read_text("utf-8"))
    brief.write_text(text, "utf-8")
    with pytest.raises(PublishError) as error:
        publish_outside(content, tmp_path / "output", repo=repo.path)
    assert error.value.lines[0] == "build failed, nothing published:"
    assert any("'Atlantis' is not a known region" in x for x in error.value.lines)
    assert repo.remote_log() == []
    assert not (tmp_path / "output").exists()


def test_publish_refuses_when_the_link_check_fails(repo, tmp_path):
    """A link that only breaks online: to a page of the public site that this
    build does not have."""
    content = small_content(tmp_path / "bad", 1)
    brief = next((content / "briefs").rglob("*.md"))
    brief.write_text(
        brief.read_text("utf-8") + f"\n[gone]({SITE_URL}/briefs/gone.html)\n", "utf-8"
    )
    with pytest.raises(PublishError) as error:
        publish_outside(content, tmp_path / "output", repo=repo.path)
    assert error.value.lines[0] == "build failed, nothing published:"
    assert any(
        line.endswith(
            f"{SITE_URL}/briefs/gone.html: absolute URL to this site "
            "(use a relative link)"
        )
        for line in error.value.lines
    ), error.value.lines
    assert repo.remote_log() == []


def test_publish_without_push_only_commits_locally(repo, built_site):
    result = publish_outside(
        built_site.content, built_site.output, repo=repo.path, push=False
    )
    assert not result.pushed
    assert git("log", "--format=%s", "gh-pages", cwd=repo.path).startswith("Publish ")
    assert repo.remote_log() == []


def test_publish_reports_an_unreachable_remote(repo, built_site):
    shutil.rmtree(repo.remote)
    with pytest.raises(PublishError, match="cannot reach remote 'origin'"):
        publish_outside(built_site.content, built_site.output, repo=repo.path)


def test_publish_refuses_uncommitted_changes_to_what_the_build_reads(
    repo, tmp_path, built_site
):
    """The commit message names the last commit: it must be what was built_site."""
    (repo.path / "pelicanconf.py").write_text("SITENAME = 'x'\n", "utf-8")
    git("add", "pelicanconf.py", cwd=repo.path)
    git("commit", "--quiet", "-m", "settings", cwd=repo.path)
    (repo.path / "pelicanconf.py").write_text("SITENAME = 'y'\n", "utf-8")
    (repo.path / "content" / "briefs").mkdir(parents=True)
    (repo.path / "content" / "briefs" / "new.md").write_text("draft", "utf-8")
    (repo.path / "notes.txt").write_text("not read by the build", "utf-8")
    # Ignored by git, read by the build all the same; and what it never reads.
    (repo.path / ".gitignore").write_text("cache/\n__pycache__/\n", "utf-8")
    (repo.path / "content" / "briefs" / "cache").mkdir()
    (repo.path / "content" / "briefs" / "cache" / "hidden.md").write_text("x", "utf-8")
    (repo.path / "plugins" / "__pycache__").mkdir(parents=True)
    (repo.path / "plugins" / "__pycache__" / "a.pyc").write_bytes(b"")
    (repo.path / "content" / ".DS_Store").write_bytes(b"")
    with pytest.raises(PublishError) as error:
        publish(built_site.content, tmp_path / "output", repo=repo.path)
    assert error.value.lines[0] == (
        "files the build reads have uncommitted changes, which would be published "
        "under the last commit's name; commit them, or pass --allow-dirty:"
    )
    assert sorted(error.value.lines[1:]) == sorted(
        [
            "   M pelicanconf.py",
            "  !! content/briefs/cache/hidden.md",
            "  ?? content/briefs/new.md",
            f"  {built_site.content.resolve()}: the content folder is outside the "
            "repository",
        ]
    )
    assert repo.remote_log() == []
    assert not (tmp_path / "output").exists()  # refused before building

    publish(built_site.content, built_site.output, repo=repo.path, allow_dirty=True)
    assert len(repo.remote_log()) == 1


def test_publish_refuses_files_git_is_told_not_to_look_at(repo, tmp_path, built_site):
    """`git status` shows no change to a file marked skip-worktree or
    assume-unchanged, however it was edited."""
    for name, flag in (
        ("pelicanconf.py", "--skip-worktree"),
        ("tasks.py", "--assume-unchanged"),
    ):
        (repo.path / name).write_text("X = 1\n", "utf-8")
        git("add", name, cwd=repo.path)
        git("commit", "--quiet", "-m", name, cwd=repo.path)
        (repo.path / name).write_text("X = 2\n", "utf-8")
        git("update-index", flag, name, cwd=repo.path)
    with pytest.raises(PublishError) as error:
        publish(built_site.content, tmp_path / "output", repo=repo.path)
    assert sorted(error.value.lines[1:]) == sorted(
        [
            "  pelicanconf.py: git is told not to look at it (skip-worktree or "
            "assume-unchanged), so its changes would not show",
            "  tasks.py: git is told not to look at it (skip-worktree or "
            "assume-unchanged), so its changes would not show",
            f"  {built_site.content.resolve()}: the content folder is outside the "
            "repository",
        ]
    )
    assert repo.remote_log() == []


def test_invoke_publish_has_allow_dirty():
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "--help", "publish"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "--allow-dirty" in result.stdout


def test_publish_refuses_to_drop_published_addresses(repo, tmp_path, built_site):
    publish_outside(
        built_site.content, built_site.output, repo=repo.path, message="Full site"
    )
    renamed = tmp_path / "renamed" / "content"
    shutil.copytree(built_site.content, renamed)
    brief = renamed / "briefs" / "2023" / "baltic-undersea-cables.md"
    brief.rename(brief.with_name("baltic-cables.md"))
    for _ in range(2):  # the second time, its build has nothing to do
        with pytest.raises(PublishError) as error:
            publish_outside(
                renamed, tmp_path / "output", repo=repo.path, message="Renamed"
            )
        assert error.value.lines == [
            "1 address of pages and feeds published on gh-pages would disappear "
            "(readers' links and bookmarks to them would break); keep them with "
            "aliases, or pass --force:",
            "  briefs/baltic-undersea-cables.html: add "
            "`aliases: [briefs/baltic-undersea-cables.html]` to the brief that "
            "replaced it (perhaps content/briefs/2023/baltic-cables.md)",
        ]
    assert repo.remote_log() == ["Full site"]

    publish_outside(
        renamed, tmp_path / "output", repo=repo.path, message="Renamed", force=True
    )
    assert repo.remote_log() == ["Renamed", "Full site"]


def test_the_builds_mark_is_not_published(repo, built_site):
    publish_outside(built_site.content, built_site.output, repo=repo.path)
    assert MARKER not in repo.remote_files()
    assert ".nojekyll" in repo.remote_files()
    assert (built_site.output / MARKER).is_file()  # the next build still knows it
