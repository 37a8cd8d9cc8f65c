"""Tests for assistant_stream._frozen: fast, replacing and lazy builders make what __init__ does."""

import copy
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import assistant_stream.types as types_module
from assistant_stream import events
from assistant_stream._frozen import fast_constructor, lazy_constructor, replacer
from assistant_stream._patch import Fragments
from assistant_stream.sse import ServerSentEvent
from assistant_stream.types import Message, Text

MODELS = [
    getattr(types_module, name)
    for name in types_module.__all__
    if attrs.has(getattr(types_module, name))
]
EVENTS = [getattr(events, name) for name in events.__all__ if attrs.has(getattr(events, name))]


def sample_values(cls: type) -> list[object]:
    """A distinct value per field, so that a swapped order cannot go unnoticed."""
    return [f"value-{position}" for position, _ in enumerate(attrs.fields(cls))]


@pytest.mark.parametrize("cls", [*MODELS, *EVENTS, ServerSentEvent], ids=lambda c: c.__name__)
def test_builder_equals_init(cls: type) -> None:
    """A builder given every field positionally makes an instance equal to __init__'s."""
    values = sample_values(cls)
    names = [field.name for field in attrs.fields(cls)]
    built = fast_constructor(cls)(*values)
    assert type(built) is cls
    assert cls(**dict(zip(names, values, strict=True))) == built


@pytest.mark.parametrize("cls", [*MODELS, ServerSentEvent], ids=lambda c: c.__name__)
def test_builder_uses_the_class_defaults(cls: type) -> None:
    """Fields after the last required one may be left out and take the class's defaults."""
    fields = list(attrs.fields(cls))  # a list: attrs' tuple has a field named ``index``
    required = [f for f in fields if f.default is attrs.NOTHING]
    cut = fields.index(required[-1]) + 1 if required else 0
    values = sample_values(cls)[:cut]
    kwargs = {f.name: v for f, v in zip(fields, values, strict=False)}
    assert cls(**kwargs) == fast_constructor(cls)(*values)


def test_built_instances_stay_frozen() -> None:
    """An instance made by a builder refuses changes like any other."""
    event = fast_constructor(ServerSentEvent)("message", "x", "", None)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.data = "y"  # type: ignore[misc]


@attrs.frozen
class Validated:
    value: int = attrs.field(validator=attrs.validators.instance_of(int))


@attrs.frozen
class Converted:
    value: int = attrs.field(converter=int)


@attrs.frozen
class WithFactory:
    items: list[int] = attrs.Factory(list)


@attrs.frozen
class WithPostInit:
    value: int

    def __attrs_post_init__(self) -> None:
        pass


@attrs.define
class NotSlotted:
    __slots__ = ()


@pytest.mark.parametrize("cls", [Validated, Converted, WithFactory, WithPostInit, dict])
def test_refuses_classes_whose_init_does_more(cls: type) -> None:
    """Skipping __init__ is only allowed where __init__ would only store the values."""
    with pytest.raises(TypeError):
        fast_constructor(cls)


# -- replacer ------------------------------------------------------------------------------

FIELDS = [
    (cls, field.name) for cls in [*MODELS, *EVENTS, ServerSentEvent] for field in attrs.fields(cls)
]


def field_ids(case: tuple[type, str]) -> str:
    """``Class.field``, for test ids."""
    return f"{case[0].__name__}.{case[1]}"


def plain(cls: type) -> Any:
    """An instance of ``cls`` built by its constructor from ``sample_values``."""
    names = [field.name for field in attrs.fields(cls)]
    return cls(**dict(zip(names, sample_values(cls), strict=True)))


@pytest.mark.parametrize("case", FIELDS, ids=field_ids)
def test_replacer_equals_evolve(case: tuple[type, str]) -> None:
    """``replacer(cls, name)(instance, value)`` equals ``attrs.evolve(instance, name=value)``."""
    cls, name = case
    original = plain(cls)
    replaced = replacer(cls, name)(original, "new")
    assert type(replaced) is cls
    assert attrs.evolve(original, **{name: "new"}) == replaced
    assert plain(cls) == original  # the original is untouched


def test_replaced_instances_stay_frozen() -> None:
    """An instance made by a replacer refuses changes like any other."""
    message = replacer(Message, "content")(Message(id="m"), ())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        message.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize("cls", [Validated, Converted, WithFactory, WithPostInit, dict])
def test_replacer_refuses_classes_whose_init_does_more(cls: type) -> None:
    """A replacer is refused where ``__init__`` would do more than store the values."""
    with pytest.raises(TypeError):
        replacer(cls, "value")


# -- lazy_constructor ----------------------------------------------------------------------

#: Every ``str`` field of every model: each may be the lazy one.
STRING_FIELDS = [
    (cls, field.name)
    for cls in MODELS
    for field in attrs.fields(cls)
    if field.type in (str, str | None)
]


def lazy(cls: type, name: str, *, cut: int | None = None) -> tuple[Any, Fragments]:
    """A lazy ``cls`` from ``sample_values``, its ``name`` field fed as two fragments.

    With ``cut``, only the values of the first ``cut`` fields are passed (the rest default).
    """
    fields = [field.name for field in attrs.fields(cls)]
    values = dict(zip(fields, sample_values(cls), strict=True))
    fragments = Fragments(values[name][:3])
    fragments.append(values[name][3:])
    others = [values[field] for field in fields[:cut] if field != name]
    return lazy_constructor(cls, name)(fragments, fragments.size, *others), fragments


@pytest.mark.parametrize("case", STRING_FIELDS, ids=field_ids)
def test_lazy_constructor_equals_init(case: tuple[type, str]) -> None:
    """A lazy instance is an instance of its model, equal and hashing equal to the plain one."""
    cls, name = case
    built, fragments = lazy(cls, name)
    fragments.append(" and more")  # read after the builder grew: still the value it had
    expected = plain(cls)
    assert isinstance(built, cls)
    assert expected == built
    assert built == expected
    assert not built != expected  # noqa: SIM202 - != must agree with ==
    assert hash(expected) == hash(built)
    assert repr(expected) == repr(built)
    assert getattr(expected, name) == getattr(built, name)


@pytest.mark.parametrize("case", STRING_FIELDS, ids=field_ids)
def test_lazy_constructor_uses_the_class_defaults(case: tuple[type, str]) -> None:
    """Fields after the last required one may be left out and take the class's defaults."""
    cls, name = case
    fields = list(attrs.fields(cls))
    required = [f for f in fields if f.default is attrs.NOTHING]
    cut = fields.index(required[-1]) + 1 if required else 0
    built, _ = lazy(cls, name, cut=cut)
    kwargs = {f.name: v for f, v in zip(fields[:cut], sample_values(cls), strict=False)}
    kwargs[name] = getattr(plain(cls), name)
    assert cls(**kwargs) == built


@pytest.mark.parametrize(
    "duplicate",
    [copy.copy, copy.deepcopy, lambda value: pickle.loads(pickle.dumps(value)), attrs.evolve],
    ids=["copy", "deepcopy", "pickle", "evolve"],
)
@pytest.mark.parametrize("case", STRING_FIELDS, ids=field_ids)
def test_lazy_instances_copy_as_plain_instances(
    case: tuple[type, str], duplicate: Callable[[Any], Any]
) -> None:
    """copy, deepcopy, pickle and attrs.evolve of a lazy instance give a plain instance."""
    cls, name = case
    built, _ = lazy(cls, name)
    copied = duplicate(built)
    assert type(copied) is cls
    assert plain(cls) == copied


@pytest.mark.parametrize("case", STRING_FIELDS, ids=field_ids)
def test_lazy_instances_stay_frozen(case: tuple[type, str]) -> None:
    """Setting the lazy field, or any other, raises FrozenInstanceError."""
    cls, name = case
    built, _ = lazy(cls, name)
    for field in attrs.fields(cls):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(built, field.name, "changed")
    assert plain(cls) == built


def test_lazy_value_is_the_prefix_of_its_size() -> None:
    """A lazy field reads the first ``size`` characters of its builder, joined on first read."""
    fragments = Fragments("\u00e9t")
    fragments.append("\u00e9 \U0001f600")
    build = lazy_constructor(Text, "value")
    early, late = build(fragments, 2), build(fragments, fragments.size)
    assert "Text(value='\u00e9t', annotations=())" == repr(early)
    assert "\u00e9t\u00e9 \U0001f600" == late.value
    assert Text(value="\u00e9t") != late


@pytest.mark.parametrize("cls", [Validated, Converted, WithFactory, WithPostInit, dict])
def test_lazy_constructor_refuses_classes_whose_init_does_more(cls: type) -> None:
    """A lazy constructor is refused where ``__init__`` would do more than store the values."""
    with pytest.raises(TypeError):
        lazy_constructor(cls, "value")
