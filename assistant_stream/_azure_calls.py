"""The Azure AI Agents kinds of tool call while they stream: one row each, one generic entry.

Every Azure kind (``mcp``, ``bing_grounding``, ``azure_function``...) streams the way a
function call does: its first delta gives ``on_tool_call_created``, each delta
``on_tool_call_delta``, the end of its step (or of the run) one ``on_tool_call_done`` with
the complete call. What differs between kinds is only where their fields sit and which of
them arrive in pieces, so a kind is a row of ``ROWS``, not a class of its own: ``KINDS``
makes one small ``AzureCall`` subclass per row, for ``_tool_calls.KINDS``.

Rule 1 - the row says where the fields are. ``detail`` is the key they sit under (the
``bing_grounding`` of ``{"type": "bing_grounding", "bing_grounding": {...}}``, the
``function`` of ``openapi``), or ``None`` when they are flat on the call (``mcp``);
``model`` is the class holding them in the full call (``BingGrounding``, or
``McpToolCall`` itself).

Rule 2 - fragments concatenate, everything else overwrites (the rule of
``types.azure_tool_call_deltas``). Each fragment field is a ``Fragments`` builder. When the
fields are nested, the first (``arguments`` or ``input``, the text the model writes token
by token) is read through a lazy model (``_frozen`` rule 3), so a snapshot costs the same
however long it is. The other (``output``) is joined when a snapshot is taken, since a lazy
model has one lazy field; that is free while it is one piece, as every recorded output
is. A flat kind (``mcp``) joins both: its model is the call itself, the member of the
``ToolCall`` union, which stays a plain instance because code picks a view or a handler by
``type(call)``; MCP arguments arrive whole in the recording. A fragment field stays
``None`` until a delta (or the seeded object) carries it, even as ``""``. Every other field
of ``model`` takes the last value that was not ``None``; ``id`` follows ``_tool_calls``
rule 1.

Rule 3 - state is frozen values and builders only: the id, the builders, and a tuple of
the other fields' values (``_entries`` rule 1), so the journal of an event with several
patches saves and restores an Azure call like any other entry. ``apply`` cannot fail.

Nothing here runs for OpenAI streams: a kind is looked up once per tool call, by ``type``.
"""

from collections.abc import Callable
from typing import Any, ClassVar, Final

import attrs

from ._entries import Entry
from ._frozen import fast_constructor, lazy_constructor
from ._lifecycle import CALLBACKS
from ._patch import Fragments
from .types.azure_tool_call_deltas import (
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
from .types.azure_tool_calls import (
    AzureAISearch,
    AzureAISearchToolCall,
    AzureFunction,
    AzureFunctionToolCall,
    BingCustomSearch,
    BingCustomSearchToolCall,
    BingGrounding,
    BingGroundingToolCall,
    BrowserAutomation,
    BrowserAutomationToolCall,
    ComputerUsePreview,
    ComputerUsePreviewToolCall,
    ConnectedAgent,
    ConnectedAgentToolCall,
    DeepResearch,
    DeepResearchToolCall,
    FabricDataAgent,
    FabricDataAgentToolCall,
    McpToolCall,
    OpenAPIFunction,
    OpenAPIToolCall,
    SharepointGrounding,
    SharepointGroundingToolCall,
)

__all__ = ["KINDS", "ROWS", "AzureCall", "Row"]


@attrs.frozen
class Row:
    """How one kind's deltas patch its call (rules 1 and 2).

    Attributes:
        call, delta: the full call class and its delta class.
        detail: the key its fields sit under; ``None`` when they are flat on the call.
        model: the class holding its fields in the full call.
        fragments: its fragment fields, at most two; when the fields are nested, the
            first is read lazily and the second joined at each snapshot.
    """

    call: type
    delta: type
    detail: str | None
    model: type
    fragments: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """The wire ``type``: the default of the call's ``type`` field."""
        tag = attrs.fields_dict(self.call)["type"].default
        return str(tag)


#: The fragment fields of the kinds shaped like a function call, and of those like a query.
_ARGUMENTS_OUTPUT: Final = ("arguments", "output")
_INPUT_OUTPUT: Final = ("input", "output")

#: One row per kind; ``tests/test_azure_calls.py`` shows each rule on a small stream.
ROWS: Final = (
    Row(McpToolCall, McpToolCallDelta, None, McpToolCall, _ARGUMENTS_OUTPUT),
    Row(BingGroundingToolCall, BingGroundingToolCallDelta, "bing_grounding", BingGrounding),
    Row(
        BingCustomSearchToolCall,
        BingCustomSearchToolCallDelta,
        "bing_custom_search",
        BingCustomSearch,
    ),
    Row(
        AzureAISearchToolCall,
        AzureAISearchToolCallDelta,
        "azure_ai_search",
        AzureAISearch,
        _INPUT_OUTPUT,
    ),
    Row(
        AzureFunctionToolCall,
        AzureFunctionToolCallDelta,
        "azure_function",
        AzureFunction,
        _ARGUMENTS_OUTPUT,
    ),
    Row(
        ConnectedAgentToolCall,
        ConnectedAgentToolCallDelta,
        "connected_agent",
        ConnectedAgent,
        _ARGUMENTS_OUTPUT,
    ),
    Row(
        SharepointGroundingToolCall,
        SharepointGroundingToolCallDelta,
        "sharepoint_grounding",
        SharepointGrounding,
        _INPUT_OUTPUT,
    ),
    Row(
        FabricDataAgentToolCall,
        FabricDataAgentToolCallDelta,
        "fabric_dataagent",
        FabricDataAgent,
        _INPUT_OUTPUT,
    ),
    Row(
        DeepResearchToolCall,
        DeepResearchToolCallDelta,
        "deep_research",
        DeepResearch,
        _INPUT_OUTPUT,
    ),
    Row(OpenAPIToolCall, OpenAPIToolCallDelta, "function", OpenAPIFunction, _ARGUMENTS_OUTPUT),
    Row(
        BrowserAutomationToolCall,
        BrowserAutomationToolCallDelta,
        "browser_automation",
        BrowserAutomation,
        _INPUT_OUTPUT,
    ),
    Row(
        ComputerUsePreviewToolCall,
        ComputerUsePreviewToolCallDelta,
        "computer_use_preview",
        ComputerUsePreview,
    ),
)


class _Plan:
    """A row compiled for its entry class: positions, defaults and builders, made once."""

    __slots__ = (
        "build_call",
        "build_lazy",
        "build_plain",
        "detail",
        "empty",
        "fragments",
        "id_at",
        "joined_at",
        "lazy_at",
        "others",
        "overwrite",
    )

    def __init__(self, row: Row) -> None:
        if len(row.fragments) > 2:
            raise ValueError(f"{row.kind}: an entry holds at most two fragment fields")
        names = [field.name for field in attrs.fields(row.model)]
        flat = row.detail is None
        self.detail = row.detail
        self.fragments = row.fragments
        lazy = row.fragments[0] if row.fragments and not flat else None
        #: Where ``lazy`` goes back in, for the plain builder (``None``: no lazy field).
        self.lazy_at = names.index(lazy) if lazy is not None else None
        #: The fields but ``lazy``: the positional values of both builders.
        self.others = tuple(name for name in names if name != lazy)
        #: (builder 0 or 1, position in ``others``) of each fragment joined at a snapshot.
        self.joined_at = tuple(
            (number, self.others.index(name))
            for number, name in enumerate(row.fragments)
            if name != lazy
        )
        self.id_at = self.others.index("id") if flat else None
        skip = {*row.fragments, "id", "type"} if flat else set(row.fragments)
        self.overwrite = tuple(
            (name, at) for at, name in enumerate(self.others) if name not in skip
        )
        self.empty = tuple(row.kind if flat and name == "type" else None for name in self.others)
        self.build_plain: Callable[..., Any] = fast_constructor(row.model)
        #: Used only once ``lazy`` has a builder, so never for a row without one.
        self.build_lazy: Callable[..., Any] = (
            self.build_plain if lazy is None else lazy_constructor(row.model, lazy)
        )
        self.build_call: Callable[..., Any] | None = None if flat else fast_constructor(row.call)


class AzureCall(Entry):
    """A tool call of an Azure kind; each kind is a subclass made from its row (``KINDS``)."""

    __slots__ = ("_first", "_id", "_second", "_values")
    array = "step_details.tool_calls"
    callbacks = CALLBACKS["tool_call"]
    row: ClassVar[Row]
    plan: ClassVar[_Plan]

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._id: str | None = None
        #: The builders of the row's first and second fragment fields (rule 2).
        self._first: Fragments | None = None
        self._second: Fragments | None = None
        self._values: tuple[Any, ...] = self.plan.empty

    def seed(self, model: Any) -> None:
        plan = self.plan
        self._id = model.id
        detail = model if plan.detail is None else getattr(model, plan.detail)
        if detail is None:
            return
        fragments = plan.fragments
        if fragments:
            self._first = _builder(getattr(detail, fragments[0]))
            if len(fragments) > 1:
                self._second = _builder(getattr(detail, fragments[1]))
        self._values = tuple(getattr(detail, name) for name in plan.others)

    def apply(self, delta: Any) -> Any:
        plan = self.plan
        if delta.id is not None:
            self._id = delta.id
        detail = delta if plan.detail is None else getattr(delta, plan.detail)
        if detail is None:
            return delta
        fragments = plan.fragments
        if fragments:
            self._first = _append(self._first, getattr(detail, fragments[0]))
            if len(fragments) > 1:
                self._second = _append(self._second, getattr(detail, fragments[1]))
        values = None
        for name, at in plan.overwrite:
            value = getattr(detail, name)
            if value is not None:
                if values is None:
                    values = list(self._values)
                values[at] = value
        if values is not None:
            self._values = tuple(values)
        return delta

    def snapshot(self) -> Any:
        plan = self.plan
        values = list(self._values)
        for number, at in plan.joined_at:
            builder = self._second if number else self._first
            values[at] = None if builder is None else builder.text()
        if plan.id_at is not None:
            values[plan.id_at] = self._id
        lazy_at = plan.lazy_at
        if lazy_at is None:
            detail = plan.build_plain(*values)
        elif self._first is not None:
            detail = plan.build_lazy(self._first, self._first.size, *values)
        else:
            values.insert(lazy_at, None)
            detail = plan.build_plain(*values)
        if plan.build_call is None:
            return detail
        return plan.build_call(self._id, self.kind, detail)


def _builder(value: str | None) -> Fragments | None:
    """A builder holding ``value`` (``None`` while no value came, rule 2)."""
    return None if value is None else Fragments(value)


def _append(builder: Fragments | None, piece: str | None) -> Fragments | None:
    """``builder`` with ``piece`` added; a new builder for the first piece, even ``""``."""
    if piece is None:
        return builder
    if builder is None:
        return Fragments(piece)
    if piece:
        builder.append(piece)
    return builder


def _entry_class(row: Row) -> type[Entry]:
    name = row.call.__name__.removesuffix("ToolCall") + "Call"
    namespace = {
        "__slots__": (),
        "__doc__": f"A ``{row.kind}`` call (its row of ``ROWS``).",
        "kind": row.kind,
        "delta_class": row.delta,
        "model_class": row.call,
        "row": row,
        "plan": _Plan(row),
    }
    return type(name, (AzureCall,), namespace)


#: Tool call ``type`` -> its entry class, for ``_tool_calls.KINDS``.
KINDS: Final[dict[str, type[Entry]]] = {row.kind: _entry_class(row) for row in ROWS}
