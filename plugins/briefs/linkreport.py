"""The link check's findings as an editor needs them: one line a mistake,
naming the file to fix.

A broken link in a brief's body stands on its page and again in every feed
that carries the brief; a broken link in the theme stands on every page of
a folder. Reported as found, one mistake was dozens of lines, none naming
the Markdown file. Here a broken link is reported against the text that
holds it, as written there, with the pages and feeds it shows on: a brief's
page against the brief's body, else against a bio or a region's
description that holds it; the same broken target found elsewhere, for the
same reason, is folded into that line; and any other broken link repeated
on several pages is one line, naming the first page and how many more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .linkcheck import BrokenLink


class Source(NamedTuple):
    """A text an editor writes: where it is, as shown (`content/x.md`,
    `content/authors.yml: Name: bio`), and the local links it holds as
    written (SourceRead.local_urls, a registry text's links)."""

    shown: str
    urls: frozenset[str]


@dataclass(eq=False)
class _Finding:
    where: str  # the source file, or the first page it was found on
    url: str  # as written there
    reason: str
    # Where it was found, in order (a dict: thousands of pages may share
    # one broken link of a bio).
    pages: dict[str, None] = field(default_factory=dict)

    def line(self, attributed: bool) -> str:
        """`where: url: reason`, and where else it was found."""
        others = list(self.pages)[0 if attributed else 1 :]
        text = f"{self.where}: {self.url}: {self.reason}"
        if attributed:
            text += f"; on {_counted(others)}"
        elif others:
            text += f"; also on {_counted(others)}"
        return text


def _counted(files: list[str]) -> str:
    """`briefs/x.html`, `briefs/x.html and 3 feeds`, `a.html, b.html and
    feeds/all.atom.xml`: pages and feeds by name up to two of each, by
    number past that."""
    feeds = [name for name in files if name.endswith(".xml")]
    pages = [name for name in files if not name.endswith(".xml")]
    parts = [
        part
        for group, kind in ((pages, "pages"), (feeds, "feeds"))
        for part in (group if len(group) <= 2 else [f"{len(group)} {kind}"])
    ]
    return (
        " and ".join(parts)
        if len(parts) <= 2
        else (", ".join(parts[:-1]) + " and " + parts[-1])
    )


def _target(link: BrokenLink) -> tuple:
    """What makes two broken links one mistake, wherever they stand: the
    path they resolve to (an id of their own page: the page too), else the
    URL as written; and why it is broken."""
    if link.path:
        return (link.path, link.fragment, link.reason)
    if link.path == "":
        return (link.page, link.target, link.reason)
    return (None, link.target, link.reason)


def report(
    broken: Iterable[BrokenLink],
    bodies: Mapping[str, Source] = {},
    shared: Sequence[Source] = (),
) -> list[str]:
    """One line for each mistake among `broken`: against the brief's body
    on its page (`bodies`, by page) when the body holds the link, else
    against each `shared` text (bios, descriptions) that holds it (these
    lines first, by source); else against the first page it is on."""
    holding: dict[str, list[Source]] = {}  # the shared texts, by link
    for text in shared:
        for url in text.urls:
            holding.setdefault(url, []).append(text)
    attributed: dict[tuple, _Finding] = {}
    by_target: dict[tuple, list[_Finding]] = {}
    rest: list[BrokenLink] = []
    for link in broken:
        body = bodies.get(link.page)
        if body is not None and link.target in body.urls:
            holders = [body]
        else:
            holders = holding.get(link.target, [])
        if not holders:
            rest.append(link)
        for holder in holders:
            key = (holder.shown, link.target)  # (one line, whatever the page)
            finding = attributed.get(key)
            if finding is None:
                finding = attributed[key] = _Finding(
                    holder.shown, link.target, link.reason
                )
            found_with = by_target.setdefault(_target(link), [])
            if finding not in found_with:
                found_with.append(finding)
            finding.pages[link.page] = None
    others: dict[tuple, _Finding] = {}
    for link in rest:
        shown_with = by_target.get(_target(link))
        if shown_with:  # a text's link again, in a feed or another page
            for finding in shown_with:
                finding.pages[link.page] = None
            continue
        key = (link.target, _target(link))
        finding = others.get(key)
        if finding is None:
            finding = others[key] = _Finding(link.page, link.target, link.reason)
        finding.pages[link.page] = None
    by_source = sorted(attributed.values(), key=lambda finding: finding.where)
    return [finding.line(True) for finding in by_source] + [
        finding.line(False) for finding in others.values()
    ]
