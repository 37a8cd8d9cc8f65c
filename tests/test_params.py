"""Tests for assistant_stream._resources._params: split() of keyword arguments."""

from __future__ import annotations

from typing import Any

import pytest

from assistant_stream import Timeout
from assistant_stream._resources._params import (
    CreateAndRunParams,
    RequestOptions,
    RunParams,
    split,
)

OPTIONS: dict[str, Any] = {
    "extra_headers": {"X-A": "1"},
    "extra_query": {"q": "1"},
    "extra_body": {"b": 1},
    "timeout": Timeout(total=5),
}


def test_fields_and_options_are_separated() -> None:
    """Body fields go left, request options right, each with its value."""
    fields = {"model": "gpt-4o", "temperature": 0.2, "include": ["x"]}
    assert (fields, OPTIONS) == split({**fields, **OPTIONS}, RunParams, "stream")


def test_nothing_given() -> None:
    """No keyword arguments: no fields, no options."""
    assert ({}, {}) == split({}, RunParams, "stream")


def test_none_values_are_kept() -> None:
    """split() checks names only: a None value is passed on as given."""
    assert ({"model": None}, {"timeout": None}) == split(
        {"model": None, "timeout": None}, RunParams, "stream"
    )


def test_options_only() -> None:
    """RequestOptions allows the four options and nothing else."""
    assert ({}, OPTIONS) == split(OPTIONS, RequestOptions, "retrieve")


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("temprature", "; did you mean 'temperature'?"),
        ("extra_header", "; did you mean 'extra_headers'?"),
        ("additional_message", "; did you mean 'additional_messages'?"),
        ("zzzz", ""),
    ],
)
def test_unknown_name_is_a_type_error(name: str, hint: str) -> None:
    """An unknown name is a TypeError as Python words it, with the close match if any."""
    with pytest.raises(TypeError) as caught:
        split({"model": "m", name: 1}, RunParams, "stream")
    expected = (
        f"stream() got an unexpected keyword argument {name!r}{hint} "
        "(send fields this version does not know with extra_body=)"
    )
    assert expected == str(caught.value)


@pytest.mark.parametrize("name", ["include", "additional_messages", "reasoning_effort"])
def test_run_only_fields_refused_by_create_and_run(name: str) -> None:
    """Fields of a run on an existing thread are not fields of create-and-run."""
    with pytest.raises(TypeError, match="create_and_run_stream"):
        split({name: 1}, CreateAndRunParams, "create_and_run_stream")


def test_tool_resources_only_for_create_and_run() -> None:
    """tool_resources belongs to create-and-run, not to a run of an existing thread."""
    fields, _ = split({"tool_resources": {}}, CreateAndRunParams, "create_and_run_stream")
    with pytest.raises(TypeError):
        split({"tool_resources": {}}, RunParams, "stream")
    assert {"tool_resources": {}} == fields


@pytest.mark.parametrize("name", ["model", "tools", "metadata"])
def test_fields_refused_where_only_options_allowed(name: str) -> None:
    """A call that takes only options refuses body fields, naming the call."""
    with pytest.raises(TypeError, match=r"^cancel\(\) got an unexpected keyword argument"):
        split({name: 1}, RequestOptions, "cancel")


def test_allowed_names() -> None:
    """Both stream endpoints take the shared run fields and the options, plus their own."""
    shared = {
        "model",
        "instructions",
        "tools",
        "metadata",
        "temperature",
        "top_p",
        "max_prompt_tokens",
        "max_completion_tokens",
        "truncation_strategy",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        *OPTIONS,
    }
    run_only = {"reasoning_effort", "additional_instructions", "additional_messages", "include"}
    expected = (shared | run_only, shared | {"tool_resources"})
    actual = (set(RunParams.__optional_keys__), set(CreateAndRunParams.__optional_keys__))
    assert expected == actual
