"""The README's section on the embedded server: its two examples run as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(marker: str) -> str:
    """The README's Python block that contains ``marker``."""
    text = README.read_text(encoding="utf-8")
    blocks = [block.split("```")[0] for block in text.split("```python\n")[1:]]
    (code,) = [block for block in blocks if marker in block]
    return code


async def test_the_server_example_answers_with_its_script() -> None:
    """The example streams the scripted run, answering the function call, to its text."""
    namespace: dict[str, Any] = {}
    exec(compile(readme_block("async def weather_bot_answers"), "README.md", "exec"), namespace)
    assert "It is 18 degrees and sunny in Paris." == await namespace["weather_bot_answers"]()


def test_the_fixture_example_passes_in_a_users_suite(pytester: pytest.Pytester) -> None:
    """The pytest example, as a user's test file with pytest-asyncio in strict mode."""
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
        "filterwarnings = error\n"
    )
    pytester.makepyfile(test_bot=readme_block("async def test_bot_greets"))
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


async def test_the_azure_example_approves_by_policy_in_one_stream() -> None:
    """``ask_agent`` against the server's Azure flavour: the search approved, the rest refused."""
    from assistant_stream import AssistantClient
    from assistant_stream.testing import AssistantServer

    namespace: dict[str, Any] = {}
    exec(compile(readme_block("async def ask_agent"), "README.md", "exec"), namespace)
    search = {"server_label": "github", "name": "search_docs", "arguments": {}, "output": "ok"}
    delete = {**search, "name": "delete_repo"}
    script = [[{"mcp_call": search}, {"mcp_call": delete}], [{"text": "Done."}]]
    async with AssistantServer(script=script, azure=True, api_key="entra") as server:
        client = AssistantClient.for_azure(
            server.azure_endpoint, api_version="2025-05-15-preview", api_key="entra"
        )
        async with client:
            agent = await client.assistants.create(model="gpt-4o")
            thread = await client.threads.create(messages=[{"role": "user", "content": "Go"}])
        text = await namespace["ask_agent"](server.azure_endpoint, agent.id, thread.id, "entra")
        [submit] = [r for r in server.requests if r.path.endswith("/submit_tool_outputs")]
    assert "Done." == text
    assert [True, False] == [approval["approve"] for approval in submit.json["tool_approvals"]]
