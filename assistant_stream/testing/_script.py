"""What the embedded server's assistant does: a script of turns, checked when it is given.

A script is a JSON-able list of turns; a turn is a list of parts; a part is a dict with
exactly one key, its kind (``PART_KINDS``). This module turns that into frozen values and
refuses anything else with a ``ScriptError`` naming the turn, the part and what is wrong,
so a typo fails when the server is made, not in the middle of a test's run.

Rule 1 - one turn is what the assistant does until the run stops or waits. A turn with
``function_call`` parts ends at ``requires_action`` (several calls in one turn are parallel
calls); once their outputs are submitted, the same run goes on with the next turn. Any
other turn ends the run.

Rule 2 - ``fail`` and ``incomplete`` end the run where they stand: parts after them in the
same turn are refused, since they could never happen.

Rule 3 - a ``replay`` part is the whole turn: a recorded body served as it is (with its
ids rewritten to the server's), so it stands alone.

No I/O: a replay's file is read when the turn is played, by the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeAlias

import attrs

from assistant_stream.errors import ScriptError

__all__ = [
    "PART_KINDS",
    "CodeInterpreter",
    "Fail",
    "FileSearch",
    "FunctionCall",
    "Incomplete",
    "Part",
    "Refusal",
    "Replay",
    "Text",
    "Turn",
    "echo",
    "parse_script",
]


@attrs.frozen
class Citation:
    """A citation in a text part: ``marker`` is the text it annotates (found in the text)."""

    marker: str
    file_id: str
    type: str = "file_citation"  # or "file_path"
    quote: str = ""


@attrs.frozen
class Text:
    """An assistant message with one text block, streamed in small deltas."""

    text: str
    citations: tuple[Citation, ...] = ()


@attrs.frozen
class Refusal:
    """An assistant message whose content is a refusal."""

    refusal: str


@attrs.frozen
class FunctionCall:
    """A function tool call; its turn ends at ``requires_action``."""

    name: str
    arguments: str  # the JSON text, as the model writes it


@attrs.frozen
class CodeInterpreter:
    """A code interpreter call: its input streams, then its logs and an image, if any."""

    input: str
    logs: str | None = None
    image: bool = False


@attrs.frozen
class FileSearch:
    """A file search call with its results (each a ``FileSearchResult``-shaped dict)."""

    results: tuple[Mapping[str, Any], ...] = ()


#: A ``fail`` part's ``last_error`` when it says nothing.
FAIL_CODE: Final = "server_error"
FAIL_MESSAGE: Final = "Sorry, something went wrong."


@attrs.frozen
class Fail:
    """The run fails here with ``last_error``."""

    code: str = FAIL_CODE
    message: str = FAIL_MESSAGE


@attrs.frozen
class Incomplete:
    """The run ends here as ``incomplete``; the message being written ends incomplete too."""

    reason: str = "max_completion_tokens"  # or "max_prompt_tokens"


@attrs.frozen
class Replay:
    """A recorded ``.sse`` body served as this turn."""

    path: Path


Part: TypeAlias = Text | Refusal | FunctionCall | CodeInterpreter | FileSearch | Fail | Incomplete
Turn: TypeAlias = tuple[Part, ...] | Replay
_Parse: TypeAlias = Callable[[Any], "Part | Replay"]

#: The reasons the service gives for an incomplete run.
INCOMPLETE_REASONS: Final = frozenset({"max_completion_tokens", "max_prompt_tokens"})


class _Problem(Exception):
    """What is wrong with one part (turned into a ScriptError with its place)."""


def _object(value: Any, kind: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Problem(f"{kind!r} takes an object, got {type(value).__name__}")
    return value


def _field(
    spec: Mapping[str, Any], name: str, kinds: type | tuple[type, ...], default: Any = ...
) -> Any:
    if name not in spec:
        if default is ...:
            raise _Problem(f"{name!r} is required")
        return default
    value = spec[name]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        names = " or ".join(kind.__name__ for kind in _tuple(kinds))
        raise _Problem(f"{name!r} must be {names}, got {type(value).__name__}")
    return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _only(spec: Mapping[str, Any], kind: str, allowed: set[str]) -> None:
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise _Problem(f"{kind!r} has unknown keys {unknown}; it takes {sorted(allowed)}")


def _text(value: Any) -> Part:
    if isinstance(value, str):
        return Text(value)
    raise _Problem(f"'text' takes a string, got {type(value).__name__}")


def _citation(value: Any, text: str) -> Citation:
    spec = _object(value, "citations[]")
    _only(spec, "citations[]", {"marker", "file_id", "type", "quote"})
    citation = Citation(
        marker=_field(spec, "marker", str),
        file_id=_field(spec, "file_id", str),
        type=_field(spec, "type", str, "file_citation"),
        quote=_field(spec, "quote", str, ""),
    )
    if citation.type not in {"file_citation", "file_path"}:
        raise _Problem(
            f"a citation's type is 'file_citation' or 'file_path', not {citation.type!r}"
        )
    if citation.marker not in text:
        raise _Problem(f"the citation marker {citation.marker!r} is not in the text")
    return citation


def _refusal(value: Any) -> Part:
    if isinstance(value, str):
        return Refusal(value)
    raise _Problem(f"'refusal' takes a string, got {type(value).__name__}")


def _function_call(value: Any) -> Part:
    spec = _object(value, "function_call")
    _only(spec, "function_call", {"name", "arguments"})
    arguments = _field(spec, "arguments", (Mapping, str), {})
    if isinstance(arguments, Mapping):
        import orjson  # a core dependency; imported here to keep the module's surface small

        arguments = orjson.dumps(dict(arguments)).decode()
    return FunctionCall(name=_field(spec, "name", str), arguments=arguments)


def _code_interpreter(value: Any) -> Part:
    spec = _object(value, "code_interpreter")
    _only(spec, "code_interpreter", {"input", "logs", "image"})
    return CodeInterpreter(
        input=_field(spec, "input", str),
        logs=_field(spec, "logs", str, None),
        image=_field(spec, "image", bool, False),
    )


def _file_search(value: Any) -> Part:
    spec = _object(value, "file_search")
    _only(spec, "file_search", {"results"})
    results = _field(spec, "results", list, [])
    for index, result in enumerate(results):
        _object(result, f"results[{index}]")
    return FileSearch(results=tuple(results))


def _fail(value: Any) -> Part:
    spec = _object(value, "fail")
    _only(spec, "fail", {"code", "message"})
    return Fail(
        code=_field(spec, "code", str, FAIL_CODE),
        message=_field(spec, "message", str, FAIL_MESSAGE),
    )


def _incomplete(value: Any) -> Part:
    if value not in INCOMPLETE_REASONS:
        raise _Problem(f"'incomplete' is one of {sorted(INCOMPLETE_REASONS)}, got {value!r}")
    return Incomplete(value)


def _replay(value: Any) -> Replay:
    if not isinstance(value, str | Path):
        raise _Problem(f"'replay' takes a path, got {type(value).__name__}")
    path = Path(value)
    if not path.is_file():
        raise _Problem(f"'replay' names no file: {str(path)!r}")
    return Replay(path)


#: Each part's kind, and the function that checks it and makes its value.
PART_KINDS: Final[Mapping[str, _Parse]] = {
    "text": _text,
    "refusal": _refusal,
    "function_call": _function_call,
    "code_interpreter": _code_interpreter,
    "file_search": _file_search,
    "fail": _fail,
    "incomplete": _incomplete,
    "replay": _replay,
}
_ENDS_RUN: Final = (Fail, Incomplete)


def _part(raw: Any) -> Part | Replay:
    if not isinstance(raw, Mapping) or not raw:
        raise _Problem(f"a part is a dict with one key of {sorted(PART_KINDS)}")
    kinds = [key for key in raw if key in PART_KINDS]
    if raw.keys() - {"citations"} != set(kinds) or len(kinds) != 1:
        raise _Problem(f"a part has exactly one key of {sorted(PART_KINDS)}; got {sorted(raw)}")
    if "citations" in raw and kinds != ["text"]:
        raise _Problem("'citations' goes with a 'text' part")
    part = PART_KINDS[kinds[0]](raw[kinds[0]])
    if isinstance(part, Text) and "citations" in raw:
        cited = _field(raw, "citations", list)
        part = Text(part.text, tuple(_citation(item, part.text) for item in cited))
    return part


def _turn(raw: Any) -> Turn:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes) or not raw:
        raise _Problem("a turn is a non-empty list of parts")
    parts: list[Part] = []
    for index, item in enumerate(raw, 1):
        try:
            part = _part(item)
            if isinstance(part, Replay):
                if len(raw) > 1:
                    raise _Problem("a 'replay' part is the whole turn")
                return part
            if parts and isinstance(parts[-1], _ENDS_RUN):
                raise _Problem(f"nothing can follow {type(parts[-1]).__name__.lower()!r}")
            parts.append(part)
        except _Problem as problem:
            raise ScriptError(f"part {index}: {problem}") from None
    calls = [i for i, p in enumerate(parts) if isinstance(p, FunctionCall)]
    if calls and calls != list(range(calls[0], len(parts))):
        raise ScriptError(f"part {calls[0] + 1}: function calls end a turn; nothing can follow")
    return tuple(parts)


def parse_script(raw: Any) -> tuple[Turn, ...]:
    """Check a script and turn it into frozen turns.

    Args:
        raw: a list of turns, each a list of parts (see the module docstring), as JSON gives.

    Returns:
        The turns, in order.

    Raises:
        ScriptError: the script, a turn or a part is not what it should be; the message
            names the turn and the part (from 1) and what is wrong.
    """
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise ScriptError(f"a script is a list of turns, got {type(raw).__name__}")
    turns = []
    for index, turn in enumerate(raw, 1):
        try:
            turns.append(_turn(turn))
        except _Problem as problem:
            raise ScriptError(f"turn {index}: {problem}") from None
        except ScriptError as error:
            raise ScriptError(f"turn {index}, {error}") from None
    return tuple(turns)


def echo(text: str) -> Turn:
    """The turn of a server with no script left: say ``text`` back."""
    return (Text(text),)
