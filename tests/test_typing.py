"""The types users write against: handlers type-check under ``mypy --strict`` both ways.

A user's ``EventHandler`` may override a callback with ``def`` or ``async def``, and
``on_error`` may return ``True`` to say an error was handled; the README's examples are
user code too. Each case runs mypy on a file of its own; a broken override must still be
reported, or the check would prove nothing.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent

BOTH_WAYS = """
from assistant_stream import EventHandler
from assistant_stream.types import ErrorObject, Message, Text, TextDelta, ToolCall


class Plain(EventHandler):
    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        print(delta.value)

    def on_message_done(self, message: Message) -> None:
        print(message.id)

    def on_error(self, error: ErrorObject) -> bool:
        return True

    def on_end(self) -> None:
        print("end")


class Async(EventHandler):
    async def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        print(delta.value)

    async def on_tool_call_done(self, tool_call: ToolCall) -> None:
        print(tool_call.id)

    async def on_error(self, error: ErrorObject) -> bool | None:
        return error.code == "rate_limit_exceeded" or None

    async def on_end(self) -> None:
        print("end")


class Quiet(EventHandler):
    def on_error(self, error: ErrorObject) -> None:
        return None
"""

BROKEN = """
from assistant_stream import EventHandler
from assistant_stream.types import ErrorObject, TextDelta


class Wrong(EventHandler):
    def on_text_delta(self, delta: str, snapshot: TextDelta) -> None:
        print(delta)

    async def on_error(self, error: ErrorObject) -> str:
        return "handled"
"""


def readme_blocks() -> list[str]:
    """The README's Python code blocks."""
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


CASES = {"both_ways": BOTH_WAYS, "broken": BROKEN} | {
    f"readme_{number}": block for number, block in enumerate(readme_blocks())
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """``mypy --strict`` run once over every case: its error lines, by case."""
    folder = tmp_path_factory.mktemp("user_code")
    for name, source in CASES.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
    report, errors, _ = api.run(
        [
            "--strict",
            "--python-version",
            "3.11",
            "--cache-dir",
            str(folder / ".cache"),
            *(str(folder / f"{name}.py") for name in CASES),
        ]
    )
    assert not errors, errors
    lines = report.splitlines()
    return {
        name: [line for line in lines if line.startswith(str(folder / f"{name}.py"))]
        for name in CASES
    }


def test_def_and_async_def_overrides_type_check(reports: dict[str, list[str]]) -> None:
    """Overrides written with def and with async def pass mypy --strict."""
    assert [] == reports["both_ways"]


def test_wrong_overrides_are_still_reported(reports: dict[str, list[str]]) -> None:
    """A wrong argument type and a non-bool on_error result are [override] errors."""
    found = reports["broken"]
    assert any('Argument 1 of "on_text_delta"' in line for line in found), found
    assert any('Return type "Coroutine[Any, Any, str]" of "on_error"' in line for line in found)


@pytest.mark.parametrize("name", [name for name in CASES if name.startswith("readme_")])
def test_readme_examples_type_check(reports: dict[str, list[str]], name: str) -> None:
    """Every Python example in the README passes mypy --strict."""
    assert [] == reports[name]
