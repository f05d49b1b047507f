"""A synthetic collection shaped like a real one, for the benchmark.

5,000 briefs of about 900 words need what a think tank's archive has: some
20 regions, one author per eight briefs, 16 topics, co-authors and second
regions on some briefs, headings, lists, quotes, links and footnotes, and a
long-tailed vocabulary (Zipf-distributed, about 20,000 distinct words), so
that the search index and the Markdown renderer see realistic text rather
than a few words repeated.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

REGIONS = [
    "Northeast Asia", "Southeast Asia", "South Asia", "Central Asia", "Oceania",
    "Western Europe", "Eastern Europe", "Nordic and Baltic", "Mediterranean",
    "Middle East", "North Africa", "West Africa", "East Africa",
    "Southern Africa", "North America", "Central America", "Caribbean",
    "Andean Region", "Southern Cone", "Arctic",
]  # fmt: skip
TOPICS = [
    "Trade", "Energy", "Climate", "Security", "Debt", "Migration", "Elections",
    "Technology", "Sanctions", "Maritime", "Health", "Food", "Water", "Finance",
    "Diplomacy", "Minerals",
]  # fmt: skip
BRIEFS_PER_AUTHOR = 8
VOCABULARY = 20_000
SYLLABLES = [
    "ba", "ri", "to", "ka", "mi", "lo", "se", "na", "vu", "de", "po", "shi",
    "tra", "gle", "mon", "ter", "vis", "an", "el", "or", "un", "que", "zor",
    "fi", "ly", "ce", "dra", "pen", "sol", "mar",
]  # fmt: skip
FAMILY = [
    "Tanaka", "Okafor", "Lindqvist", "Haddad", "Moreno", "Novak", "Chen",
    "Mensah", "Kowalski", "Silva", "Nguyen", "Dubois", "Rossi", "Singh",
]  # fmt: skip
GIVEN = [
    "Aiko", "Chidi", "Sofia", "Omar", "Lucía", "Petr", "Wei", "Ama",
    "Marta", "João", "Lan", "Élise", "Marco", "Priya", "Søren",
]  # fmt: skip


class Corpus:
    """Deterministic text for a seed: the same seed writes the same files."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        words = set()
        while len(words) < VOCABULARY:
            size = self.rng.choice((1, 2, 2, 3, 3, 3, 4))
            words.add("".join(self.rng.choice(SYLLABLES) for _ in range(size)))
        self.words = sorted(words)
        self.rng.shuffle(self.words)
        # Zipf weights: a few words are everywhere, most are rare.
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words)))
        )

    def words_of(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, count: int) -> str:
        words = self.words_of(count)
        return " ".join(words).capitalize() + "."

    def paragraph(self, sentences: int = 5) -> str:
        return " ".join(
            self.sentence(self.rng.randint(10, 22)) for _ in range(sentences)
        )


def authors(count: int) -> list[str]:
    """Distinct names; past the first 210, a middle initial tells them apart
    (a number would clash with page 2 of an author's listing)."""
    names = [(g, f) for f in FAMILY for g in GIVEN]
    people = []
    for n in range(count):
        given, family = names[n % len(names)]
        rounds = n // len(names)
        middle = "" if rounds == 0 else f" {'ABCDEFGHJKLMNPRSTVWZ'[rounds % 20]}."
        suffix = "" if rounds < 20 else f"-{rounds // 20}"
        people.append(f"{given}{middle} {family}{suffix}")
    return people


def write_collection(content: Path, count: int, seed: int = 1) -> None:
    """A content folder with `count` briefs of about 900 words each."""
    corpus = Corpus(seed)
    rng = corpus.rng
    people = authors(max(1, count // BRIEFS_PER_AUTHOR))
    briefs = content / "briefs"
    briefs.mkdir(parents=True)
    (content / "regions.yml").write_text(
        "".join(
            f"- name: {r}\n  description: Briefs on {r}, *region by region*.\n"
            for r in REGIONS
        ),
        "utf-8",
    )
    (content / "authors.yml").write_text(
        "".join(
            f"- name: {a}\n  role: Fellow\n  bio: {a} writes on **policy**.\n"
            for a in people
        ),
        "utf-8",
    )
    for number in range(count):
        year = 2000 + number % 26
        names = [people[number % len(people)]]
        if rng.random() < 0.2:
            names.append(rng.choice(people))
        regions = [rng.choice(REGIONS)]
        if rng.random() < 0.2:
            regions.append(rng.choice(REGIONS))
        folder = briefs / str(year)
        folder.mkdir(exist_ok=True)
        (folder / f"brief-{number:05d}.md").write_text(
            "---\n"
            f'title: "{corpus.sentence(rng.randint(4, 9))[:-1]}"\n'
            f'summary: "{corpus.sentence(24)}"\n'
            f"author: [{', '.join(dict.fromkeys(names))}]\n"
            f"region: [{', '.join(dict.fromkeys(regions))}]\n"
            f"date: {year}-{1 + number % 12:02d}-{1 + number % 28:02d}\n"
            f"tags: [{', '.join(rng.sample(TOPICS, rng.randint(1, 3)))}]\n"
            "---\n" + body(corpus, number),
            "utf-8",
        )


def body(corpus: Corpus, number: int) -> str:
    """About 900 words: headings, a list, a quote, links, two footnotes."""
    rng = corpus.rng
    parts = [corpus.paragraph(4), f"## {corpus.sentence(4)[:-1]}", corpus.paragraph()]
    parts.append(
        "\n".join(f"- {corpus.sentence(rng.randint(6, 12))}" for _ in range(4))
    )
    parts.append(f"> {corpus.paragraph(2)}")
    parts.append(f"## {corpus.sentence(3)[:-1]}")
    parts.append(
        corpus.paragraph(4)
        + f" See [the earlier brief](brief-{max(0, number - 1):05d}.html) and"
        + f" [the data](https://data.example.org/{number}).[^1]"
    )
    parts.append(f"## {corpus.sentence(5)[:-1]}")
    parts.append(
        corpus.paragraph(6) + " It is *not* settled, and **much** depends on it.[^2]"
    )
    parts.append(corpus.paragraph(7))
    parts.append(f"## {corpus.sentence(4)[:-1]}")
    parts.append(corpus.paragraph(6))
    parts.append(corpus.paragraph(5))
    parts.append(f"[^1]: {corpus.sentence(12)}\n[^2]: {corpus.sentence(9)}")
    return "\n\n".join(parts) + "\n"
