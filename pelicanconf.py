"""Development settings: the URL scheme, theme and plugin list.

Every local URL is relative (RELATIVE_URLS) so the same output works when
opened from disk and when served from a GitHub Pages sub-path.
"""

import os

SITENAME = "Policy Briefs"
SITE_DESCRIPTION = (
    "Independent analysis of foreign policy, security and economics, region by region."
)
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
# The briefs plugin reads, renders and writes everything made from briefs
# (plugins/briefs/pipeline.py): Pelican's own article and page readers have
# nothing to read, and the plugin copies only the images published pages use.
ARTICLE_PATHS = []
PAGE_PATHS = []
# Nothing under content/ is copied wholesale: the briefs plugin publishes only
# the files published pages use (brief images, author photos, files linked
# from a text). Hidden files and editors' leftovers are never read, nor
# copied from the theme (Pelican matches these patterns against bare file and
# folder names; briefs.collection.is_ignored reads content/ by the same rule,
# and `invoke publish` lets them be uncommitted).
STATIC_PATHS = []
IGNORE_FILES = [
    ".*", "*~", "#*#", "Thumbs.db", "desktop.ini", "Desktop.ini",
    "__pycache__", "*.pyc",
]  # fmt: skip
THEME = "theme"
# The build cache (git-ignored, safe to delete): reads of briefs and the
# fingerprints of the files the last build wrote. POLICY_BRIEFS_CACHE moves
# it (the benchmark keeps its own).
CACHE_PATH = os.environ.get("POLICY_BRIEFS_CACHE", ".cache")

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["briefs"]

# The project's plugin reads every brief; Pelican's other readers must never
# publish an unvalidated file that happens to sit under content/briefs/.
READERS = {"markdown": None, "mkd": None, "mdown": None, "html": None, "htm": None}

# Options of the briefs plugin: only what differs from the defaults of
# BriefsOptions (plugins/briefs/options.py). Unknown keys fail the build.
BRIEFS = {}

# URL scheme (the contract): every URL is a file, never a folder.
ARTICLE_URL = ARTICLE_SAVE_AS = "briefs/{slug}.html"
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = ""
DRAFT_URL = DRAFT_SAVE_AS = DRAFT_LANG_URL = DRAFT_LANG_SAVE_AS = ""
PAGE_URL = PAGE_SAVE_AS = "{slug}.html"
PAGE_LANG_SAVE_AS = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
REGION_URL = REGION_SAVE_AS = "regions/{slug}.html"
REGIONS_URL = REGIONS_SAVE_AS = "regions/index.html"
AUTHOR_URL = AUTHOR_SAVE_AS = "authors/{slug}.html"
AUTHORS_URL = AUTHORS_SAVE_AS = "authors/index.html"
TAG_URL = TAG_SAVE_AS = "topics/{slug}.html"
TAGS_URL = TAGS_SAVE_AS = "topics/index.html"
ARCHIVES_URL = ARCHIVES_SAVE_AS = "archives.html"
# Series (plugins/briefs/series.py): one page per series, its parts in order.
SERIES_URL = SERIES_SAVE_AS = "series/{slug}.html"
SERIES_INDEX_URL = SERIES_INDEX_SAVE_AS = "series/index.html"
INDEX_SAVE_AS = "index.html"
CATEGORY_URL = CATEGORY_SAVE_AS = ""
CATEGORIES_URL = CATEGORIES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
SEARCH_URL = SEARCH_SAVE_AS = "search.html"
DIRECT_TEMPLATES = []
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "briefs"
SLUGIFY_SOURCE = "basename"

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "author": None, "region": None}
PAGINATION_PATTERNS = (
    (1, "{name}{extension}", "{name}{extension}"),
    (2, "{name}-{number}{extension}", "{name}-{number}{extension}"),
)

# Feeds: Atom only, one namespace per kind so region, author and topic feeds
# never collide (Pelican's defaults share feeds/{slug}.atom.xml).
FEED_DOMAIN = ""
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = None
FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = "feeds/authors/{slug}.atom.xml"
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
TAG_FEED_RSS = None
REGION_FEED_ATOM = "feeds/regions/{slug}.atom.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.smarty": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

# One escaping policy everywhere: autoescape on; only rendered Markdown is
# marked safe in templates.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
TYPOGRIFY = False

# PDF editions (briefs/<slug>.pdf): "auto" makes them when the PDF engine
# (WeasyPrint and its fonts) is installed and otherwise says how to install
# it; "required" fails the build without it (publishconf.py, the offline
# bundle); "off" makes none (the live preview).
PDF_EDITIONS = os.environ.get("POLICY_BRIEFS_PDF", "auto")
