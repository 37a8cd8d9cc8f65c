"""The state of content blocks and tool calls while they stream, and their snapshots.

``Block`` and ``Call`` are one entry each; ``Parent`` is the message or step holding them.

An entry is the only mutable object behind its snapshots. ``apply(delta)`` patches it by the
rules of ``_patch`` (fragments appended, arrays keyed by index, other fields overwritten);
``snapshot()`` returns the frozen model as it is at that moment, in constant time: the
fragment field is a lazy model (``_frozen.lazy_constructor``) holding the builder and the
current size, so a snapshot keeps its value while the entry keeps growing.

Code interpreter ``logs`` are the one fragment field joined eagerly: they arrive in one or
two pieces per output, not in thousands.
"""

from collections.abc import Callable
from typing import Any, Final

import cattrs

from ._converter import FAST
from ._frozen import fast_constructor, lazy_constructor, replacer
from ._lifecycle import CALLBACKS, Move, Phase, announce
from ._notices import Notice
from ._patch import Fragments, entry_at, overwrite
from .errors import InvalidDeltaError
from .types.message import (
    Annotation,
    FileCitationAnnotation,
    FilePathAnnotation,
    ImageFile,
    ImageFileContentBlock,
    ImageURL,
    ImageURLContentBlock,
    Message,
    MessageContent,
    RefusalContentBlock,
    Text,
    TextContentBlock,
    UnknownAnnotation,
    UnknownMessageContent,
    URLCitationAnnotation,
)
from .types.message_delta import (
    FileCitationDeltaAnnotation,
    FilePathDeltaAnnotation,
    ImageFileDeltaBlock,
    ImageURLDeltaBlock,
    MessageContentDelta,
    RefusalDeltaBlock,
    TextDeltaBlock,
    UnknownAnnotationDelta,
    UnknownMessageContentDelta,
    URLCitationDeltaAnnotation,
)
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
    CodeInterpreterOutputImageDelta,
    CodeInterpreterToolCallDelta,
    FileSearchToolCallDelta,
    FunctionToolCallDelta,
    ToolCallDelta,
    UnknownCodeInterpreterOutputDelta,
    UnknownToolCallDelta,
)

__all__ = ["Block", "Call", "Parent"]

_lazy_text: Final = lazy_constructor(Text, "value")  # fragments, size, annotations
_lazy_refusal: Final = lazy_constructor(RefusalContentBlock, "refusal")  # ..., type
_lazy_function: Final = lazy_constructor(FunctionCall, "arguments")  # ..., name, output
_lazy_code: Final = lazy_constructor(CodeInterpreter, "input")  # fragments, size, outputs
_text_block: Final = fast_constructor(TextContentBlock)  # type, text
_with_content: Final = replacer(Message, "content")
_with_details: Final = replacer(RunStep, "step_details")
_function_call: Final = fast_constructor(FunctionToolCall)  # id, type, function
_code_call: Final = fast_constructor(CodeInterpreterToolCall)  # id, type, code_interpreter

_ANNOTATIONS: Final[dict[type, type]] = {
    FileCitationDeltaAnnotation: FileCitationAnnotation,
    FilePathDeltaAnnotation: FilePathAnnotation,
    URLCitationDeltaAnnotation: URLCitationAnnotation,
}


def _merge_raw(existing: Any, patch_raw: dict[str, Any]) -> dict[str, Any]:
    """Unknown members keep their raw JSON: later keys overwrite earlier ones."""
    return patch_raw if existing is None else {**existing.raw, **patch_raw}


def _present(entries: list[Any]) -> tuple[Any, ...]:
    """The entries of an index-keyed array, holes left out."""
    return tuple(entry for entry in entries if entry is not None)


class Block:
    """One entry of a message's ``content``.

    Attributes:
        kind: the block's ``type`` (``"text"``, ``"image_file"``...).
        phase: its lifecycle phase (``_lifecycle.Phase``), ``None`` before it is announced.
    """

    __slots__ = (
        "_annotations",
        "_fragments",
        "_model",
        "_owner",
        "_path",
        "_present_annotations",
        "callbacks",
        "kind",
        "payload",
        "phase",
    )

    def __init__(self, kind: str, owner: str, index: int) -> None:
        self.kind = kind
        self.phase: Phase | None = None
        self.callbacks = CALLBACKS.get(kind)
        #: The field of a patch that delta callbacks receive (``text``, ``refusal``...).
        self.payload = kind if self.callbacks is not None else None
        self._owner = owner
        self._path = f"content[{index}]"
        self._fragments = Fragments()
        self._annotations: list[Annotation | None] = []
        self._present_annotations: tuple[Annotation, ...] = ()
        self._model: Any = None  # ImageFile, ImageURL or UnknownMessageContent

    def apply(self, delta: MessageContentDelta) -> tuple[Annotation, ...]:
        """Patch the block; return the annotations the delta set, merged."""
        if delta.type != self.kind:
            raise InvalidDeltaError(
                f"{self._owner}: {self._path} changed type from {self.kind!r} to {delta.type!r}"
            )
        if type(delta) is TextDeltaBlock:
            text = delta.text
            if text is None:
                return ()
            patches = text.annotations
            merged = tuple([self._annotate(patch) for patch in patches]) if patches else ()
            if text.value:  # after the annotations, which may refuse the patch
                self._fragments.append(text.value)
            return merged
        if type(delta) is RefusalDeltaBlock:
            if delta.refusal:
                self._fragments.append(delta.refusal)
        elif type(delta) is ImageFileDeltaBlock:
            if delta.image_file is not None:
                self._model = overwrite(ImageFile, self._model, delta.image_file)
        elif type(delta) is ImageURLDeltaBlock:
            if delta.image_url is not None:
                self._model = overwrite(ImageURL, self._model, delta.image_url)
        else:
            assert isinstance(delta, UnknownMessageContentDelta)
            self._model = UnknownMessageContent(
                type=delta.type, raw=_merge_raw(self._model, delta.raw)
            )
        return ()

    def _annotate(self, patch: Any) -> Annotation:
        index = patch.index
        path = f"{self._path}.text.annotations"
        existing = (
            entry_at(self._annotations, index, path, self._owner) if index is not None else None
        )
        if type(patch) is UnknownAnnotationDelta:
            old = existing if type(existing) is UnknownAnnotation else None
            merged: Annotation = UnknownAnnotation(type=patch.type, raw=_merge_raw(old, patch.raw))
        else:
            target = _ANNOTATIONS[type(patch)]
            merged = overwrite(target, existing if type(existing) is target else None, patch)  # type: ignore[assignment]
        if index is not None:
            self._annotations[index] = merged
            self._present_annotations = _present(self._annotations)
        return merged

    def snapshot(self) -> Any:
        """The block's inner object now: ``Text``, ``RefusalContentBlock``, ``ImageFile``..."""
        kind = self.kind
        if kind == "text":
            fragments = self._fragments
            return _lazy_text(fragments, fragments.size, self._present_annotations)
        if kind == "refusal":
            return _lazy_refusal(self._fragments, self._fragments.size)
        return self._model

    def content(self) -> MessageContent | None:
        """The block as an entry of ``Message.content`` now (``None`` if it is still empty)."""
        kind, inner = self.kind, self.snapshot()
        if kind == "text":
            text_block: TextContentBlock = _text_block("text", inner)
            return text_block
        if kind == "image_file":
            return ImageFileContentBlock(image_file=inner) if inner is not None else None
        if kind == "image_url":
            return ImageURLContentBlock(image_url=inner) if inner is not None else None
        other: MessageContent | None = inner
        return other


#: The inner object of a terminal message's content block, as block callbacks get it.
INNER: Final[dict[str, Callable[[Any], Any]]] = {
    "text": lambda block: block.text,
    "image_file": lambda block: block.image_file,
    "image_url": lambda block: block.image_url,
}


class Call:
    """One entry of a step's ``tool_calls``.

    Attributes:
        kind: the call's ``type`` (``"function"``, ``"code_interpreter"``...).
        phase: its lifecycle phase, ``None`` before it is announced.
    """

    __slots__ = (
        "_fragments",
        "_id",
        "_name",
        "_output",
        "_outputs",
        "_owner",
        "_path",
        "_raw",
        "_search",
        "callbacks",
        "kind",
        "phase",
    )

    def __init__(self, kind: str, owner: str, index: int) -> None:
        self.kind = kind
        self.phase: Phase | None = None
        self.callbacks = CALLBACKS["tool_call"]
        self._owner = owner
        self._path = f"step_details.tool_calls[{index}]"
        self._id: str | None = None
        self._fragments = Fragments()  # function arguments, or code interpreter input
        self._name: str | None = None
        self._output: str | None = None
        self._outputs: list[CodeInterpreterOutput | None] = []
        self._search: FileSearch | None = None
        self._raw: dict[str, Any] | None = None

    def apply(self, delta: ToolCallDelta) -> None:
        """Patch the call."""
        if delta.type != self.kind:
            raise InvalidDeltaError(
                f"{self._owner}: {self._path} changed type from {self.kind!r} to {delta.type!r}"
            )
        if delta.id is not None:
            self._id = delta.id
        if type(delta) is FunctionToolCallDelta:
            function = delta.function
            if function is not None:
                if function.arguments:
                    self._fragments.append(function.arguments)
                if function.name is not None:
                    self._name = function.name
                if function.output is not None:
                    self._output = function.output
        elif type(delta) is CodeInterpreterToolCallDelta:
            code = delta.code_interpreter
            if code is not None:
                if code.input:
                    self._fragments.append(code.input)
                for patch in code.outputs or ():
                    self._place_output(patch)
        elif type(delta) is FileSearchToolCallDelta:
            if delta.file_search is not None:
                self._raw = {**(self._raw or {}), **delta.file_search}
                try:
                    self._search = FAST.structure(self._raw, FileSearch)
                except (cattrs.BaseValidationError, ValueError, TypeError):
                    self._search = None  # free-form in the spec: keep the call, drop the detail
        else:
            assert isinstance(delta, UnknownToolCallDelta)
            self._raw = {**(self._raw or {}), **delta.raw}

    def _place_output(self, patch: Any) -> None:
        index = patch.index
        if index is None:
            return
        path = f"{self._path}.code_interpreter.outputs"
        existing = entry_at(self._outputs, index, path, self._owner)
        merged: CodeInterpreterOutput
        if type(patch) is CodeInterpreterLogs:
            before = existing.logs if type(existing) is CodeInterpreterOutputLogs else None
            logs = patch.logs if before is None else before + (patch.logs or "")
            merged = CodeInterpreterOutputLogs(logs=logs)
        elif type(patch) is CodeInterpreterOutputImageDelta:
            image = existing if type(existing) is CodeInterpreterOutputImage else None
            merged = overwrite(CodeInterpreterOutputImage, image, patch)
        else:
            assert isinstance(patch, UnknownCodeInterpreterOutputDelta)
            unknown = existing if type(existing) is UnknownCodeInterpreterOutput else None
            merged = UnknownCodeInterpreterOutput(
                type=patch.type, raw=_merge_raw(unknown, patch.raw)
            )
        self._outputs[index] = merged

    def snapshot(self) -> ToolCall:
        """The call as a ``ToolCall`` now."""
        kind, fragments = self.kind, self._fragments
        if kind == "function":
            function = _lazy_function(fragments, fragments.size, self._name, self._output)
            call: ToolCall = _function_call(self._id, "function", function)
            return call
        if kind == "code_interpreter":
            code = _lazy_code(fragments, fragments.size, _present(self._outputs))
            code_call: ToolCall = _code_call(self._id, "code_interpreter", code)
            return code_call
        if kind == "file_search":
            return FileSearchToolCall(id=self._id, file_search=self._search)
        return UnknownToolCall(type=kind, id=self._id, raw=dict(self._raw or {}))


def _same(value: Any) -> Any:
    return value


class Parent:
    """A message or a step, and its index-keyed entries (blocks or tool calls).

    Attributes:
        base: the latest object of a non-delta event (or ``Message(id=...)`` /
            ``RunStep(id=...)`` when a delta came first).
        entries: ``Block`` or ``Call`` by index, ``None`` for holes.
        open: the entry streaming now, if any.
        final: the terminal object, once it came.
        seen_streaming: ``False`` if the first event about it was its terminal event.
    """

    __slots__ = ("_entry", "base", "entries", "final", "open", "seen_streaming")

    def __init__(self, base: Message | RunStep, *, seen_streaming: bool) -> None:
        self._entry: type[Block | Call] = Block if type(base) is Message else Call
        self.base: Any = base
        self.entries: list[Any] = []
        self.open: Any = None
        self.final: Any = None
        self.seen_streaming = seen_streaming

    def snapshot(self) -> Any:
        """The message or step now: the terminal object, or the base with its entries."""
        if self.final is not None:
            return self.final
        if not self.entries:
            return self.base
        if self._entry is Block:
            content = (block.content() for block in self.entries if block is not None)
            return _with_content(self.base, tuple(item for item in content if item is not None))
        calls = tuple(call.snapshot() for call in self.entries if call is not None)
        return _with_details(self.base, ToolCallsStepDetails(tool_calls=calls))

    def finish(self, finals: tuple[Any, ...], notices: list[Notice], wanted: Any) -> None:
        """Finish every entry; entries only in the terminal object's ``finals`` too.

        Each ``done`` gets the terminal object's entry at the same index when its type
        matches, else the streamed snapshot (lifecycle rule 4).
        """
        entries, make = self.entries, self._entry
        for index in range(max(len(entries), len(finals))):
            entry = entries[index] if index < len(entries) else None
            final = finals[index] if index < len(finals) else None
            if entry is None:
                if final is None or not self.seen_streaming:
                    continue
                entry = make(final.type, self.base.id, index)
            elif final is not None and getattr(final, "type", None) != entry.kind:
                final = None  # the terminal object disagrees: keep what was streamed
            if final is not None and make is Block:
                final = INNER.get(entry.kind, _same)(final)
            announce(entry, Move.FINISH, notices, wanted, final=final)
        self.open = None
