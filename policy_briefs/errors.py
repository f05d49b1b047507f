"""The one error the build tooling raises for a failed build or a refusal."""


class BuildError(Exception):
    """The build failed; `lines` are the one-line messages to show."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines
