"""Tests of ``assistant_stream.testing.pytest_plugin``, run in pytester's fresh pytest runs."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

#: The settings a user's project would have: pytest-asyncio in strict mode (its default).
INI = """
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user's project: the package installed (the entry point loads the plugin), an ini."""
    pytester.makeini(INI)
    return pytester


def test_a_bot_is_tested_against_the_fixtures(project: pytest.Pytester) -> None:
    """A strict-mode async test scripts the server and streams a run with the client."""
    project.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_bot(assistant_server, assistant_client):
            assistant_server.set_script([[{"text": "Hello from the script."}]])
            assistant = await assistant_client.assistants.create(model="gpt-4o")
            thread = await assistant_client.threads.create(
                messages=[{"role": "user", "content": "hi"}]
            )
            async with assistant_client.threads.runs.stream(
                thread.id, assistant_id=assistant.id
            ) as stream:
                await stream.until_done()
                [message] = await stream.get_final_messages()
            assert "Hello from the script." == message.content[0].text.value
            assert ["/assistants", "/threads", f"/threads/{thread.id}/runs"] == [
                request.path for request in assistant_server.requests
            ]
        """
    )
    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_the_marker_configures_the_server(project: pytest.Pytester) -> None:
    """``@pytest.mark.assistant_server(...)`` passes its options to the server."""
    project.makepyfile(
        """
        import pytest
        from assistant_stream import AuthenticationError

        @pytest.mark.assistant_server(api_key="sk-right")
        @pytest.mark.asyncio
        async def test_key(assistant_server, assistant_client):
            assert "sk-right" == assistant_server.api_key
            await assistant_client.threads.create()  # the client carries the server's key

        @pytest.mark.assistant_server(api_key="sk-right", seed=7)
        def test_wrong_key(assistant_server):
            import urllib.request, urllib.error
            request = urllib.request.Request(
                assistant_server.base_url + "/threads", data=b"{}", method="POST",
                headers={"Authorization": "Bearer sk-wrong-key-123",
                         "OpenAI-Beta": "assistants=v2"},
            )
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request)
            assert 401 == caught.value.code
        """
    )
    project.runpytest_subprocess().assert_outcomes(passed=2)


def test_a_run_without_the_fixtures_loads_no_server(project: pytest.Pytester) -> None:
    """The plugin loads in every run, but aiohttp's server and ours only when used."""
    project.makeconftest(
        """
        import sys

        def pytest_sessionfinish(session):
            loaded = [name for name in ("aiohttp.web", "assistant_stream.testing._server")
                      if name in sys.modules]
            print("LOADED:", loaded, "PLUGIN:",
                  "assistant_stream.testing.pytest_plugin" in sys.modules)
        """
    )
    project.makepyfile("def test_plain():\n    assert True\n")
    result = project.runpytest_subprocess("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*LOADED: [] PLUGIN: True*"])


def test_a_bad_script_fails_the_test_that_gives_it(project: pytest.Pytester) -> None:
    """A ``ScriptError`` from ``set_script`` reaches the test, naming the turn and part."""
    project.makepyfile(
        """
        import pytest
        from assistant_stream.testing import ScriptError

        def test_script(assistant_server):
            with pytest.raises(ScriptError, match="turn 1, part 1"):
                assistant_server.set_script([[{"txt": "typo"}]])
        """
    )
    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_the_client_fixture_speaks_azure_to_an_azure_server(project: pytest.Pytester) -> None:
    """With ``azure=True`` the client is ``for_azure`` at the project endpoint."""
    project.makepyfile(
        """
        import pytest

        @pytest.mark.assistant_server(azure=True, api_key="entra-token")
        @pytest.mark.asyncio
        async def test_agent(assistant_server, assistant_client):
            assistant_server.set_script([[{"text": "Hello from Azure."}]])
            agent = await assistant_client.assistants.create(model="gpt-4o")
            thread = await assistant_client.threads.create(
                messages=[{"role": "user", "content": "hi"}]
            )
            async with assistant_client.threads.runs.stream(
                thread.id, assistant_id=agent.id
            ) as stream:
                [message] = await stream.get_final_messages()
            assert "Hello from Azure." == message.content[0].text.value
            [first, *_] = assistant_server.requests
            assert "2025-05-15-preview" == first.query["api-version"]
            assert "Bearer entra-token" == first.headers["Authorization"]
        """
    )
    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_without_pytest_asyncio_the_client_fixture_says_what_it_needs(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pytest-asyncio absent, asking for ``assistant_client`` fails saying why."""
    shadow = project.mkdir("shadow")
    (shadow / "pytest_asyncio.py").write_text("raise ImportError('not installed here')\n")
    project.makeini("[pytest]\nfilterwarnings = error\n")
    project.makepyfile(
        """
        def test_needs_it(assistant_client):
            pass

        def test_the_server_needs_nothing(assistant_server):
            assert assistant_server.base_url.endswith("/v1")
        """
    )
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    result = project.runpytest_subprocess("-p", "no:asyncio")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*the assistant_client fixture needs pytest-asyncio installed*"])
