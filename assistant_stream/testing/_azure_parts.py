"""The parts of a script only Azure AI Foundry Agents plays: calls of Azure's own tools.

``AZURE_PART_KINDS`` are accepted by ``AssistantServer(azure=True)`` only (the OpenAI
service never sends them), each a dict with one key, shaped as in the recordings
(``../shared/recorded/azure/``):

==================  ========================================================================
part                what the run does
==================  ========================================================================
``mcp_call``        ``{"server_label": ..., "name": ..., "arguments": {...}, "output": ...}``:
                    an ``activities`` step listing the server's tools (``tools``: name ->
                    ``{"description", "parameters"}``; default: the called one), then a
                    ``tool_calls`` step with an ``mcp`` call. With ``"require_approval":
                    "always"`` (the default) the turn ends there, at ``requires_action`` of
                    type ``submit_tool_approval``; ``"never"`` runs the call at once
``bing_grounding``  ``{"requesturl": ..., "response_metadata": ...}``: a search; cite its
                    pages in the next text part with ``url_citation`` citations
``azure_function``  ``{"name": ..., "arguments": {...}, "output": ...}``: a call the service
                    makes itself, its arguments streamed, then its output
``connected_agent`` ``{"name": ..., "arguments": {...}, "output": ...}``: another agent's run,
                    shaped as ``azure_function``'s, with that run's ids
==================  ========================================================================

Rule - approving an ``mcp_call`` fills in its ``output`` and the run goes on with the next
turn; refusing it leaves ``output`` null (the call never ran) and the run goes on too, as
the service's does: the model answers without the tool.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from ._checks import Problem, field, json_text, mapping, only

__all__ = [
    "AZURE_PART_KINDS",
    "AzureFunction",
    "BingGrounding",
    "ConnectedAgent",
    "McpCall",
]

#: ``require_approval``'s values (Azure's MCP tool resource), and whether the call waits.
APPROVAL_MODES: Final = {"always": True, "never": False}
#: What Bing says of a search when the part does not say (the recorded fields).
BING_METADATA: Final = "{'market': 'en-US', 'num_docs_retrieved': 5, 'num_docs_actually_used': 5}"
#: The JSON schema of a listed MCP tool's parameters when the part does not give it.
PARAMETERS: Final = {"type": "object"}


@attrs.frozen
class McpCall:
    """A call of an MCP server's tool; it waits for approval unless ``require_approval`` is off."""

    server_label: str
    name: str
    arguments: str = "{}"  # the JSON text, as the model writes it
    output: str = ""  # what the MCP server answers, once the call is approved
    require_approval: bool = True
    tools: Mapping[str, Any] = attrs.field(factory=dict)  # listed before the call


@attrs.frozen
class BingGrounding:
    """A Bing search: the request URL and the metadata of its answer."""

    requesturl: str
    response_metadata: str | None = BING_METADATA


@attrs.frozen
class AzureFunction:
    """A call of an Azure Function the service makes itself (no ``requires_action``)."""

    name: str
    arguments: str = "{}"
    output: str = ""


@attrs.frozen
class ConnectedAgent:
    """A run of a connected agent, which the service makes itself."""

    name: str
    arguments: str = "{}"
    output: str = ""


def _arguments(spec: Mapping[str, Any]) -> str:
    return json_text(field(spec, "arguments", (Mapping, str), {}))


def _mcp_call(value: Any) -> McpCall:
    spec = mapping(value, "mcp_call")
    keys = {"server_label", "name", "arguments", "output", "require_approval", "tools"}
    only(spec, "mcp_call", keys)
    name = field(spec, "name", str)
    mode = field(spec, "require_approval", str, "always")
    if mode not in APPROVAL_MODES:
        raise Problem(f"'require_approval' is 'always' or 'never', got {mode!r}")
    tools = field(spec, "tools", Mapping, {name: {}})
    listed = {
        tool: {
            "description": field(mapping(definition, f"tools.{tool}"), "description", str, ""),
            "parameters": mapping(definition, f"tools.{tool}").get("parameters", PARAMETERS),
        }
        for tool, definition in tools.items()
    }
    return McpCall(
        server_label=field(spec, "server_label", str),
        name=name,
        arguments=_arguments(spec),
        output=field(spec, "output", str, ""),
        require_approval=APPROVAL_MODES[mode],
        tools=listed,
    )


def _bing_grounding(value: Any) -> BingGrounding:
    spec = mapping(value, "bing_grounding")
    only(spec, "bing_grounding", {"requesturl", "response_metadata"})
    return BingGrounding(
        requesturl=field(spec, "requesturl", str),
        response_metadata=field(spec, "response_metadata", (str, type(None)), BING_METADATA),
    )


def _called(kind: str, make: type[AzureFunction | ConnectedAgent]) -> Callable[[Any], Any]:
    def parse(value: Any) -> AzureFunction | ConnectedAgent:
        spec = mapping(value, kind)
        only(spec, kind, {"name", "arguments", "output"})
        return make(
            name=field(spec, "name", str),
            arguments=_arguments(spec),
            output=field(spec, "output", str, ""),
        )

    return parse


#: Each Azure part's kind, and the function that checks it and makes its value.
AZURE_PART_KINDS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "mcp_call": _mcp_call,
    "bing_grounding": _bing_grounding,
    "azure_function": _called("azure_function", AzureFunction),
    "connected_agent": _called("connected_agent", ConnectedAgent),
}
