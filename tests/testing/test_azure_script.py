"""Tests of ``assistant_stream.testing._azure_parts``: Azure's script parts, checked when given."""

from __future__ import annotations

from typing import Any

import pytest

from assistant_stream.errors import ScriptError
from assistant_stream.testing import AZURE_PART_KINDS, PART_KINDS
from assistant_stream.testing._azure_parts import (
    BING_METADATA,
    AzureFunction,
    BingGrounding,
    ConnectedAgent,
    McpCall,
)
from assistant_stream.testing._script import Citation, FunctionCall, Text, parse_script

MARKER = "【3:0†source】"
LISTED = {"search": {"description": "", "parameters": {"type": "object"}}}


def test_every_azure_part_kind_becomes_its_value() -> None:
    """Each of Azure's parts is parsed into its frozen value, with its defaults."""
    script = [
        [
            {"bing_grounding": {"requesturl": "https://bing/q"}},
            {
                "text": f"Found{MARKER}.",
                "citations": [
                    {"type": "url_citation", "marker": MARKER, "url": "https://a", "title": "A"}
                ],
            },
            {"azure_function": {"name": "foo", "arguments": {"q": 1}, "output": "Bar"}},
            {"connected_agent": {"name": "helper"}},
            {"mcp_call": {"server_label": "gh", "name": "list", "require_approval": "never"}},
            {"mcp_call": {"server_label": "gh", "name": "search", "output": "hit"}},
        ]
    ]
    expected = (
        (
            BingGrounding("https://bing/q", BING_METADATA),
            Text(
                f"Found{MARKER}.",
                (Citation(MARKER, type="url_citation", url="https://a", title="A"),),
            ),
            AzureFunction("foo", '{"q":1}', "Bar"),
            ConnectedAgent("helper", "{}", ""),
            McpCall("gh", "list", require_approval=False, tools={"list": LISTED["search"]}),
            McpCall("gh", "search", output="hit", tools=LISTED),
        ),
    )
    assert expected == parse_script(script, azure=True)


def test_the_tables_of_kinds_do_not_overlap() -> None:
    """``AZURE_PART_KINDS`` names Azure's tools; OpenAI's table is unchanged by them."""
    assert {"mcp_call", "bing_grounding", "azure_function", "connected_agent"} == set(
        AZURE_PART_KINDS
    )
    assert not set(AZURE_PART_KINDS) & set(PART_KINDS)


def test_mcp_tools_are_listed_as_given() -> None:
    """``tools`` gives the listing's descriptions and schemas; a schema defaults to an object."""
    tools = {"a": {"description": "A.", "parameters": {"type": "object", "required": []}}, "b": {}}
    [[part]] = parse_script(
        [[{"mcp_call": {"server_label": "s", "name": "a", "tools": tools}}]], azure=True
    )
    assert isinstance(part, McpCall)
    assert {**tools, "b": {"description": "", "parameters": {"type": "object"}}} == part.tools


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ([[{"mcp_call": {"name": "x"}}]], "turn 1, part 1: 'server_label' is required"),
        (
            [[{"mcp_call": {"server_label": "s", "name": "x", "require_approval": "sometimes"}}]],
            "'require_approval' is 'always' or 'never', got 'sometimes'",
        ),
        (
            [[{"mcp_call": {"server_label": "s", "name": "x", "headers": {}}}]],
            "'mcp_call' has unknown keys ['headers']",
        ),
        (
            [[{"mcp_call": {"server_label": "s", "name": "x"}}, {"text": "after"}]],
            "turn 1, part 1: mcp calls to approve end a turn; nothing can follow",
        ),
        (
            [[{"function_call": {"name": "f"}}, {"mcp_call": {"server_label": "s", "name": "x"}}]],
            "turn 1, part 2: a turn waits for tool outputs or for approvals, not both",
        ),
        ([[{"bing_grounding": {}}]], "'requesturl' is required"),
        (
            [[{"azure_function": {"name": "f", "arguments": 3}}]],
            "'arguments' must be Mapping or str",
        ),
        ([[{"connected_agent": "helper"}]], "'connected_agent' takes an object, got str"),
        (
            [[{"text": "a[1]", "citations": [{"type": "url_citation", "marker": "[1]"}]}]],
            "'url' is required",
        ),
        (
            [
                [
                    {
                        "text": "a[1]",
                        "citations": [
                            {"type": "url_citation", "marker": "[1]", "url": "u", "file_id": "f"}
                        ],
                    }
                ]
            ],
            "'citations[]' has unknown keys ['file_id']",
        ),
    ],
)
def test_a_bad_azure_part_names_the_turn_and_the_part(script: Any, message: str) -> None:
    """What is wrong is a ScriptError saying where, as for OpenAI's parts."""
    with pytest.raises(ScriptError) as caught:
        parse_script(script, azure=True)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "part",
    [
        {"mcp_call": {"server_label": "s", "name": "x"}},
        {"bing_grounding": {"requesturl": "u"}},
        {"text": "a[1]", "citations": [{"type": "url_citation", "marker": "[1]", "url": "u"}]},
    ],
)
def test_azure_parts_are_refused_for_openai(part: dict[str, Any]) -> None:
    """Without ``azure=True`` Azure's parts and URL citations are not parts of a script."""
    with pytest.raises(ScriptError, match=r"Azure|url_citation"):
        parse_script([[part]])


def test_mcp_calls_that_wait_end_a_turn_as_function_calls_do() -> None:
    """MCP calls to approve end a turn, in parallel; one that does not wait may come anywhere."""
    script = [
        [
            {"mcp_call": {"server_label": "s", "name": "a", "require_approval": "never"}},
            {"text": "Now two more."},
            {"mcp_call": {"server_label": "s", "name": "b"}},
            {"mcp_call": {"server_label": "t", "name": "c"}},
        ],
        [{"function_call": {"name": "f"}}],
    ]
    turns = parse_script(script, azure=True)
    assert [4, 1] == [len(turn) for turn in turns]
    assert isinstance(turns[1], tuple)
    assert isinstance(turns[1][0], FunctionCall)
