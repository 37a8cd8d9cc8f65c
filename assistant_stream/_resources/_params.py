"""The request fields each endpoint takes, as ``TypedDict``s, and their runtime check.

Field names and meanings are the OpenAPI spec's (``CreateRunRequest``,
``CreateThreadAndRunRequest``). Values are JSON-like (dicts, lists, strings, numbers) or
models from ``assistant_stream.types``, which are sent as their JSON objects. A field left
out is not sent; to send a field this version does not list, or an explicit ``null``, use
``extra_body``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from assistant_stream._config import TimeoutTypes
from assistant_stream._registry import ToolRegistry
from assistant_stream.errors import ConfigurationError

__all__ = [
    "CreateAndRunParams",
    "RequestOptions",
    "RunParams",
    "present",
    "split",
    "take_registry",
]


def present(**fields: Any) -> dict[str, Any]:
    """The fields that were given (``None`` means: not sent)."""
    return {name: value for name, value in fields.items() if value is not None}


class RequestOptions(TypedDict, total=False):
    """What every call takes besides its fields.

    ``extra_headers`` are added to (and override) the client's; ``extra_query`` to the query
    string; ``extra_body`` to the JSON body; ``timeout`` replaces the client's for this call.
    """

    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]
    extra_body: Mapping[str, Any]
    timeout: TimeoutTypes


class _RunFields(RequestOptions, total=False):
    model: str
    instructions: str
    tools: ToolRegistry | Sequence[Any]
    metadata: Mapping[str, str]
    temperature: float
    top_p: float
    max_prompt_tokens: int
    max_completion_tokens: int
    truncation_strategy: Any
    tool_choice: Any
    parallel_tool_calls: bool
    response_format: Any


class RunParams(_RunFields, total=False):
    """The fields of ``POST /threads/{thread_id}/runs`` (``include`` goes in the query)."""

    reasoning_effort: str
    additional_instructions: str
    additional_messages: Sequence[Any]
    include: Sequence[str]


class CreateAndRunParams(_RunFields, total=False):
    """The fields of ``POST /threads/runs`` besides ``assistant_id`` and ``thread``."""

    tool_resources: Any


_OPTIONS = frozenset(RequestOptions.__optional_keys__)


def split(
    params: Mapping[str, Any], allowed: type[Any], where: str
) -> tuple[dict[str, Any], RequestOptions]:
    """Split keyword arguments into body fields and request options.

    Raises:
        TypeError: for a name ``allowed`` (a TypedDict) does not list, naming the close
            match, as Python does for an unexpected keyword argument.
    """
    known: frozenset[str] = allowed.__optional_keys__
    for name in params:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"{where}() got an unexpected keyword argument {name!r}{hint} "
                "(send fields this version does not know with extra_body=)"
            )
    fields = {name: value for name, value in params.items() if name not in _OPTIONS}
    options: Any = {name: params[name] for name in _OPTIONS if name in params}
    return fields, options


def take_registry(fields: dict[str, Any], answer_tools: ToolRegistry | None) -> ToolRegistry | None:
    """The registry that answers a stream's tool calls; its definitions put in ``fields``.

    ``tools`` may be a ``ToolRegistry``, or a list mixing tool definitions and one
    registry: the registry is replaced by its definitions, in place. ``answer_tools`` is a
    registry whose definitions are not sent (the tools are defined on the server).

    Raises:
        ConfigurationError: two registries.
    """
    tools = fields.get("tools")
    if isinstance(tools, ToolRegistry):
        tools = [tools]
    found = [tool for tool in tools or () if isinstance(tool, ToolRegistry)]
    if answer_tools is not None:
        found.append(answer_tools)
    if len(found) > 1:
        raise ConfigurationError(
            "one ToolRegistry answers a stream: register every function in it, and pass it "
            "once (tools= to send its definitions, or answer_tools= not to)"
        )
    if tools is not None:
        fields["tools"] = [
            definition
            for tool in tools
            for definition in (tool.definitions() if isinstance(tool, ToolRegistry) else (tool,))
        ]
    return found[0] if found else None
