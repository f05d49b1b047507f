"""The Pelican reader for briefs: validated record in, rendered HTML out."""

from __future__ import annotations

from pelican.readers import BaseReader

from .site import MarkdownRenderer, site_of


class BriefReader(BaseReader):
    """Reads `.md` briefs. Validation already happened for the whole folder
    (see `site.build_site`), so this only renders the Markdown body."""

    enabled = True
    file_extensions = ("md",)

    def __init__(self, settings):
        super().__init__(settings)
        self._markdown = MarkdownRenderer(settings)

    def read(self, source_path):
        site = site_of(self.settings)
        brief = site.brief(source_path)
        return self._markdown.render(brief.body), site.metadata(brief)
