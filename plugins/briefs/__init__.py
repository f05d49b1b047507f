"""Policy briefs: the Pelican plugin that reads, validates, renders and writes
everything made from briefs (see pipeline.py for the stages).

`register()` only connects signals; the work lives in named modules.
"""

import logging
import sys
from pathlib import Path

from pelican import signals

from .outputdir import FolderError, guard, require_writable
from .pipeline import BriefsGenerator, silence_articles_generator
from .problems import BriefsError


class _BriefsErrorsAsLines(logging.Filter):
    """Plain `pelican` logs a failed run as one record with its traceback
    (wrapped at 80 columns by its console); `pelican -r` as a warning. For
    our errors the one-line problems are the whole story: print just those,
    on stderr, as `invoke build` does."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, BriefsError):
            found = [arg for arg in record.args or () if isinstance(arg, BriefsError)]
            error = found[0] if found else None
        if error is None:
            return True
        print("\n".join(error.lines), file=sys.stderr, flush=True)
        return False


def refuse_unsafe_output(pelican):
    """Plain `pelican -o DIR` refuses the folders `invoke build` refuses (it
    deletes nothing, so a folder no build wrote is fine) and an unwritable
    one: one line instead of a traceback half-way through writing. The
    project is the folder that holds the content folder."""
    settings = pelican.settings
    content = Path(settings["PATH"])
    try:
        output = guard(
            settings["OUTPUT_PATH"], content, content.parent, Path.cwd(), force=True
        )
        require_writable(output)
    except FolderError as exc:
        raise SystemExit(str(exc)) from None


def add_generators(pelican):
    return BriefsGenerator


def register():
    logging.getLogger("pelican").addFilter(_BriefsErrorsAsLines())
    signals.initialized.connect(refuse_unsafe_output)
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(silence_articles_generator)
