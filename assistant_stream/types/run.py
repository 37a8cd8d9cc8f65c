"""The run object, carried by the ten ``thread.run.*`` events, and its parts.

Two fields are unions of a bare string and an object: ``tool_choice`` (``"none"``,
``"auto"``, ``"required"`` or an ``AssistantToolChoice``) and ``response_format``
(``"auto"`` or a ``type``-tagged object). ``required_action`` lists the tool calls the
client must answer: the outputs of function calls (``submit_tool_outputs``) or, on Azure AI
Agents, approvals of MCP calls (``submit_tool_approval``). Its calls are a tagged union too,
so that tool kinds added by other servers arrive as ``UnknownRequiredActionToolCall``.

Do not infer the outcome of a run from ``status`` alone when you also have the event name:
real streams contain ``thread.run.completed`` whose run says ``status: "incomplete"``.
"""

from typing import Final, TypeAlias

import attrs

from .shared import IncompleteDetails, JSONObject, LastError, Metadata, ToolResources, Usage
from .tools import AssistantTool

__all__ = [
    "AssistantResponseFormatOption",
    "AssistantToolChoice",
    "AssistantToolChoiceFunction",
    "AssistantToolChoiceOption",
    "JSONSchema",
    "RequiredAction",
    "RequiredActionFunction",
    "RequiredActionFunctionToolCall",
    "RequiredActionMcpToolCall",
    "RequiredActionSubmitToolApproval",
    "RequiredActionSubmitToolOutputs",
    "RequiredActionToolCall",
    "RequiredActionType",
    "ResponseFormatJSONObject",
    "ResponseFormatJSONSchema",
    "ResponseFormatText",
    "Run",
    "RunList",
    "RunStatus",
    "TruncationStrategy",
    "UnknownRequiredActionToolCall",
    "UnknownResponseFormat",
]


class RunStatus:
    """Known values of ``Run.status``, and the groups a client usually needs."""

    QUEUED: Final = "queued"
    IN_PROGRESS: Final = "in_progress"
    REQUIRES_ACTION: Final = "requires_action"
    CANCELLING: Final = "cancelling"
    CANCELLED: Final = "cancelled"
    FAILED: Final = "failed"
    COMPLETED: Final = "completed"
    INCOMPLETE: Final = "incomplete"
    EXPIRED: Final = "expired"
    #: The run is over; no further event of it will come.
    TERMINAL: Final = frozenset({CANCELLED, FAILED, COMPLETED, INCOMPLETE, EXPIRED})


@attrs.frozen(kw_only=True)
class RequiredActionFunction:
    """The function the model wants called; ``arguments`` is JSON text, not parsed."""

    name: str | None = None
    arguments: str | None = None


@attrs.frozen(kw_only=True)
class RequiredActionFunctionToolCall:
    """A function call awaiting its output; answer it with ``tool_call_id=id``."""

    id: str
    type: str = "function"
    function: RequiredActionFunction | None = None


@attrs.frozen(kw_only=True)
class RequiredActionMcpToolCall:
    """An MCP tool call awaiting approval (Azure AI Agents); ``arguments`` is JSON text."""

    id: str
    type: str = "mcp"
    name: str | None = None
    arguments: str | None = None
    server_label: str | None = None


@attrs.frozen(kw_only=True)
class UnknownRequiredActionToolCall:
    """A required tool call whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    id: str | None
    raw: JSONObject


RequiredActionToolCall: TypeAlias = (
    RequiredActionFunctionToolCall | RequiredActionMcpToolCall | UnknownRequiredActionToolCall
)


@attrs.frozen(kw_only=True)
class RequiredActionSubmitToolOutputs:
    """The tool calls whose outputs the run waits for."""

    tool_calls: tuple[RequiredActionToolCall, ...] = ()


@attrs.frozen(kw_only=True)
class RequiredActionSubmitToolApproval:
    """The tool calls the run waits to have approved or refused (Azure AI Agents' MCP)."""

    tool_calls: tuple[RequiredActionToolCall, ...] = ()


class RequiredActionType:
    """Known values of ``RequiredAction.type``."""

    SUBMIT_TOOL_OUTPUTS: Final = "submit_tool_outputs"
    SUBMIT_TOOL_APPROVAL: Final = "submit_tool_approval"  # Azure AI Agents


@attrs.frozen(kw_only=True)
class RequiredAction:
    """What the client must do for the run to continue (see ``RequiredActionType``)."""

    type: str | None = None
    submit_tool_outputs: RequiredActionSubmitToolOutputs | None = None
    submit_tool_approval: RequiredActionSubmitToolApproval | None = None


@attrs.frozen(kw_only=True)
class TruncationStrategy:
    """How the thread is cut to fit the context (``type``: ``auto`` or ``last_messages``)."""

    type: str | None = None
    last_messages: int | None = None


@attrs.frozen(kw_only=True)
class AssistantToolChoiceFunction:
    """The function a named tool choice forces."""

    name: str | None = None


@attrs.frozen(kw_only=True)
class AssistantToolChoice:
    """A tool choice naming one tool (``type``: function, code_interpreter, file_search)."""

    type: str | None = None
    function: AssistantToolChoiceFunction | None = None


#: ``"none"``, ``"auto"``, ``"required"`` (or another string), or a named tool.
AssistantToolChoiceOption: TypeAlias = str | AssistantToolChoice


@attrs.frozen(kw_only=True)
class ResponseFormatText:
    """Plain text output."""

    type: str = "text"


@attrs.frozen(kw_only=True)
class ResponseFormatJSONObject:
    """JSON object output (JSON mode)."""

    type: str = "json_object"


@attrs.frozen(kw_only=True)
class JSONSchema:
    """A structured-output schema; ``schema`` is passed through untouched."""

    name: str | None = None
    description: str | None = None
    schema: JSONObject | None = None
    strict: bool | None = None


@attrs.frozen(kw_only=True)
class ResponseFormatJSONSchema:
    """Structured output following ``json_schema``."""

    type: str = "json_schema"
    json_schema: JSONSchema | None = None


@attrs.frozen(kw_only=True)
class UnknownResponseFormat:
    """A response format whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    raw: JSONObject


#: ``"auto"`` (or another string), or a ``type``-tagged format object.
AssistantResponseFormatOption: TypeAlias = (
    str
    | ResponseFormatText
    | ResponseFormatJSONObject
    | ResponseFormatJSONSchema
    | UnknownResponseFormat
)


@attrs.frozen(kw_only=True)
class Run:
    """A run of an assistant on a thread.

    Attributes:
        id: the run id (``run_...``).
        object: always ``"thread.run"``.
        status: see ``RunStatus``; as sent, even when it disagrees with the event name.
        required_action: set while ``status`` is ``requires_action``.
        last_error: set when the run failed.
        incomplete_details: set when the run ended incomplete.
        usage: token counts, once the run is terminal.
        tools: the tools the run may use.
        tool_choice: see ``AssistantToolChoiceOption``.
        response_format: see ``AssistantResponseFormatOption``.
        reasoning_effort, tool_resources: sent by the live service, absent from the spec.

    The remaining fields mirror the run's settings and timestamps (Unix seconds).
    """

    id: str
    object: str = "thread.run"
    created_at: int | None = None
    thread_id: str | None = None
    assistant_id: str | None = None
    status: str | None = None
    required_action: RequiredAction | None = None
    last_error: LastError | None = None
    expires_at: int | None = None
    started_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    incomplete_details: IncompleteDetails | None = None
    model: str | None = None
    instructions: str | None = None
    tools: tuple[AssistantTool, ...] = ()
    metadata: Metadata | None = None
    usage: Usage | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    truncation_strategy: TruncationStrategy | None = None
    tool_choice: AssistantToolChoiceOption | None = None
    parallel_tool_calls: bool | None = None
    response_format: AssistantResponseFormatOption | None = None
    reasoning_effort: str | None = None
    tool_resources: ToolResources | None = None


@attrs.frozen(kw_only=True)
class RunList:
    """One page of a thread's runs (``GET /threads/{thread_id}/runs``).

    Attributes:
        data: the runs, in the order asked for (``order="desc"``, newest first, is the
            service's default).
        first_id, last_id: the ids at the two ends of the page; pass ``after=last_id`` to
            get the next page.
        has_more: whether another page follows (``None`` if the server did not say).
        object: always ``"list"``.
    """

    data: tuple[Run, ...] = ()
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool | None = None
    object: str = "list"
