"""Editorial warnings: valid content that readers would still notice.

The build accepts these (a brief without a summary is still a brief), so they
are warnings that `invoke check` lists for an editor, never errors.
"""

from __future__ import annotations

from collections.abc import Iterator

from .collection import Collection, display_path
from .options import BriefsOptions
from .problems import WARNING, Problem
from .schema import Brief

LONG_TITLE = 120  # characters; longer titles wrap badly in listings and feeds


def editorial_warnings(
    collection: Collection, options: BriefsOptions | None = None
) -> list[Problem]:
    """Briefs without a summary, with a very long title or an uncredited
    image, and listed authors without a bio; sorted like other problems."""
    options = options or BriefsOptions()
    content_dir = collection.content_dir
    found = [
        Problem(display_path(source, content_dir), message, field, severity=WARNING)
        for source, brief in collection.briefs.items()
        for field, message in _brief_warnings(brief)
    ]
    authors_file = display_path(content_dir / options.authors_file, content_dir)
    found += [
        Problem(
            authors_file,
            "no bio; the author page shows only the name and the briefs",
            field=f"{author.name}: bio",
            severity=WARNING,
        )
        for author in collection.registry.authors
        if not author.bio
    ]
    found.sort(key=lambda p: (p.path, p.line or 0, p.field or "", p.message))
    return found


def _brief_warnings(brief: Brief) -> Iterator[tuple[str, str]]:
    if not brief.summary:
        yield "summary", "no summary; listings and feeds will show the first lines"
    if len(brief.title) > LONG_TITLE:
        yield (
            "title",
            f"{len(brief.title)} characters long; titles over {LONG_TITLE} "
            "wrap badly in listings and feeds",
        )
    if brief.image and not brief.image_credit:
        yield "image_credit", "the image has no credit; say who made or owns it"
