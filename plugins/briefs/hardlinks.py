"""Hard-link files of the last build's folder into the new one: the script
pipeline.Linker runs, in a process of its own, while the build goes on.

It is run by path with `python -I -S` and imports nothing but `os` and
`sys`, so it starts in milliseconds. Standard input: the old folder, the new
folder and each file's path under both, separated by NUL bytes. Standard
output: the paths it could not link (changed or gone since the build
checked them), separated by NUL bytes.
"""

import os
import sys


def link_all(old: bytes, new: bytes, names: list[bytes]) -> list[bytes]:
    """Link each of `names` from `old` into `new`; the names that failed."""
    made, failed = set(), []
    for name in names:
        target = os.path.join(new, name)  # noqa: PTH118
        folder = os.path.dirname(target)  # noqa: PTH120
        try:
            if folder not in made:
                os.makedirs(folder, exist_ok=True)  # noqa: PTH103
                made.add(folder)
            os.link(os.path.join(old, name), target)  # noqa: PTH118
        except OSError:
            failed.append(name)
    return failed


if __name__ == "__main__":
    old, new, *names = sys.stdin.buffer.read().split(b"\0")
    failed = link_all(old, new, names)
    sys.stdout.buffer.write(b"\0".join(failed))
