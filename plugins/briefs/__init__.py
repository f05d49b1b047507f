"""Policy briefs: strict reading, validation and region pages for Pelican.

`register()` only connects signals; the work lives in named modules.
"""

from pelican import signals

from .assets import copy_referenced_images
from .feeds import FeedWriter
from .reader import BriefReader
from .regions import RegionGenerator
from .search_output import collect_documents, write_index
from .site import STATE_KEY, build_site, site_of


def initialise(pelican):
    """Validate every brief and registry before Pelican reads anything."""
    pelican.settings[STATE_KEY] = build_site(pelican.settings)


def add_reader(readers):
    readers.reader_classes["md"] = BriefReader


def add_generators(pelican):
    return RegionGenerator


def add_writer(pelican):
    return FeedWriter


def check_nothing_skipped(generator):
    """Pelican logs and skips a file its reader fails on; we never skip."""
    site = site_of(generator.settings)
    read = {
        str(a.source_path)
        for a in generator.articles + generator.drafts + generator.hidden_articles
    }
    expected = {
        str(path)
        for path, brief in site.collection.briefs.items()
        if site.show_drafts or not brief.is_draft
    }
    missing = sorted(expected - read)
    if missing:
        raise RuntimeError(
            "these briefs were not published (see the errors above): "
            + ", ".join(missing)
        )


def register():
    signals.initialized.connect(initialise)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(add_generators)
    signals.get_writer.connect(add_writer)
    signals.article_generator_finalized.connect(check_nothing_skipped)
    signals.finalized.connect(copy_referenced_images)
    signals.all_generators_finalized.connect(collect_documents)
    signals.finalized.connect(write_index)
