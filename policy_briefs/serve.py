"""Live preview for editors: build with drafts, serve, rebuild on change, reload.

- PDF editions are not made here (`PDF_EDITIONS = "off"`): they are the
  slowest part of a build, and a preview must follow every keystroke.
- Drafts are shown (the theme marks them with a draft banner) only here. The
  preview is built into its own folder, `.preview/` at the repository root
  (ignored by git), never into `output/`: `invoke build` and publishing build
  with drafts off and cannot pick a draft up from the preview.
- The server serves exactly the built files, as a browser opening them from
  disk would see them: `/` is `index.html`, but `/x` is not `x.html` and a
  folder is not its `index.html` (Pelican's `--listen` does both, which hides
  links that break offline). It listens on 127.0.0.1 only, and answers only
  requests addressed to it by that name (127.0.0.1, localhost or [::1] with
  its port): a web page elsewhere cannot read drafts by pointing its own
  host name at 127.0.0.1 (DNS rebinding).
- Reloading: HTML responses (never the files on disk) get a small script that
  polls `/__build__` every second and reloads the page when the build number
  changes.
- A failed build never stops the server: the problems are printed, and every
  page shows them instead of the (stale) page until the next good build.
"""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles
from pelican.log import LimitFilter

from briefs import outputdir
from briefs.pipeline import WARM_STATE_KEY, WarmState
from briefs.problems import BriefsError

from . import build as site_build
from .project import DEV_SETTINGS, ROOT

logger = logging.getLogger(__name__)

PAGE_ENDINGS = ("/", ".html", ".htm")  # and an address whose last part has no "."

PREVIEW_DIR = site_build.ROOT / ".preview"
HOST = "127.0.0.1"
DEFAULT_PORT = 8000
STATUS_PATH = "/__build__"
POLL_MILLISECONDS = 1000
MISDIRECTED = (
    b"This preview answers only http://localhost:<port>/ (or 127.0.0.1, [::1]).\n"
)

Say = Callable[[str], None]
say_flushed: Say = partial(print, flush=True)

RELOAD_SCRIPT = """<script>
(function () {{
  var shown = {number};
  setInterval(function () {{
    fetch("{path}", {{cache: "no-store"}})
      .then(function (response) {{ return response.json(); }})
      .then(function (status) {{ if (status.number !== shown) location.reload(); }})
      .catch(function () {{}});
  }}, {interval});
}})();
</script>
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; color: #222; }}
h1 {{ color: {colour}; }}
li {{ font-family: ui-monospace, monospace; font-size: 0.9rem; margin: 0.5rem 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }}
</style></head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""


@dataclass(frozen=True)
class BuildStatus:
    """One build's outcome. Replaced as a whole, so request threads always
    read a consistent value without locking."""

    number: int
    ok: bool
    problems: tuple[str, ...] = ()
    briefs: int = 0
    seconds: float = 0.0

    def as_json(self) -> bytes:
        return json.dumps(asdict(self)).encode("utf-8")


class Preview:
    """Builds `content` into `folder` with drafts shown; keeps the last status."""

    def __init__(
        self,
        content: Path,
        folder: Path = PREVIEW_DIR,
        settings_file: Path = DEV_SETTINGS,
        say: Say = say_flushed,
        force: bool = False,
    ):
        self.content = Path(content).absolute()
        self.folder = Path(folder).absolute()
        self.settings_file = settings_file
        self.say = say
        self.force = force
        self.status = BuildStatus(0, False, ("The first build has not finished.",))
        settings = site_build.load_settings(self.content, self.folder, settings_file)
        self.watched = [self.content, Path(settings["THEME"])]
        self.with_drafts = {**settings.get("BRIEFS", {}), "show_drafts": True}
        # Kept between builds: reads, bodies, a renderer (see WarmState).
        self.warm = WarmState(on_first=self._show_early)
        # Pages of edited briefs, served while the rest of the site builds.
        self.early: dict[str, bytes] = {}

    def _show_early(self, rel: str, data: bytes) -> None:
        """An edited brief's new page: served at once, and open pages
        reload (the build that made it goes on with the rest). The other
        pages stay as the last build left them: its error page, if it failed
        (the last good pages are out of date)."""
        self.early = {**self.early, f"/{rel}": data}
        self.status = replace(self.status, number=self.status.number + 1)

    def rebuild(self, changed: set[Path] | None = None) -> BuildStatus:
        """Build again; `changed` names the files that changed, so that the
        pages of edited briefs can be shown first."""
        started = time.monotonic()
        problems, briefs = (), 0
        self.warm.first = {path.absolute() for path in changed or ()}
        try:
            result = self._build()
        except BriefsError as exc:
            problems = tuple(exc.lines) or ("The build failed.",)
        except Exception as exc:  # a template typo must not stop the preview
            logger.debug("preview build failed", exc_info=True)
            problems = (f"{type(exc).__name__}: {exc}",)
        else:
            briefs = result.briefs
        seconds = round(time.monotonic() - started, 2)
        number = self.status.number + 1
        self.status = BuildStatus(number, not problems, problems, briefs, seconds)
        self.early = {}
        self._report(self.status)
        return self.status

    def _build(self) -> site_build.BuildResult:
        _forget_logged_warnings()
        return site_build.build(
            self.content,
            self.folder,
            self.settings_file,
            force=self.force,
            inputs_changed=bool(self.warm.first),
            BRIEFS=self.with_drafts,
            **{WARM_STATE_KEY: self.warm},
            PDF_EDITIONS="off",
        )

    def _report(self, status: BuildStatus) -> None:
        clock = time.strftime("%H:%M:%S")
        if status.ok:
            self.say(
                f"[{clock}] Built {status.briefs} briefs (drafts included) "
                f"in {status.seconds:.1f} s; open pages reload."
            )
            return
        self.say(
            f"[{clock}] Build failed; the preview shows these problems until "
            "they are fixed:"
        )
        for line in status.problems:
            self.say(f"  {line}")

    def file_for(self, url_path: str) -> Path | None:
        """The built file a URL path names, or None (missing, a folder, or
        outside the preview folder)."""
        relative = unquote(url_path).lstrip("/") or "index.html"
        if "\0" in relative:
            return None
        root = self.folder.resolve()
        try:
            candidate = (root / relative).resolve()
            if not candidate.is_relative_to(root) or not candidate.is_file():
                return None
        except OSError:  # a name too long for the file system, a loop...
            return None
        return candidate


def _forget_logged_warnings() -> None:
    """Pelican drops a warning it has logged once in this process; each
    preview build should report its own warnings again."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def reload_script(number: int) -> str:
    return RELOAD_SCRIPT.format(
        number=number, path=STATUS_PATH, interval=POLL_MILLISECONDS
    )


def with_reload(page: bytes, number: int) -> bytes:
    """Insert the reload script before the last </body>, or at the end."""
    script = reload_script(number).encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def error_page(status: BuildStatus) -> bytes:
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in status.problems)
    body = (
        "<p>The preview could not be built. Fix the problems below and save; "
        "this page reloads by itself.</p>\n"
        f"<ul>\n{items}\n</ul>"
    )
    page = PAGE.format(title="Build failed", colour="#b00020", body=body)
    return with_reload(page.encode("utf-8"), status.number)


def not_found_page(url_path: str, status: BuildStatus, meant: str | None) -> bytes:
    """`meant`: the page the address names on the public site, if any."""
    hint = (
        f'Page addresses end in <code>.html</code>: <a href="{html.escape(meant)}">'
        f"{html.escape(meant)}</a>. "
        if meant
        else ""
    )
    body = (
        f"<p>There is no page at <code>{html.escape(url_path)}</code> in the "
        f"preview (yet). {hint}This page reloads by itself after the next build. "
        'Start from the <a href="/index.html">home page</a>.</p>'
    )
    page = PAGE.format(title="No such page", colour="#444", body=body)
    return with_reload(page.encode("utf-8"), status.number)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _respond(self, send_body: bool) -> None:
        host = self.headers.get("Host")
        if host is None:
            self._send(400, "text/plain", b"A Host header is required\n", send_body)
            return
        if host.lower() not in self.server.hosts:
            self._send(421, "text/plain", MISDIRECTED, send_body)
            return
        preview = self.server.preview
        status = preview.status
        path = urlsplit(self.path).path
        if path == STATUS_PATH:
            self._send(200, "application/json", status.as_json(), send_body)
            return
        is_page = path.endswith(PAGE_ENDINGS) or "." not in path.rsplit("/", 1)[1]
        early = preview.early.get(path)
        if early is not None:
            self._send(200, "text/html", with_reload(early, status.number), send_body)
            return
        if is_page and not status.ok:
            self._send(500, "text/html", error_page(status), send_body)
            return
        found = preview.file_for(path)
        try:
            data = found.read_bytes() if found else None
        except OSError:  # swapped away by a build that just finished
            data = None
        if data is None:
            if is_page:
                page = not_found_page(path, status, self._meant(path))
                self._send(404, "text/html", page, send_body)
            else:
                self._send(404, "text/plain", b"Not found\n", send_body)
            return
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = with_reload(data, status.number)
        self._send(200, kind, data, send_body)

    def _meant(self, path: str) -> str | None:
        """The page a folder or extensionless address would be on a server
        that guesses (`/x/` → `/x/index.html`, `/x` → `/x.html`), when the
        preview has it: the site's own links never leave it to guessing."""
        if path.endswith(PAGE_ENDINGS[1:]):
            return None
        meant = path + ("index.html" if path.endswith("/") else ".html")
        return meant if self.server.preview.file_for(meant) else None

    def _send(self, code: int, kind: str, data: bytes, send_body: bool) -> None:
        if kind.startswith("text/") or kind in {"application/json", "image/svg+xml"}:
            kind += "; charset=utf-8"
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(data)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, preview: Preview, port: int, host: str = HOST):
        self.preview = preview
        super().__init__((host, port), PreviewHandler)
        self.hosts = local_hosts(self.server_address[1])


def local_hosts(port: int) -> frozenset[str]:
    """The Host header values of requests meant for this preview."""
    names = ("127.0.0.1", "localhost", "[::1]")
    plain = names if port == 80 else ()
    return frozenset({*(f"{name}:{port}" for name in names), *plain})


def watch(preview: Preview, stop: threading.Event) -> None:
    """Rebuild after every batch of changes under content/ and the theme."""
    for changes in watchfiles.watch(
        *preview.watched, stop_event=stop, raise_interrupt=False
    ):
        preview.say(f"Changed: {describe(changes)}; rebuilding…")
        preview.rebuild({Path(path) for _, path in changes})


def describe(changes) -> str:
    """Name up to three changed files; editors' temporary files come and go
    within one batch, so only files that still exist are named."""
    names = sorted({Path(path).name for _, path in changes if Path(path).exists()})
    if not names:
        return "files were deleted"
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


@contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """Stop as cleanly on `kill` as on Ctrl-C (only the main thread can)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class ServeError(Exception):
    """The preview could not start (for example, the port is taken)."""


def parse_port(text: str | int) -> int:
    """A port number from the command line, or ServeError saying what is wrong."""
    try:
        port = int(str(text).strip())
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise ServeError(
            f"--port must be a whole number from 0 to 65535 (0 picks a free port), "
            f"not {text!r}"
        )
    return port


def serve(
    content: Path,
    folder: Path = PREVIEW_DIR,
    port: int = DEFAULT_PORT,
    say: Say = say_flushed,
    force: bool = False,
) -> None:
    """Build, serve and watch until Ctrl-C (or SIGTERM); then stop cleanly.

    The preview folder is refused exactly as `invoke build` refuses an output
    folder (`force` allows a folder no build wrote)."""
    try:
        outputdir.guard(folder, content, ROOT, Path.cwd(), force)
    except outputdir.FolderError as exc:
        raise ServeError(str(exc)) from None
    preview = Preview(content, folder, say=say, force=force)
    try:
        server = PreviewServer(preview, port)
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {HOST}:{port} ({exc.strerror}); is another "
            f"preview running? Try another port, e.g. --port {port + 1}"
        ) from None
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch, args=(preview, stop), name="preview-watcher", daemon=True
    )
    with server, _sigterm_as_ctrl_c():
        try:
            say(f"Building {preview.content} into {preview.folder} (drafts shown)…")
            preview.rebuild()
            watcher.start()
            say(
                f"Preview: http://localhost:{server.server_address[1]}/ "
                "(rebuilds when content/ or the theme changes; Ctrl-C stops)"
            )
            server.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            say("Stopping the preview…")
        finally:
            stop.set()
            if watcher.is_alive():
                watcher.join()
