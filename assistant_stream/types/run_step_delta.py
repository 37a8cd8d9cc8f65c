"""The run step delta, carried by ``thread.run.step.delta``: a patch to a step's details.

Arrays are sparse patches: ``index`` is the position of the entry in the step snapshot's
``tool_calls`` (or in a code interpreter's ``outputs``), not in the delta's own array.
Only the first delta for an index carries ``id`` and the function ``name``. Fragment fields
(``function.arguments``, ``code_interpreter.input``, ``logs``) carry only the new piece.
Every field but ``index`` may be absent, which reads as ``None``: no change.
``ToolCallDelta`` also holds the deltas of the twelve Azure AI Agents kinds
(``azure_tool_call_deltas``, which says which of their fields are fragments).
"""

from typing import TypeAlias

import attrs

from .azure_tool_call_deltas import (
    AzureAISearchToolCallDelta,
    AzureFunctionToolCallDelta,
    BingCustomSearchToolCallDelta,
    BingGroundingToolCallDelta,
    BrowserAutomationToolCallDelta,
    ComputerUsePreviewToolCallDelta,
    ConnectedAgentToolCallDelta,
    DeepResearchToolCallDelta,
    FabricDataAgentToolCallDelta,
    McpToolCallDelta,
    OpenAPIToolCallDelta,
    SharepointGroundingToolCallDelta,
)
from .run_step import CodeInterpreterImage, MessageCreation
from .shared import JSONObject

__all__ = [
    "CodeInterpreterDelta",
    "CodeInterpreterLogs",
    "CodeInterpreterOutputDelta",
    "CodeInterpreterOutputImageDelta",
    "CodeInterpreterToolCallDelta",
    "FileSearchToolCallDelta",
    "FunctionCallDelta",
    "FunctionToolCallDelta",
    "RunStepDelta",
    "RunStepDeltaEvent",
    "RunStepDeltaMessageDelta",
    "StepDetailsDelta",
    "ToolCallDelta",
    "ToolCallDeltaObject",
    "UnknownCodeInterpreterOutputDelta",
    "UnknownStepDetailsDelta",
    "UnknownToolCallDelta",
]


@attrs.frozen(kw_only=True)
class CodeInterpreterLogs:
    """A fragment of code interpreter logs for ``outputs[index]``."""

    index: int
    type: str = "logs"
    logs: str | None = None


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImageDelta:
    """An image output for ``outputs[index]``."""

    index: int
    type: str = "image"
    image: CodeInterpreterImage | None = None


@attrs.frozen(kw_only=True)
class UnknownCodeInterpreterOutputDelta:
    """An output delta whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    index: int | None
    raw: JSONObject


CodeInterpreterOutputDelta: TypeAlias = (
    CodeInterpreterLogs | CodeInterpreterOutputImageDelta | UnknownCodeInterpreterOutputDelta
)


@attrs.frozen(kw_only=True)
class CodeInterpreterDelta:
    """A patch to a code interpreter call: a fragment of ``input``, and output patches."""

    input: str | None = None
    outputs: tuple[CodeInterpreterOutputDelta, ...] | None = None


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCallDelta:
    """A patch to the code interpreter call at ``tool_calls[index]``."""

    index: int
    type: str = "code_interpreter"
    id: str | None = None
    code_interpreter: CodeInterpreterDelta | None = None


@attrs.frozen(kw_only=True)
class FileSearchToolCallDelta:
    """A patch to the file search call at ``tool_calls[index]``.

    ``file_search`` is free-form in the spec (always ``{}`` there); the live service sends
    ``ranking_options`` and an empty ``results``. It is kept as the raw dict; the full
    results arrive with ``thread.run.step.completed``.
    """

    index: int
    type: str = "file_search"
    id: str | None = None
    file_search: JSONObject | None = None


@attrs.frozen(kw_only=True)
class FunctionCallDelta:
    """A patch to a function call: ``arguments`` is the next fragment of JSON text."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


@attrs.frozen(kw_only=True)
class FunctionToolCallDelta:
    """A patch to the function call at ``tool_calls[index]``."""

    index: int
    type: str = "function"
    id: str | None = None
    function: FunctionCallDelta | None = None


@attrs.frozen(kw_only=True)
class UnknownToolCallDelta:
    """A tool call delta whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    index: int | None
    id: str | None
    raw: JSONObject


ToolCallDelta: TypeAlias = (
    CodeInterpreterToolCallDelta
    | FileSearchToolCallDelta
    | FunctionToolCallDelta
    | McpToolCallDelta
    | BingGroundingToolCallDelta
    | BingCustomSearchToolCallDelta
    | AzureAISearchToolCallDelta
    | AzureFunctionToolCallDelta
    | ConnectedAgentToolCallDelta
    | SharepointGroundingToolCallDelta
    | FabricDataAgentToolCallDelta
    | DeepResearchToolCallDelta
    | OpenAPIToolCallDelta
    | BrowserAutomationToolCallDelta
    | ComputerUsePreviewToolCallDelta
    | UnknownToolCallDelta
)


@attrs.frozen(kw_only=True)
class RunStepDeltaMessageDelta:
    """A patch to a message-creation step."""

    type: str = "message_creation"
    message_creation: MessageCreation | None = None


@attrs.frozen(kw_only=True)
class ToolCallDeltaObject:
    """A patch to a tool-calls step: patches keyed by ``index``."""

    type: str = "tool_calls"
    tool_calls: tuple[ToolCallDelta, ...] | None = None


@attrs.frozen(kw_only=True)
class UnknownStepDetailsDelta:
    """A step details delta whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    raw: JSONObject


StepDetailsDelta: TypeAlias = (
    RunStepDeltaMessageDelta | ToolCallDeltaObject | UnknownStepDetailsDelta
)


@attrs.frozen(kw_only=True)
class RunStepDelta:
    """The changed parts of a step."""

    step_details: StepDetailsDelta | None = None


@attrs.frozen(kw_only=True)
class RunStepDeltaEvent:
    """The ``data`` of ``thread.run.step.delta``.

    Attributes:
        id: the id of the step being patched.
        object: always ``"thread.run.step.delta"``.
        delta: the patch.
    """

    id: str
    object: str = "thread.run.step.delta"
    delta: RunStepDelta = RunStepDelta()
