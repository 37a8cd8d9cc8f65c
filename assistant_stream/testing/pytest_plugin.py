"""pytest fixtures for testing bots against the embedded Assistants server.

Installed with the package and loaded by pytest through its ``pytest11`` entry point:

- ``assistant_server``: a running ``AssistantServer`` (in a thread of its own, so it serves
  async tests on any loop and plain tests with a synchronous client alike), stopped after
  the test. Script it from the test with ``assistant_server.set_script([...])``,
  ``add_turns(...)`` and ``inject(Fault(...))``; read ``requests``; configure it with the
  marker ``@pytest.mark.assistant_server(script=..., api_key=..., seed=..., faults=...)``.
- ``assistant_client``: an ``AssistantClient`` bound to that server, closed after the test
  (an async fixture: it needs pytest-asyncio): ``AssistantClient.for_azure`` at the
  server's project endpoint, with ``AZURE_API_VERSION``, when the server is Azure's
  (``@pytest.mark.assistant_server(azure=True)``).

Rule - this module is imported in every pytest run of every project that installs the
package, so it imports pytest and nothing else until a test asks for a fixture: neither
aiohttp's server nor the embedded server is loaded by a run that does not use them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from assistant_stream import AssistantClient

    from ._threaded import ServerThread

__all__ = ["assistant_client", "assistant_server"]

MARKER = "assistant_server"
#: The ``api-version`` the Azure client uses: the one with MCP approvals.
AZURE_API_VERSION = "2025-05-15-preview"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that configures ``assistant_server``."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): options of the assistant_server fixture's AssistantServer "
        "(script=, api_key=, seed=, faults=)",
    )


@pytest.fixture
def assistant_server(request: pytest.FixtureRequest) -> Iterator[ServerThread]:
    """A running embedded Assistants server, stopped after the test."""
    from ._threaded import ServerThread

    marker = request.node.get_closest_marker(MARKER)
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    with ServerThread(**options) as server:
        yield server


def _async_fixture(function: Any) -> Any:
    """``pytest_asyncio.fixture`` when pytest-asyncio is installed (it imports nothing else)."""
    try:
        import pytest_asyncio
    except ImportError:  # a project without pytest-asyncio: the fixture says it needs it

        @pytest.fixture(name=function.__name__)
        def needs_pytest_asyncio() -> None:
            pytest.fail("the assistant_client fixture needs pytest-asyncio installed")

        return needs_pytest_asyncio
    return pytest_asyncio.fixture(function)


@_async_fixture
async def assistant_client(assistant_server: ServerThread) -> AsyncIterator[AssistantClient]:
    """An ``AssistantClient`` of ``assistant_server``, closed after the test."""
    from assistant_stream import AssistantClient

    key = assistant_server.api_key or "sk-test"
    if assistant_server.azure:
        client = AssistantClient.for_azure(
            assistant_server.azure_endpoint, api_version=AZURE_API_VERSION, api_key=key
        )
    else:
        client = AssistantClient(api_key=key, base_url=assistant_server.base_url)
    async with client:
        yield client
