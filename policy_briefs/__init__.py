"""The project's build tooling around Pelican (not a Pelican plugin): atomic
builds, link checking, the offline bundle, deploying to GitHub Pages, the
live preview, the editors' helpers and the benchmark. Used by tasks.py and
the tests; the Pelican plugins live in plugins/."""
