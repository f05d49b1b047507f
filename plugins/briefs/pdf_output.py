"""The PDF edition of every published brief, as the pipeline makes it.

The PDFs are made before any page is planned (pipeline.py), so each brief
page can say how large its PDF is and how many pages it has. Drafts never
get one, not even in the preview. The work is in `pdf` (the engine) and
`theme/templates/pdf.html`; this gathers each brief's inputs.

The PDF_EDITIONS setting: "auto" (development: make PDFs when the engine is
installed, else say in one line how to install it), "required"
(publishconf.py and the offline bundle: no engine, no build) or "off".
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.utils import get_relative_path

from . import pdf
from .problems import did_you_mean
from .urls import public_url

logger = logging.getLogger(__name__)

SETTING = "PDF_EDITIONS"
MODES = ("auto", "required", "off")
STYLESHEET = Path("paper") / "paper.css"  # under THEME


def mode(settings: dict) -> str:
    value = settings.get(SETTING, "auto")
    if value not in MODES:
        raise ValueError(
            f"{SETTING} must be one of {', '.join(map(repr, MODES))}, not {value!r}"
            + did_you_mean(str(value), MODES)
        )
    return value


def wanted(settings: dict) -> bool:
    """Whether a build may make PDFs (an unknown value: mode() says so)."""
    return settings.get(SETTING, "auto") != "off"


def check_engine(settings: dict, paper) -> bool:
    """Whether this build makes PDFs, given the engine's worker (`paper`,
    pipeline.PaperWorker, None when they are off): a required engine that is
    missing stops the build before anything is written; in "auto" mode one
    line says how to get PDFs."""
    wanted = mode(settings)
    if wanted == "off" or paper is None:
        return False
    problem = paper.problem
    if problem and wanted == "required":
        raise pdf.EngineMissing(
            f"PDF editions are required ({SETTING} = 'required'), but {problem}; "
            f"{pdf.INSTALL_HINT}"
        )
    if problem:
        logger.warning("PDF editions skipped: %s; %s", problem, pdf.INSTALL_HINT)
    return problem is None


def stylesheet(settings: dict) -> Path:
    return Path(settings["THEME"]) / STYLESHEET


def paper_for(settings: dict, content_dir: Path) -> pdf.Paper:
    public = public_url(settings)
    return pdf.Paper(
        stylesheet=stylesheet(settings),
        files=content_dir,
        site_root=f"{public}/" if public else pdf.LOCAL_ROOT,
        relative_links=not public,
    )


def pdf_job(article, template, context: dict, public: str | None) -> pdf.PdfJob:
    """The paper document of one brief and its metadata."""
    record = article.brief
    path = f"{article.url.rpartition('.')[0]}.pdf"
    lang = article.language
    html = template.render(
        {
            **context,
            "article": article,
            "lang": lang,
            "short_title": pdf.short_title(record.title),
            "web_address": f"{public}/{article.url}" if public else "",
            "output_file": path,
            "SITEURL": get_relative_path(path),
        }
    )
    metadata = pdf.PdfMetadata(
        title=record.title,
        authors=record.authors,
        created=record.date,
        modified=record.updated,
        subject=record.summary,
        keywords=record.tags,
        lang=lang,
        creator=context["SITENAME"],
    )
    return pdf.PdfJob(path, html, metadata)
