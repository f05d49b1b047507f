"""The link check's findings as an editor needs them: one line a mistake,
naming the file to fix.

A broken link in a brief's body stands on its page and again in every feed
that carries the brief; a broken link in the theme stands on every page of
a folder. Reported as found, one mistake was dozens of lines, none naming
the Markdown file. Here a broken link of a brief's page that its body holds
(as written there) is reported against the brief's source, with the pages
and feeds it shows on; the same broken target found elsewhere, for the same
reason, is folded into that line; and any other broken link repeated on
several pages is one line, naming the first page and how many more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .linkcheck import BrokenLink


class BodySource(NamedTuple):
    """The brief behind a page: its source as shown, and the local links
    its body holds as written (SourceRead.local_urls)."""

    shown: str
    urls: frozenset[str]


@dataclass
class _Finding:
    where: str  # the source file, or the first page it was found on
    url: str  # as written there
    reason: str
    pages: list[str] = field(default_factory=list)

    def line(self, attributed: bool) -> str:
        """`where: url: reason`, and where else it was found."""
        others = self.pages if attributed else self.pages[1:]
        text = f"{self.where}: {self.url}: {self.reason}"
        if attributed:
            text += f"; on {_counted(others)}"
        elif others:
            text += f"; also on {_counted(others)}"
        return text


def _counted(files: list[str]) -> str:
    """`briefs/x.html`, `briefs/x.html and 3 feeds`, `2 pages and
    feeds/all.atom.xml`: one page or feed by name, several by number."""
    feeds = [name for name in files if name.endswith(".xml")]
    pages = [name for name in files if not name.endswith(".xml")]
    return " and ".join(
        group[0] if len(group) == 1 else f"{len(group)} {kind}s"
        for group, kind in ((pages, "page"), (feeds, "feed"))
        if group
    )


def _target(link: BrokenLink) -> tuple:
    """What makes two broken links one mistake, wherever they stand: the
    file they resolve to (else the page and the URL as written), and why
    it is broken."""
    if link.path:
        return (link.path, link.fragment, link.reason)
    return (link.page, link.target, link.reason)


def report(
    broken: Iterable[BrokenLink], sources: Mapping[str, BodySource] = {}
) -> list[str]:
    """One line for each mistake among `broken`: against its brief's source
    when the page is a brief's (`sources`, by page) and its body holds the
    link (those first, by source), else against the first page it is on."""
    broken = list(broken)
    attributed: dict[tuple, _Finding] = {}
    by_target: dict[tuple, list[_Finding]] = {}
    rest: list[BrokenLink] = []
    for link in broken:
        source = sources.get(link.page)
        if source is None or link.target not in source.urls:
            rest.append(link)
            continue
        key = (source.shown, link.target, link.reason)
        finding = attributed.get(key)
        if finding is None:
            finding = attributed[key] = _Finding(source.shown, link.target, link.reason)
            by_target.setdefault(_target(link), []).append(finding)
        finding.pages.append(link.page)
    others: dict[tuple, _Finding] = {}
    for link in rest:
        shown_with = by_target.get(_target(link))
        if shown_with:  # a body's link again, in a feed or another page
            for finding in shown_with:
                if link.page not in finding.pages:
                    finding.pages.append(link.page)
            continue
        key = (link.target, _target(link))
        finding = others.get(key)
        if finding is None:
            finding = others[key] = _Finding(link.page, link.target, link.reason)
        finding.pages.append(link.page)
    by_source = sorted(attributed.values(), key=lambda finding: finding.where)
    return [finding.line(True) for finding in by_source] + [
        finding.line(False) for finding in others.values()
    ]
