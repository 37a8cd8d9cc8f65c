"""Patches to the Azure AI Agents tool calls of ``azure_tool_calls``, carried by step deltas.

One delta class per kind, members of ``run_step_delta.ToolCallDelta``, shaped like the full
call with ``index`` added: the details sit under the same key (``mcp`` flat, ``openapi``
under ``function``), every field optional, ``None`` meaning "absent or null: no change".

Rule 1 - fragments. The text the model writes, or a tool produces, while the call runs
arrives in pieces, each delta carrying only the new one: ``arguments`` (``mcp``,
``azure_function``, ``connected_agent``, ``openapi``), ``input`` (``azure_ai_search``,
``sharepoint_grounding``, ``fabric_dataagent``, ``deep_research``, ``browser_automation``)
and ``output`` (all of those). The service's deltas only ever append: a first delta sends
``""`` or ``null``, then the pieces follow (the recorded ``azure_function`` arguments came in
34 pieces, its output in one).

Rule 2 - whole values. Everything else replaces what came before when it is not ``None``:
ids, names and labels (``name``, ``server_label``, ``run_id``, ``thread_id``,
``assistant_id``), ``requesturl`` (sent as ``""``, then whole), ``response_metadata``,
``browser_automation.steps`` (the whole array), and every field of
``computer_use_preview`` (an action, safety checks, a screenshot: objects, not text).

The first delta of a call carries its ``id``; a later one may repeat it.
"""

import attrs

from .azure_tool_calls import BrowserAutomationStep, ComputerScreenshot, SafetyCheck
from .shared import JSONObject

__all__ = [
    "AzureAISearchDelta",
    "AzureAISearchToolCallDelta",
    "AzureFunctionDelta",
    "AzureFunctionToolCallDelta",
    "BingCustomSearchDelta",
    "BingCustomSearchToolCallDelta",
    "BingGroundingDelta",
    "BingGroundingToolCallDelta",
    "BrowserAutomationDelta",
    "BrowserAutomationToolCallDelta",
    "ComputerUsePreviewDelta",
    "ComputerUsePreviewToolCallDelta",
    "ConnectedAgentDelta",
    "ConnectedAgentToolCallDelta",
    "DeepResearchDelta",
    "DeepResearchToolCallDelta",
    "FabricDataAgentDelta",
    "FabricDataAgentToolCallDelta",
    "McpToolCallDelta",
    "OpenAPIFunctionDelta",
    "OpenAPIToolCallDelta",
    "SharepointGroundingDelta",
    "SharepointGroundingToolCallDelta",
]


@attrs.frozen(kw_only=True)
class McpToolCallDelta:
    """A patch to the MCP call at ``tool_calls[index]``: fragments of ``arguments``, ``output``."""

    index: int
    type: str = "mcp"
    id: str | None = None
    name: str | None = None
    arguments: str | None = None
    output: str | None = None
    server_label: str | None = None


@attrs.frozen(kw_only=True)
class BingGroundingDelta:
    """A patch to a Bing search: each field, when present, is the whole value."""

    requesturl: str | None = None
    response_metadata: str | None = None


@attrs.frozen(kw_only=True)
class BingGroundingToolCallDelta:
    """A patch to the Bing grounding call at ``tool_calls[index]``."""

    index: int
    type: str = "bing_grounding"
    id: str | None = None
    bing_grounding: BingGroundingDelta | None = None


@attrs.frozen(kw_only=True)
class BingCustomSearchDelta:
    """A patch to a Bing Custom Search: each field, when present, is the whole value."""

    requesturl: str | None = None
    response_metadata: str | None = None


@attrs.frozen(kw_only=True)
class BingCustomSearchToolCallDelta:
    """A patch to the Bing Custom Search call at ``tool_calls[index]``."""

    index: int
    type: str = "bing_custom_search"
    id: str | None = None
    bing_custom_search: BingCustomSearchDelta | None = None


@attrs.frozen(kw_only=True)
class AzureAISearchDelta:
    """A patch to an Azure AI Search call: the next fragments of ``input`` and ``output``."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class AzureAISearchToolCallDelta:
    """A patch to the Azure AI Search call at ``tool_calls[index]``."""

    index: int
    type: str = "azure_ai_search"
    id: str | None = None
    azure_ai_search: AzureAISearchDelta | None = None


@attrs.frozen(kw_only=True)
class AzureFunctionDelta:
    """A patch to an Azure Function call: ``name`` whole, fragments of the other two."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class AzureFunctionToolCallDelta:
    """A patch to the Azure Function call at ``tool_calls[index]``."""

    index: int
    type: str = "azure_function"
    id: str | None = None
    azure_function: AzureFunctionDelta | None = None


@attrs.frozen(kw_only=True)
class ConnectedAgentDelta:
    """A patch to a connected agent call: fragments of ``arguments``, ``output``; ids whole."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None
    run_id: str | None = None
    thread_id: str | None = None
    assistant_id: str | None = None


@attrs.frozen(kw_only=True)
class ConnectedAgentToolCallDelta:
    """A patch to the connected agent call at ``tool_calls[index]``."""

    index: int
    type: str = "connected_agent"
    id: str | None = None
    connected_agent: ConnectedAgentDelta | None = None


@attrs.frozen(kw_only=True)
class SharepointGroundingDelta:
    """A patch to a SharePoint call: the next fragments of ``input`` and ``output``."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class SharepointGroundingToolCallDelta:
    """A patch to the SharePoint grounding call at ``tool_calls[index]``."""

    index: int
    type: str = "sharepoint_grounding"
    id: str | None = None
    sharepoint_grounding: SharepointGroundingDelta | None = None


@attrs.frozen(kw_only=True)
class FabricDataAgentDelta:
    """A patch to a Fabric data agent call: the next fragments of ``input`` and ``output``."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class FabricDataAgentToolCallDelta:
    """A patch to the Fabric data agent call at ``tool_calls[index]``."""

    index: int
    type: str = "fabric_dataagent"
    id: str | None = None
    fabric_dataagent: FabricDataAgentDelta | None = None


@attrs.frozen(kw_only=True)
class DeepResearchDelta:
    """A patch to a deep research call: the next fragments of ``input`` and ``output``."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class DeepResearchToolCallDelta:
    """A patch to the deep research call at ``tool_calls[index]``."""

    index: int
    type: str = "deep_research"
    id: str | None = None
    deep_research: DeepResearchDelta | None = None


@attrs.frozen(kw_only=True)
class OpenAPIFunctionDelta:
    """A patch to an OpenAPI operation call: ``name`` whole, fragments of the other two."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class OpenAPIToolCallDelta:
    """A patch to the OpenAPI call at ``tool_calls[index]``."""

    index: int
    type: str = "openapi"
    id: str | None = None
    function: OpenAPIFunctionDelta | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationDelta:
    """A patch to a browser automation: fragments of ``input``, ``output``; ``steps`` whole."""

    input: str | None = None
    output: str | None = None
    steps: tuple[BrowserAutomationStep, ...] | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationToolCallDelta:
    """A patch to the browser automation call at ``tool_calls[index]``."""

    index: int
    type: str = "browser_automation"
    id: str | None = None
    browser_automation: BrowserAutomationDelta | None = None


@attrs.frozen(kw_only=True)
class ComputerUsePreviewDelta:
    """A patch to a computer use call: each field, when present, is the whole value."""

    action: JSONObject | None = None
    pending_safety_checks: tuple[SafetyCheck, ...] | None = None
    output: ComputerScreenshot | None = None
    acknowledged_safety_checks: tuple[SafetyCheck, ...] | None = None


@attrs.frozen(kw_only=True)
class ComputerUsePreviewToolCallDelta:
    """A patch to the computer use call at ``tool_calls[index]``."""

    index: int
    type: str = "computer_use_preview"
    id: str | None = None
    computer_use_preview: ComputerUsePreviewDelta | None = None
