"""SVG images that are safe to publish; pure.

An SVG is a document: opened on its own (a reader clicks "view image") its
scripts run with the site's address, and it can load other files. Published
SVGs must be self-contained drawings: no script, event attributes,
<foreignObject> (embedded HTML), entity declarations, or references to other
files or hosts (`href`, CSS `url()`, `@import`, `image-set()`); references
within the drawing (`#gradient`) and embedded raster images are fine.
A <use> copies another element: it may not copy one that holds a <use>
itself (ten levels of ten copies are a million elements in a 1 KB file),
and all the copies together are at most MAX_DRAWN elements, so that no
small file costs a renderer (the PDF engine, a browser) minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from .htmlpolicy import shown

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
ACTIVE_ELEMENTS = frozenset({"script", "foreignObject", "handler", "listener"})
ANIMATIONS = frozenset({"animate", "set", "animateMotion", "animateTransform"})
_SEPARATOR = "}"
# CSS that fetches something: url() of anything but #fragment, @import,
# image-set() (whose strings are URLs without url()).
_CSS_FETCH = re.compile(
    r"""url\(\s*(?!['"]?\s*#)|@import|image-set\s*\(""", re.IGNORECASE
)
EMBEDDED_RASTER = re.compile(r"^data:image/(png|jpeg|gif|webp|avif);", re.IGNORECASE)
# Elements a drawing may have with its <use> copies drawn out: far more than
# a detailed map or a chart with thousands of points.
MAX_DRAWN = 200_000
# CSS escapes (`\75 rl(` is `url(`), as a browser reads them.
_CSS_ESCAPE = re.compile(
    r"\\(?:([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\r\f])?|(.))", re.DOTALL
)


def _css_fetches(css: str) -> bool:
    """Whether CSS text fetches something, its escapes decoded as a browser
    decodes them. Comments are left in: `/*` inside a string or a url() is
    no comment, and a url() only commented out is refused, which is safe."""
    if "\\" in css:
        css = _CSS_ESCAPE.sub(_unescaped, css)
    return _CSS_FETCH.search(css) is not None


def _unescaped(match: re.Match) -> str:
    digits, character = match.groups()
    if digits is None:
        return "" if character == "\n" else character
    point = int(digits, 16)
    return (
        chr(point)
        if 0 < point <= 0x10FFFF and not 0xD800 <= point < 0xE000
        else "\ufffd"
    )


class _Stop(Exception):
    """Raised by a handler to stop reading (an entity could expand hugely)."""


@dataclass(frozen=True)
class SvgRefusal:
    message: str
    line: int | None = None


def check_svg(data: bytes) -> list[SvgRefusal]:
    """Everything that makes `data` unsafe to publish; empty when it is safe."""
    checker = _Checker()
    try:
        checker.parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as exc:
        checker.refuse(
            f"not a well-formed SVG (XML) file: {expat.ErrorString(exc.code)}",
            exc.lineno,
        )
    else:
        checker.check_copies()
    if checker.root is None and not checker.refusals:
        checker.refuse("not an SVG image: the file has no elements")
    return checker.refusals


def _local(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(_SEPARATOR)
    return namespace, local


class _Checker:
    def __init__(self):
        self.refusals: list[SvgRefusal] = []
        self.root: str | None = None
        parser = expat.ParserCreate(namespace_separator=_SEPARATOR)
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.EntityDeclHandler = self.entity
        parser.ProcessingInstructionHandler = self.instruction
        parser.ExternalEntityRefHandler = self.external_entity
        self.parser = parser
        self.in_style = 0
        # A <style>'s text, checked whole at its end: the parser hands it
        # over in pieces (at character references, CDATA sections...).
        self.style_text: list[str] = []
        # The open elements, each [elements in it so far, whether it holds a
        # <use>]; those with an id by it; the ids <use> elements copy.
        self.open: list[list] = [[0, False]]
        self.by_id: dict[str, list] = {}
        self.copies: list[tuple[str, int]] = []

    def refuse(self, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.parser.CurrentLineNumber
        self.refusals.append(SvgRefusal(message, line))

    def start(self, name, attributes):
        namespace, local = _local(name)
        if self.root is None:
            self.root = local
            if (namespace, local) != (SVG_NAMESPACE, "svg"):
                self.refuse(
                    f"not an SVG image: the root element is <{local}>, not an "
                    f"<svg> in the {SVG_NAMESPACE} namespace"
                )
        if local in ACTIVE_ELEMENTS or namespace == XHTML_NAMESPACE:
            self.refuse(
                f"the SVG element <{local}> is not allowed (it can run script or "
                "embed a page); remove it"
            )
        self.in_style += local == "style"
        element = [1, local == "use"]
        self.open.append(element)
        for attribute, value in attributes.items():
            attribute = _local(attribute)[1]
            self.attribute(local, attribute, value)
            if attribute == "id":
                self.by_id[value.strip()] = element
            elif local == "use" and attribute == "href" and value.strip()[:1] == "#":
                line = self.parser.CurrentLineNumber
                self.copies.append((value.strip()[1:], line))

    def end(self, name):
        element = self.open.pop()
        self.open[-1][0] += element[0]
        self.open[-1][1] |= element[1]
        if _local(name)[1] != "style":
            return
        self.in_style -= 1
        if not self.in_style and _css_fetches("".join(self.style_text)):
            self.refuse(
                "a <style> element refers to another file or address "
                "(url(), @import or image-set()); SVG images must be self-contained"
            )
        if not self.in_style:
            self.style_text = []

    def attribute(self, element: str, name: str, value: str) -> None:
        if name.lower().startswith("on"):
            self.refuse(
                f"the attribute {name}= on <{element}> is not allowed (it runs "
                "script); remove it"
            )
        elif name == "href" and not (
            value.strip().startswith("#") or EMBEDDED_RASTER.match(value.strip())
        ):
            self.refuse(
                f'{name}="{shown(value)}" on <{element}> refers to another file or '
                "address; SVG images must be self-contained (only #id references)"
            )
        elif element in ANIMATIONS and name == "attributeName":
            target = value.strip().rpartition(":")[2].lower()
            if target == "href" or target.startswith("on"):
                self.refuse(
                    f'<{element} attributeName="{shown(value)}"> is not allowed '
                    "(it can change a link or add script); remove it"
                )
        elif _css_fetches(value):
            self.refuse(
                f'{name}="{shown(value)}" on <{element}> refers to another file or '
                "address; SVG images must be self-contained (only url(#id))"
            )

    def check_copies(self) -> None:
        """Refuse a <use> of an element holding a <use>, and copies that
        together draw more than MAX_DRAWN elements."""
        drawn = self.open[0][0]
        for target, line in self.copies:
            element = self.by_id.get(target)
            if element is None:
                continue  # (draws nothing)
            if element[1]:
                self.refuse(
                    f'<use> copies "#{shown(target, 30)}", which holds a <use> '
                    "itself; copies of copies are not allowed: draw the shapes "
                    "out or copy the shapes themselves",
                    line,
                )
                return
            drawn += element[0]
        if drawn > MAX_DRAWN:
            self.refuse(
                f"the drawing has {drawn:,} elements with its <use> copies drawn "
                f"out, at most {MAX_DRAWN:,}; simplify it or use a PNG"
            )

    def text(self, data):
        if self.in_style:
            self.style_text.append(data)

    def entity(self, name, *_):
        self.refuse(
            f"the entity declaration <!ENTITY {shown(name, 30)}> is not allowed "
            "in SVG images; remove the DOCTYPE's internal subset"
        )
        raise _Stop

    def instruction(self, target, data):
        self.refuse(
            f"the processing instruction <?{shown(target, 30)} ...?> is not "
            "allowed in SVG images (it can load a stylesheet); remove it"
        )

    def external_entity(self, *_):
        self.refuse("SVG images may not refer to external entities; remove them")
        raise _Stop
