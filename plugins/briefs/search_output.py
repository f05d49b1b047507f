"""Today's build → the search index (a thin adapter over search.py).

After every generator has run, one search record per published brief is
made from Pelican's articles (remembered for the life of the process, so
the live preview re-indexes only what changed); when Pelican is done, the
index files are written into the output folder. search.html itself is a
direct template (DIRECT_TEMPLATES in pelicanconf.py).
"""

from __future__ import annotations

from pathlib import Path

from pelican.generators import ArticlesGenerator

from .search import SearchDocument, document, index_files

DOCUMENTS_KEY = "BRIEFS_SEARCH_DOCUMENTS"

_remembered: dict[tuple, SearchDocument | None] = {}


def _inputs(article) -> tuple:
    """Everything a brief's search record is made of."""
    return (
        article.brief,
        article.content,
        article.url,
        tuple((a.name, a.slug) for a in article.authors),
        tuple((r.name, r.slug) for r in article.regions),
        tuple((t.name, t.slug) for t in getattr(article, "tags", ())),
        article.locale_date,
    )


def collect_documents(generators) -> None:
    """One record per article (drafts give None), kept until `write_index`."""
    global _remembered
    articles = [
        article
        for generator in generators
        if isinstance(generator, ArticlesGenerator)
        for article in generator.articles
    ]
    settings = generators[0].settings
    current = {}
    for article in articles:
        key = _inputs(article)
        current[key] = _remembered[key] if key in _remembered else document(*key)
    _remembered = current
    settings[DOCUMENTS_KEY] = list(current.values())


def write_index(pelican) -> None:
    output = Path(pelican.output_path)
    documents = pelican.settings.pop(DOCUMENTS_KEY, [])
    for relative, content in index_files(documents).items():
        target = output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
