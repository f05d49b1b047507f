"""Development settings: the URL scheme, theme and plugin list.

Every local URL is relative (RELATIVE_URLS) so the same output works when
opened from disk and when served from a GitHub Pages sub-path.
"""

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
ARTICLE_PATHS = ["briefs"]
PAGE_PATHS = []
STATIC_PATHS = ["images"]
THEME = "theme"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["briefs"]

# The project's plugin reads every brief; Pelican's other readers must never
# publish an unvalidated file that happens to sit under content/briefs/.
READERS = {"markdown": None, "mkd": None, "mdown": None, "html": None, "htm": None}

BRIEFS = {
    "regions_file": "regions.yml",
    "authors_file": "authors.yml",
    "briefs_dir": "briefs",
    "related_count": 3,
    "show_drafts": False,
}

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
INDEX_SAVE_AS = "index.html"
CATEGORY_URL = CATEGORY_SAVE_AS = ""
CATEGORIES_URL = CATEGORIES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
AUTHORS_SAVE_AS = "authors/index.html"
SEARCH_URL = SEARCH_SAVE_AS = "search.html"
DIRECT_TEMPLATES = ["index", "tags", "authors", "archives", "search"]
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
