"""The package's cattrs converters: wire JSON to ``assistant_stream.types`` models and back.

Rule 1 - one configuration, three converters. ``configure()`` is the only place that teaches
cattrs about the models. It is applied to a fast converter (no detailed validation: the hot
path), a detailed one (used only after the fast one failed, to say where and why) and, for
the spec drift test, a strict one that forbids unknown keys. Production never forbids
unknown keys: a field the server adds tomorrow must not break a client.

Rule 2 - tagged unions dispatch on ``type`` with one dict lookup. The tag of each member is
the default of its ``type`` field, so the models are the single source of truth. A tag that
is not in the table becomes the union's ``Unknown...`` member holding the raw dict. The
table never grows (unlike ``configure_tagged_union(default=...)``, whose ``defaultdict``
gains an entry per distinct unknown tag), so hostile input cannot inflate memory.

Rule 3 - free-form JSON (JSON schemas, metadata, raw members) is passed through untouched,
after checking that it is an object. A mapping of names to models (``dict[str, X]``, the
tools an MCP server lists) is an object whose every value is structured as ``X``.

Rule 4 - JSON types are checked, never coerced. cattrs' defaults call ``int(x)``, ``str(x)``
and ``bool(x)``, which turn ``"false"`` into ``True`` and a string where an array belongs
into a tuple of characters. Here a string field takes a JSON string, an integer field an
integer (or an integral float), a float field any number, a boolean field a boolean, an
array field an array; anything else fails with a ``WireTypeError`` that says what was
expected and what came. These hooks are also about twice as fast as cattrs' own.

Rule 5 - ``unstructure`` gives back wire JSON: tuples become lists and an ``Unknown...``
member becomes the raw object it was built from, so decoding what was encoded is lossless.
"""

from collections.abc import Callable
from types import UnionType
from typing import Any, Final, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn

from .types import message, message_delta, run, run_step, run_step_delta, tools
from .types.shared import JSONObject, Metadata

__all__ = ["DETAILED", "FAST", "format_problem", "make_converter", "WireTypeError"]

StructureHook = Callable[[Any, Any], Any]

#: ``response_format`` is a bare string or a member of this tagged union.
_RESPONSE_FORMAT_OBJECTS: Final = (
    run.ResponseFormatText
    | run.ResponseFormatJSONObject
    | run.ResponseFormatJSONSchema
    | run.UnknownResponseFormat
)

#: Each tagged union with the member that receives unknown tags.
TAGGED_UNIONS: Final[tuple[tuple[object, type], ...]] = (
    (tools.AssistantTool, tools.UnknownTool),
    (run.RequiredActionToolCall, run.UnknownRequiredActionToolCall),
    (_RESPONSE_FORMAT_OBJECTS, run.UnknownResponseFormat),
    (run_step.StepDetails, run_step.UnknownStepDetails),
    (run_step.Activity, run_step.UnknownActivity),
    (run_step.ToolCall, run_step.UnknownToolCall),
    (run_step.CodeInterpreterOutput, run_step.UnknownCodeInterpreterOutput),
    (run_step_delta.StepDetailsDelta, run_step_delta.UnknownStepDetailsDelta),
    (run_step_delta.ToolCallDelta, run_step_delta.UnknownToolCallDelta),
    (run_step_delta.CodeInterpreterOutputDelta, run_step_delta.UnknownCodeInterpreterOutputDelta),
    (message.MessageContent, message.UnknownMessageContent),
    (message.Annotation, message.UnknownAnnotation),
    (message_delta.MessageContentDelta, message_delta.UnknownMessageContentDelta),
    (message_delta.AnnotationDelta, message_delta.UnknownAnnotationDelta),
)


_JSON_NAMES: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class WireTypeError(TypeError):
    """A JSON value of the wrong type; the message says what was expected and what came."""

    def __init__(self, expected: str, value: object) -> None:
        got = _JSON_NAMES.get(type(value), type(value).__name__)
        super().__init__(f"expected {expected}, got {got}")


def format_problem(exc: BaseException, type_: Any) -> str:
    """Describe one structuring failure for ``cattrs.transform_error``, quoting no value.

    The text says the kind of problem only: data may hold tool arguments and user text,
    which must not reach an error message (or a log). cattrs' own formatter quotes the
    exception's text in its fallbacks, so it is used only where it does not.
    """
    if isinstance(exc, WireTypeError):
        return str(exc)  # "expected an integer, got a string"
    if isinstance(exc, KeyError | cattrs.ForbiddenExtraKeysError):
        return cattrs.v.format_exception(exc, None)  # names a field, never a value
    if isinstance(exc, ValueError | TypeError) and type_ is not None:
        return cattrs.v.format_exception(exc, type_)  # "invalid value for type, expected X"
    return f"invalid value ({type(exc).__name__})"


def _structure_json_object(value: Any, _: Any) -> Any:
    if type(value) is not dict:
        raise WireTypeError("an object", value)
    return value


def _structure_str(value: Any, _: Any) -> Any:
    if type(value) is str:
        return value
    raise WireTypeError("a string", value)


def _structure_int(value: Any, _: Any) -> Any:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise WireTypeError("an integer", value)


def _structure_float(value: Any, _: Any) -> Any:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise WireTypeError("a number", value)


def _structure_bool(value: Any, _: Any) -> Any:
    if type(value) is bool:
        return value
    raise WireTypeError("a boolean", value)


_PRIMITIVES: Final[dict[Any, StructureHook]] = {
    str: _structure_str,
    int: _structure_int,
    float: _structure_float,
    bool: _structure_bool,
}


def _object_check_factory(converter: cattrs.Converter) -> Callable[[Any], StructureHook]:
    """Hooks for attrs classes that check for a JSON object before cattrs' generated hook."""

    def factory(type_: Any) -> StructureHook:
        generated = make_dict_structure_fn(type_, converter)

        def structure(value: Any, _: Any) -> Any:
            if type(value) is not dict:
                raise WireTypeError("an object", value)
            return generated(value, type_)

        return structure

    return factory


def _optional_of(type_: Any) -> Any:
    """``X`` if ``type_`` is ``X | None`` for a single ``X``, else ``None``."""
    args = get_args(type_)
    if len(args) == 2 and type(None) in args and get_origin(type_) in (UnionType, Union):
        return args[0] if args[1] is type(None) else args[1]
    return None


def _is_array(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _array_hook_factory(converter: cattrs.Converter) -> Callable[[Any], StructureHook]:
    """Hooks for ``tuple[X, ...]`` fields: a JSON array, each item structured as ``X``."""

    def factory(type_: Any) -> StructureHook:
        item_type = get_args(type_)[0]
        item_hook = converter.get_structure_hook(item_type)

        def structure(value: Any, _: Any) -> Any:
            if type(value) is not list:
                raise WireTypeError("an array", value)
            return tuple([item_hook(item, item_type) for item in value])

        def structure_detailed(value: Any, _: Any) -> Any:
            if type(value) is not list:
                raise WireTypeError("an array", value)
            items, errors = [], []
            for index, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except Exception as exc:
                    note = IterableValidationNote(f"Structuring @ index {index}", index, item_type)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
            return tuple(items)

        return structure_detailed if converter.detailed_validation else structure

    return factory


def _is_model_mapping(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is dict and len(args) == 2 and args[0] is str and attrs.has(args[1])


def _mapping_hook_factory(converter: cattrs.Converter) -> Callable[[Any], StructureHook]:
    """Hooks for ``dict[str, X]`` fields: a JSON object, each value structured as ``X``."""

    def factory(type_: Any) -> StructureHook:
        value_type = get_args(type_)[1]
        value_hook = converter.get_structure_hook(value_type)

        def structure(value: Any, _: Any) -> Any:
            if type(value) is not dict:
                raise WireTypeError("an object", value)
            return {key: value_hook(item, value_type) for key, item in value.items()}

        if not converter.detailed_validation:
            return structure
        generated = converter.gen_structure_mapping(type_)  # says which key failed

        def structure_detailed(value: Any, _: Any) -> Any:
            if type(value) is not dict:
                raise WireTypeError("an object", value)
            return generated(value, type_)

        return structure_detailed

    return factory


def _unknown_factory(unknown: type) -> Callable[[str, dict[str, Any]], Any]:
    """Build the constructor of an ``Unknown...`` member from the fields it declares."""
    fields = attrs.fields_dict(unknown)
    wants_index = "index" in fields
    wants_id = "id" in fields

    def build(tag: str, raw: dict[str, Any]) -> Any:
        extra: dict[str, Any] = {}
        if wants_index:
            index = raw.get("index")
            extra["index"] = index if type(index) is int else None
        if wants_id:
            ident = raw.get("id")
            extra["id"] = ident if type(ident) is str else None
        return unknown(type=tag, raw=raw, **extra)

    return build


def _tag_of(member: type) -> str:
    """A union member's tag: the default of its ``type`` field."""
    tag = attrs.fields_dict(member)["type"].default
    if type(tag) is not str:
        raise TypeError(f"{member.__name__}.type needs a string default to serve as its tag")
    return tag


def _tagged_union_hook(
    converter: cattrs.Converter, union: object, unknown: type
) -> tuple[StructureHook, Callable[[], None]]:
    """Return a union hook, and a function that resolves its member hooks once all exist."""
    members = [m for m in get_args(union) if m is not unknown and m is not str]
    tags: dict[str, type] = {_tag_of(m): m for m in members}
    hooks: dict[str, tuple[StructureHook, type]] = {}
    make_unknown = _unknown_factory(unknown)

    def resolve() -> None:
        hooks.update({tag: (converter.get_structure_hook(m), m) for tag, m in tags.items()})

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise WireTypeError("an object", value)
        tag = value.get("type")
        found = hooks.get(tag) if type(tag) is str else None
        if found is None:
            return make_unknown(tag if type(tag) is str else "", value)
        hook, member = found
        return hook(value, member)

    return structure, resolve


def _string_or(object_hook: StructureHook, object_type: object) -> StructureHook:
    """A hook for ``str | <object>`` unions: a bare string passes through as is."""

    def structure(value: Any, _: Any) -> Any:
        if type(value) is str:
            return value
        return object_hook(value, object_type)

    return structure


def _unstructure_unknown(member: Any) -> Any:
    return member.raw


def _or_none(hook: StructureHook) -> StructureHook:
    """The hook for ``<union> | None``: cattrs does not derive it from the union's hook."""

    def structure(value: Any, type_: Any) -> Any:
        return None if value is None else hook(value, type_)

    return structure


def _register_union(converter: cattrs.Converter, union: Any, hook: StructureHook) -> None:
    converter.register_structure_hook(union, hook)
    converter.register_structure_hook(union | None, _or_none(hook))


def configure(converter: cattrs.Converter) -> cattrs.Converter:
    """Teach ``converter`` the wire format of ``assistant_stream.types`` (Rules 1 to 5)."""
    free_form = (JSONObject, Metadata)
    converter.register_structure_hook_func(lambda t: t in free_form, _structure_json_object)
    for primitive, hook in _PRIMITIVES.items():
        converter.register_structure_hook(primitive, hook)
    converter.register_structure_hook_factory(_is_array, _array_hook_factory(converter))
    converter.register_structure_hook_factory(_is_model_mapping, _mapping_hook_factory(converter))
    if converter.detailed_validation:
        # Only the error path: say "expected an object, got null" instead of cattrs'
        # "invalid value for type". The fast path does not pay for the extra call.
        converter.register_structure_hook_factory(attrs.has, _object_check_factory(converter))
    # cattrs' own hook for ``X | None`` looks up X's hook on every call; resolve it once.
    converter.register_structure_hook_factory(
        lambda t: _optional_of(t) is not None,
        lambda t: _or_none(converter.get_structure_hook(_optional_of(t))),
    )
    resolvers = []
    union_hooks: dict[object, StructureHook] = {}
    for union, unknown in TAGGED_UNIONS:
        hook, resolve = _tagged_union_hook(converter, union, unknown)
        _register_union(converter, union, hook)
        union_hooks[union] = hook
        resolvers.append(resolve)
    _register_union(
        converter,
        run.AssistantResponseFormatOption,
        _string_or(union_hooks[_RESPONSE_FORMAT_OBJECTS], _RESPONSE_FORMAT_OBJECTS),
    )
    _register_union(
        converter,
        run.AssistantToolChoiceOption,
        _string_or(converter.get_structure_hook(run.AssistantToolChoice), run.AssistantToolChoice),
    )
    for resolve in resolvers:
        resolve()
    # Back to the wire: an unknown member is exactly the raw object it came from.
    for _, unknown in TAGGED_UNIONS:
        converter.register_unstructure_hook(unknown, _unstructure_unknown)
    return converter


def make_converter(*, detailed: bool = False, strict: bool = False) -> cattrs.Converter:
    """Return a configured converter.

    Args:
        detailed: collect every problem with its JSON path (slower; for error reports).
        strict: reject keys the models do not declare (only for the spec drift test).
    """
    return configure(
        cattrs.Converter(detailed_validation=detailed or strict, forbid_extra_keys=strict)
    )


#: The hot-path converter.
FAST: Final = make_converter()
#: Re-runs a failed structuring to report every problem with its path.
DETAILED: Final = make_converter(detailed=True)
