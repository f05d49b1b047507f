"""Tasks for editors and publishers: `.venv/bin/invoke --list` shows them all."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from invoke import Exit, Task, task

from briefs.collection import validate_content
from briefs.editorial import editorial_warnings
from briefs.problems import summary_line
from policy_briefs import build as site_build
from policy_briefs.progress import reporting
from policy_briefs.project import CONTENT, DEV_SETTINGS, OUTPUT, PUBLISH_SETTINGS, ROOT


def _settings_briefs_config(settings_file: Path) -> tuple[dict, str]:
    settings = site_build.load_settings(CONTENT, OUTPUT, settings_file)
    return settings.get("BRIEFS"), settings["TIMEZONE"]


def _fail(error: site_build.BuildError, closing: str) -> Exit:
    """Print a failed build's one-line problems and a closing line; exit 1."""
    for line in error.lines:
        print(line, file=sys.stderr)
    print(closing, file=sys.stderr)
    return Exit(code=1)


@task(help={"content": "content folder to check (default: content/)"})
def check(c, content=str(CONTENT)):
    """Validate briefs, registries and links; list every problem; write no site.

    Also warns about editorial gaps (no summary, uncredited images...). Links
    are checked on a scratch build, deleted afterwards."""
    site_build.configure_logging()
    config, timezone = _settings_briefs_config(DEV_SETTINGS)
    collection = validate_content(Path(content), config, timezone)
    problems = collection.problems + editorial_warnings(collection, config)
    broken_links: list[str] = []
    if collection.ok:  # links can only be checked on a site that builds
        with tempfile.TemporaryDirectory(prefix="briefs-check-") as scratch:
            try:
                site_build.build(Path(content), Path(scratch) / "site")
            except site_build.BuildError as exc:
                broken_links = exc.lines
    for line in [*map(str, problems), *broken_links]:
        print(line, file=sys.stderr)
    ok = collection.ok and not broken_links
    links = f", {len(broken_links)} link problems" if broken_links else ""
    print(
        f"{'OK' if ok else 'FAILED'}: {len(collection.briefs)} briefs checked, "
        f"{summary_line(problems)}{links}.",
        file=sys.stderr,
    )
    if not ok:
        raise Exit(code=1)


@task(
    help={
        "content": "content folder (default: content/)",
        "output": "output folder (default: output/)",
        "production": "use publishconf.py (absolute feed and canonical URLs)",
        "debug": "show Pelican's log and full tracebacks",
    }
)
def build(c, content=str(CONTENT), output=str(OUTPUT), production=False, debug=False):
    """Build the site into OUTPUT atomically; exit non-zero on any problem."""
    site_build.configure_logging(debug)
    settings_file = PUBLISH_SETTINGS if production else DEV_SETTINGS
    try:
        with reporting(enabled=False if debug else None):
            result = site_build.build(Path(content), Path(output), settings_file)
    except site_build.BuildError as exc:
        closing = (
            f"Build failed: {len(exc.lines)} problem(s); {output} was left as it was."
        )
        raise _fail(exc, closing) from None
    print(f"Built {result.briefs} briefs into {result.output}")


@task(help={"sizes": "comma-separated collection sizes (default: 100,1000,5000)"})
def bench(c, sizes="100,1000,5000"):
    """Time validation, a build, a rebuild and the PDFs of synthetic sites."""
    from policy_briefs import bench as benchmark

    site_build.configure_logging()
    figures = benchmark.run([int(size) for size in sizes.split(",")])
    print("Site (without PDFs)")
    print(f"{'briefs':>7} {'validate s':>11} {'build s':>8} {'rebuild s':>10}")
    for row in figures:
        print(
            f"{row.briefs:>7} {row.validate:>11.2f} {row.build:>8.2f} "
            f"{row.rebuild:>10.2f}"
        )
    print("PDF editions (budgets: 5,000 from cold in 300 s; one edit adds 1 s)")
    print(f"{'briefs':>7} {'cold s':>8} {'CPU s':>7} {'ms/PDF':>7} {'one edit +s':>12}")
    for row in figures:
        print(
            f"{row.briefs:>7} {row.pdfs:>8.2f} {row.pdf_cpu:>7.2f} "
            f"{row.ms_per_pdf:>7.0f} {row.pdf_edit:>12.2f}"
        )


@task(
    help={
        "output": "built site to check (default: output/)",
        "site-url": "public address: absolute URLs under it are checked as files",
    }
)
def linkcheck(c, output=str(OUTPUT), site_url=""):
    """Check every link, asset and feed link of a built site against its files."""
    from policy_briefs.linkcheck import check_site

    broken = check_site(Path(output), site_url=site_url or None)
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
    try:
        path = make_bundle(Path(content), Path(dist))
    except site_build.BuildError as exc:
        raise _fail(exc, "Bundle failed: nothing was written.") from None
    print(f"Wrote {path}")


@task(
    help={
        "content": "content folder (default: content/)",
        "output": "output folder (default: output/)",
        "push": "push the branch to the remote (default: --push)",
        "force": "publish even if the site lost more than half its briefs",
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
    remote="origin",
    branch="gh-pages",
    message="",
):
    """Build with publishconf.py, check, and push output/ to gh-pages."""
    from policy_briefs.deploy import PublishError
    from policy_briefs.deploy import publish as publish_site

    site_build.configure_logging()
    try:
        result = publish_site(
            Path(content),
            Path(output),
            remote=remote,
            branch=branch,
            push=push,
            force=force,
            message=message or None,
        )
    except PublishError as exc:
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
    config, timezone = _settings_briefs_config(DEV_SETTINGS)
    try:
        if title is None and not (author or region or tags or summary):
            made = scaffold.ask_brief(
                Path(content), config, timezone, date=date, published=not draft
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
            made = scaffold.create_brief(Path(content), request, config, timezone)
    except scaffold.ScaffoldError as exc:
        raise Exit(str(exc), code=1) from None
    state = "a draft: change 'status' when ready" if draft else "published"
    print(f"Created {display_path(made.path, Path(content))} ({state})")
    for note in made.notes:
        print(f"Note: {note}")
    print(f"Preview: run `invoke serve`, then open {made.preview_url}")


def _add_to_registry(add, content: str, name: str, **values) -> None:
    from briefs.collection import display_path
    from policy_briefs.scaffold import ScaffoldError

    site_build.configure_logging()
    config, _ = _settings_briefs_config(DEV_SETTINGS)
    try:
        path = add(Path(content), name, config=config, **values)
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

    _add_to_registry(scaffold.add_region, content, name, description=description)


@task(
    aliases=["livereload"],
    help={
        "port": "port on 127.0.0.1 (default: 8000; 0 picks a free one)",
        "content": "content folder (default: content/)",
        "preview": "where the preview is built (default: .preview/)",
        "debug": "show Pelican's log and full tracebacks",
    },
)
def serve(c, port=8000, content=str(CONTENT), preview=None, debug=False):
    """Preview the site, drafts included, at http://localhost:8000/.

    Rebuilds on every change under content/ and theme/ and reloads open pages;
    a failed build shows its problems on the page. Ctrl-C stops."""
    from policy_briefs import serve as preview_server

    site_build.configure_logging(debug)
    folder = Path(preview) if preview else preview_server.PREVIEW_DIR
    try:
        preview_server.serve(Path(content), folder, int(port))
    except preview_server.ServeError as exc:
        raise Exit(str(exc), code=1) from None
