"""Tests for the declared runtime dependencies (pyproject.toml) and tests/lowest_pins.py.

The floors are written once, in ``pyproject.toml``; ``make test-lowest`` installs exactly
what ``lowest_pins`` derives from them. These tests check that derivation against an
independent parse (``packaging``), that every package the code imports is declared (and
nothing else), and, under ``make test-lowest`` (which sets ``ASSISTANT_STREAM_LOWEST`` to
its constraints file), that each runtime dependency really is installed at its floor.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from lowest_pins import floors
from packaging.requirements import Requirement

ROOT = Path(__file__).parent.parent
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "assistant_stream"


def declared(extra: str | None = None) -> list[Requirement]:
    """The runtime dependencies of pyproject.toml, parsed by ``packaging``.

    With ``extra``, that extra's only; with none, every user's (the extras but ``dev``).
    """
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    if extra is not None:
        return [Requirement(text) for text in extras[extra]]
    texts = list(project["dependencies"])
    for name, required in extras.items():
        if name != "dev":
            texts += required
    return [Requirement(text) for text in texts]


def runtime() -> set[str]:
    """The names of the dependencies every install has (no extra)."""
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
    return {Requirement(text).name for text in project["dependencies"]}


#: Where the package may import more than its runtime dependencies, and what: the command
#: line, its ``[cli]`` extra (imported only when rendering to a terminal); the pytest
#: plugin, pytest, which loads it, and pytest-asyncio when installed.
OPTIONAL_IMPORTS = {
    "_cli": {requirement.name for requirement in declared("cli")},
    "testing/pytest_plugin.py": {"pytest", "pytest_asyncio"},
}


def test_pins_are_the_declared_floors() -> None:
    """lowest_pins gives each runtime dependency's >= bound, and nothing else."""
    expected = {}
    for requirement in declared():
        [specifier] = list(requirement.specifier)
        assert (">=", None, set()) == (specifier.operator, requirement.marker, requirement.extras)
        expected[requirement.name] = specifier.version
    assert expected == floors(PYPROJECT)


def test_pins_print_as_a_constraints_file() -> None:
    """Run as a script, it prints one name==version line per dependency, in order."""
    script = Path(__file__).parent / "lowest_pins.py"
    done = subprocess.run(
        [sys.executable, str(script), str(PYPROJECT)], capture_output=True, text=True, check=True
    )
    expected = [f"{name}=={version}" for name, version in floors(PYPROJECT).items()]
    assert expected == done.stdout.splitlines()


@pytest.mark.parametrize("declaration", ["foo", "foo<2", "foo>=1,<2", "foo[x]>=1", "foo==1"])
def test_a_dependency_without_a_plain_floor_is_refused(tmp_path: Path, declaration: str) -> None:
    """Only name>=version can be pinned at its floor; anything else is a ValueError."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\ndependencies = ["{declaration}"]\n', "utf-8")
    with pytest.raises(ValueError, match="name>=version"):
        floors(pyproject)


def imported_distributions(under: str | None = None) -> set[str]:
    """The third-party distributions the package's modules import (at any level).

    ``under`` (a path in the package, as in ``OPTIONAL_IMPORTS``) limits it to those modules;
    without it, the modules outside ``OPTIONAL_IMPORTS`` are read.
    """
    names = set()
    for path in PACKAGE.rglob("*.py"):
        where = path.relative_to(PACKAGE).as_posix()
        inside = [area for area in OPTIONAL_IMPORTS if where.startswith(area)]
        if (under is None and inside) or (under is not None and not where.startswith(under)):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    # every dependency's import name is its distribution name (aiohttp, attrs, cattrs, ...)
    return names - set(sys.stdlib_module_names) - {"assistant_stream", "__future__"}


def test_every_import_is_declared_and_every_declaration_imported() -> None:
    """The runtime dependencies are exactly the third-party packages the code imports."""
    assert runtime() == imported_distributions()


@pytest.mark.parametrize("area", sorted(OPTIONAL_IMPORTS))
def test_the_optional_imports_are_where_they_belong(area: str) -> None:
    """The command line and the pytest plugin import only their own extras beyond those."""
    assert imported_distributions(area) - runtime() == OPTIONAL_IMPORTS[area]


@pytest.mark.skipif(
    "ASSISTANT_STREAM_LOWEST" not in os.environ, reason="only under make test-lowest"
)
def test_installed_at_the_floors() -> None:
    """Under make test-lowest, each runtime dependency is installed at exactly its floor."""
    constraints = Path(os.environ["ASSISTANT_STREAM_LOWEST"]).read_text("utf-8").split()
    installed = [f"{name}=={importlib.metadata.version(name)}" for name in floors(PYPROJECT)]
    assert constraints == installed
