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

Rule 3 - a lazy model is its model. ``lazy_constructor`` builds instances of a private
subclass whose one fragment field (``Text.value``, ``FunctionCall.arguments``...) is joined
from a ``_patch.Fragments`` builder the first time it is read, then kept. Everything a user
can observe is the model's: ``isinstance``, the fields, ``repr``, equality and hashing
against plain instances, ``attrs.evolve``, ``copy`` and ``pickle`` (the last three give
plain instances). This is what lets a snapshot be handed out at every delta for constant
cost, however long its text already is.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs

__all__ = ["fast_constructor", "lazy_constructor", "replacer"]

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


def _positional(
    cls: type, namespace: dict[str, Any], skip: str | None = None
) -> tuple[list[str], list[str]]:
    """The parameters and store lines of a generated builder (rule 2), field ``skip`` left out.

    Adds each field's slot setter (and default) to ``namespace``.
    """
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    required = [i for i, field in enumerate(fields) if field.default is attrs.NOTHING]
    last_required = required[-1] if required else -1
    params, stores = [], []
    for position, field in enumerate(fields):
        if field.name == skip:
            continue
        namespace[f"store{position}"] = cls.__dict__[field.name].__set__
        if position <= last_required:  # a parameter before a required one has no default
            params.append(f"v{position}")
        else:
            namespace[f"default{position}"] = field.default
            params.append(f"v{position}=default{position}")
        stores.append(f"    store{position}(instance, v{position})\n")
    return params, stores


def _compile(name: str, source: str, namespace: dict[str, Any]) -> Any:
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace["build"]


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
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    params, stores = _positional(cls, namespace)
    source = (
        f"def build({', '.join(params)}):\n"
        "    instance = new(cls)\n" + "".join(stores) + "    return instance\n"
    )
    builder: Callable[..., T] = _compile(
        f"fast constructor of {cls.__qualname__}", source, namespace
    )
    return builder


def replacer(cls: type[T], name: str) -> Callable[[T, Any], T]:
    """Return ``replace(instance, value)``: a copy of ``instance`` with field ``name`` set.

    The fast equivalent of ``attrs.evolve(instance, name=value)``, under the same checks as
    ``fast_constructor``.
    """
    _check(cls)
    if name not in attrs.fields_dict(cast("type[attrs.AttrsInstance]", cls)):
        raise TypeError(f"{cls.__name__} has no field {name!r}")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = ["def build(old, value):\n", "    instance = new(cls)\n"]
    for position, field in enumerate(attrs.fields(cast("type[attrs.AttrsInstance]", cls))):
        descriptor = cls.__dict__[field.name]
        namespace[f"store{position}"] = descriptor.__set__
        namespace[f"load{position}"] = descriptor.__get__
        source = "value" if field.name == name else f"load{position}(old, cls)"
        lines.append(f"    store{position}(instance, {source})\n")
    lines.append("    return instance\n")
    builder: Callable[[T, Any], T] = _compile(
        f"replacer of {cls.__qualname__}", "".join(lines), namespace
    )
    return builder


def _same(value: T) -> T:
    """Rebuild a pickled or copied lazy model: its reduction carries the plain model."""
    return value


def lazy_constructor(cls: type[T], lazy: str) -> Callable[..., T]:
    """Return ``build(fragments, size, *others)`` making a lazy ``cls`` (rule 3).

    Args:
        cls: a frozen, slotted attrs class, as for ``fast_constructor``.
        lazy: the name of its ``str`` field that ``fragments.text(size)`` provides.

    Returns:
        A function taking the builder, the string's size at this moment, then the values
        of the other fields positionally in field order (with the same defaults rule).
    """
    _check(cls)
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    names = [field.name for field in fields]
    slot = cls.__dict__[lazy]

    def read(self: Any) -> str:
        try:
            value: str = slot.__get__(self, cls)
        except AttributeError:
            value = self._fragments.text(self._size)
            slot.__set__(self, value)
        return value

    def plain(self: Any) -> Any:
        return cls(**{name: getattr(self, name) for name in names})

    def equals(self: Any, other: object) -> Any:  # bool, or NotImplemented
        if not isinstance(other, cls):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in names)

    subclass: type[Any] = type(
        f"Lazy{cls.__name__}",
        (cls,),
        {
            "__slots__": ("_fragments", "_size"),
            "__doc__": cls.__doc__,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,  # so that repr() shows the model's name
            # cls(...) on the subclass (attrs.evolve does it) makes a plain instance.
            "__new__": lambda _subclass, *args, **kwargs: cls(*args, **kwargs),
            "__eq__": equals,
            "__hash__": cls.__hash__,
            "__reduce_ex__": lambda self, _protocol: (_same, (plain(self),)),
            lazy: property(read, doc=f"The {lazy}, joined on first read."),
        },
    )
    namespace: dict[str, Any] = {"new": object.__new__, "cls": subclass}
    namespace["store_fragments"] = subclass.__dict__["_fragments"].__set__
    namespace["store_size"] = subclass.__dict__["_size"].__set__
    params, stores = _positional(cls, namespace, skip=lazy)
    source = (
        f"def build({', '.join(['fragments', 'size', *params])}):\n"
        "    instance = new(cls)\n"
        "    store_fragments(instance, fragments)\n"
        "    store_size(instance, size)\n" + "".join(stores) + "    return instance\n"
    )
    builder: Callable[..., T] = _compile(
        f"lazy constructor of {cls.__qualname__}", source, namespace
    )
    return builder
