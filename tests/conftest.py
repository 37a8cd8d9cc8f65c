"""Shared pytest setup: the hypothesis profiles, and the fixtures of the client tests.

``FAST=1`` selects the quick hypothesis profile. ``server`` is a ``loopback.Loopback``;
``http`` is a working ``aioresponses``; ``clean_env`` (opted into with
``pytestmark = pytest.mark.usefixtures("clean_env")``) hides the machine's OPENAI_* variables.
"""

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses
from aioresponses_compat import mocked
from hypothesis import settings
from loopback import Loopback
from mock_http import ENV_NAMES

settings.register_profile("tests", deadline=None, max_examples=200)
settings.register_profile("fast", parent=settings.get_profile("tests"), max_examples=25)
settings.load_profile("fast" if os.environ.get("FAST") == "1" else "tests")


@pytest.fixture
async def server() -> AsyncIterator[Loopback]:
    """A loopback HTTP server (``tests/loopback.py``), closed after the test."""
    async with Loopback() as loopback:
        yield loopback


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the OPENAI_* variables of the machine running the test."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def http() -> Iterator[aioresponses]:
    """aioresponses, working with this aiohttp (see aioresponses_compat)."""
    with mocked() as m:
        yield m
