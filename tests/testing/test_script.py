"""Tests of ``assistant_stream.testing._script``: scripts checked into frozen turns."""

from pathlib import Path
from typing import Any

import pytest

from assistant_stream.errors import ConfigurationError, ScriptError
from assistant_stream.testing import PART_KINDS
from assistant_stream.testing._script import (
    Citation,
    CodeInterpreter,
    Fail,
    FileSearch,
    FunctionCall,
    Incomplete,
    Refusal,
    Replay,
    Text,
    parse_script,
)


def test_every_part_kind_becomes_its_value(tmp_path: Path) -> None:
    """Each kind of part is parsed into its frozen value, with its defaults."""
    recorded = tmp_path / "run.sse"
    recorded.write_bytes(b"event: done\ndata: [DONE]\n\n")
    script = [
        [
            {"text": "See 【1†a.txt】.", "citations": [{"marker": "【1†a.txt】", "file_id": "f"}]},
            {"refusal": "No."},
            {"code_interpreter": {"input": "1+1", "logs": "2", "image": True}},
            {"file_search": {"results": [{"file_name": "a.txt"}]}},
            {"function_call": {"name": "f", "arguments": {"x": 1}}},
            {"function_call": {"name": "g", "arguments": "{}"}},
        ],
        [{"text": "cut"}, {"incomplete": "max_prompt_tokens"}],
        [{"fail": {}}],
        [{"replay": str(recorded)}],
    ]
    expected = (
        (
            Text("See 【1†a.txt】.", (Citation("【1†a.txt】", "f"),)),
            Refusal("No."),
            CodeInterpreter("1+1", "2", True),
            FileSearch(({"file_name": "a.txt"},)),
            FunctionCall("f", '{"x":1}'),
            FunctionCall("g", "{}"),
        ),
        (Text("cut"), Incomplete("max_prompt_tokens")),
        (Fail("server_error", "Sorry, something went wrong."),),
        Replay(recorded),
    )
    assert expected == parse_script(script)


def test_the_part_table_names_every_kind() -> None:
    """``PART_KINDS`` lists the kinds the module docstring documents."""
    expected = {
        "text", "refusal", "function_call", "code_interpreter", "file_search", "fail",
        "incomplete", "replay",
    }  # fmt: skip
    assert expected == set(PART_KINDS)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("hello", "a script is a list of turns, got str"),
        ([[]], "turn 1: a turn is a non-empty list of parts"),
        ([[{"txt": "hi"}]], "turn 1, part 1: a part has exactly one key of"),
        ([[{"text": "a", "refusal": "b"}]], "turn 1, part 1: a part has exactly one key"),
        ([[{"text": 3}]], "turn 1, part 1: 'text' takes a string, got int"),
        (
            [[{"text": "ok"}], [{"function_call": {"name": "f", "args": {}}}]],
            "turn 2, part 1: 'function_call' has unknown keys ['args']",
        ),
        ([[{"function_call": {"arguments": {}}}]], "turn 1, part 1: 'name' is required"),
        (
            [[{"code_interpreter": {"input": "x", "image": "yes"}}]],
            "turn 1, part 1: 'image' must be bool, got str",
        ),
        ([[{"incomplete": "tired"}]], "turn 1, part 1: 'incomplete' is one of"),
        ([[{"fail": {}}, {"text": "after"}]], "turn 1, part 2: nothing can follow 'fail'"),
        (
            [[{"function_call": {"name": "f"}}, {"text": "after"}]],
            "turn 1, part 1: function calls end a turn",
        ),
        (
            [[{"text": "x", "citations": [{"marker": "[1]", "file_id": "f"}]}]],
            "turn 1, part 1: the citation marker '[1]' is not in the text",
        ),
        ([[{"refusal": "no", "citations": []}]], "'citations' goes with a 'text' part"),
        ([[{"replay": "/no/such/file.sse"}]], "turn 1, part 1: 'replay' names no file"),
    ],
)
def test_a_bad_script_names_the_turn_and_the_part(script: Any, message: str) -> None:
    """What is wrong is a ``ScriptError`` (a ``ConfigurationError``) saying where."""
    with pytest.raises(ScriptError) as caught:
        parse_script(script)
    assert isinstance(caught.value, ConfigurationError)
    assert message in str(caught.value)


def test_a_replay_is_the_whole_turn(tmp_path: Path) -> None:
    """A ``replay`` part next to another part is refused."""
    recorded = tmp_path / "run.sse"
    recorded.write_bytes(b"")
    with pytest.raises(ScriptError, match="turn 1, part 2: a 'replay' part is the whole turn"):
        parse_script([[{"text": "hi"}, {"replay": str(recorded)}]])
