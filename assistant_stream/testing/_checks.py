"""How a script's parts are checked: the helpers every part's parser shares.

Rule - a parser says what is wrong with its part by raising ``Problem`` with a sentence that
names the key and what it takes (``'name' is required``, ``'image' must be bool, got
str``); ``_script`` turns it into a ``ScriptError`` naming the turn and the part. Nothing
here knows a part's kind: ``_script`` (OpenAI's) and ``_azure_parts`` (Azure's) do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["Problem", "field", "json_text", "mapping", "only"]


class Problem(Exception):
    """What is wrong with one part (turned into a ScriptError with its place)."""


def mapping(value: Any, kind: str) -> Mapping[str, Any]:
    """``value``, which must be a JSON object, for the part ``kind``."""
    if not isinstance(value, Mapping):
        raise Problem(f"{kind!r} takes an object, got {type(value).__name__}")
    return value


def field(
    spec: Mapping[str, Any], name: str, kinds: type | tuple[type, ...], default: Any = ...
) -> Any:
    """``spec[name]``, of one of ``kinds`` (a bool is never an int); required without default."""
    if name not in spec:
        if default is ...:
            raise Problem(f"{name!r} is required")
        return default
    value = spec[name]
    accepted = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, accepted) or (isinstance(value, bool) and bool not in accepted):
        names = " or ".join(kind.__name__ for kind in accepted)
        raise Problem(f"{name!r} must be {names}, got {type(value).__name__}")
    return value


def only(spec: Mapping[str, Any], kind: str, allowed: set[str]) -> None:
    """Refuse the keys of ``spec`` that the part ``kind`` does not take."""
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise Problem(f"{kind!r} has unknown keys {unknown}; it takes {sorted(allowed)}")


def json_text(value: Mapping[str, Any] | str) -> str:
    """Arguments as the model writes them: JSON text (an object is serialized compactly)."""
    return value if isinstance(value, str) else orjson.dumps(dict(value)).decode()
