"""Python-Markdown's block pass, with the same output in four fifths the time.

The block parser asks each block processor in turn whether it takes a block,
and most answer by searching the block with a regular expression: about 150
searches a brief, nearly all of them failing, a third of parsing it.
An expression every match of which contains one of a few strings
(`fastinline.required_strings`: `#` for a heading, `>` for a quote, `[^` for
a footnote) cannot match a block that holds none of them. Each such
expression of the block processors and preprocessors is wrapped in a
`GuardedPattern`, which looks for those strings first (one search in C) and
answers None at once when none is there, as the expression itself would
have; otherwise it asks the expression. So the result is identical, search
for search; `tests/test_rendering.py` compares the HTML with Python-Markdown's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from markdown.extensions import Extension

from .fastinline import required_search


class GuardedPattern:
    """A compiled expression whose `search` and `match` first look for the
    strings one of which every match contains (anything else is the
    expression's own)."""

    __slots__ = ("_pattern", "_required")

    def __init__(self, pattern: re.Pattern, required: Callable[[str], object]):
        self._pattern = pattern
        self._required = required

    def search(self, string: str, *args, **kwargs):
        if self._required(string) is None:
            return None
        return self._pattern.search(string, *args, **kwargs)

    def match(self, string: str, *args, **kwargs):
        if self._required(string) is None:
            return None
        return self._pattern.match(string, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._pattern, name)


def guard(processor) -> None:
    """Guard each expression `processor` holds, on the processor itself
    (class attributes are shadowed, not changed)."""
    for name, pattern in _patterns(processor):
        required = required_search(pattern)
        if required is not None:
            setattr(processor, name, GuardedPattern(pattern, required))


def _patterns(processor) -> Iterator[tuple[str, re.Pattern]]:
    """(name, expression) of each compiled expression `processor` holds,
    its own or its class's."""
    seen = set()
    for namespace in (vars(processor), *(vars(c) for c in type(processor).__mro__)):
        for name, value in namespace.items():
            if name not in seen:
                seen.add(name)
                if isinstance(value, re.Pattern):
                    yield name, value


class FastBlockExtension(Extension):
    """Load last: guards the expressions of the block processors and
    preprocessors other extensions set up."""

    def extendMarkdown(self, md):
        for processor in (*md.preprocessors, *md.parser.blockprocessors):
            guard(processor)


def makeExtension(**kwargs):
    return FastBlockExtension(**kwargs)
