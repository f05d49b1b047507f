"""Problems found in content, and how they are reported: one line each.

A problem names the file, where in it (line and column for YAML syntax
errors), the field, and what was expected and found, so an editor can fix it
without reading a traceback.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .characters import escaped

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None and self.field is None:
            where = f"line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
            parts.append(where)
        if self.field:
            parts.append(self.field)
        if self.severity == WARNING:
            parts.append("warning")
        parts.append(self.message)
        return escaped(": ".join(parts))


def did_you_mean(value: str, choices) -> str:
    """ " (did you mean 'x'?)" naming the closest of `choices`, or ""."""
    hint = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def unreadable(path: str, error: OSError) -> Problem:
    """A file that is there but cannot be read (permissions, a folder)."""
    reason = error.strerror or str(error)
    return Problem(path, f"cannot read the file ({reason}); check its permissions")


def in_report_order(problems) -> list[Problem]:
    """File by file, then as an editor reads the file: the front matter's
    problems (no line, or the first lines) before the body's, line by line."""
    return sorted(
        problems, key=lambda p: (p.path, p.line or 0, p.field or "", p.message)
    )


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def summary_line(problems: list[Problem], more_warnings: int = 0) -> str:
    """The closing line of a report: how many errors and warnings (with
    `more_warnings` given as lines, not problems)."""
    n_errors = len(errors(problems))
    n_warnings = len(warnings(problems)) + more_warnings
    return (
        f"{n_errors} error{'s' if n_errors != 1 else ''}, "
        f"{n_warnings} warning{'s' if n_warnings != 1 else ''}"
    )


class BriefsError(Exception):
    """The one base of this project's errors: one-line problems to show.

    `lines` are finished messages (`file: field: message`); str() joins them,
    so plain `pelican` (whose log filter, see __init__.py, drops the
    traceback) prints exactly the lines `invoke build` prints.
    """

    def __init__(self, lines: list[str]):
        self.lines = list(map(escaped, lines))
        super().__init__("\n".join(self.lines))


class ContentError(BriefsError):
    """Invalid content: every error found, then a closing count."""

    def __init__(self, problems: list[Problem]):
        self.problems = in_report_order(errors(problems))
        super().__init__(
            [str(p) for p in self.problems]
            + [f"Build failed: {summary_line(problems)}."]
        )


class LinkError(BriefsError):
    """Broken links in the finished site, one line each."""
