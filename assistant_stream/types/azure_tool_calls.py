"""The tool calls Azure AI Agents adds to a step's ``tool_calls``, as full objects.

Twelve kinds, one class each, members of ``run_step.ToolCall`` (their deltas are in
``azure_tool_call_deltas``). Field names are the wire's, read from ``azure-ai-agents``
1.2.0b6 (``azure.ai.agents.models``) and the recorded Azure streams.

Rule 1 - the details sit under a key named like the ``type``: ``{"type": "bing_grounding",
"bing_grounding": {...}}``, in a small class of their own (``BingGrounding``). Two
exceptions: ``mcp`` carries its fields flat on the call, and ``openapi`` nests them under
``function`` (what the service sends, and what the SDK's own tracing reads; its model
declares an ``openapi`` key that the service does not fill).

Rule 2 - the SDK types most details as ``dict[str, str]``; here they are classes with the
keys the service sends, every field optional (``None`` when absent), unknown keys ignored.
Values stay as sent: ``response_metadata`` is a string (Python-repr text, not JSON),
``arguments`` and ``output`` are text, ``computer_use_preview.action`` a raw object.
Arrays are tuples, or ``None`` when absent or ``null`` (the service sends ``null`` freely).

Which fields of each kind arrive in fragments, and which whole, is written at the top of
``azure_tool_call_deltas``.
"""

import attrs

from .shared import JSONObject

__all__ = [
    "AzureAISearch",
    "AzureAISearchToolCall",
    "AzureFunction",
    "AzureFunctionToolCall",
    "BingCustomSearch",
    "BingCustomSearchToolCall",
    "BingGrounding",
    "BingGroundingToolCall",
    "BrowserAutomation",
    "BrowserAutomationStep",
    "BrowserAutomationToolCall",
    "ComputerScreenshot",
    "ComputerUsePreview",
    "ComputerUsePreviewToolCall",
    "ConnectedAgent",
    "ConnectedAgentToolCall",
    "DeepResearch",
    "DeepResearchToolCall",
    "FabricDataAgent",
    "FabricDataAgentToolCall",
    "McpToolCall",
    "OpenAPIFunction",
    "OpenAPIToolCall",
    "SafetyCheck",
    "SharepointGrounding",
    "SharepointGroundingToolCall",
]


@attrs.frozen(kw_only=True)
class McpToolCall:
    """A call of a tool of an MCP server; its fields are flat on the call.

    Attributes:
        name: the MCP tool called.
        arguments: JSON text.
        output: what the tool returned, ``None`` until it ran (or while it awaits approval).
        server_label: the ``server_label`` of the ``McpTool`` that serves it.
    """

    id: str | None = None
    type: str = "mcp"
    name: str | None = None
    arguments: str | None = None
    output: str | None = None
    server_label: str | None = None


@attrs.frozen(kw_only=True)
class BingGrounding:
    """What a Bing search did: the request, and metadata of the answer.

    Attributes:
        requesturl: the Bing API request (``""`` until it is known).
        response_metadata: a string the service writes as a Python ``repr`` of a dict
            (``"{'market': 'en-US', ...}"``), not JSON: kept as sent.
    """

    requesturl: str | None = None
    response_metadata: str | None = None


@attrs.frozen(kw_only=True)
class BingGroundingToolCall:
    """A Grounding with Bing Search call."""

    id: str | None = None
    type: str = "bing_grounding"
    bing_grounding: BingGrounding | None = None


@attrs.frozen(kw_only=True)
class BingCustomSearch:
    """What a Bing Custom Search did (the same keys as ``BingGrounding``)."""

    requesturl: str | None = None
    response_metadata: str | None = None


@attrs.frozen(kw_only=True)
class BingCustomSearchToolCall:
    """A Grounding with Bing Custom Search call."""

    id: str | None = None
    type: str = "bing_custom_search"
    bing_custom_search: BingCustomSearch | None = None


@attrs.frozen(kw_only=True)
class AzureAISearch:
    """An Azure AI Search query (``input``) and what it found (``output``, text)."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class AzureAISearchToolCall:
    """An Azure AI Search call."""

    id: str | None = None
    type: str = "azure_ai_search"
    azure_ai_search: AzureAISearch | None = None


@attrs.frozen(kw_only=True)
class AzureFunction:
    """An Azure Function the service called: ``arguments`` is JSON text."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class AzureFunctionToolCall:
    """An Azure Function call (run by the service, through its storage queues)."""

    id: str | None = None
    type: str = "azure_function"
    azure_function: AzureFunction | None = None


@attrs.frozen(kw_only=True)
class ConnectedAgent:
    """A call of another agent, and the run it made.

    Attributes:
        name: the connected agent's tool name.
        arguments: JSON text.
        output: the connected agent's answer.
        run_id, thread_id, assistant_id: the run, thread and agent of the sub-run.
    """

    name: str | None = None
    arguments: str | None = None
    output: str | None = None
    run_id: str | None = None
    thread_id: str | None = None
    assistant_id: str | None = None


@attrs.frozen(kw_only=True)
class ConnectedAgentToolCall:
    """A connected agent call."""

    id: str | None = None
    type: str = "connected_agent"
    connected_agent: ConnectedAgent | None = None


@attrs.frozen(kw_only=True)
class SharepointGrounding:
    """A SharePoint query (``input``) and what it found (``output``)."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class SharepointGroundingToolCall:
    """A SharePoint grounding call."""

    id: str | None = None
    type: str = "sharepoint_grounding"
    sharepoint_grounding: SharepointGrounding | None = None


@attrs.frozen(kw_only=True)
class FabricDataAgent:
    """A Microsoft Fabric data agent query (``input``) and its answer (``output``)."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class FabricDataAgentToolCall:
    """A Microsoft Fabric data agent call."""

    id: str | None = None
    type: str = "fabric_dataagent"
    fabric_dataagent: FabricDataAgent | None = None


@attrs.frozen(kw_only=True)
class DeepResearch:
    """A deep research task (``input``) and its report (``output``)."""

    input: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class DeepResearchToolCall:
    """A deep research call."""

    id: str | None = None
    type: str = "deep_research"
    deep_research: DeepResearch | None = None


@attrs.frozen(kw_only=True)
class OpenAPIFunction:
    """An operation of an OpenAPI tool the service called: ``arguments`` is JSON text."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class OpenAPIToolCall:
    """An OpenAPI tool call; its details are under ``function`` (Rule 1)."""

    id: str | None = None
    type: str = "openapi"
    function: OpenAPIFunction | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationStep:
    """One step a browser automation took."""

    last_step_result: str | None = None
    current_state: str | None = None
    next_step: str | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomation:
    """A browser automation task (``input``), its steps, and its result (``output``)."""

    input: str | None = None
    output: str | None = None
    steps: tuple[BrowserAutomationStep, ...] | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationToolCall:
    """A browser automation call."""

    id: str | None = None
    type: str = "browser_automation"
    browser_automation: BrowserAutomation | None = None


@attrs.frozen(kw_only=True)
class SafetyCheck:
    """A safety check the computer use model raised (``code``, ``message``)."""

    id: str | None = None
    code: str | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
class ComputerScreenshot:
    """A screenshot: an ``image_url`` or an uploaded ``file_id``."""

    type: str | None = None
    image_url: str | None = None
    file_id: str | None = None


@attrs.frozen(kw_only=True)
class ComputerUsePreview:
    """A computer action, the checks it raised, and the screenshot after it.

    Attributes:
        action: the action (``{"type": "click", "x": ..., "y": ..., "button": ...}``,
            ``keypress``, ``scroll``...), kept as the raw object.
        pending_safety_checks: checks to acknowledge before the action runs.
        output: the screenshot once the client submitted it.
        acknowledged_safety_checks: the checks the client acknowledged.
    """

    action: JSONObject | None = None
    pending_safety_checks: tuple[SafetyCheck, ...] | None = None
    output: ComputerScreenshot | None = None
    acknowledged_safety_checks: tuple[SafetyCheck, ...] | None = None


@attrs.frozen(kw_only=True)
class ComputerUsePreviewToolCall:
    """A computer use call (answered by the client, through ``submit_tool_outputs``)."""

    id: str | None = None
    type: str = "computer_use_preview"
    computer_use_preview: ComputerUsePreview | None = None
