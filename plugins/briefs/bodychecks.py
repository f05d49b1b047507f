"""Markdown → checked HTML: what rendering must refuse rather than publish.

`render_checked` is what every Markdown text (brief body, bio, region
description) goes through, in whichever process renders it: the HTML, the
findings that must fail the build (HTML outside the allowlist, a footnote
defined twice, nesting too deep to render), and the local files the HTML
links to (for publishing). Findings carry lines within the text; `problems`
turns them into one-line problems for the file they came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .htmlpolicy import locate, scan_html
from .problems import Problem
from .timelimit import TooSlow, time_limit

# Deeper than this, lists and quotes are never prose, and Python-Markdown
# slows down sharply (about 1 s at 250 levels) before it runs out of stack.
MAX_NESTING = 50
_FOOTNOTE = re.compile(r"^ {0,3}\[\^([^\]]+)\]:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NESTING = re.compile(r"^[ \t>]*")
_TOO_DEEP = (
    f"lists or quotes are nested more than {MAX_NESTING} levels deep; flatten them"
)
# Python-Markdown slows down sharply on some degenerate texts (8,000
# abbreviations: 15 s, growing with the square of the text; README: Known
# limits). A real brief renders in milliseconds; one that takes this long
# is refused rather than left to hold the build for hours.
MAX_RENDER_SECONDS = 60
_TOO_SLOW = (
    "the Markdown takes more than {seconds} s to render (Python-Markdown slows "
    "down sharply on some things repeated thousands of times, such as "
    "abbreviations, unclosed autolinks or one-word paragraphs); simplify it"
)


@dataclass(frozen=True)
class Finding:
    message: str
    line: int | None = None  # 1-based, within the text
    earlier_line: int | None = None  # where the first of two definitions is


@dataclass(frozen=True)
class Rendered:
    html: str
    findings: tuple[Finding, ...] = ()
    links: tuple[str, ...] = ()  # local href/src values, as the browser reads them
    link_spans: Sequence[int] = ()  # where they are (htmlpolicy.Scan.spans)
    ids: tuple[str, ...] = ()  # every id= (htmlpolicy.Scan.ids)


def shared_text_problems(
    rendered: Rendered, shown: str, name: str, kind: str
) -> list[Problem]:
    """What is wrong with a registry text (`kind` "bio" or "description" of
    `name`): what is wrong with any rendered Markdown, and ids of its own.
    A bio stands on each of its author's brief pages, beside the brief's
    own headings and notes; a region's description on the list of regions,
    beside the others'. Its ids (headings and footnotes have them) would
    repeat theirs, and send their note links into it."""
    field = f"{name}: {kind}"
    found = problems(rendered, shown, field=field)
    if rendered.ids:
        found.append(
            Problem(
                shown,
                f"headings, footnotes and id= are not allowed in a {kind} (it "
                "stands on pages with others, whose ids it would repeat: "
                f'id="{rendered.ids[0]}"); write them as plain text',
                field=field,
            )
        )
    return found


def render_checked(markdown, text: str) -> Rendered:
    """Render `text` with a (reset) `markdown.Markdown` and check the result."""
    findings = duplicate_footnotes(text)
    if (line := too_deep(text)) is not None:
        return Rendered("", (*findings, Finding(_TOO_DEEP, line)))
    try:
        with time_limit(MAX_RENDER_SECONDS):
            html = markdown.convert(text)
    except RecursionError:  # nesting of another kind than lists and quotes
        findings.append(Finding(_TOO_DEEP))
        return Rendered("", tuple(findings))
    except TooSlow:
        findings.append(Finding(_TOO_SLOW.format(seconds=MAX_RENDER_SECONDS)))
        return Rendered("", tuple(findings))
    scan = scan_html(html)
    findings += [
        Finding(refusal.message, line)
        for refusal, line in zip(
            scan.refusals, locate(scan.refusals, text), strict=True
        )
    ]
    return Rendered(html, tuple(findings), scan.links, scan.spans, scan.ids)


def _outside_fences(text: str):
    """(line number, line) of every line that is not fenced code."""
    fence = None
    for number, line in enumerate(text.split("\n"), start=1):
        opening = _FENCE.match(line)
        marker = opening.group(1) if opening else ""
        if fence is None and marker:
            fence = marker
        elif fence is not None:
            if marker[:1] == fence[0] and len(marker) >= len(fence):
                fence = None
        else:
            yield number, line


def duplicate_footnotes(text: str) -> list[Finding]:
    """Python-Markdown keeps only the last of two `[^x]:` definitions, so a
    note would silently change."""
    first: dict[str, int] = {}
    found = []
    for number, line in _outside_fences(text):
        if definition := _FOOTNOTE.match(line):
            label = definition.group(1)
            if label in first:
                found.append(
                    Finding(
                        f"the footnote [^{label}] is defined twice; Markdown would "
                        "keep only the last; give each note its own label",
                        number,
                        first[label],
                    )
                )
            first.setdefault(label, number)
    return found


def too_deep(text: str) -> int | None:
    """The first line nested deeper than MAX_NESTING (four columns of
    indentation or one '>' per level), else None."""
    for number, line in _outside_fences(text):
        prefix = _NESTING.match(line).group(0)
        indent = len(prefix.replace(">", "").expandtabs(4))
        if prefix.count(">") + indent // 4 > MAX_NESTING:
            return number
    return None


def problems(
    rendered: Rendered, path: str, *, first_line: int | None = None, field: str
) -> list[Problem]:
    """One-line problems for a text of the file `path`: with the file's line
    numbers when the text starts on `first_line`, else under `field`."""
    found = []
    for finding in rendered.findings:
        message, line = finding.message, None
        if first_line is not None and finding.line is not None:
            line = finding.line + first_line - 1
        if finding.earlier_line is not None:
            message += (
                f" (first on line {finding.earlier_line + first_line - 1})"
                if first_line is not None
                else f" (first on line {finding.earlier_line} of the text)"
            )
        found.append(Problem(path, message, field=None if line else field, line=line))
    return found
