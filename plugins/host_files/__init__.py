"""Files GitHub Pages and search engines look for: sitemap.xml, robots.txt,
.nojekyll, CNAME and Google Search Console's verification file, written
into the output once Pelican has finished.

Settings live in one namespaced dict, checked for unknown keys (a typo must
not silently switch a file off)::

    HOST_FILES = {"sitemap": True, "robots": True, "nojekyll": True,
                  "cname": "briefs.example.org",
                  "google_verification": "google1234567890abcdef.html",
                  "exclude": ["404.html"]}

The files are written by a generator that runs after the briefs plugin's
(list "host_files" after "briefs" in PLUGINS), so every page exists and the
briefs' dates and the redirect pages of aliases are in the run's context
(`brief_lastmod`, `redirect_pages`).

`register()` only connects signals; the work lives in `files`.
"""

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .files import enabled, load_options, write_files


class HostFilesGenerator(Generator):
    def generate_output(self, writer):
        write_files(
            Path(self.output_path),
            self.settings,
            self.context.get("brief_lastmod", {}),
            self.context.get("redirect_pages", frozenset()),
        )


def check_settings(pelican):
    if enabled(pelican.settings):
        load_options(pelican.settings)


def add_generator(pelican):
    return HostFilesGenerator


def register():
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(add_generator)
