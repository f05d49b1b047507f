"""The BRIEFS setting, read once per build into one frozen `BriefsOptions`.

pelicanconf.py sets only what differs from the defaults below (usually
nothing: `BRIEFS = {}`). An unknown key or a value of the wrong kind stops
the build with one line naming the key, what was expected and what was
received.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .problems import did_you_mean

SETTING = "BRIEFS"


@dataclass(frozen=True)
class BriefsOptions:
    regions_file: str = "regions.yml"  # under the content folder
    authors_file: str = "authors.yml"
    briefs_dir: str = "briefs"
    related_count: int = 3  # "More from <region>" on a brief's page
    show_drafts: bool = False  # the preview shows drafts; builds never do
    # Keep reads and output fingerprints in CACHE_PATH between builds.
    cache: bool = True
    # Worker processes: None for one per core when the work is large enough,
    # 1 to do everything in the building process.
    workers: int | None = None

    @classmethod
    def from_settings(cls, settings: dict) -> BriefsOptions:
        """The options of settings["BRIEFS"]; ValueError when a key is
        unknown or a value is not what the key expects."""
        given = settings.get(SETTING) or {}
        if not isinstance(given, dict):
            raise ValueError(
                f"{SETTING} setting: expected a dict but received {given!r}"
            )
        known = [option.name for option in fields(cls)]
        unknown = sorted(set(given) - set(known), key=str)
        if unknown:
            raise ValueError(
                f"{SETTING} setting: unknown key(s) "
                + ", ".join(
                    f"'{key}'" + did_you_mean(str(key), known) for key in unknown
                )
            )
        for key, value in given.items():
            expected, fits = _EXPECTED[key]
            if not fits(value):
                raise ValueError(
                    f"{SETTING} setting '{key}': expected {expected} "
                    f"but received {value!r}"
                )
        return cls(**given)


def _is_name(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_count(value, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


_EXPECTED = {
    "regions_file": ("a file name under the content folder", _is_name),
    "authors_file": ("a file name under the content folder", _is_name),
    "briefs_dir": ("a folder name under the content folder", _is_name),
    "related_count": ("a whole number, 0 or more", lambda v: _is_count(v, 0)),
    "show_drafts": ("True or False", lambda v: isinstance(v, bool)),
    "cache": ("True or False", lambda v: isinstance(v, bool)),
    "workers": (
        "None (one per core) or a whole number, 1 or more",
        lambda v: v is None or _is_count(v, 1),
    ),
}
