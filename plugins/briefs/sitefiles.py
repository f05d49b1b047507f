"""The files a production build writes beside the pages, under fixed names:
the host_files plugin writes the first four, notfound.py the 404 page.

A file from content/ may not take one of these names in any build (so that a
development build publishes what production would: pages.py), and an alias
may not pass through one as if it were a folder (fields.py).
"""

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOJEKYLL = ".nojekyll"
CNAME = "CNAME"
NOT_FOUND = "404.html"

FIXED_NAMES = (SITEMAP, ROBOTS, NOJEKYLL, CNAME, NOT_FOUND)
