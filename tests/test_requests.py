"""Tests for assistant_stream._requests: bodies, queries and paths, built without sending.

Request-level behaviour over aioresponses (headers, ids in paths, the query order) is in
``test_client_requests`` and ``test_client_resources``; these check the rules directly.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from yarl import URL

from assistant_stream import ConfigurationError, Timeout
from assistant_stream._converter import FAST
from assistant_stream._requests import RequestDefaults, encode_body, query_pairs
from assistant_stream.types import (
    FunctionDefinition,
    FunctionTool,
    Message,
    UnknownTool,
)

DEFAULTS = RequestDefaults(
    base_url=URL("https://api.test/v1"),
    headers={"User-Agent": "test"},
    query={"api-version": "v1"},
    timeout=Timeout(read=5),
)


def sent(fields: dict[str, Any]) -> Any:
    """The JSON a body of ``fields`` is sent as, decoded."""
    return orjson.loads(encode_body(fields))


def test_unknown_member_raw_json_sent_as_is_nulls_included() -> None:
    """An Unknown... member's raw object is sent whole: its nulls are kept, nested too."""
    raw = {"type": "web_browser", "keep": None, "nested": {"a": None, "b": [None, 1]}}
    assert {"tools": [raw]} == sent({"tools": [UnknownTool(type="web_browser", raw=raw)]})


def test_model_unset_fields_dropped_free_form_nulls_kept() -> None:
    """A model's None fields are left out; null inside its JSON schema is sent."""
    schema = {"type": "object", "properties": {"x": {"type": "string", "default": None}}}
    tool = FunctionTool(function=FunctionDefinition(name="f", parameters=schema))
    expected = {"type": "function", "function": {"name": "f", "parameters": schema}}
    assert {"tools": [expected]} == sent({"tools": [tool]})


def test_plain_values_sent_as_given() -> None:
    """A body's own None, and None in a plain dict or list, are sent as null."""
    fields = {"metadata": None, "x": {"y": None}, "z": [None]}
    assert fields == sent(fields)


def test_decoded_model_sent_back_losslessly() -> None:
    """A decoded message, unknown content and annotations included, is sent as it came."""
    payload = {
        "id": "msg_1",
        "object": "thread.message",
        "role": "assistant",
        "content": [
            {"type": "text", "text": {"value": "hi", "annotations": [{"type": "new", "n": 1}]}},
            {"type": "video", "video": {"url": "u", "poster": None}},
        ],
        "metadata": {"k": "v"},
    }
    message = FAST.structure(payload, Message)
    wire = sent({"m": message})["m"]
    assert (payload["content"], message) == (wire["content"], FAST.structure(wire, Message))
    assert [] == [key for key, value in wire.items() if value is None]


def test_stream_body_always_says_stream() -> None:
    """A stream request's body has "stream": true, whatever the fields said."""
    url = DEFAULTS.url("threads", "runs")
    request = DEFAULTS.request("POST", url, body={"stream": False}, stream=True)
    assert request.body is not None
    assert {"stream": True} == orjson.loads(request.body)


def test_request_marks_what_it_is_told() -> None:
    """creates_run and the timeout come from the call; the defaults fill in the rest."""
    url = DEFAULTS.url("threads")
    plain = DEFAULTS.request("GET", url)
    run = DEFAULTS.request("POST", url, body={}, creates_run=True, timeout=2)
    assert (False, True) == (plain.creates_run, run.creates_run)
    assert (Timeout(read=5), Timeout(connect=2, read=2)) == (plain.timeout, run.timeout)
    assert (("api-version", "v1"),) == plain.query


@pytest.mark.parametrize("segment", ["", ".", ".."])
def test_url_refuses_segments_that_move(segment: str) -> None:
    """An empty segment, . or .. is refused."""
    with pytest.raises(ConfigurationError, match="non-empty str"):
        DEFAULTS.url("threads", segment)


def test_url_escapes_each_segment_whole() -> None:
    """/, ?, # and % inside an id stay inside its one segment."""
    url = DEFAULTS.url("threads", "a/b?c#d%e")
    assert "/v1/threads/a%2Fb%3Fc%23d%25e" == url.raw_path


def test_query_pairs_flatten() -> None:
    """A list repeats its key, None drops the key, booleans are true or false."""
    query = {"include[]": ["a", "b"], "limit": 5, "gone": None, "flag": True, "off": False}
    expected = (
        ("include[]", "a"),
        ("include[]", "b"),
        ("limit", "5"),
        ("flag", "true"),
        ("off", "false"),
    )
    assert expected == query_pairs(query)
