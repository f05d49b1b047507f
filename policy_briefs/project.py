"""Where the project's files are: one definition for the tooling and the tests."""

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
DEV_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
# What every build process imports (invoke, Pelican, a build's workers).
MODULES = ("plugins", "policy_briefs", "tasks.py")


def compile_bytecode() -> None:
    """Bytecode for the project's modules, as Python writes it on their
    first import, unless PYTHONDONTWRITEBYTECODE says not to: then every
    process (a build, each of its workers) would compile them again, a
    tenth of a second each."""
    for name in MODULES:
        path = ROOT / name
        if path.is_dir():
            compileall.compile_dir(path, quiet=2)
        else:
            compileall.compile_file(path, quiet=2)
