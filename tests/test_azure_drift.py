"""Azure drift tests: assistant_stream.types against the recorded Azure AI Agents streams.

The Azure models are written by hand from ``azure-ai-agents`` (1.2.0b6) and from these
recordings; ``test_spec_drift`` does the same job for OpenAI's spec. Every object of every
recording (``../shared/recorded/azure``) is structured with the *strict* converter, which
forbids keys our models do not declare, so a field the service starts sending fails here
when a new recording is added, instead of being dropped silently. Production never forbids
unknown keys.

Not covered: the JSON examples of the Azure REST spec (``azure-rest-api-specs``). The
``azure-ai-agents`` wheel does not ship them, so they cannot be had offline with
``pip download``. Everything skips when ../shared is absent (see ``shared_data``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import cattrs
import orjson
import pytest
from helpers import unknown_members
from shared_data import azure_recordings, requires_azure_recordings

from assistant_stream import EVENT_TYPES, DoneEvent
from assistant_stream import types as t
from assistant_stream._converter import format_problem, make_converter
from assistant_stream.sse import SSEDecoder

pytestmark = requires_azure_recordings

#: A converter configured like production, but rejecting keys our models do not declare.
STRICT = make_converter(strict=True)


def strict_problems(payload: Any, type_: Any) -> list[str]:
    """What the strict converter rejects in ``payload`` (one line per problem; [] if none)."""
    try:
        STRICT.structure(payload, type_)
    except Exception as exc:
        return cattrs.transform_error(exc, path="$", format_exception=format_problem)
    return []


def data_type(name: str) -> Any:
    """The type of the ``data`` field of the event class of ``name``."""
    return attrs.fields_dict(EVENT_TYPES[name])["data"].type


def frames(path: Path) -> list[tuple[str, Any]]:
    """Each frame of a recording but ``done``, as (event name, parsed JSON data)."""
    decoder = SSEDecoder()
    found = decoder.feed(path.read_bytes()) + decoder.finish()
    return [(f.event, orjson.loads(f.data)) for f in found if EVENT_TYPES[f.event] is not DoneEvent]


@pytest.mark.parametrize("path", azure_recordings(), ids=lambda p: p.stem)
def test_every_recorded_object_structures_strictly(path: Path) -> None:
    """No recorded object holds a key our models lack, or a tag they do not know."""
    expected, actual = {}, {}
    for number, (event, data) in enumerate(frames(path)):
        problems = strict_problems(data, data_type(event))
        unknown = [] if problems else unknown_members(STRICT.structure(data, data_type(event)))
        # frame number -> (event, strict problems, Unknown... members)
        expected[number] = (event, [], [])
        actual[number] = (event, problems, [type(member).__name__ for member in unknown])
    assert expected == actual


def test_a_new_azure_field_is_noticed() -> None:
    """The check above would fail on a key the service adds: the strict converter names it."""
    (path,) = [p for p in azure_recordings() if p.name.startswith("001-")]
    ((_, delta),) = [(e, d) for e, d in frames(path) if e == "thread.run.step.delta"]
    (call,) = delta["delta"]["step_details"]["tool_calls"]
    call["approval_request_id"] = "apr_1"
    problems = strict_problems(delta, t.RunStepDeltaEvent)
    assert 1 == len(problems)
    assert "approval_request_id" in problems[0]
    assert ".tool_calls[0]" in problems[0]
