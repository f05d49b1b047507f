"""Markdown → HTML for briefs, bios and descriptions: in parallel, remembered.

Rendering Markdown is the largest single cost of a build (about 40 % of it
for 1,000 briefs). Each text is rendered once per content: results are kept
for the life of the process under a hash of the text and the MARKDOWN
settings, so the live preview re-renders only what changed, and a large
collection is rendered across worker processes.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor

from markdown import Markdown

from .bodychecks import Rendered, render_checked

# Below this many texts to render, starting worker processes costs more
# than it saves.
PARALLEL_FROM = 200
_CHUNK = 32

_rendered: dict[str, Rendered] = {}
_worker_renderer: MarkdownRenderer | None = None


class MarkdownRenderer:
    """Python-Markdown with the site's MARKDOWN settings, reused per text."""

    def __init__(self, config: dict):
        self._md = Markdown(
            extensions=list(config.get("extension_configs", {})),
            extension_configs=config.get("extension_configs", {}),
            output_format=config.get("output_format", "html5"),
        )

    def render(self, text: str) -> Rendered:
        self._md.reset()
        return render_checked(self._md, text)


def _start_worker(config: dict) -> None:
    global _worker_renderer
    _worker_renderer = MarkdownRenderer(config)


def _render_in_worker(text: str) -> Rendered:
    return _worker_renderer.render(text)


def render_all(texts: list[str], config: dict) -> list[Rendered]:
    """Checked HTML for each text, in order; only new texts are rendered."""
    signature = json.dumps(config, sort_keys=True, default=str)
    keys = [
        hashlib.sha256(f"{signature}\0{text}".encode()).hexdigest() for text in texts
    ]
    todo = {
        key: text for key, text in zip(keys, texts, strict=True) if key not in _rendered
    }
    if len(todo) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(initializer=_start_worker, initargs=(config,)) as pool:
            results = pool.map(_render_in_worker, todo.values(), chunksize=_CHUNK)
            _rendered.update(zip(todo, results, strict=True))
    elif todo:
        renderer = MarkdownRenderer(config)
        _rendered.update((key, renderer.render(text)) for key, text in todo.items())
    return [_rendered[key] for key in keys]
