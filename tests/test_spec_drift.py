"""Spec drift tests: assistant_stream.types against ../shared/spec/openai-openapi.yaml.

The models in ``assistant_stream.types`` are written by hand from the official OpenAPI spec.
These tests read the spec itself, so that a new spec version tells us where the models fell
behind. When the spec file is replaced by a newer one:

- a new property in an object example, or in a streaming example, fails the *strict*
  structuring of that example (``make_converter(strict=True)`` forbids unknown keys;
  production never does, so users are not affected);
- a new property anywhere in a schema reachable from the 25 stream events, or from the
  answers of the plain calls the client makes (``CLIENT_OPERATIONS``), fails the property
  coverage test of that schema, and a changed JSON type fails the type test;
- a new named or inline object schema reachable from the events or those answers fails the
  mapping test until it is given a model in ``SCHEMA_MODELS``; a new union fails the union
  test until its ``type`` tags are checked in ``UNIONS``;
- a new property in the JSON example of a plain call fails the strict structuring of that
  example into the call's model;
- a new ``type`` tag in a union fails the tag test when our converter would make it an
  ``Unknown...`` member;
- a new or renamed event fails the envelope test;
- the known typos of the streaming examples are repaired by small functions below, and the
  repairs must be exactly the expected ones: if the spec fixes a typo (or makes a new one),
  ``EXPECTED_REPAIRS`` must be updated, so the extractor can never drift silently.

Only the slices of the 3 MB YAML that are needed are parsed (one schema or one operation at
a time), and each is parsed once, so the file runs in well under a second. Everything skips
when the spec is absent (see ``shared_data``).
"""

from __future__ import annotations

import functools
import re
from types import NoneType, UnionType
from typing import Any, NamedTuple, Union, get_args, get_origin

import attrs
import cattrs
import orjson
import pytest
import yaml
from helpers import unknown_members
from shared_data import SPEC, requires_spec

from assistant_stream import EVENT_TYPES, DoneEvent, decode_event
from assistant_stream._converter import format_problem, make_converter
from assistant_stream.types import (
    Assistant,
    AssistantDeleted,
    AssistantList,
    AssistantToolChoice,
    AssistantToolChoiceFunction,
    Attachment,
    CodeInterpreter,
    CodeInterpreterDelta,
    CodeInterpreterImage,
    CodeInterpreterLogs,
    CodeInterpreterOutputImage,
    CodeInterpreterOutputImageDelta,
    CodeInterpreterOutputLogs,
    CodeInterpreterTool,
    CodeInterpreterToolCall,
    CodeInterpreterToolCallDelta,
    ErrorObject,
    FileCitation,
    FileCitationAnnotation,
    FileCitationDeltaAnnotation,
    FilePath,
    FilePathAnnotation,
    FilePathDeltaAnnotation,
    FileSearch,
    FileSearchRankingOptions,
    FileSearchResult,
    FileSearchResultContent,
    FileSearchTool,
    FileSearchToolCall,
    FileSearchToolCallDelta,
    FileSearchToolOptions,
    FunctionCall,
    FunctionCallDelta,
    FunctionDefinition,
    FunctionTool,
    FunctionToolCall,
    FunctionToolCallDelta,
    ImageFile,
    ImageFileContentBlock,
    ImageFileDelta,
    ImageFileDeltaBlock,
    ImageURL,
    ImageURLContentBlock,
    ImageURLDelta,
    ImageURLDeltaBlock,
    IncompleteDetails,
    JSONSchema,
    LastError,
    Message,
    MessageCreation,
    MessageCreationStepDetails,
    MessageDelta,
    MessageDeltaEvent,
    MessageList,
    RefusalContentBlock,
    RefusalDeltaBlock,
    RequiredAction,
    RequiredActionFunction,
    RequiredActionFunctionToolCall,
    RequiredActionSubmitToolOutputs,
    ResponseFormatJSONObject,
    ResponseFormatJSONSchema,
    ResponseFormatText,
    Run,
    RunList,
    RunStep,
    RunStepDelta,
    RunStepDeltaEvent,
    RunStepDeltaMessageDelta,
    RunStepList,
    Text,
    TextContentBlock,
    TextDelta,
    TextDeltaBlock,
    Thread,
    ThreadDeleted,
    ToolCallDeltaObject,
    ToolCallsStepDetails,
    ToolResources,
    ToolResourcesCodeInterpreter,
    ToolResourcesFileSearch,
    TruncationStrategy,
    Usage,
)

pytestmark = requires_spec

#: A converter configured like production, but rejecting keys our models do not declare.
STRICT = make_converter(strict=True)

# ---------------------------------------------------------------------------------------------
# Reading slices of the spec
# ---------------------------------------------------------------------------------------------

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCHEMA_HEADER = re.compile(r"^    ([A-Za-z0-9_.-]+):$")
_METHOD_HEADER = re.compile(r"^    (get|put|post|delete|options|head|patch|trace):$")
_TOP_OF_BLOCK = re.compile(r"^ {0,4}\S")  # a line at indentation 4 or less ends a slice


@functools.cache
def _lines() -> tuple[str, ...]:
    return tuple(SPEC.read_text(encoding="utf-8").splitlines())


def _slice(start: int) -> dict[str, Any]:
    """Parse the YAML block whose header (at indentation 4) is line ``start``."""
    lines = _lines()
    end = start + 1
    while end < len(lines) and not _TOP_OF_BLOCK.match(lines[end]):
        end += 1
    parsed: dict[str, Any] = yaml.load("\n".join(lines[start:end]), Loader=_LOADER)
    return parsed


@functools.cache
def _schema_lines() -> dict[str, int]:
    """The line of each ``components.schemas`` entry, found by its header alone."""
    lines = _lines()
    start = lines.index("components:")
    start = lines.index("  schemas:", start)
    found: dict[str, int] = {}
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line[:3].strip():  # back at indentation 2 or less: the end of components.schemas
            break
        match = _SCHEMA_HEADER.match(line)
        if match:
            found[match.group(1)] = number
    return found


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """The schema ``components.schemas.<name>``, parsed from its own slice."""
    return _slice(_schema_lines()[name])[name]


@functools.cache
def operation(operation_id: str) -> dict[str, Any]:
    """The operation (under its path) whose ``operationId`` is ``operation_id``."""
    lines = _lines()
    start = lines.index(f"      operationId: {operation_id}")
    while not _METHOD_HEADER.match(lines[start]):
        start -= 1
    (method,) = _slice(start).values()
    return method


def examples(operation_id: str) -> list[dict[str, Any]]:
    """The ``x-oaiMeta`` examples of an operation (one or a list in the spec)."""
    found = operation(operation_id)["x-oaiMeta"]["examples"]
    return found if isinstance(found, list) else [found]


# ---------------------------------------------------------------------------------------------
# Walking schemas: $ref, the three spellings of nullable, unions, arrays
# ---------------------------------------------------------------------------------------------

#: Keys that only annotate a schema; a node made of these and ``nullable`` means "or null".
_ANNOTATIONS = frozenset({"nullable", "description", "title", "default", "deprecated"})


def _ref_name(node: dict[str, Any]) -> str:
    return str(node["$ref"]).rsplit("/", 1)[1]


def _is_null(node: dict[str, Any]) -> bool:
    """``{type: 'null'}`` (anyOf member) or ``{nullable: true}`` (allOf member)."""
    return node.get("type") == "null" or (
        node.get("nullable") is True and set(node) <= _ANNOTATIONS
    )


def alternatives(node: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """The concrete shapes a property may take, each with its canonical key.

    A ``$ref`` is followed and its schema's name becomes the key; otherwise the key is the
    property path (``RunObject.required_action``). ``oneOf``, ``anyOf`` and ``allOf`` give
    their members' shapes (an ``allOf`` may add only "or null"); every null is dropped,
    however it is spelled (``nullable: true`` beside a type or a ``$ref`` is ignored); an
    array gives its items' shapes, so a path names the array's element.
    """
    if "$ref" in node:
        name = _ref_name(node)
        return alternatives(schema(name), name)
    for combiner in ("oneOf", "anyOf", "allOf"):
        if combiner in node:
            members = [alternatives(member, key) for member in node[combiner]]
            if combiner == "allOf" and sum(1 for alts in members if alts) > 1:
                raise AssertionError(f"{key}: allOf of several schemas is not supported")
            return [alt for alts in members for alt in alts]
    if _is_null(node):
        return []
    if node.get("type") == "array":
        return alternatives(node["items"], key)
    return [(key, node)]


def objects(node: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """The alternatives of a property that are objects with declared properties."""
    return [(k, n) for k, n in alternatives(node, key) if "properties" in n]


def tags(node: dict[str, Any]) -> list[Any]:
    """The values a string schema allows: its ``enum``, or its ``const``."""
    return list(node["enum"]) if "enum" in node else [node["const"]]


def resolve(path: str) -> dict[str, Any]:
    """The schema of a property path such as ``RunObject.required_action.type``."""
    name, *props = path.split(".")
    node = schema(name)
    key = name
    for prop in props:
        ((key, parent),) = objects(node, key)
        node = parent["properties"][prop]
        key = f"{key}.{prop}"
    return node


class Envelope(NamedTuple):
    """One ``{event, data}`` member of ``AssistantStreamEvent``."""

    event: str
    group: str
    properties: frozenset[str]
    data: dict[str, Any]


@functools.cache
def envelopes() -> tuple[Envelope, ...]:
    """Every event the spec declares, from ``AssistantStreamEvent`` and its six groups."""
    found = []
    for member in schema("AssistantStreamEvent")["oneOf"]:
        group = _ref_name(member)
        for envelope in schema(group).get("oneOf", [schema(group)]):
            props = envelope["properties"]
            (event,) = props["event"]["enum"]
            found.append(Envelope(event, group, frozenset(props), props["data"]))
    return tuple(found)


def answer_schema(operation_id: str) -> str:
    """The name of the schema of an operation's JSON answer (status 200)."""
    content = operation(operation_id)["responses"]["200"]["content"]
    return _ref_name(content["application/json"]["schema"])


@functools.cache
def reachable_objects() -> dict[str, dict[str, Any]]:
    """Every object schema with properties reachable from the events or the plain calls.

    The roots are the data of the 25 events and the answers of ``CLIENT_OPERATIONS``.
    """
    found: dict[str, dict[str, Any]] = {}

    def visit(key: str, node: dict[str, Any]) -> None:
        if key in found:
            return
        found[key] = node
        for prop, sub in node["properties"].items():
            for sub_key, sub_node in objects(sub, f"{key}.{prop}"):
                visit(sub_key, sub_node)

    for envelope in envelopes():
        for key, node in objects(envelope.data, f"{envelope.group}.data"):
            visit(key, node)
    for operation_id in CLIENT_OPERATIONS:
        name = answer_schema(operation_id)
        visit(name, schema(name))
    return found


# ---------------------------------------------------------------------------------------------
# Which model stands for which schema
# ---------------------------------------------------------------------------------------------

#: The plain (not streaming) calls of the client, by operation id, and the model each returns.
CLIENT_OPERATIONS: dict[str, type] = {
    "createAssistant": Assistant,
    "getAssistant": Assistant,
    "listAssistants": AssistantList,
    "deleteAssistant": AssistantDeleted,
    "createThread": Thread,
    "getThread": Thread,
    "deleteThread": ThreadDeleted,
    "createMessage": Message,
    "getMessage": Message,
    "listMessages": MessageList,
    "getRun": Run,
    "cancelRun": Run,
    "listRuns": RunList,
    "getRunStep": RunStep,
    "listRunSteps": RunStepList,
}

#: Every object schema reachable from the events or from the answers of the plain calls
#: (named, or an inline property path) → model.
SCHEMA_MODELS: dict[str, type] = {
    # thread.created
    "ThreadObject": Thread,
    "ThreadObject.tool_resources": ToolResources,
    "ThreadObject.tool_resources.code_interpreter": ToolResourcesCodeInterpreter,
    "ThreadObject.tool_resources.file_search": ToolResourcesFileSearch,
    # thread.run.*
    "RunObject": Run,
    "RunObject.required_action": RequiredAction,
    "RunObject.required_action.submit_tool_outputs": RequiredActionSubmitToolOutputs,
    "RunToolCallObject": RequiredActionFunctionToolCall,
    "RunToolCallObject.function": RequiredActionFunction,
    "RunObject.last_error": LastError,
    "RunObject.incomplete_details": IncompleteDetails,
    "RunCompletionUsage": Usage,
    "TruncationObject": TruncationStrategy,
    "AssistantsNamedToolChoice": AssistantToolChoice,
    "AssistantsNamedToolChoice.function": AssistantToolChoiceFunction,
    "ResponseFormatText": ResponseFormatText,
    "ResponseFormatJsonObject": ResponseFormatJSONObject,
    "ResponseFormatJsonSchema": ResponseFormatJSONSchema,
    "ResponseFormatJsonSchema.json_schema": JSONSchema,
    # tools (of runs, and of message attachments)
    "AssistantToolsCode": CodeInterpreterTool,
    "AssistantToolsFileSearch": FileSearchTool,
    "AssistantToolsFileSearch.file_search": FileSearchToolOptions,
    "AssistantToolsFileSearchTypeOnly": FileSearchTool,
    "FileSearchRankingOptions": FileSearchRankingOptions,
    "AssistantToolsFunction": FunctionTool,
    "FunctionObject": FunctionDefinition,
    # thread.run.step.* (but .delta)
    "RunStepObject": RunStep,
    "RunStepObject.last_error": LastError,
    "RunStepCompletionUsage": Usage,
    "RunStepDetailsMessageCreationObject": MessageCreationStepDetails,
    "RunStepDetailsMessageCreationObject.message_creation": MessageCreation,
    "RunStepDetailsToolCallsObject": ToolCallsStepDetails,
    "RunStepDetailsToolCallsCodeObject": CodeInterpreterToolCall,
    "RunStepDetailsToolCallsCodeObject.code_interpreter": CodeInterpreter,
    "RunStepDetailsToolCallsCodeOutputLogsObject": CodeInterpreterOutputLogs,
    "RunStepDetailsToolCallsCodeOutputImageObject": CodeInterpreterOutputImage,
    "RunStepDetailsToolCallsCodeOutputImageObject.image": CodeInterpreterImage,
    "RunStepDetailsToolCallsFileSearchObject": FileSearchToolCall,
    "RunStepDetailsToolCallsFileSearchObject.file_search": FileSearch,
    "RunStepDetailsToolCallsFileSearchRankingOptionsObject": FileSearchRankingOptions,
    "RunStepDetailsToolCallsFileSearchResultObject": FileSearchResult,
    "RunStepDetailsToolCallsFileSearchResultObject.content": FileSearchResultContent,
    "RunStepDetailsToolCallsFunctionObject": FunctionToolCall,
    "RunStepDetailsToolCallsFunctionObject.function": FunctionCall,
    # thread.run.step.delta
    "RunStepDeltaObject": RunStepDeltaEvent,
    "RunStepDeltaObject.delta": RunStepDelta,
    "RunStepDeltaStepDetailsMessageCreationObject": RunStepDeltaMessageDelta,
    "RunStepDeltaStepDetailsMessageCreationObject.message_creation": MessageCreation,
    "RunStepDeltaStepDetailsToolCallsObject": ToolCallDeltaObject,
    "RunStepDeltaStepDetailsToolCallsCodeObject": CodeInterpreterToolCallDelta,
    "RunStepDeltaStepDetailsToolCallsCodeObject.code_interpreter": CodeInterpreterDelta,
    "RunStepDeltaStepDetailsToolCallsCodeOutputLogsObject": CodeInterpreterLogs,
    "RunStepDeltaStepDetailsToolCallsCodeOutputImageObject": CodeInterpreterOutputImageDelta,
    "RunStepDeltaStepDetailsToolCallsCodeOutputImageObject.image": CodeInterpreterImage,
    "RunStepDeltaStepDetailsToolCallsFileSearchObject": FileSearchToolCallDelta,
    "RunStepDeltaStepDetailsToolCallsFunctionObject": FunctionToolCallDelta,
    "RunStepDeltaStepDetailsToolCallsFunctionObject.function": FunctionCallDelta,
    # thread.message.* (but .delta)
    "MessageObject": Message,
    "MessageObject.incomplete_details": IncompleteDetails,
    "MessageObject.attachments": Attachment,
    "MessageContentImageFileObject": ImageFileContentBlock,
    "MessageContentImageFileObject.image_file": ImageFile,
    "MessageContentImageUrlObject": ImageURLContentBlock,
    "MessageContentImageUrlObject.image_url": ImageURL,
    "MessageContentTextObject": TextContentBlock,
    "MessageContentTextObject.text": Text,
    "MessageContentTextAnnotationsFileCitationObject": FileCitationAnnotation,
    "MessageContentTextAnnotationsFileCitationObject.file_citation": FileCitation,
    "MessageContentTextAnnotationsFilePathObject": FilePathAnnotation,
    "MessageContentTextAnnotationsFilePathObject.file_path": FilePath,
    "MessageContentRefusalObject": RefusalContentBlock,
    # thread.message.delta
    "MessageDeltaObject": MessageDeltaEvent,
    "MessageDeltaObject.delta": MessageDelta,
    "MessageDeltaContentImageFileObject": ImageFileDeltaBlock,
    "MessageDeltaContentImageFileObject.image_file": ImageFileDelta,
    "MessageDeltaContentImageUrlObject": ImageURLDeltaBlock,
    "MessageDeltaContentImageUrlObject.image_url": ImageURLDelta,
    "MessageDeltaContentTextObject": TextDeltaBlock,
    "MessageDeltaContentTextObject.text": TextDelta,
    "MessageDeltaContentTextAnnotationsFileCitationObject": FileCitationDeltaAnnotation,
    "MessageDeltaContentTextAnnotationsFileCitationObject.file_citation": FileCitation,
    "MessageDeltaContentTextAnnotationsFilePathObject": FilePathDeltaAnnotation,
    "MessageDeltaContentTextAnnotationsFilePathObject.file_path": FilePath,
    "MessageDeltaContentRefusalObject": RefusalDeltaBlock,
    # error
    "Error": ErrorObject,
    # the answers of plain calls (CLIENT_OPERATIONS)
    "AssistantObject": Assistant,
    "AssistantObject.tool_resources": ToolResources,
    "AssistantObject.tool_resources.code_interpreter": ToolResourcesCodeInterpreter,
    "AssistantObject.tool_resources.file_search": ToolResourcesFileSearch,
    "ListAssistantsResponse": AssistantList,
    "DeleteAssistantResponse": AssistantDeleted,
    "DeleteThreadResponse": ThreadDeleted,
    "ListMessagesResponse": MessageList,
    "ListRunsResponse": RunList,
    "ListRunStepsResponse": RunStepList,
}

#: Spec properties our models leave out on purpose: schema key → {property: why}.
DELIBERATE_OMISSIONS: dict[str, dict[str, str]] = {
    # None today. Every property of every schema reachable from the events is modelled.
}

#: Envelope properties besides ``event`` (a class attribute) and ``data`` (the field).
ENVELOPE_EXTRAS: dict[str, frozenset[str]] = {
    # schema-notes section 8: "Whether to enable input audio transcription", pasted from the
    # Realtime schemas into ThreadStreamEvent by mistake. Never sent; not modelled.
    "thread.created": frozenset({"enabled"}),
}


# ---------------------------------------------------------------------------------------------
# Shared checks
# ---------------------------------------------------------------------------------------------


def strict_problems(payload: Any, type_: Any) -> list[str]:
    """What the strict converter rejects in ``payload`` (one line per problem; [] if none)."""
    try:
        STRICT.structure(payload, type_)
    except Exception as exc:
        return cattrs.transform_error(exc, path="$", format_exception=format_problem)
    return []


def unknown_names(value: Any) -> list[str]:
    """The class names of every ``Unknown...`` instance inside ``value`` (fields, tuples)."""
    return [type(item).__name__ for item in unknown_members(value)]


class Strictly(NamedTuple):
    """What strict structuring found: problems it rejected, ``Unknown...`` members it made."""

    rejected: list[str]
    unknown: list[str]


def strictly(payload: Any, type_: Any) -> Strictly:
    """Structure ``payload`` strictly and report what went wrong (nothing, ideally)."""
    rejected = strict_problems(payload, type_)
    unknown = [] if rejected else unknown_names(STRICT.structure(payload, type_))
    return Strictly(rejected, unknown)


def data_type(event_class: type) -> Any:
    """The type of an event class's ``data`` field."""
    return attrs.fields_dict(event_class)["data"].type


# ---------------------------------------------------------------------------------------------
# 1. Object examples
# ---------------------------------------------------------------------------------------------

#: Every reachable schema that has an ``x-oaiMeta.example``, and its model.
OBJECT_EXAMPLES: dict[str, type] = {
    "ThreadObject": Thread,
    "RunObject": Run,
    "RunStepObject": RunStep,
    "RunStepDeltaObject": RunStepDeltaEvent,
    "MessageObject": Message,
    "MessageDeltaObject": MessageDeltaEvent,
    "AssistantObject": Assistant,
    "ListAssistantsResponse": AssistantList,
}

#: The operations that start a run (and a stream with ``stream: true``). The spec spells
#: ``submitToolOuputsToRun`` without the second "t".
RUN_OPERATIONS = ("createThreadAndRun", "createRun", "submitToolOuputsToRun")


def test_object_examples_are_all_listed() -> None:
    """Every reachable named schema with an example is in ``OBJECT_EXAMPLES``."""
    named = {key for key in reachable_objects() if "." not in key}
    with_example = {name for name in named if "example" in schema(name).get("x-oaiMeta", {})}
    assert set(OBJECT_EXAMPLES) == with_example


@pytest.mark.parametrize(("name", "model"), OBJECT_EXAMPLES.items(), ids=list(OBJECT_EXAMPLES))
def test_object_example_structures_strictly(name: str, model: type) -> None:
    """The schema's example structures into its model with unknown keys forbidden."""
    payload = orjson.loads(schema(name)["x-oaiMeta"]["example"])
    assert Strictly(rejected=[], unknown=[]) == strictly(payload, model)


@pytest.mark.parametrize("operation_id", RUN_OPERATIONS)
def test_run_operation_json_example_structures_strictly(operation_id: str) -> None:
    """The non-streaming example of a run-creating operation structures into ``Run``."""
    (response,) = [e["response"] for e in examples(operation_id) if "event:" not in e["response"]]
    assert Strictly(rejected=[], unknown=[]) == strictly(orjson.loads(response), Run)


@pytest.mark.parametrize(
    ("operation_id", "model"), CLIENT_OPERATIONS.items(), ids=list(CLIENT_OPERATIONS)
)
def test_client_operation_answers_with_its_model(operation_id: str, model: type) -> None:
    """A plain call's answer schema is its model's, and every example of it structures strictly."""
    responses = [orjson.loads(example["response"]) for example in examples(operation_id)]
    assert (model, [Strictly(rejected=[], unknown=[])] * len(responses)) == (
        SCHEMA_MODELS[answer_schema(operation_id)],
        [strictly(response, model) for response in responses],
    )


# ---------------------------------------------------------------------------------------------
# 2. Streaming examples
# ---------------------------------------------------------------------------------------------

# The kinds of repair, in the order a block meets them.
ELIDED = "line of '...' standing for elided events: skipped"
NO_DATA_PREFIX = "JSON line without its 'data: ' prefix"
EXTRA_BRACE = "one extra '}' after the JSON object"

#: Each streaming example (operation, title) → the repairs it needs, in stream order, as
#: (event name, or "..." for an elision; kind). schema-notes section 8 lists these typos.
EXPECTED_REPAIRS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("createThreadAndRun", "Streaming"): (
        ("...", ELIDED),
        ("thread.run.completed", NO_DATA_PREFIX),
    ),
    ("createThreadAndRun", "Streaming with Functions"): (
        ("thread.run.created", EXTRA_BRACE),
        ("thread.run.queued", EXTRA_BRACE),
        ("thread.run.in_progress", EXTRA_BRACE),
        ("...", ELIDED),
        ("thread.run.requires_action", EXTRA_BRACE),
    ),
    ("createRun", "Streaming"): (
        ("thread.run.created", EXTRA_BRACE),
        ("thread.run.queued", EXTRA_BRACE),
        ("thread.run.in_progress", EXTRA_BRACE),
        ("...", ELIDED),
        ("thread.run.completed", EXTRA_BRACE),
    ),
    ("createRun", "Streaming with Functions"): (
        ("thread.run.created", EXTRA_BRACE),
        ("thread.run.queued", EXTRA_BRACE),
        ("thread.run.in_progress", EXTRA_BRACE),
        ("...", ELIDED),
        ("thread.run.completed", EXTRA_BRACE),
    ),
    ("submitToolOuputsToRun", "Streaming"): (
        ("thread.run.queued", EXTRA_BRACE),
        ("thread.run.in_progress", EXTRA_BRACE),
        ("...", ELIDED),
        ("thread.run.completed", EXTRA_BRACE),
    ),
}


class Frame(NamedTuple):
    """One SSE frame of a streaming example."""

    event: str
    data: str


class Extracted(NamedTuple):
    """The frames of one streaming example, and the repairs it took to get them."""

    frames: tuple[Frame, ...]
    repairs: tuple[tuple[str, str], ...]


def is_elision(block: str) -> bool:
    """A block that is only ``...`` stands for events the example left out: skip it."""
    return block.strip() == "..."


def add_missing_data_prefix(line: str) -> str | None:
    """Repair a frame whose JSON line lacks ``data: ``; ``None`` if it is not that typo."""
    return f"data: {line}" if line.startswith("{") else None


def drop_extra_brace(data: str) -> str | None:
    """Repair JSON followed by one stray ``}``; ``None`` if the data is not exactly that typo."""
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    else:
        return None  # valid as it is
    if not data.endswith("}}"):
        return None
    try:
        orjson.loads(data[:-1])
    except orjson.JSONDecodeError:
        return None
    return data[:-1]


def extract(response: str) -> Extracted:
    """Split an example ``response`` into frames, applying only the known repairs.

    Frames are separated by a blank line and are exactly two lines, ``event: <name>`` and
    ``data: <payload>``; anything else fails the test that called this.
    """
    frames: list[Frame] = []
    repairs: list[tuple[str, str]] = []
    for block in response.strip().split("\n\n"):
        if is_elision(block):
            repairs.append(("...", ELIDED))
            continue
        lines = block.strip().split("\n")
        assert len(lines) == 2, f"not a two-line frame: {block[:200]!r}"
        event_line, data_line = lines
        assert event_line.startswith("event: "), f"no event line: {block[:200]!r}"
        event = event_line.removeprefix("event: ")
        if not data_line.startswith("data: "):
            fixed = add_missing_data_prefix(data_line)
            assert fixed is not None, f"no data line: {block[:200]!r}"
            repairs.append((event, NO_DATA_PREFIX))
            data_line = fixed
        data = data_line.removeprefix("data: ")
        if event != "done":
            fixed = drop_extra_brace(data)
            if fixed is not None:
                repairs.append((event, EXTRA_BRACE))
                data = fixed
        frames.append(Frame(event, data))
    return Extracted(tuple(frames), tuple(repairs))


def streaming_examples() -> dict[tuple[str, str], str]:
    """Every example ``response`` of the run operations that holds ``event: thread.`` lines."""
    return {
        (operation_id, example["title"]): example["response"]
        for operation_id in RUN_OPERATIONS
        for example in examples(operation_id)
        if "event: thread." in example["response"]
    }


def _example_ids() -> list[str]:
    return [f"{operation_id}-{title}" for operation_id, title in EXPECTED_REPAIRS]


def test_repair_functions_touch_only_their_typo() -> None:
    """Each repair fixes its typo and leaves well-formed input alone."""
    expected = {
        "prefix added": "data: {}",
        "prefix left alone": None,
        "brace dropped": '{"a":{}}',
        "valid JSON left alone": None,
        "other junk left alone": None,
        "not JSON after the drop": None,
        "elision": True,
        "not an elision": False,
    }
    actual = {
        "prefix added": add_missing_data_prefix("{}"),
        "prefix left alone": add_missing_data_prefix("x"),
        "brace dropped": drop_extra_brace('{"a":{}}}'),
        "valid JSON left alone": drop_extra_brace('{"a":{}}'),
        "other junk left alone": drop_extra_brace("{}]"),
        "not JSON after the drop": drop_extra_brace("{{}}"),
        "elision": is_elision("  ...\n"),
        "not an elision": is_elision("event: ..."),
    }
    assert expected == actual


def test_streaming_examples_are_all_listed() -> None:
    """The spec's streaming examples are exactly those listed in ``EXPECTED_REPAIRS``."""
    assert set(EXPECTED_REPAIRS) == set(streaming_examples())


@pytest.mark.parametrize("example", EXPECTED_REPAIRS, ids=_example_ids())
def test_streaming_example_needs_only_the_known_repairs(example: tuple[str, str]) -> None:
    """Extracting the example applies exactly the expected repairs, and loses no frame."""
    response = streaming_examples()[example]
    extracted = extract(response)
    assert EXPECTED_REPAIRS[example] == extracted.repairs
    event_lines = [line for line in response.splitlines() if line.startswith("event: ")]
    assert [line.removeprefix("event: ") for line in event_lines] == [
        frame.event for frame in extracted.frames
    ]
    assert Frame("done", "[DONE]") == extracted.frames[-1]


@pytest.mark.parametrize("example", EXPECTED_REPAIRS, ids=_example_ids())
def test_streaming_example_frames_decode(example: tuple[str, str]) -> None:
    """Every frame decodes to its event class, with no unknown member, and strictly."""
    frames = extract(streaming_examples()[example]).frames
    expected, actual = {}, {}
    for number, (event, data) in enumerate(frames):
        decoded = decode_event(event, data)
        cls = EVENT_TYPES.get(event)
        problems = []
        if cls is not None and cls is not DoneEvent:
            problems = strict_problems(orjson.loads(data), data_type(cls))
        # frame number → (event, class decoded, Unknown... members inside, strict problems)
        expected[number] = (event, cls.__name__ if cls else "a class of EVENT_TYPES", [], [])
        actual[number] = (event, type(decoded).__name__, unknown_names(decoded), problems)
    assert expected == actual
    assert DoneEvent() == decode_event(*frames[-1])


# ---------------------------------------------------------------------------------------------
# 3. Schema coverage
# ---------------------------------------------------------------------------------------------


def test_every_reachable_object_schema_has_a_model() -> None:
    """``SCHEMA_MODELS`` covers exactly the object schemas reachable (``reachable_objects``)."""
    assert set(SCHEMA_MODELS) == set(reachable_objects())


def test_event_envelopes_match_event_types() -> None:
    """The spec's events are ours, each carrying the model of the spec's data schema."""
    expected, actual = {}, {}
    for envelope in envelopes():
        if envelope.event == "done":
            (data_model,) = {type(value) for value in envelope.data["enum"]}
        else:
            ((key, _),) = objects(envelope.data, f"{envelope.group}.data")
            data_model = SCHEMA_MODELS[key]
        expected[envelope.event] = (data_model, frozenset({"event", "data"}))
        extras = ENVELOPE_EXTRAS.get(envelope.event, frozenset())
        actual[envelope.event] = (
            data_type(EVENT_TYPES[envelope.event]) if envelope.event in EVENT_TYPES else None,
            envelope.properties - extras,
        )
    assert expected == actual
    assert set(expected) == set(EVENT_TYPES)


@pytest.mark.parametrize(("key", "model"), SCHEMA_MODELS.items(), ids=list(SCHEMA_MODELS))
def test_model_declares_every_spec_property(key: str, model: type) -> None:
    """Every property the spec declares is a field of the model (or a listed omission)."""
    declared = set(reachable_objects()[key]["properties"])
    omitted = set(DELIBERATE_OMISSIONS.get(key, {}))
    assert omitted <= declared, "a deliberate omission the spec no longer declares"
    expected = declared - omitted
    assert expected == expected & set(attrs.fields_dict(model))


@pytest.mark.parametrize(("key", "model"), SCHEMA_MODELS.items(), ids=list(SCHEMA_MODELS))
def test_model_defaults_match_spec_constants(key: str, model: type) -> None:
    """A model field with a string default (``object``, a union tag) holds the spec's value.

    The value is the property's ``enum`` or ``const``; the list answers give only an
    ``example`` (``object: list``), which serves instead.
    """
    properties = reachable_objects()[key]["properties"]
    expected, actual = {}, {}
    for field in attrs.fields(model):
        node = properties.get(field.name, {})
        if type(field.default) is str and node.get("type") == "string":
            constant = "enum" in node or "const" in node
            expected[field.name] = tags(node) if constant else [node.get("example")]
            actual[field.name] = [field.default]
    assert expected == actual


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def spec_shapes(node: dict[str, Any], key: str) -> set[str]:
    """What a property may hold, named as ``model_shapes`` names it (models via the map)."""
    if "$ref" in node:
        name = _ref_name(node)
        return spec_shapes(schema(name), name)
    for combiner in ("oneOf", "anyOf", "allOf"):
        if combiner in node:
            return {shape for member in node[combiner] for shape in spec_shapes(member, key)}
    if _is_null(node):
        return set()
    if "properties" in node:
        model = SCHEMA_MODELS.get(key)
        return {model.__name__ if model else f"unmapped {key}"}
    kinds = node.get("type", "any")
    kinds = set(kinds) - {"null"} if isinstance(kinds, list) else {kinds}
    if "array" in kinds:
        kinds = (kinds - {"array"}) | {f"array<{s}>" for s in spec_shapes(node["items"], key)}
    return kinds


def model_shapes(type_: Any) -> set[str]:
    """What a model field may hold: JSON type names, model names and ``array<...>``."""
    origin = get_origin(type_)
    if origin in (Union, UnionType):
        return {shape for arg in get_args(type_) for shape in model_shapes(arg)}
    if origin is tuple:
        return {f"array<{shape}>" for shape in model_shapes(get_args(type_)[0])}
    if type_ is dict or origin is dict:
        return {"object"}
    if type_ is NoneType:
        return set()
    if type_ is Any:
        return {"any"}
    if attrs.has(type_):
        return {type_.__name__}
    return {_JSON_TYPES.get(type_, repr(type_))}


@pytest.mark.parametrize(("key", "model"), SCHEMA_MODELS.items(), ids=list(SCHEMA_MODELS))
def test_model_field_types_follow_the_spec(key: str, model: type) -> None:
    """Each modelled property accepts every JSON type, and every nested model, the spec allows."""
    fields = attrs.fields_dict(model)
    expected, actual = {}, {}
    for prop, node in reachable_objects()[key]["properties"].items():
        if prop in fields:
            shapes = spec_shapes(node, f"{key}.{prop}")
            expected[prop] = shapes
            actual[prop] = shapes & model_shapes(fields[prop].type)
    assert expected == actual


# ---------------------------------------------------------------------------------------------
# 4. Tag coverage
# ---------------------------------------------------------------------------------------------

#: Each union (or ``type``-tagged object) of EVENTS.md section 13.1: its property path, and
#: the model and field that hold it.
UNIONS: dict[str, tuple[type, str]] = {
    "RunObject.tools": (Run, "tools"),
    "AssistantObject.tools": (Assistant, "tools"),
    "AssistantObject.response_format": (Assistant, "response_format"),
    "RunObject.tool_choice": (Run, "tool_choice"),
    "RunObject.response_format": (Run, "response_format"),
    "RunObject.required_action": (Run, "required_action"),
    "RunObject.required_action.submit_tool_outputs.tool_calls": (
        RequiredActionSubmitToolOutputs,
        "tool_calls",
    ),
    "RunStepObject.step_details": (RunStep, "step_details"),
    "RunStepDetailsToolCallsObject.tool_calls": (ToolCallsStepDetails, "tool_calls"),
    "RunStepDetailsToolCallsCodeObject.code_interpreter.outputs": (CodeInterpreter, "outputs"),
    "RunStepDeltaObject.delta.step_details": (RunStepDelta, "step_details"),
    "RunStepDeltaStepDetailsToolCallsObject.tool_calls": (ToolCallDeltaObject, "tool_calls"),
    "RunStepDeltaStepDetailsToolCallsCodeObject.code_interpreter.outputs": (
        CodeInterpreterDelta,
        "outputs",
    ),
    "MessageObject.content": (Message, "content"),
    "MessageContentTextObject.text.annotations": (Text, "annotations"),
    "MessageObject.attachments.tools": (Attachment, "tools"),
    "MessageDeltaObject.delta.content": (MessageDelta, "content"),
    "MessageDeltaContentTextObject.text.annotations": (TextDelta, "annotations"),
}


def test_every_spec_union_is_tag_checked() -> None:
    """Every property that the spec lets hold several shapes is listed in ``UNIONS``."""
    unions = {
        f"{key}.{prop}"
        for key, node in reachable_objects().items()
        for prop, sub in node["properties"].items()
        if len(alternatives(sub, f"{key}.{prop}")) > 1
    }
    assert unions == unions & set(UNIONS)


def _element_type(type_: Any) -> Any:
    """A field's type without ``| None`` and, for an array, its element type."""
    args = [arg for arg in get_args(type_) if arg is not NoneType]
    if get_origin(type_) in (Union, UnionType) and len(args) == 1:
        type_ = args[0]
    if get_origin(type_) is tuple:
        type_ = get_args(type_)[0]
    return type_


@pytest.mark.parametrize(("path", "where"), UNIONS.items(), ids=list(UNIONS))
def test_every_spec_tag_maps_to_a_known_member(path: str, where: tuple[type, str]) -> None:
    """Each ``type`` value the spec lists structures to the model of its schema, not Unknown."""
    model, field = where
    target = _element_type(attrs.fields_dict(model)[field].type)
    expected, actual = {}, {}
    for key, node in alternatives(resolve(path), path):
        if "properties" not in node:  # the bare-string form of tool_choice, response_format
            for value in tags(node):
                expected[value] = "str"
                actual[value] = type(STRICT.structure(value, target)).__name__
            continue
        # The smallest payload the member's schema allows: its tag, and the keys our models
        # require (``id`` of a required tool call, ``index`` of a delta entry) when declared.
        minimal = {"id": "call_1", "index": 0}
        extra = {prop: sample for prop, sample in minimal.items() if prop in node["properties"]}
        for value in tags(node["properties"]["type"]):
            expected[value] = (SCHEMA_MODELS[key].__name__, value)
            problems = strict_problems({"type": value, **extra}, target)
            if problems:
                actual[value] = problems
                continue
            structured = STRICT.structure({"type": value, **extra}, target)
            actual[value] = (type(structured).__name__, structured.type)
    assert expected == actual
