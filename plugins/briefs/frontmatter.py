"""Brief file bytes → (front matter tree, Markdown body); pure.

Strict UTF-8 (an optional byte order mark is dropped), CRLF and CR line
endings normalised, no control characters or noncharacters anywhere, and a
front matter block that must open on the first line with `---` and close with
`---` (or `...`).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from . import yamltree
from .characters import describe, first_forbidden

_FENCE = "---"
_CLOSERS = {"---", "..."}
# Far above any real front matter (the sample's largest is under 1 KB): a bigger
# one is a paste gone wrong, and each of its keys costs a message.
MAX_FRONT_MATTER = 64 * 1024


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int | None = None, column=None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    header: yamltree.Mapping
    body: str
    body_line: int


def decode(data: bytes) -> str:
    """Bytes → text, naming the byte offset of the first invalid byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FrontMatterError(
            "the file is encoded as UTF-16; save it as UTF-8 (byte offset 0)"
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        base = len(codecs.BOM_UTF8)
    else:
        base = 0
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} at byte "
            f"offset {exc.start + base}; save it as UTF-8"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if bad := first_forbidden(text):
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise FrontMatterError(
            f"the character {describe(bad.group(0))} is not allowed (it is "
            "invisible on the page and breaks feeds); delete it",
            line,
            column,
        )
    return text


def split(text: str) -> tuple[str, str, int]:
    """Text → (YAML header, body, line number where the body starts)."""
    if not text.strip():
        raise FrontMatterError("the file is empty; a brief starts with front matter")
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        raise FrontMatterError(
            "no front matter: the first line must be '---', followed by "
            "fields such as 'title:' and a closing '---' line",
            line=1,
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSERS:
            header = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return header, body, index + 2
    raise FrontMatterError(
        "the front matter opened by '---' on line 1 is never closed; "
        "add a line '---' after the last field",
        line=1,
    )


def parse(data: bytes) -> Document:
    """Bytes of a brief → Document, or FrontMatterError."""
    header, body, body_line = split(decode(data))
    if len(header) > MAX_FRONT_MATTER:
        raise FrontMatterError(
            f"the front matter is {len(header):,} characters long, at most "
            f"{MAX_FRONT_MATTER:,}; move long text into the body",
            line=2,
        )
    try:
        tree = yamltree.parse(header, first_line=2)
    except yamltree.TreeError as exc:
        raise FrontMatterError(exc.message, exc.line, exc.column) from None
    if tree is None:
        tree = yamltree.Mapping([], 2)
    if not isinstance(tree, yamltree.Mapping):
        raise FrontMatterError(
            "the front matter must be 'field: value' lines, "
            f"found {yamltree.kind_of(tree)}",
            line=2,
        )
    return Document(tree, body, body_line)
