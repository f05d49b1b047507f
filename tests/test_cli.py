"""The contract's commands, run as an editor runs them: exit codes, one-line
messages on stderr, no tracebacks, output untouched on failure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import INVOKE, ROOT
from test_validation import BAD_BRIEFS, fm, snapshot

PELICAN = [sys.executable, "-m", "pelican"]


def test_invoke_build_then_failed_build_keeps_output(site):
    site.brief("good")
    first = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert first.returncode == 0, first.stderr
    assert "Built 1 briefs" in first.stdout
    before = snapshot(site.output)

    site.raw("bad", fm(region="region: Nort East Asia"))
    second = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert second.returncode == 1
    assert (
        "content/briefs/2024/bad.md: region: 'Nort East Asia' is not a known region "
        "(did you mean 'Northeast Asia'?)"
    ) in second.stderr
    assert "Traceback" not in second.stderr + second.stdout
    assert snapshot(site.output) == before


def test_invoke_check_lists_every_problem_and_writes_nothing(site):
    site.raw("one", fm(title="title: 42"))
    site.raw("two", fm(date="date: 03/04/2024"))
    site.raw("three", fm(region="region: Atlantis"))
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/briefs/2024/one.md: title:") for line in lines)
    assert any(line.startswith("content/briefs/2024/two.md: date:") for line in lines)
    assert any(
        line.startswith("content/briefs/2024/three.md: region:") for line in lines
    )
    assert "3 errors" in result.stderr
    assert not site.output.exists()


def test_invoke_check_passes_on_good_content(site):
    site.brief("good")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 0, result.stderr
    assert "OK: 1 briefs checked" in result.stderr


def pelican(site) -> subprocess.CompletedProcess:
    """Plain Pelican with the project's settings, as the contract names it."""
    return subprocess.run(
        [*PELICAN, str(site.content), "-s", "pelicanconf.py", "-o", str(site.output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plain_pelican_fails_on_an_invalid_brief(site):
    site.raw("bad", fm(title="title: North Korea: What Next"))
    result = pelican(site)
    assert result.returncode != 0
    assert "content/briefs/2024/bad.md: line 2, column 19: YAML syntax error" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (site.output / "briefs").exists()


def test_plain_pelican_builds_valid_content(site):
    site.brief("good")
    result = pelican(site)
    assert result.returncode == 0, result.stderr
    assert (site.output / "briefs" / "good.html").is_file()


def test_interrupted_build_leaves_the_old_or_the_new_site(tmp_path):
    """Ctrl-C at any moment: never a mix, never a leftover staging folder."""
    from policy_briefs.bench import write_collection
    from policy_briefs.build import build

    content, output = tmp_path / "content", tmp_path / "site" / "output"
    write_collection(content, 150)
    build(content, output)
    old = snapshot(output)
    (content / "briefs" / "2001" / "brief-00001.md").unlink()
    build(content, tmp_path / "expected")
    new = snapshot(tmp_path / "expected")
    assert old != new

    command = [*INVOKE, "build", "--content", str(content), "--output", str(output)]
    for delay in (0.5, 1.0, 1.5, 2.0, 3.0):
        process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
        assert snapshot(output) in (old, new), delay
        assert [p.name for p in output.parent.iterdir()] == ["output"]


def test_invoke_build_exits_1_for_every_bad_case_and_keeps_output(site):
    """Every case of test_validation.BAD_BRIEFS through the command line, at
    once: exit 1, each one-line message, no traceback, output untouched."""
    site.brief("good")
    assert (
        site.invoke(
            "build", "--content", str(site.content), "--output", str(site.output)
        ).returncode
        == 0
    )
    before = snapshot(site.output)
    for number, (_, text, _) in enumerate(BAD_BRIEFS):
        site.raw(f"bad-{number:02d}", text)
    result = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for number, (case, _, expected) in enumerate(BAD_BRIEFS):
        name = f"bad-{number:02d}.md"
        assert any(
            name in line and expected.replace("x.md", name) in line
            for line in result.stderr.splitlines()
        ), case
    assert snapshot(site.output) == before


def test_invoke_check_warns_about_editorial_gaps(site):
    site.brief("no-summary")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 0, result.stderr
    assert "content/briefs/2024/no-summary.md: summary: warning: " in result.stderr
    assert "authors.yml: Søren Kjærgaard: bio: warning: no bio" in result.stderr


def test_invoke_check_fails_on_a_broken_link(site):
    site.brief("linking", body="See [the missing brief](missing.html).")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 1
    assert "briefs/linking.html: missing.html: file not found" in result.stderr
    assert "4 link problems" in result.stderr  # the page and three feeds
    assert not site.output.exists()


def test_invoke_build_prints_warnings_once_and_succeeds(site):
    site.raw("x", fm("sumary: A dek.\n"))
    result = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert result.returncode == 0, result.stderr
    [line] = [ln for ln in result.stderr.splitlines() if "sumary" in ln]
    assert line.startswith(
        "content/briefs/2024/x.md: sumary: warning: unknown field, ignored "
        "(did you mean 'summary'?)"
    )


def test_leftovers_of_a_killed_build_are_removed(site):
    """A build killed outright (no chance to clean up) leaves its staging
    folder; the next build removes it, but never one of a running build."""
    site.brief("x")
    dead = site.root / ".output.building-999999999-abc"
    (dead / "briefs").mkdir(parents=True)
    alive = site.root / f".output.building-{os.getpid()}-abc"
    alive.mkdir()
    site.build()
    assert not dead.exists()
    assert alive.exists()
