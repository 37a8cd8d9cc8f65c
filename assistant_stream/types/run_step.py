"""The run step object, carried by ``thread.run.step.*`` events other than ``.delta``.

A step either creates a message (``MessageCreationStepDetails``) or makes tool calls
(``ToolCallsStepDetails``); on Azure AI Agents it may also announce what its MCP servers
offer (``ActivitiesStepDetails``). Four tagged unions live here, each with an
``Unknown...`` fallback: ``StepDetails``, ``ToolCall``, ``CodeInterpreterOutput`` and
``Activity``. ``ToolCall`` also holds the twelve kinds Azure AI Agents adds (``mcp``,
``bing_grounding``, ``openapi``...), defined in ``azure_tool_calls``; a kind neither knows
arrives as ``UnknownToolCall`` with its raw keys.

Naming: openai-python exports ``CodeInterpreterOutputImage`` for the *delta* variant of an
image output. Here the full output is ``CodeInterpreterOutputImage`` (as openai-python's
inner class is named) and the delta one is ``CodeInterpreterOutputImageDelta``.
"""

from typing import Final, TypeAlias

import attrs

from .azure_tool_calls import (
    AzureAISearchToolCall,
    AzureFunctionToolCall,
    BingCustomSearchToolCall,
    BingGroundingToolCall,
    BrowserAutomationToolCall,
    ComputerUsePreviewToolCall,
    ConnectedAgentToolCall,
    DeepResearchToolCall,
    FabricDataAgentToolCall,
    McpToolCall,
    OpenAPIToolCall,
    SharepointGroundingToolCall,
)
from .shared import JSONObject, LastError, Metadata, Usage
from .tools import FileSearchRankingOptions

__all__ = [
    "ActivitiesStepDetails",
    "Activity",
    "CodeInterpreter",
    "CodeInterpreterImage",
    "CodeInterpreterOutput",
    "CodeInterpreterOutputImage",
    "CodeInterpreterOutputLogs",
    "CodeInterpreterToolCall",
    "FileSearch",
    "FileSearchResult",
    "FileSearchResultContent",
    "FileSearchToolCall",
    "FunctionCall",
    "FunctionToolCall",
    "McpListedTool",
    "McpListToolsActivity",
    "MessageCreation",
    "MessageCreationStepDetails",
    "RunStep",
    "RunStepList",
    "RunStepStatus",
    "RunStepType",
    "StepDetails",
    "ToolCall",
    "ToolCallsStepDetails",
    "UnknownActivity",
    "UnknownCodeInterpreterOutput",
    "UnknownStepDetails",
    "UnknownToolCall",
]


class RunStepStatus:
    """Known values of ``RunStep.status``."""

    IN_PROGRESS: Final = "in_progress"
    CANCELLED: Final = "cancelled"
    FAILED: Final = "failed"
    COMPLETED: Final = "completed"
    EXPIRED: Final = "expired"
    #: The step is over.
    TERMINAL: Final = frozenset({CANCELLED, FAILED, COMPLETED, EXPIRED})


class RunStepType:
    """Known values of ``RunStep.type`` (the same as ``step_details.type``)."""

    MESSAGE_CREATION: Final = "message_creation"
    TOOL_CALLS: Final = "tool_calls"
    ACTIVITIES: Final = "activities"  # Azure AI Agents


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputLogs:
    """Text the code interpreter printed."""

    type: str = "logs"
    logs: str | None = None


@attrs.frozen(kw_only=True)
class CodeInterpreterImage:
    """An image file the code interpreter produced."""

    file_id: str | None = None


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImage:
    """An image the code interpreter produced."""

    type: str = "image"
    image: CodeInterpreterImage | None = None


@attrs.frozen(kw_only=True)
class UnknownCodeInterpreterOutput:
    """A code interpreter output whose ``type`` this version does not know."""

    type: str
    raw: JSONObject


CodeInterpreterOutput: TypeAlias = (
    CodeInterpreterOutputLogs | CodeInterpreterOutputImage | UnknownCodeInterpreterOutput
)


@attrs.frozen(kw_only=True)
class CodeInterpreter:
    """The code the interpreter ran, and what came out."""

    input: str | None = None
    outputs: tuple[CodeInterpreterOutput, ...] = ()


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCall:
    """A code interpreter call."""

    id: str | None = None
    type: str = "code_interpreter"
    code_interpreter: CodeInterpreter | None = None


@attrs.frozen(kw_only=True)
class FileSearchResultContent:
    """A chunk of a file-search result (only when the run asked for it with ``include``)."""

    type: str | None = None
    text: str | None = None


@attrs.frozen(kw_only=True)
class FileSearchResult:
    """One file found by file search.

    Attributes:
        content: ``None`` unless the run was created with
            ``include=["step_details.tool_calls[*].file_search.results[*].content"]``.
        attributes: the vector-store file's attributes (sent by the live service).
    """

    file_id: str | None = None
    file_name: str | None = None
    score: float | None = None
    content: tuple[FileSearchResultContent, ...] | None = None
    attributes: JSONObject | None = None


@attrs.frozen(kw_only=True)
class FileSearch:
    """What a file search call did (openai-python's inner ``FileSearch`` class)."""

    ranking_options: FileSearchRankingOptions | None = None
    results: tuple[FileSearchResult, ...] | None = None


@attrs.frozen(kw_only=True)
class FileSearchToolCall:
    """A file search call."""

    id: str | None = None
    type: str = "file_search"
    file_search: FileSearch | None = None


@attrs.frozen(kw_only=True)
class FunctionCall:
    """A function call: ``arguments`` is JSON text; ``output`` is ``None`` until submitted."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class FunctionToolCall:
    """A function call."""

    id: str | None = None
    type: str = "function"
    function: FunctionCall | None = None


@attrs.frozen(kw_only=True)
class UnknownToolCall:
    """A tool call whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    id: str | None
    raw: JSONObject


ToolCall: TypeAlias = (
    CodeInterpreterToolCall
    | FileSearchToolCall
    | FunctionToolCall
    | McpToolCall
    | BingGroundingToolCall
    | BingCustomSearchToolCall
    | AzureAISearchToolCall
    | AzureFunctionToolCall
    | ConnectedAgentToolCall
    | SharepointGroundingToolCall
    | FabricDataAgentToolCall
    | DeepResearchToolCall
    | OpenAPIToolCall
    | BrowserAutomationToolCall
    | ComputerUsePreviewToolCall
    | UnknownToolCall
)


@attrs.frozen(kw_only=True)
class MessageCreation:
    """The message a message-creation step writes."""

    message_id: str | None = None


@attrs.frozen(kw_only=True)
class MessageCreationStepDetails:
    """Details of a step that creates a message."""

    type: str = "message_creation"
    message_creation: MessageCreation | None = None


@attrs.frozen(kw_only=True)
class ToolCallsStepDetails:
    """Details of a step that calls tools (``tool_calls`` is empty when it is created)."""

    type: str = "tool_calls"
    tool_calls: tuple[ToolCall, ...] = ()


@attrs.frozen(kw_only=True)
class McpListedTool:
    """A tool an MCP server offers: what it does, and the JSON Schema of its arguments."""

    description: str | None = None
    parameters: JSONObject | None = None


@attrs.frozen(kw_only=True)
class McpListToolsActivity:
    """The tools an MCP server listed (Azure AI Agents).

    Attributes:
        id: the activity id (``activity_...``).
        server_label: the ``server_label`` of the ``McpTool`` asked.
        tools: tool name -> the tool, in the order the server listed them (read-only).
    """

    id: str | None = None
    type: str = "mcp_list_tools"
    server_label: str | None = None
    tools: dict[str, McpListedTool] | None = None


@attrs.frozen(kw_only=True)
class UnknownActivity:
    """An activity whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    id: str | None
    raw: JSONObject


Activity: TypeAlias = McpListToolsActivity | UnknownActivity


@attrs.frozen(kw_only=True)
class ActivitiesStepDetails:
    """Details of a step that announces activities (Azure AI Agents; empty when created)."""

    type: str = "activities"
    activities: tuple[Activity, ...] = ()


@attrs.frozen(kw_only=True)
class UnknownStepDetails:
    """Step details whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    raw: JSONObject


StepDetails: TypeAlias = (
    MessageCreationStepDetails | ToolCallsStepDetails | ActivitiesStepDetails | UnknownStepDetails
)


@attrs.frozen(kw_only=True)
class RunStep:
    """A step of a run.

    Attributes:
        id: the step id (``step_...``).
        object: always ``"thread.run.step"``.
        type: see ``RunStepType``.
        status: see ``RunStepStatus``.
        step_details: what the step does.
        usage: token counts, once the step is terminal.
        expires_at: sent by the live service instead of the spec's ``expired_at``; both
            are kept.

    The remaining fields are ids and timestamps (Unix seconds).
    """

    id: str
    object: str = "thread.run.step"
    created_at: int | None = None
    assistant_id: str | None = None
    thread_id: str | None = None
    run_id: str | None = None
    type: str | None = None
    status: str | None = None
    step_details: StepDetails | None = None
    last_error: LastError | None = None
    expired_at: int | None = None
    expires_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    metadata: Metadata | None = None
    usage: Usage | None = None


@attrs.frozen(kw_only=True)
class RunStepList:
    """One page of a run's steps (``GET /threads/{thread_id}/runs/{run_id}/steps``).

    Attributes:
        data: the steps, in the order asked for (``order="desc"``, newest first, is the
            service's default).
        first_id, last_id: the ids at the two ends of the page; pass ``after=last_id`` to
            get the next page.
        has_more: whether another page follows (``None`` if the server did not say).
        object: always ``"list"``.
    """

    data: tuple[RunStep, ...] = ()
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool | None = None
    object: str = "list"
