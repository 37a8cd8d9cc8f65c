"""Tool definitions: the ``tools`` of a run, of an assistant and of a message attachment.

``AssistantTool`` is a tagged union on ``type``: OpenAI's ``code_interpreter``,
``file_search`` and ``function``; the twelve tools Azure AI Agents adds (``mcp``,
``bing_grounding``, ``bing_custom_search``, ``azure_ai_search``, ``azure_function``,
``openapi``, ``connected_agent``, ``sharepoint_grounding``, ``fabric_dataagent``,
``deep_research``, ``browser_automation``, ``computer_use_preview``); and ``UnknownTool``
for any other tag, with every key kept in ``raw``. Attachments use the same union: their
``file_search`` variant simply has no options.

The Azure tools' field names are the wire's, read from ``azure-ai-agents`` 1.2.0b6 (where
the SDK renames a field, as ``connection_list`` for ``connections``, the wire name is
kept). Their settings nest under a key named like the ``type`` (``mcp`` is flat;
``azure_ai_search`` has none: its indexes are tool resources). An OpenAPI ``spec`` is a
free-form JSON object, passed through untouched.
"""

from typing import TypeAlias

import attrs

from .shared import JSONObject

__all__ = [
    "AssistantTool",
    "AzureAISearchTool",
    "AzureFunctionBinding",
    "AzureFunctionDefinition",
    "AzureFunctionStorageQueue",
    "AzureFunctionTool",
    "BingCustomSearchTool",
    "BingGroundingTool",
    "BingSearchConfiguration",
    "BingSearchToolOptions",
    "BrowserAutomationConnection",
    "BrowserAutomationTool",
    "BrowserAutomationToolOptions",
    "CodeInterpreterTool",
    "ComputerUsePreviewTool",
    "ComputerUseToolOptions",
    "ConnectedAgentDefinition",
    "ConnectedAgentTool",
    "DeepResearchTool",
    "DeepResearchToolOptions",
    "FabricDataAgentTool",
    "FileSearchRankingOptions",
    "FileSearchTool",
    "FileSearchToolOptions",
    "FunctionDefinition",
    "FunctionTool",
    "McpTool",
    "OpenAPIAuth",
    "OpenAPIDefinition",
    "OpenAPISecurityScheme",
    "OpenAPITool",
    "SharepointGroundingTool",
    "ToolConnection",
    "ToolConnectionList",
    "UnknownTool",
]


@attrs.frozen(kw_only=True)
class CodeInterpreterTool:
    """The code interpreter tool."""

    type: str = "code_interpreter"


@attrs.frozen(kw_only=True)
class FileSearchRankingOptions:
    """How file search ranks results.

    Attributes:
        ranker: for example ``"auto"`` or ``"default_2024_08_21"`` (dated: new ones come).
        score_threshold: results scoring below it (0 to 1) are dropped.
    """

    ranker: str | None = None
    score_threshold: float | None = None


@attrs.frozen(kw_only=True)
class FileSearchToolOptions:
    """Settings of the file search tool (openai-python calls this class ``FileSearch``)."""

    max_num_results: int | None = None
    ranking_options: FileSearchRankingOptions | None = None


@attrs.frozen(kw_only=True)
class FileSearchTool:
    """The file search tool; ``file_search`` is absent on attachments."""

    type: str = "file_search"
    file_search: FileSearchToolOptions | None = None


@attrs.frozen(kw_only=True)
class FunctionDefinition:
    """A function the model may call.

    Attributes:
        name: the function's name.
        description: what it does, for the model.
        parameters: its JSON Schema, passed through untouched.
        strict: whether the model must follow the schema exactly.
    """

    name: str | None = None
    description: str | None = None
    parameters: JSONObject | None = None
    strict: bool | None = None


@attrs.frozen(kw_only=True)
class FunctionTool:
    """A function tool."""

    type: str = "function"
    function: FunctionDefinition | None = None


# -- Azure AI Agents ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class McpTool:
    """The tools of an MCP server (Azure AI Agents); its settings are flat.

    Attributes:
        server_label: names the server in tool calls and approvals.
        server_url: the server's endpoint.
        allowed_tools: the only tools the model may call (``None``: all of them).
    """

    type: str = "mcp"
    server_label: str | None = None
    server_url: str | None = None
    allowed_tools: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class BingSearchConfiguration:
    """One Bing search connection and its query settings.

    Attributes:
        connection_id: the project connection of the Bing resource.
        instance_name: the custom search configuration (Bing Custom Search only).
        market, set_lang: for example ``"en-US"`` and ``"en"``.
        count: how many results to ask for.
        freshness: ``"Day"``, ``"Week"``, ``"Month"`` or a date range.
    """

    connection_id: str | None = None
    instance_name: str | None = None
    market: str | None = None
    set_lang: str | None = None
    count: int | None = None
    freshness: str | None = None


@attrs.frozen(kw_only=True)
class BingSearchToolOptions:
    """The search configurations of a Bing tool."""

    search_configurations: tuple[BingSearchConfiguration, ...] | None = None


@attrs.frozen(kw_only=True)
class BingGroundingTool:
    """Grounding with Bing Search."""

    type: str = "bing_grounding"
    bing_grounding: BingSearchToolOptions | None = None


@attrs.frozen(kw_only=True)
class BingCustomSearchTool:
    """Grounding with Bing Custom Search."""

    type: str = "bing_custom_search"
    bing_custom_search: BingSearchToolOptions | None = None


@attrs.frozen(kw_only=True)
class AzureAISearchTool:
    """Azure AI Search (its indexes are in the ``tool_resources``)."""

    type: str = "azure_ai_search"


@attrs.frozen(kw_only=True)
class AzureFunctionStorageQueue:
    """A storage queue an Azure Function reads or writes."""

    queue_service_endpoint: str | None = None
    queue_name: str | None = None


@attrs.frozen(kw_only=True)
class AzureFunctionBinding:
    """How the service reaches an Azure Function (``type``: ``storage_queue``)."""

    type: str | None = None
    storage_queue: AzureFunctionStorageQueue | None = None


@attrs.frozen(kw_only=True)
class AzureFunctionDefinition:
    """An Azure Function: its signature for the model, and its input and output queues."""

    function: FunctionDefinition | None = None
    input_binding: AzureFunctionBinding | None = None
    output_binding: AzureFunctionBinding | None = None


@attrs.frozen(kw_only=True)
class AzureFunctionTool:
    """An Azure Function, called by the service."""

    type: str = "azure_function"
    azure_function: AzureFunctionDefinition | None = None


@attrs.frozen(kw_only=True)
class OpenAPISecurityScheme:
    """The credentials of an OpenAPI tool: a connection, or a managed identity's audience."""

    connection_id: str | None = None
    audience: str | None = None


@attrs.frozen(kw_only=True)
class OpenAPIAuth:
    """How an OpenAPI tool authenticates (``type``: anonymous, connection, managed_identity)."""

    type: str | None = None
    security_scheme: OpenAPISecurityScheme | None = None


@attrs.frozen(kw_only=True)
class OpenAPIDefinition:
    """An OpenAPI 3 service the model may call.

    Attributes:
        name, description: the tool, for the model.
        spec: the OpenAPI document, passed through untouched.
        auth: how calls authenticate.
        default_params: parameters whose spec defaults are always sent.
        functions: the operations, as the service derived them from ``spec``.
    """

    name: str | None = None
    description: str | None = None
    spec: JSONObject | None = None
    auth: OpenAPIAuth | None = None
    default_params: tuple[str, ...] | None = None
    functions: tuple[FunctionDefinition, ...] | None = None


@attrs.frozen(kw_only=True)
class OpenAPITool:
    """An OpenAPI tool, called by the service."""

    type: str = "openapi"
    openapi: OpenAPIDefinition | None = None


@attrs.frozen(kw_only=True)
class ConnectedAgentDefinition:
    """Another agent this one may hand a task to (``id``: its ``asst_...`` id)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class ConnectedAgentTool:
    """A connected agent."""

    type: str = "connected_agent"
    connected_agent: ConnectedAgentDefinition | None = None


@attrs.frozen(kw_only=True)
class ToolConnection:
    """A project connection a tool uses."""

    connection_id: str | None = None


@attrs.frozen(kw_only=True)
class ToolConnectionList:
    """The connections of a SharePoint or Fabric tool."""

    connections: tuple[ToolConnection, ...] | None = None


@attrs.frozen(kw_only=True)
class SharepointGroundingTool:
    """Grounding with SharePoint sites."""

    type: str = "sharepoint_grounding"
    sharepoint_grounding: ToolConnectionList | None = None


@attrs.frozen(kw_only=True)
class FabricDataAgentTool:
    """A Microsoft Fabric data agent."""

    type: str = "fabric_dataagent"
    fabric_dataagent: ToolConnectionList | None = None


@attrs.frozen(kw_only=True)
class DeepResearchToolOptions:
    """The deep research model deployment, and the Bing connections it searches with."""

    deep_research_model: str | None = None
    bing_grounding_connections: tuple[ToolConnection, ...] | None = None


@attrs.frozen(kw_only=True)
class DeepResearchTool:
    """Deep research."""

    type: str = "deep_research"
    deep_research: DeepResearchToolOptions | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationConnection:
    """The connection (``id``) of a browser automation resource."""

    id: str | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationToolOptions:
    """Settings of the browser automation tool."""

    connection: BrowserAutomationConnection | None = None


@attrs.frozen(kw_only=True)
class BrowserAutomationTool:
    """Browser automation."""

    type: str = "browser_automation"
    browser_automation: BrowserAutomationToolOptions | None = None


@attrs.frozen(kw_only=True)
class ComputerUseToolOptions:
    """The screen the computer use model sees (``environment``: windows, mac, linux...)."""

    display_width: int | None = None
    display_height: int | None = None
    environment: str | None = None


@attrs.frozen(kw_only=True)
class ComputerUsePreviewTool:
    """Computer use: the model asks the client to act on a screen."""

    type: str = "computer_use_preview"
    computer_use_preview: ComputerUseToolOptions | None = None


@attrs.frozen(kw_only=True)
class UnknownTool:
    """A tool whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    raw: JSONObject


AssistantTool: TypeAlias = (
    CodeInterpreterTool
    | FileSearchTool
    | FunctionTool
    | McpTool
    | BingGroundingTool
    | BingCustomSearchTool
    | AzureAISearchTool
    | AzureFunctionTool
    | OpenAPITool
    | ConnectedAgentTool
    | SharepointGroundingTool
    | FabricDataAgentTool
    | DeepResearchTool
    | BrowserAutomationTool
    | ComputerUsePreviewTool
    | UnknownTool
)
