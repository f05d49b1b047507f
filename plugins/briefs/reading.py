"""Read one brief: bytes → validated record + rendered body, or its problems.

This is the per-file stage of the pipeline (see pipeline.py). It depends only
on the file's bytes and path and on the settings in `ReadSettings`, so its
result is cached under a hash of exactly those (see cache.py) and can run in
a worker process: nothing here reads the registries or other files.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

from markdown import Markdown

from . import bodychecks, problems
from .bodychecks import Rendered, render_checked
from .cache import digest_of, fingerprint
from .fastblock import FastBlockExtension
from .fastinline import FastInlineExtension
from .fasttoc import FastTocExtension
from .frontmatter import FrontMatterError, parse
from .language import UNSPACED_CHARACTER, UNSPACED_LANGUAGES, text_language
from .problems import Problem
from .schema import Brief, References, validate_fields
from .search import BodyTerms, body_terms

TAG = re.compile(r"<[^>]*>")
# From a token's first letter or digit to its end: one match per word.
WORD = re.compile(r"[^\W_]\S*")
WORDS_PER_MINUTE = 200
# Japanese is read at about 500 characters a minute, and a word of it is
# two or three characters: 2.5 keeps WORDS_PER_MINUTE for every language.
CHARACTERS_PER_WORD = 2.5


@dataclass(frozen=True)
class ReadSettings:
    """The settings a read depends on (part of every cache key)."""

    timezone: str
    markdown: tuple  # MARKDOWN settings, frozen: see `freeze`

    @classmethod
    def from_settings(cls, settings: dict) -> ReadSettings:
        return cls(settings["TIMEZONE"], freeze(settings.get("MARKDOWN", {})))


@dataclass(frozen=True)
class SourceRead:
    """One file's outcome. `brief` is None when a field is wrong. (Reads
    are kept by their file's path: they do not hold it.)"""

    shown: str
    brief: Brief | None
    problems: tuple[Problem, ...]
    references: References
    # The rendered body is stored apart from the record, under its own hash
    # (cache.py), and loaded only for the pages that show it; `html` is set
    # on fresh reads only.
    body_key: str | None = None
    html: str | None = None
    # What the search index needs of its text (search.body_terms), made
    # here, where the Markdown is rendered; on fresh reads of published
    # briefs only (kept apart in the cache, like the body).
    terms: BodyTerms | None = None
    words: int = 0
    # Local href/src values of the body (files it may need copied), and
    # where they stand in `html` (what feeds rewrite: feeds.rebase_links).
    local_urls: tuple[str, ...] = ()
    link_spans: Sequence[int] = ()  # htmlpolicy.Scan.spans
    # "ja", "ko", "zh" for a brief mostly in those scripts, else "".
    language: str = ""
    extra: dict = field(default_factory=dict)
    # The fingerprint of the brief without its body (as the build keeps it,
    # without_body), made where it was read: pages.Digests takes it rather
    # than pickle every brief again in each build.
    brief_digest: str | None = None

    def without_body(self) -> SourceRead:
        """What a build keeps of a read (the body's source and rendering
        are needed no more, or kept apart): a sixth of the memory."""
        brief = replace(self.brief, body="") if self.brief is not None else None
        return replace(self, brief=brief, html=None, terms=None)

    @property
    def ok(self) -> bool:
        return self.brief is not None


def freeze(value):
    """A hashable, order-stable copy of a settings value."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


def thaw_markdown(frozen: tuple) -> dict:
    def thaw(value):
        if isinstance(value, tuple) and all(
            isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
            for item in value
        ):
            return {k: thaw(v) for k, v in value}
        return value

    return thaw(frozen) if frozen else {}


class MarkdownRenderer:
    """Python-Markdown with the site's MARKDOWN settings, reused per text.

    FastInlineExtension, FastBlockExtension and FastTocExtension
    (fastinline.py, fastblock.py, fasttoc.py) go last: the same HTML in less
    time.
    """

    def __init__(self, config: dict):
        extensions = config.get("extension_configs", {})
        self._md = Markdown(
            extensions=[
                *extensions,
                FastInlineExtension(),
                FastBlockExtension(),
                FastTocExtension(),
            ],
            extension_configs=extensions,
            output_format=config.get("output_format", "html5"),
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def render_checked(self, text: str) -> Rendered:
        """The HTML with what the build refuses in it (bodychecks.py)."""
        self._md.reset()
        return render_checked(self._md, text)


_renderers: dict[tuple, MarkdownRenderer] = {}


def renderer_for(markdown: tuple) -> MarkdownRenderer:
    """One renderer per process and MARKDOWN settings (building one costs
    more than rendering a brief)."""
    if markdown not in _renderers:
        _renderers[markdown] = MarkdownRenderer(thaw_markdown(markdown))
    return _renderers[markdown]


def render_markdown(text: str, markdown: tuple) -> Rendered:
    """Checked HTML of a Markdown text (a body, a bio, a description)."""
    return renderer_for(markdown).render_checked(text)


def body_text(html: str) -> str:
    """The text a reader sees in rendered HTML: tags dropped (each one a
    space: <p>a</p><p>b</p> is two words), entities decoded."""
    return unescape(TAG.sub(" ", html))


def word_count(text: str, language: str = "") -> int:
    r"""Runs of text between spaces that hold a letter or digit; a lone
    dash or bullet is not a word. ([^\W_] is exactly str.isalnum, and \S
    what str.split keeps.) In Japanese or Chinese (`language`), which put
    no spaces between words, CHARACTERS_PER_WORD kana and Han characters
    count as a word, and the words between them as words."""
    if language not in UNSPACED_LANGUAGES:
        return len(WORD.findall(text))
    spaced, characters = UNSPACED_CHARACTER.subn(" ", text)
    return len(WORD.findall(spaced)) + round(characters / CHARACTERS_PER_WORD)


def count_words(html: str, language: str = "") -> int:
    """Words a reader reads: the rendered text, not link addresses or markup."""
    return word_count(body_text(html), language)


def reading_time(words: int) -> int:
    """Minutes at 200 words a minute, rounded up, never less than one."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def read_source(
    path: Path, shown: str, data: bytes, config: ReadSettings, render: bool = True
) -> SourceRead:
    """Parse, validate and render one brief (pure; runs in workers)."""
    try:
        document = parse(data)
    except FrontMatterError as exc:
        problem = Problem(shown, exc.message, line=exc.line, column=exc.column)
        return SourceRead(shown, None, (problem,), References())
    brief, problems, references = validate_fields(
        document, path, shown, ZoneInfo(config.timezone)
    )
    if brief is None or not render:
        return SourceRead(shown, brief, tuple(problems), references)
    rendered = render_markdown(brief.body, config.markdown)
    html = rendered.html
    problems += bodychecks.problems(
        rendered, shown, first_line=brief.body_line, field="body"
    )
    language = text_language(
        "\n".join((brief.title, brief.summary or "", brief.body)), ""
    )
    return SourceRead(
        shown,
        brief,
        tuple(problems),
        references,
        brief_digest=fingerprint(replace(brief, body="")),
        body_key=body_key(html),
        html=html,
        terms=None if brief.is_draft else body_terms(brief, html),
        words=count_words(html, language),
        local_urls=rendered.links,
        link_spans=rendered.link_spans,
        language=language,
    )


def body_key(html: str) -> str:
    return digest_of(html.encode())


def unreadable(shown: str, error: OSError) -> SourceRead:
    """The read of a file that is there but cannot be read."""
    return SourceRead(shown, None, (problems.unreadable(shown, error),), References())


def read_key(path: Path, shown: str, digest: str, signature: str) -> str:
    """The cache key of a read: everything `read_source` depends on (the
    file's bytes by their digest, cache.digest_of)."""
    text = f"{digest}\0{path}\0{shown}\0{signature}"
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
