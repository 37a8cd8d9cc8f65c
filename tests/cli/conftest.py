"""Fixtures of the command line's tests: a served assistant, no Azure variables."""

from collections.abc import AsyncIterator

import pytest
from cli_helpers import ANSWER

from assistant_stream._cli._commands import AZURE_API_KEY, AZURE_API_VERSION, AZURE_ENDPOINT
from assistant_stream.testing import AssistantServer


@pytest.fixture(autouse=True)
def no_azure_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the machine's Azure variables of the command line."""
    for name in (AZURE_ENDPOINT, AZURE_API_KEY, AZURE_API_VERSION):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def served() -> AsyncIterator[AssistantServer]:
    """An embedded server that answers ``ANSWER``."""
    async with AssistantServer([[{"text": ANSWER}]]) as server:
        yield server
