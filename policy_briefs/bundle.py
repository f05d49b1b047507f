"""The offline edition: the whole site in one zip, to open from disk.

Built with the development settings (every link relative, no absolute
addresses, no sitemap) into a temporary folder through the same atomic build
as `invoke build`, so the link check has passed before anything is zipped.
The PDF editions are part of it: without the PDF engine there is no bundle.
Entries sit under one top folder named like the zip, so unzipping never
scatters files into the current folder.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import zipfile
from pathlib import Path

from pelican.utils import slugify

from briefs import outputdir

from . import build as site_build
from .project import DEV_SETTINGS

logger = logging.getLogger(__name__)

DIST = site_build.ROOT / "dist"


def bundle_name(settings: dict, day: dt.date) -> str:
    """`<site-name>-offline-<YYYY-MM-DD>`, site name slugified from SITENAME."""
    site = slugify(
        settings["SITENAME"], regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    )
    return f"{site or 'site'}-offline-{day.isoformat()}"


def make_bundle(
    content: Path = site_build.ROOT / "content",
    dist: Path = DIST,
    day: dt.date | None = None,
    settings_file: Path = DEV_SETTINGS,
) -> Path:
    """Build `content` and zip it into `dist`; return the zip's path.

    Raises policy_briefs.build.BuildError (and writes nothing) when the build or
    the link check fails.
    """
    day = day or dt.date.today()
    dist = Path(dist)
    content_folder = outputdir.require_folder(content)
    if (resolved := dist.resolve()).is_relative_to(content_folder):
        where = (
            "the content folder"
            if resolved == content_folder
            else f"inside the content folder ({content_folder})"
        )
        raise outputdir.FolderError(
            f"refusing to write the offline zip into {dist}: it is {where}, "
            "where every file is the site's source; give a folder outside it"
        )
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bundle-", dir=dist) as tmp:
        site = Path(tmp) / "site"
        site_build.build(content, site, settings_file, PDF_EDITIONS="required")
        settings = site_build.load_settings(content, site, settings_file)
        name = bundle_name(settings, day)
        partial = Path(tmp) / f"{name}.zip"
        write_zip(site, partial, name, day)
        target = dist / f"{name}.zip"
        partial.replace(target)
    logger.info("wrote %s", target)
    return target


def write_zip(site: Path, target: Path, top: str, day: dt.date) -> None:
    """Zip every file of `site` under `top/`, in a stable order; not the
    build's marker (outputdir.MARKER), which is no part of the site. Every
    entry is dated `day` (the bundle's) and readable by all: the same site
    makes the same zip, byte for byte, whenever it is built that day."""
    files = sorted(
        p for p in site.rglob("*") if p.is_file() and p != site / outputdir.MARKER
    )
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            entry = zipfile.ZipInfo(f"{top}/{path.relative_to(site).as_posix()}", stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(entry, path.read_bytes())
