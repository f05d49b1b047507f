""" "Related briefs": the briefs a reader of one brief is likely to want next."""

from __future__ import annotations

# What each thing a brief shares with another is worth. An author's other
# briefs follow one expert's line of work, so they weigh most; then the
# region the brief is filed under; a shared topic weighs least (topics are
# broad and many). Weights add up over everything two briefs share.
AUTHOR_WEIGHT = 3
REGION_WEIGHT = 2
TOPIC_WEIGHT = 1


class RelatedBriefs:
    """Up to `count` other published briefs, ranked by the weights above,
    newest first among equals (`articles` is newest first).

    Indexed once per build by author, region and topic, so one brief's list
    costs the briefs that share an author or a topic with it, plus the
    newest few of its region: a brief that shares only its one region with
    another scores the same as every other such brief, so only the newest of
    them can make the list. (A brief filed under several regions looks at
    all of their briefs: one in two of its regions outranks one in one.)
    """

    def __init__(self, articles: list, count: int):
        self.count = count
        self.position = {id(a): n for n, a in enumerate(articles)}
        self.by_author: dict[str, list] = {}
        self.by_region: dict[str, list] = {}
        self.by_topic: dict[str, list] = {}
        for article in articles:
            if article.is_draft:
                continue
            for index, items in (
                (self.by_author, article.authors),
                (self.by_region, article.regions),
                (self.by_topic, article.tags),
            ):
                for item in dict.fromkeys(i.name for i in items):
                    index.setdefault(item, []).append(article)

    def of(self, article) -> list:
        authors, regions, topics = (
            {item.name for item in items}
            for items in (article.authors, article.regions, article.tags)
        )
        candidates = {}
        for index, names in ((self.by_author, authors), (self.by_topic, topics)):
            for name in names:
                for other in index.get(name, ()):
                    candidates[id(other)] = other
        for name in regions:
            region_only = 0
            for other in self.by_region.get(name, ()):
                if len(regions) == 1 and region_only > self.count:
                    break
                if id(other) not in candidates:
                    candidates[id(other)] = other
                    region_only += 1
        candidates.pop(id(article), None)

        def rank(other) -> tuple[int, int]:
            score = (
                AUTHOR_WEIGHT * _shared(authors, other.authors)
                + REGION_WEIGHT * _shared(regions, other.regions)
                + TOPIC_WEIGHT * _shared(topics, other.tags)
            )
            return (-score, self.position[id(other)])

        return sorted(candidates.values(), key=rank)[: self.count]


def _shared(names: set[str], items) -> int:
    """How many of `items` are named in `names`."""
    return sum(1 for item in dict.fromkeys(i.name for i in items) if item in names)
