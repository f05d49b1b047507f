"""Addresses: one answer to "is this absolute?" and "what is the public
address of this build?" for every module."""

from __future__ import annotations


def is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def public_url(settings: dict) -> str | None:
    """The absolute public address of a production build (no trailing
    slash), else None: SITEURL when absolute, else FEED_DOMAIN (publishconf.py
    keeps RELATIVE_URLS and sets FEED_DOMAIN = SITEURL)."""
    for key in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(key) or ""
        if is_absolute(value):
            return value.rstrip("/")
    return None
