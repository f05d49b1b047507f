"""The one error the build tooling raises for a failed build or a refusal."""

from briefs.problems import BriefsError


class BuildError(BriefsError):
    """The build failed; `lines` are the one-line messages to show."""
