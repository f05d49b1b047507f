"""How long a brief is: its words and reading time, from the rendered body.

Shared by the open data files and the brief page, so both say the same.
"""

from __future__ import annotations

import math
from html.parser import HTMLParser

WORDS_PER_MINUTE = 200


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")  # <p>a</p><p>b</p> is two words, not "ab"

    def handle_endtag(self, tag):
        self.parts.append(" ")


def body_text(html: str) -> str:
    """The text a reader sees in rendered HTML, tags dropped."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def word_count(text: str) -> int:
    """Runs of text between spaces that hold a letter or digit; a lone
    dash or bullet is not a word."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def reading_time(words: int) -> int:
    """Minutes at 200 words a minute, rounded up, never less than one."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
