"""The kinds of tool call of a step, one class each, and the table that picks them.

``TOOL_CALLS`` maps a tool call ``type`` to its entry class (``_entries``): ``function``,
``code_interpreter`` and ``file_search`` here, the twelve Azure AI Agents kinds (``mcp``,
``bing_grounding``...) from ``_azure_calls``, where each is a row of one generic entry;
any other type is an ``UnknownCall`` that keeps the merged raw JSON. A new kind of tool
call is one class (or one Azure row) and one row of ``KINDS``; every kind gives the
``on_tool_call_*`` notices.

Rule 1 - a tool call's ``id`` is set by the first delta that carries one, and overwritten by
any later one; every kind's ``apply`` handles it the same way.

Rule 2 - function ``arguments`` and code interpreter ``input`` are fragments; the function
``name`` and ``output`` overwrite.

Rule 3 - code interpreter ``outputs`` are an index-keyed array (``_patch.place``): ``logs``
concatenate (eagerly: they arrive in one or two pieces, not thousands), an image is patched
by the overwrite rule, an output without a ``type`` continues the output at its index.

Rule 4 - ``file_search`` is free-form in the spec: its raw keys are merged and structured as
``FileSearch`` when they fit, else the call keeps its id and drops the detail.
"""

from typing import Any, Final

import cattrs

from ._azure_calls import KINDS as AZURE_KINDS
from ._converter import FAST
from ._entries import Entry, Family
from ._frozen import fast_constructor, lazy_constructor, replacer
from ._lifecycle import CALLBACKS
from ._patch import Fragments, merge_raw, overwrite, place, present
from .types.run_step import (
    CodeInterpreter,
    CodeInterpreterOutput,
    CodeInterpreterOutputImage,
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    FileSearch,
    FileSearchToolCall,
    FunctionCall,
    FunctionToolCall,
    RunStep,
    ToolCall,
    ToolCallsStepDetails,
    UnknownCodeInterpreterOutput,
    UnknownToolCall,
)
from .types.run_step_delta import (
    CodeInterpreterLogs,
    CodeInterpreterOutputDelta,
    CodeInterpreterToolCallDelta,
    FileSearchToolCallDelta,
    FunctionToolCallDelta,
    ToolCallDelta,
    UnknownCodeInterpreterOutputDelta,
    UnknownToolCallDelta,
)

__all__ = [
    "KINDS",
    "TOOL_CALLS",
    "CodeInterpreterCall",
    "FileSearchCall",
    "FunctionCallEntry",
    "UnknownCall",
]

_lazy_function: Final = lazy_constructor(FunctionCall, "arguments")  # ..., name, output
_lazy_code: Final = lazy_constructor(CodeInterpreter, "input")  # fragments, size, outputs
_function_call: Final = fast_constructor(FunctionToolCall)  # id, type, function
_code_call: Final = fast_constructor(CodeInterpreterToolCall)  # id, type, code_interpreter
_with_details: Final = replacer(RunStep, "step_details")


def _merge_output(existing: Any, patch: Any) -> CodeInterpreterOutput:
    """One code interpreter output patched (rule 3)."""
    merged: CodeInterpreterOutput
    if type(patch) is CodeInterpreterLogs:
        before = existing.logs if type(existing) is CodeInterpreterOutputLogs else None
        merged = CodeInterpreterOutputLogs(
            logs=patch.logs if before is None else before + (patch.logs or "")
        )
    elif type(patch) is UnknownCodeInterpreterOutputDelta:
        unknown = existing if type(existing) is UnknownCodeInterpreterOutput else None
        merged = UnknownCodeInterpreterOutput(type=patch.type, raw=merge_raw(unknown, patch.raw))
    else:
        image = existing if type(existing) is CodeInterpreterOutputImage else None
        merged = overwrite(CodeInterpreterOutputImage, image, patch)
    return merged


class _Call(Entry):
    """A tool call of a step's ``tool_calls``."""

    __slots__ = ("_id",)
    array = "step_details.tool_calls"
    callbacks = CALLBACKS["tool_call"]

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._id: str | None = None


class FunctionCallEntry(_Call):
    """A ``function`` call: a name, fragment arguments, and an output once submitted."""

    __slots__ = ("_fragments", "_name", "_output")
    kind = "function"
    delta_class = FunctionToolCallDelta
    model_class = FunctionToolCall

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._fragments = Fragments()
        self._name: str | None = None
        self._output: str | None = None

    def seed(self, model: FunctionToolCall) -> None:
        self._id = model.id
        function = model.function
        if function is not None:
            self._fragments = Fragments(function.arguments or "")
            self._name, self._output = function.name, function.output

    def apply(self, delta: FunctionToolCallDelta) -> FunctionToolCallDelta:
        if delta.id is not None:
            self._id = delta.id
        function = delta.function
        if function is not None:
            if function.arguments:
                self._fragments.append(function.arguments)
            if function.name is not None:
                self._name = function.name
            if function.output is not None:
                self._output = function.output
        return delta

    def snapshot(self) -> ToolCall:
        fragments = self._fragments
        function = _lazy_function(fragments, fragments.size, self._name, self._output)
        call: ToolCall = _function_call(self._id, "function", function)
        return call


class CodeInterpreterCall(_Call):
    """A ``code_interpreter`` call: fragment input, and index-keyed outputs."""

    __slots__ = ("_fragments", "_outputs", "_present")
    kind = "code_interpreter"
    delta_class = CodeInterpreterToolCallDelta
    model_class = CodeInterpreterToolCall

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._fragments = Fragments()
        self._outputs: tuple[CodeInterpreterOutput | None, ...] = ()
        self._present: tuple[CodeInterpreterOutput, ...] = ()

    def seed(self, model: CodeInterpreterToolCall) -> None:
        self._id = model.id
        code = model.code_interpreter
        if code is not None:
            self._fragments = Fragments(code.input or "")
            self._outputs = self._present = tuple(code.outputs)

    def apply(self, delta: CodeInterpreterToolCallDelta) -> CodeInterpreterToolCallDelta:
        code = delta.code_interpreter
        if code is not None and code.outputs:  # first: placing them may refuse the delta
            path = f"step_details.tool_calls[{self.index}].code_interpreter.outputs"
            self._outputs, _ = place(
                self._outputs,
                code.outputs,
                _merge_output,
                CodeInterpreterOutputDelta,
                path,
                self.owner,
            )
            self._present = present(self._outputs)
        if delta.id is not None:
            self._id = delta.id
        if code is not None and code.input:
            self._fragments.append(code.input)
        return delta

    def snapshot(self) -> ToolCall:
        fragments = self._fragments
        code = _lazy_code(fragments, fragments.size, self._present)
        call: ToolCall = _code_call(self._id, "code_interpreter", code)
        return call


class FileSearchCall(_Call):
    """A ``file_search`` call: its merged raw detail, structured when it fits (rule 4)."""

    __slots__ = ("_raw", "_search")
    kind = "file_search"
    delta_class = FileSearchToolCallDelta
    model_class = FileSearchToolCall

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._raw: dict[str, Any] | None = None
        self._search: FileSearch | None = None

    def seed(self, model: FileSearchToolCall) -> None:
        self._id = model.id
        self._search = model.file_search
        if model.file_search is not None:
            self._raw = FAST.unstructure(model.file_search)

    def apply(self, delta: FileSearchToolCallDelta) -> FileSearchToolCallDelta:
        if delta.id is not None:
            self._id = delta.id
        if delta.file_search is not None:
            self._raw = {**(self._raw or {}), **delta.file_search}
            try:
                self._search = FAST.structure(self._raw, FileSearch)
            except (cattrs.BaseValidationError, ValueError, TypeError):
                self._search = None  # free-form in the spec: keep the call, drop the detail
        return delta

    def snapshot(self) -> ToolCall:
        return FileSearchToolCall(id=self._id, file_search=self._search)


class UnknownCall(_Call):
    """A call of a type this version does not know (or of none): its merged raw JSON."""

    __slots__ = ("_raw",)
    delta_class = UnknownToolCallDelta
    model_class = UnknownToolCall

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._raw: dict[str, Any] = {}

    def seed(self, model: UnknownToolCall) -> None:
        self._id = model.id
        self._raw = model.raw

    def apply(self, delta: UnknownToolCallDelta) -> UnknownToolCallDelta:
        if delta.id is not None:
            self._id = delta.id
        self._raw = {**self._raw, **delta.raw}
        return delta

    def snapshot(self) -> ToolCall:
        return UnknownToolCall(type=self.kind, id=self._id, raw=dict(self._raw))


#: Tool call ``type`` -> its entry class.
KINDS: Final[dict[str, type[Entry]]] = {
    "function": FunctionCallEntry,
    "code_interpreter": CodeInterpreterCall,
    "file_search": FileSearchCall,
    **AZURE_KINDS,
}


def _tool_calls(step: RunStep) -> tuple[Any, ...]:
    details = step.step_details
    return details.tool_calls if type(details) is ToolCallsStepDetails else ()


def _with_tool_calls(step: RunStep, calls: tuple[Any, ...]) -> RunStep:
    return _with_details(step, ToolCallsStepDetails(tool_calls=calls))


#: The tool calls of steps.
TOOL_CALLS: Final = Family(
    KINDS, UnknownCall, ToolCallDelta, items_of=_tool_calls, with_items=_with_tool_calls
)
