"""YAML text → a small tree of plain nodes, with line numbers kept.

Built from the parser's event stream rather than PyYAML's constructors, so:
every scalar stays text (YAML 1.1 would turn `Yes` into True and `0755` into
493), tags that would build objects and anchors/aliases (expansion bombs) are
refused at the first event, and duplicate keys are reported, not overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_NULLS = {"", "~", "null", "Null", "NULL"}
_NUMBER = re.compile(
    r"^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$"
    r"|^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$"
    r"|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
)


@dataclass
class Scalar:
    value: str
    line: int
    plain: bool = True

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in _NULLS

    @property
    def looks_like_number(self) -> bool:
        return self.plain and bool(_NUMBER.match(self.value))


@dataclass
class Sequence:
    items: list
    line: int


@dataclass
class Mapping:
    pairs: list[tuple[Scalar, object]] = field(default_factory=list)
    line: int = 0

    def keys(self) -> list[str]:
        return [key.value for key, _ in self.pairs]

    def get(self, key: str):
        for k, v in self.pairs:
            if k.value == key:
                return v
        return None


def kind_of(node) -> str:
    """How a node is described to an editor in 'expected X, found Y'."""
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return "nothing"
    if isinstance(node, Mapping):
        return "a mapping (key: value pairs)"
    if isinstance(node, Sequence):
        return "a list"
    return f"'{shorten(node.value)}'"


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TreeError(Exception):
    """A YAML problem with its (1-based, file-relative) line and column."""

    def __init__(self, message: str, line: int | None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def quoted(value: str) -> str:
    """A YAML double-quoted scalar: a JSON string is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def flow_list(values) -> str:
    """Texts as a YAML flow list, each quoted: ["A", "B: c"]."""
    return "[" + ", ".join(map(quoted, values)) + "]"


def parse(text: str, first_line: int = 1):
    """Parse one YAML document into Scalar/Sequence/Mapping nodes (or None).

    `first_line` is the file line on which `text` starts, so errors point into
    the file the editor has open. Raises TreeError on the first problem.
    """
    offset = first_line - 1
    stack: list = []
    root = None
    done = False
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 + offset if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                raise TreeError(
                    f"YAML aliases (*{event.anchor}) are not allowed; "
                    "write the value out in full",
                    line,
                )
            if isinstance(event, yaml.DocumentStartEvent) and done:
                raise TreeError("only one YAML document is allowed", line)
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                raise TreeError(
                    f"YAML anchors (&{event.anchor}) are not allowed; "
                    "write the value out in full",
                    line,
                )
            if isinstance(event, yaml.ScalarEvent):
                if event.tag is not None and not event.implicit[1]:
                    raise TreeError(f"YAML tags ({event.tag}) are not allowed", line)
                node = Scalar(event.value, line, plain=event.implicit[0])
            elif isinstance(event, yaml.CollectionStartEvent):
                if event.tag is not None and not event.implicit:
                    raise TreeError(f"YAML tags ({event.tag}) are not allowed", line)
                node = (
                    Mapping([], line)
                    if isinstance(event, yaml.MappingStartEvent)
                    else Sequence([], line)
                )
                _attach(stack, node)
                # [collection, its pending key, its keys so far by name]
                stack.append([node, None, {}])
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                node = stack.pop()[0]
                if not stack:
                    root, done = node, True
                continue
            else:
                continue
            if not stack:
                root, done = node, True
            else:
                _attach(stack, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        column = mark.column + 1 if mark else None
        raise TreeError(_explain(exc, text, mark), line, column) from None
    except yaml.YAMLError as exc:  # unmarked reader errors
        raise TreeError(f"YAML syntax error: {exc}", None) from None
    return root


def _attach(stack: list, node) -> None:
    """Add `node` to the collection on top of the stack (key or value).

    Earlier keys are looked up by name, not scanned: a scan made a front
    matter of 100,000 keys take minutes."""
    if not stack:
        return
    frame = stack[-1]
    parent, seen = frame[0], frame[2]
    if isinstance(parent, Sequence):
        parent.items.append(node)
        return
    key = frame[1]
    if key is None:
        if not isinstance(node, Scalar):
            raise TreeError(
                "keys must be plain names, not lists or mappings", node.line
            )
        if existing := seen.get(node.value):
            raise TreeError(
                f"duplicate key '{shorten(node.value)}' "
                f"(first on line {existing.line}); keep only one",
                node.line,
            )
        seen[node.value] = node
        frame[1] = node
    else:
        parent.pairs.append((key, node))
        frame[1] = None


def _explain(exc: yaml.MarkedYAMLError, text: str, mark) -> str:
    """Turn a parser message into advice an editor can act on."""
    problem = exc.problem or str(exc)
    source_line = ""
    if mark is not None:
        lines = text.split("\n")
        if mark.line < len(lines):
            source_line = lines[mark.line]
    if "\t" in source_line[: (mark.column + 1) if mark else 0] or (
        "cannot start any token" in problem and "\t" in source_line
    ):
        return "YAML syntax error: tab characters cannot indent YAML; use spaces"
    if "mapping values are not allowed" in problem:
        return (
            "YAML syntax error: a value contains ': '; "
            'put the whole value in quotes, e.g. title: "A: B"'
        )
    return f"YAML syntax error: {problem}"
