"""Jobs → file bytes: templates, feeds and copies, in any process.

A worker process builds one `Renderer` (Pelican's Jinja environment for the
theme, the settings as template globals) and renders the jobs it is sent.
A page's links are read here too, where its HTML is, so the link check needs
no second pass over the files (linkcheck.py).
"""

from __future__ import annotations

import gc
import io
import posixpath
from collections.abc import Sequence
from contextlib import suppress

from feedgenerator import Enclosure, get_tag_uri
from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from . import citations, opendata, pdf, pdf_output, structured_data
from .cache import Pickled
from .citations import Citation
from .contents import table_of_contents
from .feeds import BriefsAtomFeed, offline_id, rebase_links
from .fragments import Fragments, render_from
from .linkcheck import PieceReader, Resolver
from .pages import Job
from .redirects import redirect_page
from .urls import head_href, href, is_absolute, public_url

# A page's links come pickled (the build keeps them until the link check).
Rendered = tuple[str, bytes, Pickled | None]
# The setting naming where the theme's compiled templates are kept
# (pipeline.template_cache_folder), when they are.
TEMPLATE_CACHE_KEY = "BRIEFS_TEMPLATE_CACHE"


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's bytecode cache in the build cache's folder, which may be
    deleted at any time, even while a build runs (it is safe to delete): a
    template whose compiled code cannot be kept is compiled again next time
    (Jinja's own raises, its folder gone)."""

    def dump_bytecode(self, bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


class Renderer:
    """Renders jobs with the theme; one per process and build."""

    def __init__(self, settings: dict):
        self.settings = settings
        generator = Generator(
            context={},
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=settings.get("OUTPUT_PATH", ""),
        )
        self.env = generator.env
        # A renderer lives for one build, or in the preview for as long as
        # the templates are unchanged: Jinja need not look at each template
        # file again every time a page includes or imports it (a tenth of a
        # brief page's time).
        self.env.auto_reload = False
        # Compiled once for the build cache (pipeline.template_cache_folder).
        if folder := settings.get(TEMPLATE_CACHE_KEY):
            self.env.bytecode_cache = CompiledTemplates(folder)
        self.env.globals["href"] = href
        self.env.globals["head_href"] = head_href
        self.globals = {k: v for k, v in settings.items() if k.isupper()}
        # The build's public address ("" in development builds): what head
        # links, og:url and sharing are written under (urls.public_url).
        self.globals["public_url"] = public_url(settings) or ""
        self.fragments = Fragments(self.env, self.globals)
        self.templates = {}
        self.cited: tuple[object, Citation] | None = None  # (citation)
        # A page's links are resolved here too, in parallel: the link check
        # at the end of the build only looks their targets up.
        self.resolver = Resolver(public_url(settings))
        self.reader = PieceReader()

    def template(self, name: str):
        if name not in self.templates:
            self.templates[name] = self.env.get_template(f"{name}.html")
        return self.templates[name]

    def render(self, job: Job, bodies: dict[str, str]) -> list[Rendered]:
        """The file(s) of a job: (path, bytes, links or None)."""
        if job.kind == "page":
            text = self.page(job, bodies)
            return self._html(job.save_as, text, self.fragments.shown)
        if job.kind == "feed":
            return self._html(job.save_as, self.feed(job, bodies))
        if job.kind == "cite":
            citation = self.citation(job.context["article"])
            text = getattr(citation, job.context["format"])
            return [(job.save_as, text.encode("utf-8"), None)]
        if job.kind == "pdf":
            made = self.pdf(job, bodies)
            return [(job.save_as, made.data, (made.pages, made.resources))]
        if job.kind == "redirect":
            context = job.context
            text = redirect_page(
                context["target"],
                context["canonical"],
                context["title"],
                context["icon"],
                context["lang"],
                context["title_lang"],
            )
            return self._html(job.save_as, text)
        if job.kind == "data-texts":
            context = job.context
            return opendata.entry_texts(
                context["entry"], context["site_name"], context["public_url"]
            )
        raise ValueError(f"cannot render a {job.kind!r} job")

    def _html(self, path: str, text: str, pieces: Sequence[str] = ()) -> list[Rendered]:
        """An HTML or XML file, with its links read and resolved here (the
        fragments it shows, `pieces`, each read once)."""
        links = self.resolver.resolve(path, self.reader.read(path, text, pieces))
        return [(path, text.encode("utf-8"), Pickled.of(links))]

    def pdf(self, job: Job, bodies: dict[str, str]):
        """A brief's paper edition (pdf_output.py, theme/templates/pdf.html)."""
        (key,) = job.bodies
        view = job.context["article"]
        article = view.with_page(bodies[key], self.citation(view))
        paper_job = pdf_output.pdf_job(
            article, self.template("pdf"), self.globals, public_url(self.settings)
        )
        return pdf.render_pdf(paper_job, job.context["paper"])

    def citation(self, view) -> Citation:
        """The brief's citation in every format; its .bib and .ris jobs come
        one after the other with the same view, so the last one is kept (a
        tenth of a brief page's time)."""
        if self.cited is not None and self.cited[0] is view:
            return self.cited[1]
        public = public_url(self.settings)
        citation = citations.cite(
            view.brief,
            [person.profile for person in view.authors],
            self.settings["SITENAME"],
            f"{public}/{view.url}" if public else None,
        )
        self.cited = (view, citation)
        return citation

    def page(self, job: Job, bodies: dict[str, str]) -> str:
        self.fragments.shown.clear()
        relative = self.settings["RELATIVE_URLS"]
        context = dict(self.fragments.common)
        if relative:
            context["SITEURL"] = path_to_url(get_relative_path(job.save_as))
        context["output_file"] = job.save_as
        context.update(job.context)
        if job.template == "article":  # the brief's own page: its body
            (key,) = job.bodies
            article = context["article"]
            context["article"] = article.with_page(
                bodies[key], self.citation(article), context.get("pdf")
            )
            context["structured_data"] = structured_data.script_text(
                structured_data.news_article(
                    article,
                    self.settings["SITENAME"],
                    article.language or self.settings["DEFAULT_LANG"],
                    public_url(self.settings),
                    context.get("series_nav"),
                )
            )
            context["contents"] = table_of_contents(bodies[key])
        return render_from(self.template(job.template), context)

    def feed(self, job: Job, bodies: dict[str, str]) -> str:
        """An Atom feed whose links resolve online and from disk: with no
        absolute SITEURL, every link is relative to the feed file itself."""
        settings = self.settings
        site_url = settings.get("SITEURL") or ""
        absolute = is_absolute(site_url)
        save_as = job.context.get("as", job.save_as)  # a copy: as the original
        base = site_url if absolute else path_to_url(get_relative_path(save_as))
        feed_domain = settings.get("FEED_DOMAIN") if absolute else base

        def join(url: str) -> str:
            return posixpath.join(base, url) if not absolute else f"{base}/{url}"

        title = job.context["title"]
        page = job.context["page"]  # what the feed follows: its alternate
        feed = BriefsAtomFeed(
            title=Markup(
                settings["SITENAME"] + (f" - {title}" if title else "")
            ).striptags(),
            link=join(page),
            feed_url=f"{feed_domain}/{save_as}" if absolute else join(save_as),
            feed_guid=join(page)
            if absolute
            else offline_id(settings["SITENAME"], page),
            description=settings.get("SITESUBTITLE", ""),
            subtitle=settings.get("SITESUBTITLE", None),
        )
        editions = job.context.get("pdfs") or [None] * len(job.bodies)
        for view, key, spans, edition in zip(
            job.context["items"],
            job.bodies,
            job.context["link_spans"],
            editions,
            strict=True,
        ):
            link = join(view.url)
            content = rebase_links(bodies[key], spans, link)
            summary = str(view.summary) if view.summary else None  # escaped text
            feed.add_item(
                title=Markup(view.title).striptags(),
                link=link,
                unique_id=get_tag_uri(link, view.date)
                if absolute
                else offline_id(settings["SITENAME"], view.url),
                description=summary if summary != content else None,
                content=content,
                categories=[tag.name for tag in view.tags] or None,
                author_names=[person.name for person in view.authors],
                pubdate=view.date,
                updateddate=view.modified,
                enclosures=[
                    Enclosure(join(edition.url), str(edition.size), "application/pdf")
                ]
                if edition
                else None,
            )
        out = io.StringIO()
        feed.write(out, "utf-8")
        return out.getvalue()


_renderer: Renderer | None = None
# Allocations between a worker's collections of its youngest objects
# (start_worker); 2,000–20,000 were measured, 5,000 took the least time.
WORKER_COLLECTION = 5000


def start_worker(settings: dict) -> None:
    """Process-pool initializer: one renderer per worker."""
    global _renderer
    _renderer = Renderer(settings)
    # What a worker holds for good (the modules, the theme's environment)
    # is left out of the collector's full passes, which a worker that reads
    # and renders thousands of briefs makes dozens of (a second of its time
    # at 5,000 briefs).
    gc.freeze()
    # Nearly all it makes is freed as soon as it is used (a page's context,
    # a brief's tree): the youngest objects are looked at every
    # WORKER_COLLECTION allocations rather than Python's 700, and the
    # collector's time falls by half (0.54 to 0.29 s a worker at 5,000
    # briefs); a cycle is freed a little later (7 MB more at the peak).
    gc.set_threshold(WORKER_COLLECTION, *gc.get_threshold()[1:])


def render_in_worker(task: tuple[Job, dict[str, str]]):
    job, bodies = task
    return _renderer.render(job, bodies)
