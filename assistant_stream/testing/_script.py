"""What the embedded server's assistant does: a script of turns, checked when it is given.

A script is a JSON-able list of turns; a turn is a list of parts; a part is a dict with
exactly one key, its kind (``PART_KINDS``; with ``azure=True`` also ``AZURE_PART_KINDS``,
from ``_azure_parts``). This module turns that into frozen values and refuses anything else
with a ``ScriptError`` naming the turn, the part and what is wrong, so a typo fails when the
server is made, not in the middle of a test's run.

Rule 1 - one turn is what the assistant does until the run stops or waits. A turn with
``function_call`` parts ends at ``requires_action`` (several calls in one turn are parallel
calls); once their outputs are submitted, the same run goes on with the next turn. So does a
turn with ``mcp_call`` parts that need approval (``submit_tool_approval``); one turn waits
for outputs or for approvals, not both. Any other turn ends the run.

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

from ._azure_parts import AZURE_PART_KINDS, AzureFunction, BingGrounding, ConnectedAgent, McpCall
from ._checks import Problem, field, json_text, mapping, only

__all__ = [
    "PART_KINDS",
    "Citation",
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
    "waits_for",
]


@attrs.frozen
class Citation:
    """A citation in a text part: ``marker`` is the text it annotates (found in the text)."""

    marker: str
    file_id: str = ""
    type: str = "file_citation"  # or "file_path"; on Azure, "url_citation"
    quote: str = ""
    url: str = ""  # a url_citation's page
    title: str = ""


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


Part: TypeAlias = (
    Text
    | Refusal
    | FunctionCall
    | CodeInterpreter
    | FileSearch
    | Fail
    | Incomplete
    | McpCall
    | BingGrounding
    | AzureFunction
    | ConnectedAgent
)
Turn: TypeAlias = tuple[Part, ...] | Replay
_Parse: TypeAlias = Callable[[Any], "Part | Replay"]

#: The reasons the service gives for an incomplete run.
INCOMPLETE_REASONS: Final = frozenset({"max_completion_tokens", "max_prompt_tokens"})


def _text(value: Any) -> Part:
    if isinstance(value, str):
        return Text(value)
    raise Problem(f"'text' takes a string, got {type(value).__name__}")


def _citation(value: Any, text: str, azure: bool) -> Citation:
    spec = mapping(value, "citations[]")
    kind = field(spec, "type", str, "file_citation")
    types = CITATION_TYPES | ({URL_CITATION} if azure else set())
    if kind not in types:
        raise Problem(f"a citation's type is one of {sorted(types)}, not {kind!r}")
    if kind == URL_CITATION:
        only(spec, "citations[]", {"marker", "type", "url", "title"})
        citation = Citation(
            marker=field(spec, "marker", str),
            type=kind,
            url=field(spec, "url", str),
            title=field(spec, "title", str, ""),
        )
    else:
        only(spec, "citations[]", {"marker", "file_id", "type", "quote"})
        citation = Citation(
            marker=field(spec, "marker", str),
            file_id=field(spec, "file_id", str),
            type=kind,
            quote=field(spec, "quote", str, ""),
        )
    if citation.marker not in text:
        raise Problem(f"the citation marker {citation.marker!r} is not in the text")
    return citation


def _refusal(value: Any) -> Part:
    if isinstance(value, str):
        return Refusal(value)
    raise Problem(f"'refusal' takes a string, got {type(value).__name__}")


def _function_call(value: Any) -> Part:
    spec = mapping(value, "function_call")
    only(spec, "function_call", {"name", "arguments"})
    arguments = json_text(field(spec, "arguments", (Mapping, str), {}))
    return FunctionCall(name=field(spec, "name", str), arguments=arguments)


def _code_interpreter(value: Any) -> Part:
    spec = mapping(value, "code_interpreter")
    only(spec, "code_interpreter", {"input", "logs", "image"})
    return CodeInterpreter(
        input=field(spec, "input", str),
        logs=field(spec, "logs", str, None),
        image=field(spec, "image", bool, False),
    )


def _file_search(value: Any) -> Part:
    spec = mapping(value, "file_search")
    only(spec, "file_search", {"results"})
    results = field(spec, "results", list, [])
    for index, result in enumerate(results):
        mapping(result, f"results[{index}]")
    return FileSearch(results=tuple(results))


def _fail(value: Any) -> Part:
    spec = mapping(value, "fail")
    only(spec, "fail", {"code", "message"})
    return Fail(
        code=field(spec, "code", str, FAIL_CODE),
        message=field(spec, "message", str, FAIL_MESSAGE),
    )


def _incomplete(value: Any) -> Part:
    if value not in INCOMPLETE_REASONS:
        raise Problem(f"'incomplete' is one of {sorted(INCOMPLETE_REASONS)}, got {value!r}")
    return Incomplete(value)


def _replay(value: Any) -> Replay:
    if not isinstance(value, str | Path):
        raise Problem(f"'replay' takes a path, got {type(value).__name__}")
    path = Path(value)
    if not path.is_file():
        raise Problem(f"'replay' names no file: {str(path)!r}")
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
CITATION_TYPES: Final = frozenset({"file_citation", "file_path"})
URL_CITATION: Final = "url_citation"  # Azure's (Bing, SharePoint, Deep Research)
#: What a run waiting for a part's answer asks for (``required_action.type``).
SUBMIT_TOOL_OUTPUTS: Final = "submit_tool_outputs"
SUBMIT_TOOL_APPROVAL: Final = "submit_tool_approval"


def waits_for(part: Part) -> str | None:
    """What a run asks for once it played ``part``: a ``required_action.type``, or None."""
    if isinstance(part, FunctionCall):
        return SUBMIT_TOOL_OUTPUTS
    if isinstance(part, McpCall) and part.require_approval:
        return SUBMIT_TOOL_APPROVAL
    return None


def _part(raw: Any, azure: bool) -> Part | Replay:
    table = {**PART_KINDS, **AZURE_PART_KINDS} if azure else PART_KINDS
    if not isinstance(raw, Mapping) or not raw:
        raise Problem(f"a part is a dict with one key of {sorted(table)}")
    if not azure and raw.keys() & AZURE_PART_KINDS.keys():
        kind = sorted(raw.keys() & AZURE_PART_KINDS.keys())[0]
        raise Problem(f"{kind!r} is a part of Azure AI Agents: use AssistantServer(azure=True)")
    kinds = [key for key in raw if key in table]
    if raw.keys() - {"citations"} != set(kinds) or len(kinds) != 1:
        raise Problem(f"a part has exactly one key of {sorted(table)}; got {sorted(raw)}")
    if "citations" in raw and kinds != ["text"]:
        raise Problem("'citations' goes with a 'text' part")
    part: Part | Replay = table[kinds[0]](raw[kinds[0]])
    if isinstance(part, Text) and "citations" in raw:
        cited = field(raw, "citations", list)
        part = Text(part.text, tuple(_citation(item, part.text, azure) for item in cited))
    return part


def _waiting(parts: list[Part]) -> None:
    """Refuse parts after those a run waits on, and a turn waiting for two kinds of answer."""
    waiting = [(i, waits_for(p)) for i, p in enumerate(parts) if waits_for(p) is not None]
    if not waiting:
        return
    first, action = waiting[0]
    if [i for i, _ in waiting] != list(range(first, len(parts))):
        calls = "function calls" if action == SUBMIT_TOOL_OUTPUTS else "mcp calls to approve"
        raise ScriptError(f"part {first + 1}: {calls} end a turn; nothing can follow")
    mixed = [i for i, kind in waiting if kind != action]
    if mixed:
        raise ScriptError(
            f"part {mixed[0] + 1}: a turn waits for tool outputs or for approvals, not both"
        )


def _turn(raw: Any, azure: bool) -> Turn:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes) or not raw:
        raise Problem("a turn is a non-empty list of parts")
    parts: list[Part] = []
    for index, item in enumerate(raw, 1):
        try:
            part = _part(item, azure)
            if isinstance(part, Replay):
                if len(raw) > 1:
                    raise Problem("a 'replay' part is the whole turn")
                return part
            if parts and isinstance(parts[-1], _ENDS_RUN):
                raise Problem(f"nothing can follow {type(parts[-1]).__name__.lower()!r}")
            parts.append(part)
        except Problem as problem:
            raise ScriptError(f"part {index}: {problem}") from None
    _waiting(parts)
    return tuple(parts)


def parse_script(raw: Any, *, azure: bool = False) -> tuple[Turn, ...]:
    """Check a script and turn it into frozen turns.

    Args:
        raw: a list of turns, each a list of parts (see the module docstring), as JSON gives.
        azure: accept Azure AI Agents' parts too (``AZURE_PART_KINDS``, ``url_citation``).

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
            turns.append(_turn(turn, azure))
        except Problem as problem:
            raise ScriptError(f"turn {index}: {problem}") from None
        except ScriptError as error:
            raise ScriptError(f"turn {index}, {error}") from None
    return tuple(turns)


def echo(text: str) -> Turn:
    """The turn of a server with no script left: say ``text`` back."""
    return (Text(text),)
