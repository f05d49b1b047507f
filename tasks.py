"""Tasks for editors and publishers: `.venv/bin/invoke --list` shows them all."""

from __future__ import annotations

import gc
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from invoke import Exit, Task, task

from briefs.collection import Collection, validate_content
from briefs.editorial import editorial_warnings
from briefs.options import BriefsOptions
from briefs.outputdir import FolderError, require_folder
from briefs.problems import BriefsError, Problem, errors, in_report_order, summary_line
from policy_briefs import addresses
from policy_briefs import build as site_build
from policy_briefs.progress import reporting
from policy_briefs.project import CONTENT, DEV_SETTINGS, OUTPUT, PUBLISH_SETTINGS, ROOT


def _briefs_options(settings_file: Path) -> tuple[BriefsOptions, str]:
    """The BRIEFS options and time zone of a settings file; a wrong BRIEFS
    setting is one line and exit status 1."""
    try:
        return site_build.briefs_options(settings_file)
    except ValueError as exc:
        raise Exit(str(exc), code=1) from None


def _fail(error: site_build.BuildError, closing: str) -> Exit:
    """Print a failed build's one-line problems and a closing line; exit 1.
    A refused folder is one line on its own: nothing was attempted."""
    for line in error.lines:
        print(line, file=sys.stderr)
    if not isinstance(error, FolderError):
        print(closing, file=sys.stderr)
    return Exit(code=1)


@contextmanager
def _interruptible(what: str):
    """Ctrl-C: one line and exit status 130 (builds leave no half-built site)."""
    try:
        yield
    except KeyboardInterrupt:
        message = f"{what} interrupted; nothing half-built was left behind."
        raise Exit(message, code=130) from None


@contextmanager
def _memory_left_to_the_system():
    """A build leaves most of what it made in reference cycles (Pelican's
    generators and the context they share), which only the collector's last
    pass at exit would free: 0.4 s at 5,000 briefs, after the work is done.
    Frozen (gc.freeze), they are never scanned again; the system takes the
    memory back when the process ends, as it does for the build's workers."""
    try:
        yield
    finally:
        gc.freeze()


def _folder(path: str, what: str = "content folder") -> Path:
    try:
        return require_folder(path, what)
    except FolderError as exc:
        raise Exit(str(exc), code=1) from None


@task(
    help={
        "content": "content folder to check (default: content/)",
        "against": "a published site (e.g. a checkout of gh-pages): list every "
        "page and feed address of it that this build would drop",
    }
)
def check(c, content=str(CONTENT), against=""):
    """Validate briefs, registries and links; list every problem; write no site.

    Also warns about editorial gaps (no summary, uncredited images...).
    Bodies, bios and links are checked on a scratch build, deleted
    afterwards; with --against, the scratch build is compared with that
    site too."""
    site_build.configure_logging()
    content_dir = _folder(content)
    published = _folder(against, "--against folder") if against else None
    options, timezone = _briefs_options(DEV_SETTINGS)
    read: list[Collection] = []  # what the scratch build read and validated
    logged: list[str] = []  # the scratch build's warnings, shown once below
    found: list[Problem] = []  # what only rendering finds (a body's HTML, say)
    broken_links: list[str] = []
    failures: list[str] = []  # of the scratch build, neither content nor links
    lost: list[str] = []
    # Even when the briefs' fields have errors, the scratch build reads
    # every body and registry text, so one report lists every problem.
    with (
        _memory_left_to_the_system(),
        _interruptible("Check"),
        tempfile.TemporaryDirectory(prefix="briefs-check-") as scratch,
        site_build.held_back(logged),
        site_build.collection_kept(read),
    ):
        try:
            # Without PDF editions: minutes of work at thousands of
            # briefs, for files no page or feed address depends on
            # (what the engine alone can refuse, the build reports).
            built = site_build.build(
                content_dir, Path(scratch) / "site", PDF_EDITIONS="off"
            )
        except site_build.BuildError as exc:
            if exc.problems:  # the collection's errors, and rendering's
                found = exc.problems
            elif exc.broken_links:
                broken_links = exc.lines
            else:
                failures = exc.lines
        except BriefsError as exc:  # the scratch folder refused, say
            failures = exc.lines
        else:
            if published is not None:
                lost = _lost_addresses(published, built.output, read[0])
    # A build that stopped before reading (a refused folder) read nothing.
    collection = read[0] if read else validate_content(content_dir, options, timezone)
    problems = list(
        dict.fromkeys(
            [
                *collection.problems,
                *editorial_warnings(collection, options),
                *found,
            ]
        )
    )
    listed = [str(problem) for problem in in_report_order(problems)]
    shown = set(listed)
    more = [line for line in dict.fromkeys(logged) if line not in shown]
    for line in [*listed, *more, *broken_links, *failures, *lost]:
        print(line, file=sys.stderr)
    ok = not errors(problems) and not broken_links and not failures and not lost
    links = (
        f", {len(broken_links)} link problem{'s' if len(broken_links) != 1 else ''}"
        if broken_links
        else ""
    )
    if failures:
        links += f", {len(failures)} other build problem(s)"
    gone = (
        f", {len(lost)} address{'es' if len(lost) != 1 else ''} would disappear"
        if lost
        else ""
    )
    print(
        f"{'OK' if ok else 'FAILED'}: {len(collection.briefs)} briefs checked, "
        f"{summary_line(problems, more_warnings=len(more))}{links}{gone}.",
        file=sys.stderr,
    )
    if not ok:
        raise Exit(code=1)


def _lost_addresses(published: Path, built: Path, collection) -> list[str]:
    """One line per page or feed of `published` that `built` lacks."""
    published_addresses = addresses.site_addresses(published)
    found = addresses.report(
        published_addresses,
        addresses.site_addresses(built),
        addresses.sources(collection),
        ignore=addresses.production_only(published_addresses),
    )
    return [
        f"{address}: would disappear (it is in {published}); {advice}"
        for address, advice in found
    ]


@task(
    help={
        "content": "content folder (default: content/)",
        "output": "output folder (default: output/)",
        "production": "use publishconf.py (absolute feed and canonical URLs)",
        "debug": "show Pelican's log and full tracebacks",
        "force": "replace OUTPUT even though it holds files no build wrote",
    }
)
def build(
    c,
    content=str(CONTENT),
    output=str(OUTPUT),
    production=False,
    debug=False,
    force=False,
):
    """Build the site into OUTPUT atomically; exit non-zero on any problem.

    OUTPUT is refused when replacing it could destroy something (the content
    or project folder, a folder no build wrote...); one build at a time
    writes it, the next one waits."""
    site_build.configure_logging(debug)
    _folder(content)
    settings_file = PUBLISH_SETTINGS if production else DEV_SETTINGS
    try:
        with (
            _memory_left_to_the_system(),
            _interruptible("Build"),
            reporting(enabled=False if debug else None),
        ):
            result = site_build.build(content, output, settings_file, force=force)
    except BriefsError as exc:
        closing = (
            f"Build failed: {len(exc.lines)} problem(s); {output} was left as it was."
        )
        raise _fail(exc, closing) from None
    print(f"Built {result.briefs} briefs into {result.output}")


@task(
    help={
        "sizes": "comma-separated collection sizes (default: 5000)",
        "competitors": "also time stock Pelican (and Hugo when on PATH)",
        "pdfs": "also time every PDF from cold, and one edit with PDFs",
        "search": "report the search index's size budgets",
    }
)
def bench(c, sizes="5000", competitors=True, pdfs=False, search=True):
    """Time cold, unchanged and one-edit builds and the preview's edit
    latency, with peak memory, beside stock Pelican and Hugo."""
    from policy_briefs import bench as benchmark

    site_build.configure_logging()
    print(
        f"{'briefs':>7} {'cold s':>7} {'unchanged s':>12} {'one edit s':>11} "
        f"{'preview s':>10} {'peak MB':>8} {'stock Pelican s':>16} {'Hugo s':>7}"
    )
    for figures in benchmark.run(
        [int(size) for size in sizes.split(",")], competitors=competitors, pdfs=pdfs
    ):
        stock = figures.stock_pelican
        hugo = figures.hugo
        peak = max(
            figures.cold.peak_mb, figures.unchanged.peak_mb, figures.one_edit.peak_mb
        )
        print(
            f"{figures.briefs:>7} {figures.cold.seconds:>7.2f} "
            f"{figures.unchanged.seconds:>12.2f} {figures.one_edit.seconds:>11.2f} "
            f"{figures.preview_edit:>10.2f} {peak:>8.0f} "
            f"{(f'{stock.seconds:.2f}' if stock else '-'):>16} "
            f"{(f'{hugo.seconds:.2f}' if hugo else '-'):>7}"
        )
        if stock:
            ratio = figures.cold.seconds / stock.seconds
            print(f"        cold build is {ratio:.2f}x stock Pelican")
        if hugo:
            print(
                f"        cold build is {figures.cold.seconds / hugo.seconds:.2f}x Hugo"
            )
        if figures.pdfs_cold:
            added = sorted(w - wo for w, wo in figures.pdf_edits)
            pairs = ", ".join(f"{w:.2f} s / {wo:.2f} s" for w, wo in figures.pdf_edits)
            print(
                f"        PDFs: every one from cold {figures.pdfs_cold.seconds:.1f} s "
                f"(peak {figures.pdfs_cold.peak_mb:.0f} MB); one edit with / "
                f"without PDFs: {pairs}; PDFs add {added[len(added) // 2]:.2f} s "
                "(median)"
            )
        if search:
            for name, value in figures.extra.items():
                print(f"        search {name}: {value}")


@task(
    help={
        "output": "built site to check (default: output/)",
        "site-url": "public address: absolute URLs under it are checked as files",
    }
)
def linkcheck(c, output=str(OUTPUT), site_url=""):
    """Check every link, asset and feed link of a built site against its files."""
    from briefs.linkcheck import check_site

    broken = check_site(_folder(output, "site folder"), site_url=site_url or None)
    for link in broken:
        print(link, file=sys.stderr)
    if broken:
        print(f"Link check failed: {len(broken)} broken link(s).", file=sys.stderr)
        raise Exit(code=1)
    print(f"Link check passed: {output}")


@task(
    help={
        "content": "content folder (default: content/)",
        "dist": "folder for the zip (default: dist/)",
    }
)
def bundle(c, content=str(CONTENT), dist=str(ROOT / "dist")):
    """Build the offline edition: dist/<site>-offline-<date>.zip."""
    from policy_briefs.bundle import make_bundle

    site_build.configure_logging()
    _folder(content)
    try:
        with _memory_left_to_the_system(), _interruptible("Bundle"):
            path = make_bundle(Path(content), Path(dist))
    except BriefsError as exc:
        raise _fail(exc, "Bundle failed: nothing was written.") from None
    print(f"Wrote {path}")


@task(
    help={
        "content": "content folder (default: content/)",
        "output": "output folder (default: output/)",
        "push": "push the branch to the remote (default: --push)",
        "force": "publish even if the site lost more than half its briefs, or "
        "pages and feeds that are published now",
        "allow-dirty": "publish although files the build reads have uncommitted "
        "changes",
        "remote": "git remote (default: origin)",
        "branch": "branch GitHub Pages serves (default: gh-pages)",
        "message": "commit message (default: 'Publish N briefs from <commit>')",
    }
)
def publish(
    c,
    content=str(CONTENT),
    output=str(OUTPUT),
    push=True,
    force=False,
    allow_dirty=False,
    remote="origin",
    branch="gh-pages",
    message="",
):
    """Build with publishconf.py, check, and push output/ to gh-pages."""
    from policy_briefs.deploy import publish as publish_site

    site_build.configure_logging()
    try:
        with _memory_left_to_the_system():
            result = publish_site(
                content,
                output,
                remote=remote,
                branch=branch,
                push=push,
                force=force,
                allow_dirty=allow_dirty,
                message=message or None,
            )
    except BriefsError as exc:  # PublishError, or a refused folder
        raise _fail(exc, "Publish refused: nothing was published.") from None
    where = f"pushed to {remote}/{branch}" if result.pushed else f"on {branch}"
    print(f"Published {result.briefs} briefs ({result.commit[:12]}, {where})")


# -- Editors' helpers: new briefs, registry entries, live preview ------------


class TitleFirst(Task):
    """`invoke new "Title" ...` and plain `invoke new` (which asks for
    everything). invoke has no optional positional arguments
    (pyinvoke/invoke#159), so the title is positional only when the command
    line gives a value right after the task name; `--title` works too."""

    def get_arguments(self, ignore_unknown_help=None):
        args = sys.argv[1:]
        after = args[args.index(self.name) + 1 :] if self.name in args else []
        self.positional = ["title"] if after and not after[0].startswith("-") else []
        return super().get_arguments(ignore_unknown_help)


@task(
    klass=TitleFirst,
    iterable=["author", "region", "tags"],
    help={
        "title": "the brief's title (leave everything out to be asked)",
        "author": "an author as named in content/authors.yml; repeat for several",
        "region": "a region as named in content/regions.yml; repeat for several",
        "tags": "a topic; repeat for several",
        "date": "publication date, YYYY-MM-DD (default: today)",
        "summary": "one or two sentences shown under the title",
        "draft": "start it as a draft, shown only in the preview",
        "content": "content folder (default: content/)",
    },
)
def new(
    c,
    title=None,
    author=None,
    region=None,
    tags=None,
    date=None,
    summary=None,
    draft=False,
    content=str(CONTENT),
):
    """Start a brief from the template: content/briefs/<year>/<slug>.md."""
    from briefs.collection import display_path
    from policy_briefs import scaffold

    site_build.configure_logging()
    _folder(content)
    options, timezone = _briefs_options(DEV_SETTINGS)
    try:
        if title is None and not (author or region or tags or summary):
            made = scaffold.ask_brief(
                Path(content), options, timezone, date=date, published=not draft
            )
        elif not (title and author and region):
            raise scaffold.ScaffoldError(
                "A new brief needs a title, an author and a region: invoke new "
                '"Title" --author "Name" --region "Region" (or just `invoke new` '
                "to be asked for each)."
            )
        else:
            request = scaffold.BriefRequest(
                title,
                scaffold.names(author),
                scaffold.names(region),
                scaffold.names(tags),
                summary,
                date,
                published=not draft,
            )
            made = scaffold.create_brief(Path(content), request, options, timezone)
    except scaffold.ScaffoldError as exc:
        raise Exit(str(exc), code=1) from None
    state = "a draft: change 'status' when ready" if draft else "published"
    print(f"Created {display_path(made.path, Path(content))} ({state})")
    for note in made.notes:
        print(f"Note: {note}")
    print(f"Preview: run `invoke serve`, then open {made.preview_url}")


def _refuse_an_option(name: str, task: str) -> None:
    """Invoke hands `invoke new-region --help` to the task as the name."""
    if name.startswith("-"):
        raise Exit(
            f"'{name}' looks like an option, not a name (nothing was written); "
            f"for help: invoke --help {task}",
            1,
        )


def _add_to_registry(add, content: str, name: str, **values) -> None:
    from briefs.collection import display_path
    from policy_briefs.scaffold import ScaffoldError

    site_build.configure_logging()
    _folder(content)
    options, _ = _briefs_options(DEV_SETTINGS)
    try:
        path = add(Path(content), name, options=options, **values)
    except ScaffoldError as exc:
        raise Exit(str(exc), code=1) from None
    print(f"Added '{' '.join(name.split())}' to {display_path(path, Path(content))}")


@task(
    help={
        "name": "full name, accents included, as briefs will spell it",
        "role": "job title, e.g. 'Senior Fellow, Japan Program'",
        "affiliation": "organisation, if not our own staff",
        "bio": "a short biography (Markdown)",
        "content": "content folder (default: content/)",
    }
)
def new_author(c, name, role=None, affiliation=None, bio=None, content=str(CONTENT)):
    """Add an author to content/authors.yml (its comments and order are kept)."""
    from policy_briefs import scaffold

    _refuse_an_option(name, "new-author")
    if not role:
        raise Exit("Give the author's role too: --role 'Fellow, Europe Program'", 1)
    _add_to_registry(
        scaffold.add_author, content, name, role=role, affiliation=affiliation, bio=bio
    )


@task(
    help={
        "name": "the region's name, as briefs will spell it",
        "description": "one or two sentences shown on the region page",
        "content": "content folder (default: content/)",
    }
)
def new_region(c, name, description=None, content=str(CONTENT)):
    """Add a region to content/regions.yml (its comments and order are kept)."""
    from policy_briefs import scaffold

    _refuse_an_option(name, "new-region")
    _add_to_registry(scaffold.add_region, content, name, description=description)


@task(
    aliases=["livereload"],
    help={
        "port": "port on 127.0.0.1 (default: 8000; 0 picks a free one)",
        "content": "content folder (default: content/)",
        "preview": "where the preview is built (default: .preview/)",
        "debug": "show Pelican's log and full tracebacks",
        "force": "replace PREVIEW even though it holds files no build wrote",
    },
)
def serve(c, port="8000", content=str(CONTENT), preview=None, debug=False, force=False):
    """Preview the site, drafts included, at http://localhost:8000/.

    Rebuilds on every change under content/ and theme/ and reloads open pages;
    a failed build shows its problems on the page. Ctrl-C stops."""
    from policy_briefs import serve as preview_server

    site_build.configure_logging(debug)
    folder = preview_server.PREVIEW_DIR if preview is None else preview
    try:
        number = preview_server.parse_port(port)
        preview_server.serve(content, folder, number, force=force)
    except preview_server.ServeError as exc:
        raise Exit(str(exc), code=1) from None
