"""`pelican -r` and `pelican -lr` with the project's settings: one Pelican
object rebuilds again and again, so an edit, a new brief and a broken one
must each reach the output (nothing of a build may outlive it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import NO_PDFS

from policy_briefs.project import ROOT


def wait_for(condition, what: str, seconds: float = 90) -> None:
    """Wait for a build's result, then for that build to end: Pelican's
    autoreload watches for changes only between builds, so a change made
    while one runs would be missed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            time.sleep(2)
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def page(output: Path, name: str) -> str:
    path = output / "briefs" / f"{name}.html"
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


@pytest.fixture
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("mode", ["-r", "-lr"])
def test_autoreload_picks_up_edits_new_briefs_and_problems(site, mode, free_port):
    source = site.brief("first", title="The First Title")
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(site.content),
        "-s",
        "pelicanconf.py",
        "-o",
        str(site.output),
        mode,
    ]
    if mode == "-lr":
        command += ["-p", str(free_port), "-b", "127.0.0.1"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **NO_PDFS, "POLICY_BRIEFS_CACHE": str(site.root / "cache")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(lambda: "The First Title" in page(site.output, "first"), "a build")
        time.sleep(1)  # watchfiles starts watching after the first build
        source.write_text(
            source.read_text("utf-8").replace("The First Title", "An Edited Title"),
            "utf-8",
        )
        wait_for(lambda: "An Edited Title" in page(site.output, "first"), "the edit")
        site.brief("second", title="A Brief Added Later", date="2024-04-01")
        wait_for(
            lambda: "A Brief Added Later" in page(site.output, "second"), "a new brief"
        )
        assert "A Brief Added Later" in (site.output / "index.html").read_text("utf-8")
        if mode == "-lr":
            url = f"http://127.0.0.1:{free_port}/briefs/second.html"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert "A Brief Added Later" in response.read().decode("utf-8")
        site.raw("broken", "---\ntitle: [unclosed\n---\nBody.\n")
        time.sleep(3)
        assert process.poll() is None, "a bad brief stopped the autoreload"
        (site.content / "briefs" / "2024" / "broken.md").unlink()
        source.write_text(
            source.read_text("utf-8").replace("An Edited Title", "Fixed Again"),
            "utf-8",
        )
        wait_for(lambda: "Fixed Again" in page(site.output, "first"), "recovery")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    errors = process.stderr.read()
    assert (
        "content/briefs/2024/broken.md: line 3, column 1: YAML syntax error" in errors
    )
    assert "Traceback" not in errors
