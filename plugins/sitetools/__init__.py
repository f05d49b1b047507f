"""Build orchestration around Pelican: atomic builds, link checking, bundles,
publishing and the editors' helpers. Used by tasks.py and the tests."""
