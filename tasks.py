"""Tasks for editors and publishers: `.venv/bin/invoke --list` shows them all."""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from briefs.collection import validate_content  # noqa: E402
from briefs.problems import summary_line  # noqa: E402
from sitetools import build as site_build  # noqa: E402

CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"


def _settings_briefs_config(settings_file: Path) -> tuple[dict, str]:
    settings = site_build.load_settings(CONTENT, OUTPUT, settings_file)
    return settings.get("BRIEFS"), settings["TIMEZONE"]


@task(help={"content": "content folder to check (default: content/)"})
def check(c, content=str(CONTENT)):
    """Validate every brief and registry; list every problem; write nothing."""
    config, timezone = _settings_briefs_config(site_build.DEV_SETTINGS)
    collection = validate_content(Path(content), config, timezone)
    for problem in collection.problems:
        print(problem, file=sys.stderr)
    verdict = "OK" if collection.ok else "FAILED"
    print(
        f"{verdict}: {len(collection.briefs)} briefs checked, "
        f"{summary_line(collection.problems)}.",
        file=sys.stderr,
    )
    if not collection.ok:
        raise Exit(code=1)


@task(
    help={
        "content": "content folder (default: content/)",
        "output": "output folder (default: output/)",
        "production": "use publishconf.py (absolute feed and canonical URLs)",
        "verbose": "show Pelican's progress and full tracebacks",
    }
)
def build(c, content=str(CONTENT), output=str(OUTPUT), production=False, verbose=False):
    """Build the site into OUTPUT atomically; exit non-zero on any problem."""
    site_build.configure_logging(verbose)
    settings_file = (
        site_build.PUBLISH_SETTINGS if production else site_build.DEV_SETTINGS
    )
    try:
        result = site_build.build(Path(content), Path(output), settings_file)
    except site_build.BuildError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(
            f"Build failed: {len(exc.lines)} problem(s); {output} was left as it was.",
            file=sys.stderr,
        )
        raise Exit(code=1) from None
    print(f"Built {result.briefs} briefs into {result.output}")


@task(help={"sizes": "comma-separated collection sizes (default: 100,1000,5000)"})
def bench(c, sizes="100,1000,5000"):
    """Time validation and a full build of synthetic collections."""
    from sitetools import bench as benchmark

    site_build.configure_logging()
    print(f"{'briefs':>7} {'validate s':>11} {'build s':>9} {'briefs/s':>9}")
    for count, validated, built in benchmark.run([int(s) for s in sizes.split(",")]):
        print(f"{count:>7} {validated:>11.2f} {built:>9.2f} {count / built:>9.0f}")
