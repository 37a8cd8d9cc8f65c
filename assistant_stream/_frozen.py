"""Fast construction of the package's frozen models, for the hot paths.

A frozen attrs class stores each field through ``object.__setattr__`` in ``__init__``,
because its own ``__setattr__`` refuses writes; and keyword arguments cost more again.
Measured with callgrind on CPython 3.11, building a three-field model costs about 6,400
instructions that way; the builders below store each value through the slot's member
descriptor instead and cost about 3,400. A text delta builds four models and an event, so
this is a large part of the per-event budget.

Rule 1 - same object. A builder makes exactly the instance ``cls(...)`` would make: it
refuses any class whose ``__init__`` does more than store its arguments (validators,
converters, factory defaults, ``on_setattr`` hooks, pre- or post-init methods), so nothing
is skipped by not calling it. ``tests/test_frozen.py`` checks equality with ``__init__``.

Rule 2 - positional, in field order, with the class's own defaults for the fields after
the last required one.
Only package code calls builders; users build models with their normal constructors.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs

__all__ = ["fast_constructor"]

T = TypeVar("T")


def _check(cls: type) -> None:
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slotted attrs class")
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        raise TypeError(f"{cls.__name__} runs code in __init__; build it with its constructor")
    for field in attrs.fields(cls):
        stores_only = (
            field.init
            and field.validator is None
            and field.converter is None
            and field.on_setattr in (None, attrs.setters.NO_OP)
            and not isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
        )
        if not stores_only:
            raise TypeError(f"{cls.__name__}.{field.name} does more than store its value")


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """Return ``build(*values)`` making an instance of ``cls`` without running ``__init__``.

    Args:
        cls: a frozen, slotted attrs class whose ``__init__`` only stores its arguments.

    Returns:
        A function taking the field values positionally, in field order; the fields after
        the last required one may be left out and take their defaults.

    Raises:
        TypeError: ``cls`` does anything in ``__init__`` besides storing values.
    """
    _check(cls)
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    required = [i for i, field in enumerate(fields) if field.default is attrs.NOTHING]
    last_required = required[-1] if required else -1
    params, stores = [], []
    for position, field in enumerate(fields):
        namespace[f"store{position}"] = cls.__dict__[field.name].__set__
        if position <= last_required:  # a parameter before a required one has no default
            params.append(f"v{position}")
        else:
            namespace[f"default{position}"] = field.default
            params.append(f"v{position}=default{position}")
        stores.append(f"    store{position}(instance, v{position})\n")
    source = (
        f"def build_{cls.__name__}({', '.join(params)}):\n"
        "    instance = new(cls)\n" + "".join(stores) + "    return instance\n"
    )
    exec(compile(source, f"<fast constructor of {cls.__qualname__}>", "exec"), namespace)
    builder: Callable[..., T] = namespace[f"build_{cls.__name__}"]
    return builder
