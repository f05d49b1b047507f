"""JSON Schema (2020-12) of the open data files, published as data/schema.json.

Strict on purpose: every key is required (absent values are null) and no
other key is allowed, so a consumer can rely on the shape and a change to
the files shows up as a failing validation in the tests. The top level
describes data/briefs.json; `$defs` also describes the region and author
files (data/regions.json, data/regions/<slug>.json, and the same for authors).
"""

from __future__ import annotations

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}
TEXT = {"type": "string", "minLength": 1}
OPTIONAL_TEXT = {"type": ["string", "null"], "minLength": 1}
COUNT = {"type": "integer", "minimum": 0}
# A path from the site root: no scheme, no leading slash, no spaces.
RELATIVE = {
    "type": "string",
    "format": "uri-reference",
    "pattern": r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!/)[^\s?#\\]+$",
}


def _relative(suffix: str, nullable: bool = False) -> dict:
    pattern = RELATIVE["pattern"][:-1] + rf"\{suffix}$"
    kind = ["string", "null"] if nullable else "string"
    return {**RELATIVE, "type": kind, "pattern": pattern}


def _object(**properties) -> dict:
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


def _list(item: dict, **extra) -> dict:
    return {"type": "array", "items": item, **extra}


# What a region's or an author's entry in the index and its own file share.
_REGION = {
    "name": TEXT,
    "slug": SLUG,
    "description": OPTIONAL_TEXT,
    "url": _relative(".html"),
    "feed_url": _relative(".xml", nullable=True),
}
_AUTHOR = {
    "name": TEXT,
    "slug": SLUG,
    "listed": {"type": "boolean"},
    "role": OPTIONAL_TEXT,
    "affiliation": OPTIONAL_TEXT,
    "family": TEXT,
    "given": OPTIONAL_TEXT,
    "url": _relative(".html"),
    "feed_url": _relative(".xml", nullable=True),
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Policy briefs catalogue (data/briefs.json)",
    "description": "Every published brief, newest first.",
    **_object(
        site=_object(
            name=TEXT,
            url={"type": ["string", "null"], "format": "uri", "pattern": "^https?://"},
        ),
        count=COUNT,
        briefs=_list({"$ref": "#/$defs/brief"}),
    ),
    "$defs": {
        "ref": _object(name=TEXT, slug=SLUG, url=_relative(".html")),
        "author_ref": _object(
            name=TEXT, slug=SLUG, role=OPTIONAL_TEXT, url=_relative(".html")
        ),
        "brief": _object(
            slug=SLUG,
            url=_relative(".html"),
            absolute_url={
                "type": ["string", "null"],
                "format": "uri",
                "pattern": r"^https?://\S+\.html$",
            },
            title=TEXT,
            summary=OPTIONAL_TEXT,
            authors=_list({"$ref": "#/$defs/author_ref"}, minItems=1),
            regions=_list({"$ref": "#/$defs/ref"}, minItems=1),
            topics=_list({"$ref": "#/$defs/ref"}),
            series={
                "oneOf": [
                    {"type": "null"},
                    _object(name=TEXT, part={"type": "integer", "minimum": 1}),
                ]
            },
            date={"type": "string", "format": "date-time"},
            updated={"type": ["string", "null"], "format": "date-time"},
            doi={"type": ["string", "null"], "pattern": r"^10\.\d{4,9}/\S+$"},
            featured={"type": "boolean"},
            key_points=_list(TEXT),
            image={
                "oneOf": [
                    {"type": "null"},
                    _object(url=RELATIVE, alt=TEXT, credit=OPTIONAL_TEXT),
                ]
            },
            word_count=COUNT,
            reading_time={"type": "integer", "minimum": 1},
            pdf_url=_relative(".pdf", nullable=True),
            bibtex_url=_relative(".bib"),
            ris_url=_relative(".ris"),
        ),
        "region": _object(**_REGION, data_url=_relative(".json"), count=COUNT),
        "region_file": _object(
            **_REGION,
            count=COUNT,
            briefs=_list({"$ref": "#/$defs/brief"}),
        ),
        "regions_index": _object(
            count=COUNT, regions=_list({"$ref": "#/$defs/region"})
        ),
        "author": _object(**_AUTHOR, data_url=_relative(".json"), count=COUNT),
        "author_file": _object(
            **_AUTHOR,
            bio=OPTIONAL_TEXT,
            photo={**RELATIVE, "type": ["string", "null"]},
            links=_list(
                _object(
                    label=TEXT,
                    url={"type": "string", "format": "uri"},
                )
            ),
            count=COUNT,
            briefs=_list({"$ref": "#/$defs/brief"}, minItems=1),
        ),
        "authors_index": _object(
            count=COUNT, authors=_list({"$ref": "#/$defs/author"})
        ),
    },
}
