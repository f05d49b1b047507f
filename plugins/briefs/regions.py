"""Region pages, the regions index and region feeds (modelled on Pelican's
`generate_authors`), plus what pages show beside a brief or a listing: the
related briefs and the most used topics, computed once here, not per page."""

from __future__ import annotations

import logging
from functools import partial

from pelican.generators import Generator

from .collection import options
from .related import more_from_region
from .site import site_of

logger = logging.getLogger(__name__)

TOP_TOPICS = 12  # the most used topics, shown beside every listing


class RegionGenerator(Generator):
    """Runs after Pelican's ArticlesGenerator, whose articles it groups."""

    def generate_context(self):
        site = site_of(self.settings)
        articles = self.context["articles"]
        self.regions = [
            (region, [a for a in articles if region in a.regions])
            for region in site.regions.values()
        ]
        self.dates = self.context.get("dates", [])
        count = options(self.settings.get("BRIEFS"))[0]["related_count"]
        for article, related in more_from_region(articles, count).items():
            article.related = related
        self.top_topics = sorted(
            self.context.get("tags", []), key=lambda pair: (-len(pair[1]), pair[0].name)
        )[:TOP_TOPICS]
        self._update_context(("regions", "top_topics"))

    def generate_output(self, writer):
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        write(
            self.settings["REGIONS_SAVE_AS"],
            self.get_template("regions"),
            self.context,
            url=self.settings["REGIONS_URL"],
            page_name="regions/index",
            template_name="regions",
        )
        template = self.get_template("region")
        for region, articles in self.regions:
            write(
                region.save_as,
                template,
                self.context,
                url=region.url,
                region=region,
                articles=articles,
                dates=[a for a in self.dates if a in articles],
                template_name="region",
                page_name=region.page_name,
                paginated={"articles": articles},
            )
            if articles and self.settings.get("REGION_FEED_ATOM"):
                writer.write_feed(
                    articles,
                    self.context,
                    region.feed_url,
                    feed_title=region.name,
                )
