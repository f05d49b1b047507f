"""Benchmark: synthetic collections of N briefs, timed through the real
validation and the real build, the site and its PDF editions apart.
Performance is measured here, never in tests."""

from __future__ import annotations

import random
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

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


class Figures(NamedTuple):
    """Seconds for one collection size. The site figures leave PDFs out
    (PDF_EDITIONS "off"); the PDF figures are what PDFs add to a build."""

    briefs: int
    validate: float
    build: float
    rebuild: float
    pdfs: float  # every PDF from cold (a fresh content folder)
    pdf_cpu: float  # the same in CPU seconds, worker processes included
    pdf_edit: float  # one edited brief's PDF, added to an unchanged rebuild

    @property
    def ms_per_pdf(self) -> float:
        return 1000 * self.pdfs / self.briefs


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(function, *args, **kwargs) -> float:
    return _measured(function, *args, **kwargs)[0]


def _measured(function, *args, **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds): on a shared machine the CPU time says what
    the work costs, whatever else is running."""
    wall, cpu = time.perf_counter(), _cpu_seconds()
    function(*args, **kwargs)
    return time.perf_counter() - wall, _cpu_seconds() - cpu


def run(sizes: list[int]) -> list[Figures]:
    """The figures for each size.

    Each size gets its own seed, so no size profits from the Markdown another
    one rendered; the rebuild shows what rendering.py's memory saves (as in
    the live preview), and the edit what briefs.pdf's memory of the last
    build's PDFs saves: only the edited brief's PDF is made again.
    """
    results = []
    for count in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="briefs-bench-"))
        try:
            content, output = workdir / "content", workdir / "output"
            write_collection(content, count, seed=count)
            validated = _timed(validate_content, content)
            built, built_cpu = _measured(build, content, output, PDF_EDITIONS="off")
            rebuilt = _timed(build, content, output, PDF_EDITIONS="off")
            with_pdfs, with_pdfs_cpu = _measured(
                build, content, output, PDF_EDITIONS="required"
            )
            edited = next((content / "briefs").rglob("*.md"))
            with edited.open("a", encoding="utf-8") as text:
                text.write("\nOne more paragraph.\n")
            edit = _timed(build, content, output, PDF_EDITIONS="required")
            results.append(
                Figures(
                    count,
                    validated,
                    built,
                    rebuilt,
                    with_pdfs - built,
                    with_pdfs_cpu - built_cpu,
                    edit - rebuilt,
                )
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return results
