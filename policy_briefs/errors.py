"""The one error the build tooling raises for a failed build or a refusal."""

from briefs.problems import BriefsError, Problem


class BuildError(BriefsError):
    """The build failed; `lines` are the one-line messages to show.

    What they are, for a report that counts them (`invoke check`):
    `problems`, the content problems found while reading (ContentError's);
    `broken_links`, true when they are the link check's (LinkError's)."""

    def __init__(
        self,
        lines: list[str],
        problems: list[Problem] | None = None,
        broken_links: bool = False,
    ):
        super().__init__(lines)
        self.problems = list(problems or ())
        self.broken_links = broken_links
