"""Shared pytest setup: the hypothesis profiles, and the loopback server fixture.

``FAST=1`` selects the quick hypothesis profile. ``server`` is a ``loopback.Loopback``.
"""

import os
from collections.abc import AsyncIterator

import pytest
from hypothesis import settings
from loopback import Loopback

settings.register_profile("tests", deadline=None, max_examples=200)
settings.register_profile("fast", parent=settings.get_profile("tests"), max_examples=25)
settings.load_profile("fast" if os.environ.get("FAST") == "1" else "tests")


@pytest.fixture
async def server() -> AsyncIterator[Loopback]:
    """A loopback HTTP server (``tests/loopback.py``), closed after the test."""
    async with Loopback() as loopback:
        yield loopback
