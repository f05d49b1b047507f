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
from dataclasses import dataclass

from .htmlpolicy import locate, scan_html
from .problems import Problem

_FOOTNOTE = re.compile(r"^ {0,3}\[\^([^\]]+)\]:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NESTING = re.compile(r"^[ \t>]*")


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


def render_checked(markdown, text: str) -> Rendered:
    """Render `text` with a (reset) `markdown.Markdown` and check the result."""
    findings = duplicate_footnotes(text)
    try:
        html = markdown.convert(text)
    except RecursionError:
        findings.append(
            Finding(
                "the Markdown is nested too deeply to render (lists or quotes "
                "inside each other hundreds of levels deep); flatten it",
                _deepest_line(text),
            )
        )
        return Rendered("", tuple(findings))
    scan = scan_html(html)
    findings += [
        Finding(refusal.message, line)
        for refusal, line in zip(
            scan.refusals, locate(scan.refusals, text), strict=True
        )
    ]
    return Rendered(html, tuple(findings), scan.links)


def duplicate_footnotes(text: str) -> list[Finding]:
    """Python-Markdown keeps only the last of two `[^x]:` definitions, so a
    note would silently change; code blocks are not definitions."""
    first: dict[str, int] = {}
    found = []
    fence = None
    for number, line in enumerate(text.split("\n"), start=1):
        opening = _FENCE.match(line)
        if fence is not None:
            if (
                opening
                and opening.group(1)[0] == fence[0]
                and len(opening.group(1)) >= len(fence)
            ):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        definition = _FOOTNOTE.match(line)
        if definition:
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


def _deepest_line(text: str) -> int:
    lines = text.split("\n")
    depths = [len(_NESTING.match(line).group(0).expandtabs(4)) for line in lines]
    return depths.index(max(depths)) + 1


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
