"""Markdown rendering: the parallel path gives the serial result, and a text
already rendered with the same settings is not rendered again."""

from __future__ import annotations

import pytest
from conftest import ROOT
from pelican.settings import read_settings

from briefs import rendering
from briefs.rendering import MarkdownRenderer, render_all

CONFIG = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
TEXTS = [
    f"## Part {n}\n\nText with a note.[^1]\n\n| a | b |\n|---|---|\n| {n} | x |\n\n"
    f"[^1]: Note {n}."
    for n in range(12)
]


@pytest.fixture(autouse=True)
def _empty_memory(monkeypatch):
    monkeypatch.setattr(rendering, "_rendered", {})


def test_parallel_rendering_matches_serial(monkeypatch):
    serial = [MarkdownRenderer(CONFIG).render(text) for text in TEXTS]
    monkeypatch.setattr(rendering, "PARALLEL_FROM", 2)
    assert render_all(TEXTS, CONFIG) == serial
    assert '<div class="footnote">' in serial[0].html and "<table>" in serial[0].html


def test_texts_are_rendered_once_per_settings(monkeypatch):
    calls = []
    original = MarkdownRenderer.render

    def counting(self, text):
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(MarkdownRenderer, "render", counting)
    first = render_all(TEXTS[:3], CONFIG)
    assert render_all(TEXTS[:3], CONFIG) == first
    assert len(calls) == 3
    render_all([TEXTS[0], TEXTS[3]], CONFIG)
    assert calls[3:] == [TEXTS[3]]
    other = {**CONFIG, "output_format": "xhtml"}
    render_all([TEXTS[0]], other)
    assert calls[4:] == [TEXTS[0]]


def test_an_edited_brief_is_rendered_anew(site):
    path = site.brief("x", body="First version.")
    site.build()
    assert "First version." in site.html("briefs/x.html").find("main").get_text()
    path.write_text(path.read_text("utf-8").replace("First", "Second"), "utf-8")
    site.build()
    text = site.html("briefs/x.html").find("main").get_text()
    assert "Second version." in text and "First version." not in text
