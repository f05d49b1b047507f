"""`pelican -r` and `pelican -lr` with the project's settings: one Pelican
object rebuilds again and again, so an edit, a new brief and a broken one
must each reach the output (nothing of a build may outlive it)."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import NO_PDFS

from policy_briefs.project import ROOT


class Watcher:
    """The autoreload process, its stderr as far as read, and changes made
    again until their build is seen: Pelican's autoreload watches for
    changes only between builds, so a change made while one runs is missed.
    Writing it again (the same bytes) until the output shows it needs no
    guess of when a build ends; an extra build it starts changes nothing."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.errors: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.errors.append(line)

    def stderr(self) -> str:
        return "".join(self.errors)

    def until(self, condition, what: str, change=None, seconds: float = 90) -> None:
        """Make `change` (if any) every second until `condition` holds; the
        process must keep running all along."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if change is not None:
                change()
            again = min(time.monotonic() + 1, deadline)
            while time.monotonic() < again:
                assert self.process.poll() is None, (
                    f"the autoreload stopped before {what}:\n{self.stderr()}"
                )
                if condition():
                    return
                time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}:\n{self.stderr()}")


def write(path: Path, text: str) -> None:
    """Replace `path` at once: a build never reads it half-written."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, "utf-8")
    temporary.replace(path)


def shown(path: Path) -> str:
    """The file's text, or nothing while a build has not written it."""
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


def page(output: Path, name: str) -> str:
    return shown(output / "briefs" / f"{name}.html")


@pytest.fixture
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SECOND = """---
title: A Brief Added Later
author: Yuki Tatsumi
region: Northeast Asia
date: '2024-04-01'
---
Body text.
"""
BROKEN_MESSAGE = "content/briefs/2024/broken.md: line 3, column 1: YAML syntax error"


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
    watcher = Watcher(process)
    second = site.content / "briefs" / "2024" / "second.md"
    broken = site.content / "briefs" / "2024" / "broken.md"
    try:
        watcher.until(
            lambda: "The First Title" in page(site.output, "first"), "a build"
        )
        edited = source.read_text("utf-8").replace("The First Title", "An Edited Title")
        watcher.until(
            lambda: "An Edited Title" in page(site.output, "first"),
            "the edit",
            lambda: write(source, edited),
        )
        watcher.until(
            lambda: (
                "A Brief Added Later" in page(site.output, "second")
                and "A Brief Added Later" in shown(site.output / "index.html")
            ),
            "a new brief, on its page and the home page",
            lambda: write(second, SECOND),
        )
        if mode == "-lr":
            url = f"http://127.0.0.1:{free_port}/briefs/second.html"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert "A Brief Added Later" in response.read().decode("utf-8")
        watcher.until(
            lambda: BROKEN_MESSAGE in watcher.stderr(),
            "the broken brief's message",
            lambda: write(broken, "---\ntitle: [unclosed\n---\nBody.\n"),
        )
        broken.unlink()
        fixed = edited.replace("An Edited Title", "Fixed Again")
        watcher.until(
            lambda: "Fixed Again" in page(site.output, "first"),
            "recovery",
            lambda: write(source, fixed),
        )
        assert process.poll() is None, "a bad brief stopped the autoreload"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        watcher.reader.join(timeout=30)
    assert "Traceback" not in watcher.stderr()


def test_a_run_failed_in_another_generator_leaves_nothing_to_the_next(
    tmp_path, monkeypatch, logging_restored
):
    """The autoreload runs again with the same Pelican and settings: a run
    that failed after the briefs plugin had written (in Pelican's own copy
    of the theme, say) must not check the next run's site by its links."""
    from conftest import Site
    from pelican import Pelican
    from pelican.generators import StaticGenerator

    from briefs.pipeline import BriefsGenerator
    from policy_briefs import build as site_build

    collector = gc.get_threshold()  # a build's own pace is put back after it
    site = Site(tmp_path / "site")
    site.brief("first", body="See [the second](second.html).")
    site.brief("second", title="Second")
    settings = site_build.load_settings(
        site.content,
        tmp_path / "output",
        CACHE_PATH=str(tmp_path / "cache"),
        PDF_EDITIONS="off",
    )
    pelican = Pelican(settings)
    pelican.run()
    copy_theme = StaticGenerator.generate_output
    write_briefs = BriefsGenerator.generate_output
    kept = []  # as a long-lived process may keep a failed run's objects

    def keeping(generator, writer):
        kept.append(generator)
        write_briefs(generator, writer)

    def failing(generator, writer):
        raise RuntimeError("the theme could not be copied")

    monkeypatch.setattr(BriefsGenerator, "generate_output", keeping)
    monkeypatch.setattr(StaticGenerator, "generate_output", failing)
    site.brief("first", body="See [a page gone](gone.html).")
    with pytest.raises(RuntimeError):
        pelican.run()
    monkeypatch.setattr(StaticGenerator, "generate_output", copy_theme)
    site.brief("first", body="See [the second](second.html).")  # fixed
    pelican.run()  # no LinkError about gone.html, from the failed run
    assert "second.html" in (tmp_path / "output" / "briefs" / "first.html").read_text()
    assert gc.get_threshold() == collector
    pelican.settings["PDF_EDITIONS"] = "bogus"  # refused as the run starts
    with pytest.raises(ValueError):
        pelican.run()
    assert gc.get_threshold() == collector
