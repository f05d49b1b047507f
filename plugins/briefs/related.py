""" "More from <region>": the briefs a reader of one brief is likely to want next."""

from __future__ import annotations


def more_from_region(articles: list, count: int) -> dict:
    """Map each article to up to `count` others from its first region.

    Ranked by topics in common, then by recency; `articles` is newest first.
    """
    by_region: dict = {}
    for article in articles:
        for region in article.regions:
            by_region.setdefault(region, []).append(article)
    related = {}
    for article in articles:
        tags = set(article.tags)
        candidates = [a for a in by_region[article.regions[0]] if a is not article]
        candidates.sort(key=lambda other: -len(tags.intersection(other.tags)))
        related[article] = candidates[:count]
    return related
