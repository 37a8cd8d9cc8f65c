"""The runtime dependencies pinned at their declared floors, for ``make test-lowest``.

``pyproject.toml`` is the one place the floors are written: each runtime dependency, and
each dependency of an extra users install (``[cli]``; not ``dev``, whose tools are pinned
exactly), is declared as ``name>=version``, the oldest release with which the whole suite
passes.
``python tests/lowest_pins.py [pyproject.toml]`` prints one ``name==version`` line per
dependency, a pip constraints file; ``make test-lowest`` installs the package with it, so
every runtime dependency is exactly at its floor, and runs the suite there
(``test_dependencies`` then checks the installed versions).

A dependency declared any other way (no floor, an upper bound, extras, a marker) is an
error: its floor could not be tested. Runs on a bare Python 3.11 (``tomllib``, no
``packaging``), before anything is installed.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Final

__all__ = ["DEV", "FLOOR", "floors", "main"]

#: The extra of the project's own tools, pinned exactly: not a user's dependency.
DEV: Final = "dev"
#: ``name>=version``: the only form a runtime dependency may take.
FLOOR: Final = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*(?P<version>[0-9][0-9.]*)")


def floors(pyproject: Path) -> dict[str, str]:
    """Each runtime dependency of ``pyproject`` (extras but ``dev`` included) and its floor.

    Raises:
        ValueError: a dependency not declared as ``name>=version``.
    """
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    dependencies: list[str] = list(project["dependencies"])
    for extra, required in project.get("optional-dependencies", {}).items():
        if extra != DEV:
            dependencies += required
    pins = {}
    for dependency in dependencies:
        match = FLOOR.fullmatch(dependency.strip())
        if match is None:
            raise ValueError(
                f"declare {dependency!r} as name>=version (its tested floor), nothing else"
            )
        pins[match["name"]] = match["version"]
    return pins


def main(argv: list[str]) -> int:
    """Print the constraints for the pyproject named in ``argv`` (default ``pyproject.toml``)."""
    path = Path(argv[1] if len(argv) > 1 else "pyproject.toml")
    for name, version in floors(path).items():
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
