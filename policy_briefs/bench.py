"""Benchmark: synthetic collections of N briefs, timed through the real
validation and the real build. Performance is measured here, never in tests."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from briefs.collection import validate_content

from .build import build

WORDS = [
    "alliance",
    "deterrence",
    "tariff",
    "supply",
    "chain",
    "maritime",
    "sanctions",
    "election",
    "reform",
    "energy",
    "transition",
    "debt",
    "restructuring",
    "border",
    "water",
    "security",
    "climate",
    "trade",
    "investment",
    "summit",
    "coalition",
    "ministry",
    "parliament",
    "drought",
    "port",
    "corridor",
]
REGIONS = ["Northeast Asia", "Southeast Asia", "Europe", "Latin America", "Global"]
AUTHORS = [f"Analyst {letter}" for letter in "ABCDEFGHIJKL"]


def write_collection(content: Path, count: int, seed: int = 1) -> None:
    """A content folder with `count` briefs of about 900 words each."""
    rng = random.Random(seed)
    briefs = content / "briefs"
    briefs.mkdir(parents=True)
    (content / "regions.yml").write_text(
        "".join(f"- name: {r}\n  description: About {r}.\n" for r in REGIONS), "utf-8"
    )
    (content / "authors.yml").write_text(
        "".join(f"- name: {a}\n  role: Fellow\n  bio: Writes.\n" for a in AUTHORS),
        "utf-8",
    )
    for number in range(count):
        year = 2000 + number % 25
        paragraphs = "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(90)) for _ in range(10)
        )
        folder = briefs / str(year)
        folder.mkdir(exist_ok=True)
        (folder / f"brief-{number:05d}.md").write_text(
            "---\n"
            f'title: "Brief {number}: {rng.choice(WORDS).title()}"\n'
            f"summary: {' '.join(rng.choice(WORDS) for _ in range(20))}\n"
            f"author: [{rng.choice(AUTHORS)}]\n"
            f"region: {rng.choice(REGIONS)}\n"
            f"date: {year}-{1 + number % 12:02d}-{1 + number % 28:02d}\n"
            f"tags: [{', '.join(rng.sample(WORDS, 2))}]\n"
            "---\n"
            f"## Background\n\n{paragraphs}\n",
            "utf-8",
        )


def run(sizes: list[int]) -> list[tuple[int, float, float, float]]:
    """(briefs, seconds to validate, to build, to rebuild unchanged) per size.

    Each size gets its own seed, so no size profits from the Markdown another
    one rendered; the rebuild shows what rendering.py's memory saves (as in
    the live preview).
    """
    results = []
    for count in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="briefs-bench-"))
        try:
            write_collection(workdir / "content", count, seed=count)
            start = time.perf_counter()
            validate_content(workdir / "content")
            validated = time.perf_counter() - start
            start = time.perf_counter()
            build(workdir / "content", workdir / "output")
            built = time.perf_counter() - start
            start = time.perf_counter()
            build(workdir / "content", workdir / "output")
            rebuilt = time.perf_counter() - start
            results.append((count, validated, built, rebuilt))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return results
