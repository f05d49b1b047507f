"""Slugs exactly as Pelican makes them (ASCII transliteration)."""

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify as _pelican_slugify

# Longer slugs make file names a file system refuses (255 bytes, and a
# slug also names `<slug>-12.html` and `<slug>.atom.xml`).
MAX_LENGTH = 200


def slugify(name: str) -> str:
    """'Søren Kjærgaard' → 'soren-kjaergaard'; the same rule Pelican applies."""
    return _pelican_slugify(name, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
