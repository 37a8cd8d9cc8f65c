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
