"""Tests for assistant_stream._frozen: fast builders make exactly what __init__ makes."""

import attrs
import pytest

import assistant_stream.types as types_module
from assistant_stream import events
from assistant_stream._frozen import fast_constructor
from assistant_stream.sse import ServerSentEvent

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
