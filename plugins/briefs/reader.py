"""The Pelican reader for briefs: validated record in, rendered HTML out."""

from __future__ import annotations

from pelican.readers import BaseReader

from .site import site_of


class BriefReader(BaseReader):
    """Reads `.md` briefs. Validation and rendering already happened for the
    whole folder (see `site.build_site`): this hands Pelican the results."""

    enabled = True
    file_extensions = ("md",)

    def read(self, source_path):
        site = site_of(self.settings)
        brief = site.brief(source_path)
        return site.bodies[brief.source], site.metadata(brief)
