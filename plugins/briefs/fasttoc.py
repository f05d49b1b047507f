"""Python-Markdown's `toc` treeprocessor, without the table it is not asked for.

The toc extension gives every heading an id; then it builds the table of
contents (tokens, a `<div>` serialised and run through the postprocessors
into `md.toc`) and walks the whole document for the `[TOC]` marker to put
the table in its place. The site reads a brief's contents from its HTML
(contents.py) and never reads `md.toc`, so when no text in the document
holds the marker, `FastTocTreeprocessor` gives the headings the same ids,
as the stock processor does, and stops there: a fortieth of a brief's read.
A document with the marker gets the stock processor's whole run.
`tests/test_rendering.py` compares the HTML with Python-Markdown's.
"""

from __future__ import annotations

import html

from markdown.extensions import Extension
from markdown.extensions.toc import (
    TocTreeprocessor,
    remove_fnrefs,
    render_inner_html,
    strip_tags,
    unique,
)


class FastTocTreeprocessor(TocTreeprocessor):
    def run(self, doc) -> None:
        if self.marker and self.marker in "".join(doc.itertext()):
            super().run(doc)
            return
        # TocTreeprocessor.run (Markdown 3.11), but for the table's tokens.
        used_ids = {el.attrib["id"] for el in doc.iter() if "id" in el.attrib}
        id_counters: dict[str, int] = {}
        for el in doc.iter():
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                self.set_level(el)
                if "id" not in el.attrib:
                    name = strip_tags(render_inner_html(remove_fnrefs(el), self.md))
                    el.attrib["id"] = unique(
                        self.slugify(html.unescape(name), self.sep),
                        used_ids,
                        id_counters,
                    )
                el.attrib.pop("data-toc-label", None)
                if self.use_anchors:
                    self.add_anchor(el, el.attrib["id"])
                if self.use_permalinks not in [False, None]:
                    self.add_permalink(el, el.attrib["id"])


class FastTocExtension(Extension):
    """Load after the toc extension: its treeprocessor becomes the fast one."""

    def extendMarkdown(self, md):
        if "toc" in md.treeprocessors:
            md.treeprocessors["toc"].__class__ = FastTocTreeprocessor


def makeExtension(**kwargs):
    return FastTocExtension(**kwargs)
