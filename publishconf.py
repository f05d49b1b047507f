"""Production settings: the development settings plus the public address.

Pages keep relative links (RELATIVE_URLS) so the published output also works
from disk; only what must be absolute is: feed links, canonical links and the
sitemap. The address comes from the SITEURL environment variable (set by the
GitHub Pages workflow from the Pages configuration), with a default here, and
an optional custom domain from CNAME.

    SITEURL=https://org.github.io/repo .venv/bin/pelican content -s publishconf.py

No `import *`: the development settings are read from pelicanconf.py beside
this file (whatever the working directory) and copied name by name.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from pelican.settings import get_settings_from_file

DEFAULT_SITEURL = "https://example.github.io/policy-briefs"

_development = get_settings_from_file(
    str(Path(__file__).resolve().with_name("pelicanconf.py"))
)
globals().update(_development)

SITEURL = (os.environ.get("SITEURL") or DEFAULT_SITEURL).strip().rstrip("/")
if urlsplit(SITEURL).scheme not in ("http", "https") or not urlsplit(SITEURL).netloc:
    raise ValueError(
        f"SITEURL must be an absolute http(s) URL such as {DEFAULT_SITEURL}, "
        f"not {SITEURL!r}"
    )
RELATIVE_URLS = True
FEED_DOMAIN = SITEURL

PLUGINS = [*_development["PLUGINS"], "host_files"]
HOST_FILES = {
    "sitemap": True,
    "robots": True,
    "nojekyll": True,
    # A custom domain for GitHub Pages, e.g. briefs.example.org (then SITEURL
    # should be https://briefs.example.org). Empty: no CNAME file.
    "cname": os.environ.get("CNAME", "").strip(),
    # The file name Google Search Console gives for "HTML file" verification,
    # e.g. google1234567890abcdef.html. Empty: no such file.
    "google_verification": os.environ.get("GOOGLE_SITE_VERIFICATION", "").strip(),
}

# The public site always has its PDF editions: no engine, no build.
PDF_EDITIONS = "required"

# Builds are atomic (policy_briefs.build writes a fresh folder and swaps it in),
# so the output folder is never wiped before a build that could still fail.
DELETE_OUTPUT_DIRECTORY = False
