""" "More from <region>": the briefs a reader of one brief is likely to want next."""

from __future__ import annotations

from collections import Counter


class MoreFromRegion:
    """Up to `count` other briefs from an article's first region, ranked by
    topics in common, then by recency (`articles` is newest first).

    Indexed once per build, so one article's list costs the briefs that
    share a topic with it, not the whole region (the preview asks for one).
    """

    def __init__(self, articles: list, count: int):
        self.count = count
        self.position = {id(a): n for n, a in enumerate(articles)}
        self.by_region: dict = {}
        self.by_region_topic: dict = {}
        for article in articles:
            for region in article.regions:
                self.by_region.setdefault(region, []).append(article)
                for tag in article.tags:
                    self.by_region_topic.setdefault((region, tag), []).append(article)

    def of(self, article) -> list:
        region = article.regions[0]
        shared: Counter = Counter()
        for tag in dict.fromkeys(article.tags):
            for other in self.by_region_topic.get((region, tag), ()):
                if other is not article:
                    shared[id(other)] += 1
        chosen = sorted(
            (
                other
                for other in self._unique(region, article.tags)
                if other is not article
            ),
            key=lambda other: (-shared[id(other)], self.position[id(other)]),
        )[: self.count]
        for other in self.by_region[region]:  # too few with a topic in common
            if len(chosen) >= self.count:
                break
            if other is not article and other not in chosen:
                chosen.append(other)
        return chosen

    def _unique(self, region, tags):
        seen = {}
        for tag in tags:
            for other in self.by_region_topic.get((region, tag), ()):
                seen.setdefault(id(other), other)
        return seen.values()
