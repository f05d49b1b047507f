"""Files GitHub Pages and search engines look for: sitemap.xml, robots.txt,
.nojekyll and CNAME, written into the output once Pelican has finished.

Settings live in one namespaced dict, checked for unknown keys (a typo must
not silently switch a file off)::

    HOST_FILES = {"sitemap": True, "robots": True, "nojekyll": True,
                  "cname": "briefs.example.org", "exclude": ["404.html"]}

`register()` only connects signals; the work lives in `files`.
"""

from pelican import signals

from .files import collect_dates, enabled, load_options, write_files


def check_settings(pelican):
    if enabled(pelican.settings):
        load_options(pelican.settings)


def register():
    signals.initialized.connect(check_settings)
    signals.article_generator_finalized.connect(collect_dates)
    signals.finalized.connect(write_files)
