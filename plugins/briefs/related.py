""" "Related briefs": the briefs a reader of one brief is likely to want next."""

from __future__ import annotations

import heapq
from itertools import combinations, product
from typing import NamedTuple

# What each thing a brief shares with another is worth. An author's other
# briefs follow one expert's line of work, so they weigh most; then the
# region the brief is filed under; a shared topic weighs least (topics are
# broad and many). Weights add up over everything two briefs share.
AUTHOR_WEIGHT = 3
REGION_WEIGHT = 2
TOPIC_WEIGHT = 1


class Ranked(NamedTuple):
    """What RelatedBriefs knows of a brief (its names, as related_inputs
    takes them): plain values, which a worker process can be sent."""

    page: str  # save_as
    is_draft: bool
    authors: tuple[str, ...]
    regions: tuple[str, ...]
    topics: tuple[str, ...]


class RelatedBriefs:
    """Up to `count` other published briefs, ranked by the weights above,
    newest first among equals (`briefs`, Ranked, are newest first).

    Indexed once per build by what two briefs can share, each list newest
    first: an author; two regions, a region and two topics, three topics
    (the "strong" lists); a region and a topic, two topics, a region, a
    topic (the "weak" ones). One brief's list reads its authors' lists and
    its region lists among the strong ones whole. A brief left unread in a
    weak list then shares exactly what that list is about (had it shared
    more, a list already read would hold it), so those left unread there
    all score alike and only the newest `count` of each are read; likewise
    the three-topic list of a brief with three topics. The work per brief
    stays small however large the collection grows. Reading stops as soon
    as no brief left unread could rank among those found.
    """

    def __init__(self, briefs: list[Ranked], count: int):
        self.count = count
        self.position = {id(a): n for n, a in enumerate(briefs)}
        self.keys: dict[int, tuple[frozenset, frozenset, frozenset]] = {}
        self.index: dict[tuple, list] = {}
        for brief in briefs:
            if brief.is_draft:
                continue
            keys = self.keys[id(brief)] = _keys(brief)
            authors, regions, topics = keys
            for key in (
                *_author_keys(authors),
                *_strong_keys(regions, topics),
                *_weak_keys(regions, topics),
            ):
                self.index.setdefault(key, []).append(brief)

    def of(self, brief: Ranked) -> list[Ranked]:
        authors, regions, topics = self.keys.get(id(brief)) or _keys(brief)
        scores: dict[int, tuple[int, int]] = {}  # id → (-score, position)
        found: dict[int, object] = {}

        def read(keys, limit=None) -> None:
            for key in keys:
                unread = 0
                for other in self.index.get(key, ()):
                    if limit is not None and unread >= limit:
                        break
                    if id(other) in found or other is brief:
                        continue
                    unread += 1
                    found[id(other)] = other
                    theirs = self.keys[id(other)]
                    score = (
                        AUTHOR_WEIGHT * len(authors & theirs[0])
                        + REGION_WEIGHT * len(regions & theirs[1])
                        + TOPIC_WEIGHT * len(topics & theirs[2])
                    )
                    scores[id(other)] = (-score, self.position[id(other)])

        def enough(most_unread: int) -> bool:
            """`count` found that outrank any brief left unread?"""
            if len(scores) < self.count:
                return False
            ranks = heapq.nsmallest(self.count, scores.values())
            return -ranks[-1][0] > most_unread

        read(_author_keys(authors))
        if enough(REGION_WEIGHT * len(regions) + TOPIC_WEIGHT * len(topics)):
            return self.ranked(scores, found)
        read(_region_keys(regions, topics))
        # Unread now: one region and one topic at most, or topics alone.
        if enough(
            max(
                (REGION_WEIGHT if regions else 0) + (TOPIC_WEIGHT if topics else 0),
                TOPIC_WEIGHT * len(topics),
            )
        ):
            return self.ranked(scores, found)
        # Sharing three topics: all of this brief's, when it has three.
        read(_topic_keys(topics), limit=self.count if len(topics) == 3 else None)
        read(_weak_keys(regions, topics), limit=self.count)
        return self.ranked(scores, found)

    def ranked(self, scores: dict, found: dict) -> list:
        best = heapq.nsmallest(self.count, scores.items(), key=lambda item: item[1])
        return [found[key] for key, _ in best]


def _keys(brief: Ranked) -> tuple[frozenset, frozenset, frozenset]:
    return frozenset(brief.authors), frozenset(brief.regions), frozenset(brief.topics)


def _author_keys(authors):
    return [("author", name) for name in authors]


def _strong_keys(regions, topics):
    return _region_keys(regions, topics) + _topic_keys(topics)


def _region_keys(regions, topics):
    """Two regions; a region and two topics."""
    regions, topics = sorted(regions), sorted(topics)
    return [("regions", *pair) for pair in combinations(regions, 2)] + [
        ("region+topics", region, *pair)
        for region, pair in product(regions, combinations(topics, 2))
    ]


def _topic_keys(topics):
    """Three topics."""
    return [("three topics", *triple) for triple in combinations(sorted(topics), 3)]


def _weak_keys(regions, topics):
    """A region and a topic, two topics, a region, a topic (strongest first)."""
    regions, topics = sorted(regions), sorted(topics)
    return (
        [("region+topic", *pair) for pair in product(regions, topics)]
        + [("topics", *pair) for pair in combinations(topics, 2)]
        + [("region", name) for name in regions]
        + [("topic", name) for name in topics]
    )


class KnownRelated:
    """Related briefs worked out by an earlier build (`lists`: each brief's
    page → its related briefs' pages), valid while no brief's authors,
    regions, topics, date or status changed (`related_inputs`)."""

    def __init__(self, articles: list, lists: dict[str, tuple[str, ...]]):
        self.by_page = {article.save_as: article for article in articles}
        self.lists = lists

    def of(self, article) -> list:
        return [self.by_page[page] for page in self.lists[article.save_as]]


def related_inputs(articles: list, count: int) -> tuple:
    """Everything RelatedBriefs reads of a collection (newest first)."""
    return (
        count,
        *(
            (a.save_as, a.is_draft, *(tuple(i.name for i in items)
              for items in (a.authors, a.regions, a.tags)))
            for a in articles
        ),
    )  # fmt: skip


def related_lists(inputs: tuple) -> dict[str, tuple[str, ...]]:
    """Each brief's page → its related briefs' pages, from what
    related_inputs takes of the collection: pure, so that a worker can work
    them out while the build plans."""
    count, *entries = inputs
    briefs = [Ranked(*entry) for entry in entries]
    ranking = RelatedBriefs(briefs, count)
    return {
        brief.page: tuple(other.page for other in ranking.of(brief)) for brief in briefs
    }
