"""What editors see while they work: the live preview (`invoke serve`) and
build progress on a terminal.

The preview is tested twice: in-process for what the server answers (files
only, reload script, error page), and end to end as `invoke serve` in a
subprocess against a copy of two sample briefs, changing files under it."""

from __future__ import annotations

import http.client
import io
import json
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import INVOKE, ROOT, small_content
from invoke import Context, Exit

import tasks
from policy_briefs import build as site_build
from policy_briefs import progress
from policy_briefs.scaffold import BriefRequest, create_brief
from policy_briefs.serve import STATUS_PATH, Preview, PreviewServer

WAIT_SECONDS = 30


def fetch(url: str, method: str = "GET") -> tuple[int, str, str]:
    """(status, content type, body) for any status code."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read().decode("utf-8")
            return response.status, response.headers["Content-Type"], body
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def raw_get(port: int, path: str) -> int:
    """A request path exactly as given (urllib would normalise `..`)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def running(site):
    """A preview of a one-brief site, served in this process on a free port."""
    site.brief("water-policy", summary="About water.")
    preview = Preview(site.content, site.root / "preview", say=lambda line: None)
    assert preview.rebuild().ok
    server = PreviewServer(preview, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, preview, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pages_get_the_reload_script_but_files_on_disk_do_not(running):
    _, preview, base = running
    status, kind, body = fetch(f"{base}/briefs/water-policy.html")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert STATUS_PATH in body and "var shown = 1;" in body
    assert body.index("var shown") < body.rindex("</body>")
    on_disk = (preview.folder / "briefs" / "water-policy.html").read_text("utf-8")
    assert STATUS_PATH not in on_disk
    assert fetch(f"{base}/")[2].count("var shown") == 1  # / is index.html

    status, kind, body = fetch(f"{base}{STATUS_PATH}")
    assert kind.startswith("application/json")
    assert json.loads(body) | {"seconds": 0} == {
        "number": 1,
        "ok": True,
        "problems": [],
        "briefs": 1,
        "seconds": 0,
    }
    status, _, body = fetch(f"{base}/briefs/water-policy.html", method="HEAD")
    assert (status, body) == (200, "")


def test_only_built_files_are_served(running):
    _, preview, base = running
    port = int(base.rsplit(":", 1)[1])
    assert fetch(f"{base}/briefs/")[0] == 404  # a folder is not its index
    # No .html guessing, but the page says which address it would have been.
    status, kind, body = fetch(f"{base}/briefs/water-policy")
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert "No such page" in body and "var shown" in body
    assert '<a href="/briefs/water-policy.html">' in body
    status, _, body = fetch(f"{base}/regions/")
    assert status == 404 and '<a href="/regions/index.html">' in body
    assert "Page addresses end" not in fetch(f"{base}/briefs/nothing")[2]
    missing = fetch(f"{base}/briefs/nothing.html")
    assert missing[0] == 404 and "var shown" in missing[2]  # reloads once built
    for path in ("/../pelicanconf.py", "/%2e%2e/pelicanconf.py", "/a/../../x"):
        assert raw_get(port, path) == 404
    css = next(preview.folder.rglob("*.css")).relative_to(preview.folder)
    status, kind, body = fetch(f"{base}/{css.as_posix()}")
    assert (status, kind) == (200, "text/css; charset=utf-8")
    assert "var shown" not in body


def request_with_host(port: int, host: str | None, path: str = "/index.html") -> int:
    """The status of a GET with exactly this Host header (None: no Host)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_only_requests_for_the_loopback_address_are_answered(running):
    """DNS rebinding: a page of attacker.example whose name now resolves to
    127.0.0.1 must not read the preview (drafts) through the browser."""
    _, _, base = running
    port = int(base.rsplit(":", 1)[1])
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert request_with_host(port, host) == 200, host
    assert request_with_host(port, f"[::1]:{port}") == 200
    for host in (f"attacker.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}"):
        assert request_with_host(port, host) == 421, host
        assert request_with_host(port, host, STATUS_PATH) == 421, host
    assert request_with_host(port, None) == 400


def test_an_over_long_path_is_not_found(running):
    _, _, base = running
    port = int(base.rsplit(":", 1)[1])
    for path in ("/" + "a" * 300 + ".html", "/" + "a/" * 3000 + "x.html"):
        assert raw_get(port, path) == 404


@pytest.mark.parametrize("port", ["abc", "70000", "-1", "8000.5"])
def test_a_bad_port_is_one_line(port, logging_restored):
    """The task, run in this process: invoke prints an Exit's message as
    the one line on stderr (`invoke serve` itself: the next test)."""
    with pytest.raises(Exit) as refused:
        tasks.serve(Context(), port=port)
    assert refused.value.code == 1
    assert refused.value.message == (
        "--port must be a whole number from 0 to 65535 (0 picks a free port), "
        f"not {port!r}"
    )


def test_the_preview_folder_is_refused_like_an_output_folder(site):
    site.brief("x")
    before = sorted(p.name for p in site.content.rglob("*"))
    content = str(site.content)
    result = subprocess.run(
        [*INVOKE, "serve", "--port", "0", "--content", content, "--preview", content],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"refusing to build into {site.content}: it is the content folder"
    ]
    assert sorted(p.name for p in site.content.rglob("*")) == before


def test_a_failed_build_is_shown_escaped_and_cleared(running):
    site, preview, base = running
    site.brief("water-policy", region="<b>Atlantis</b>")
    assert not preview.rebuild().ok
    status, _, body = fetch(f"{base}/briefs/water-policy.html")
    assert status == 500
    assert "&#x27;&lt;b&gt;Atlantis&lt;/b&gt;&#x27; is not a known region" in body
    assert "<b>Atlantis" not in body
    assert "var shown = 2;" in body
    assert json.loads(fetch(f"{base}{STATUS_PATH}")[2])["ok"] is False
    assert fetch(f"{base}/index.html")[0] == 500  # every page, not just the brief
    feed = "/feeds/all.atom.xml"  # files that are not pages: the last good build
    assert (preview.folder / feed[1:]).is_file()
    assert fetch(f"{base}{feed}")[0] == 200

    site.brief("water-policy", summary="About water, again.")
    assert preview.rebuild().ok
    status, _, body = fetch(f"{base}/briefs/water-policy.html")
    assert status == 200 and "About water, again." in body


class LiveServer:
    """`invoke serve` in a subprocess; its output is collected by a thread."""

    def __init__(self, content: Path, preview: Path):
        self.process = subprocess.Popen(
            [
                *INVOKE,
                "serve",
                "--port",
                "0",
                "--content",
                str(content),
                "--preview",
                str(preview),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()
        line = self.wait_for(
            lambda: next((x for x in self.lines if x.startswith("Preview: ")), None),
            "the server to start",
        )
        self.base = line.split()[1].rstrip("/")

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, check, what: str):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            assert self.process.poll() is None, f"server exited:\n{self.output}"
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; the server said:\n{self.output}")

    def page_with(self, path: str, text: str, status: int = 200) -> str:
        def check():
            code, _, body = fetch(self.base + path)
            return body if code == status and text in body else None

        return self.wait_for(check, f"{path} to show {text!r} ({status})")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT_SECONDS)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def test_invoke_serve_rebuilds_reloads_and_survives_a_broken_brief(tmp_path):
    content = small_content(tmp_path, 2)
    brief = create_brief(
        content,
        BriefRequest(
            "Preview Test Brief", ("Guest Writer",), ("Europe",), published=False
        ),
    )
    path = f"/briefs/{brief.slug}.html"
    server = LiveServer(content, tmp_path / "preview")
    try:
        server.page_with(path, "Preview Test Brief")  # a draft, shown in preview

        text = brief.path.read_text("utf-8")
        brief.path.write_text(text.replace("Preview Test Brief", "Edited Title"))
        server.page_with(path, "Edited Title")

        broken = text.replace('region: "Europe"', 'region: "<b>Atlantis</b>"')
        brief.path.write_text(broken, "utf-8")
        page = server.page_with(path, "&lt;b&gt;Atlantis&lt;/b&gt;", status=500)
        assert "<b>Atlantis" not in page
        server.wait_for(
            lambda: "'<b>Atlantis</b>' is not a known region" in server.output,
            "the problem in the terminal",
        )

        brief.path.write_text(text, "utf-8")
        server.page_with(path, "Preview Test Brief")  # early: the build goes on
        server.wait_for(
            lambda: json.loads(fetch(server.base + STATUS_PATH)[2])["ok"] is True,
            "the build after the fix",
        )
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert "Stopping the preview" in server.output
    assert "Traceback" not in server.output
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no half-built staging folders


# -- build progress -----------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal(site, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    site.brief("one")
    site.brief("two")
    terminal = Terminal()
    threads = threading.active_count()
    with progress.reporting(terminal) as counter:
        # No thread before the first count: a build forks its workers first.
        assert threading.active_count() == threads
        site.build()
    assert counter.read == 2 and counter.written > 2
    # rich redraws its rows in place; the last drawing stays on screen.
    *_, last = re.split(r"\x1b\[1A|\r", terminal.getvalue())
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", last)
    rows = [row for row in plain.splitlines() if row.strip()]
    assert [row.split()[1:-1] for row in rows] == [
        ["2", "briefs", "read"],
        [str(counter.written), "files", "written"],
    ]

    site.brief("one", summary="Edited: read again.")
    site.build()
    assert counter.read == 2  # disconnected after the block


@pytest.mark.parametrize(
    "stream, ci", [(Terminal(), "true"), (Terminal(), "1"), (io.StringIO(), None)]
)
def test_progress_is_quiet_in_ci_and_in_logs(site, monkeypatch, stream, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    site.brief("one")
    with progress.reporting(stream) as counter:
        site.build()
    assert counter is None
    assert stream.getvalue() == ""


# -- the edited page first ---------------------------------------------------


def test_an_edited_briefs_page_is_served_first_as_the_build_then_writes_it(site):
    for n in range(4):
        site.brief(f"b{n}", title=f"Brief {n}", date=f"2024-03-{n + 10}")
    preview = Preview(site.content, site.root / "preview", say=lambda line: None)
    preview.rebuild()
    shown = {}
    served_early = preview._show_early

    def remember(rel, data):
        shown[rel] = data
        served_early(rel, data)

    preview.warm.on_first = remember
    source = site.content / "briefs" / "2024" / "b2.md"
    source.write_text(source.read_text("utf-8") + "\nA new last line.\n", "utf-8")
    status = preview.rebuild({source})
    assert status.ok
    assert list(shown) == ["briefs/b2.html"]
    assert b"A new last line." in shown["briefs/b2.html"]
    assert (
        shown["briefs/b2.html"] == (preview.folder / "briefs" / "b2.html").read_bytes()
    )
    assert preview.early == {}  # the finished build serves from disk again


def test_a_watched_change_skips_the_up_to_date_check(site, monkeypatch):
    """The file watcher saw the change: the preview does not read and hash
    every input first (that cost a third of a second at 5,000 briefs)."""
    site.brief("b0", title="Brief 0")
    preview = Preview(site.content, site.root / "preview", say=lambda line: None)
    digests = []
    real = site_build.inputs_digest
    monkeypatch.setattr(
        site_build, "inputs_digest", lambda *a: digests.append(1) or real(*a)
    )
    assert preview.rebuild().ok
    assert digests == [1]  # the first build, at start: checked
    source = site.content / "briefs" / "2024" / "b0.md"
    source.write_text(source.read_text("utf-8") + "\nEdited.\n", "utf-8")
    assert preview.rebuild({source}).ok
    assert digests == [1]
    assert "Edited." in (preview.folder / "briefs" / "b0.html").read_text("utf-8")


def test_a_build_that_failed_midway_leaves_nothing_to_the_next(site, monkeypatch):
    """Signals are process-wide: the generator of a build that failed after
    reading (a template error) must not finish the preview's next build (it
    reported a false failure, or twice the briefs)."""
    from briefs import pipeline

    site.brief("b0")
    site.brief("b1", title="Another")
    preview = Preview(site.content, site.root / "preview", say=lambda line: None)
    assert preview.rebuild().ok
    working = pipeline.BriefsGenerator.render_and_write
    failed = []  # kept alive, as a template error's traceback can keep them

    def broken(generator):
        failed.append(generator)
        raise RuntimeError("a template error")

    source = site.content / "briefs" / "2024" / "b0.md"
    monkeypatch.setattr(pipeline.BriefsGenerator, "render_and_write", broken)
    for line in ("One line more.", "And another."):  # two failed builds
        source.write_text(source.read_text("utf-8") + f"\n{line}\n", "utf-8")
        assert not preview.rebuild({source}).ok
    monkeypatch.setattr(pipeline.BriefsGenerator, "render_and_write", working)
    status = preview.rebuild({source})
    assert (status.ok, status.problems, status.briefs) == (True, (), 2)


def test_an_early_page_leaves_a_failed_preview_failed(site):
    """While the last build failed, the edited brief's page is served as
    soon as it is made; every other page stays the error page (the last
    good pages are out of date)."""
    site.brief("b0")
    site.brief("b1", date="03/04/2024")
    preview = Preview(site.content, site.root / "preview", say=lambda line: None)
    failed = preview.rebuild()
    assert not failed.ok
    preview._show_early("briefs/b0.html", b"<p>new</p>")
    assert preview.status.number == failed.number + 1  # open pages reload
    assert not preview.status.ok
    assert preview.early == {"/briefs/b0.html": b"<p>new</p>"}
