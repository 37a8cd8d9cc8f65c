"""No secret in any message: the client's key, echoed by a server, never shows in an error.

Over loopback HTTP, a server echoes the API key into each kind of stream data an error is
built from. The key must appear in no error's message, ``repr``, formatted attribute or log
record (the stream redacts with its body's secrets, ``_error_base.redact``); and a
``MalformedEventError`` quotes no value of the data at all.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest
from builders import sse
from loopback import API_KEY, Loopback, Reply
from wire import HEAD, stream_of

from assistant_stream import (
    AssistantClient,
    AssistantStreamError,
    EventHandler,
    MalformedEventError,
    RunStreamError,
    StreamInterrupted,
)
from assistant_stream._error_base import MASK, mask, redact
from assistant_stream.types.shared import ErrorObject

ECHOED = f"your key {API_KEY} is not valid here"


def texts_of(error: BaseException) -> list[str]:
    """Every text a user or a log may see of ``error``."""
    fields = type(error).TEXT_FIELDS if isinstance(error, AssistantStreamError) else ()
    return [
        str(error),
        repr(error),
        *(str(arg) for arg in error.args),
        *(str(getattr(error, name)) for name in fields),
    ]


async def failure(server: Loopback, *chunks: bytes, handler: Any = None) -> BaseException:
    """The exception a stream of ``chunks`` from ``server`` ends with."""
    server.script(Reply.stream(*chunks))
    async with server.client() as client, stream_of(client, handler) as stream:
        with pytest.raises(AssistantStreamError) as caught:
            await stream.until_done()
    return caught.value


async def test_malformed_event_echoing_the_key(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """A malformed run.created carrying the key: not in the error, nor in any log record."""
    data = orjson.dumps({"id": "run_1", "status": 5, "instructions": ECHOED}).decode()
    with caplog.at_level(logging.DEBUG):
        error = await failure(server, sse("thread.run.created", data))
    assert isinstance(error, MalformedEventError)
    assert [] == [text for text in texts_of(error) if API_KEY in text]
    assert [] == [record for record in caplog.records if API_KEY in record.getMessage()]
    assert ["expected a string, got an integer @ $.status"] == error.problems
    assert data.encode() == error.data  # the raw data, for debugging, as received


async def test_error_event_echoing_the_key(server: Loopback) -> None:
    """A RunStreamError built from an error event masks the key in everything it formats."""
    payload = {"error": {"message": ECHOED, "type": API_KEY, "code": API_KEY, "param": API_KEY}}
    error = await failure(server, *HEAD, sse("error", payload))
    assert isinstance(error, RunStreamError)
    assert [] == [text for text in texts_of(error) if API_KEY in text]
    assert f"your key {MASK} is not valid here" == error.message
    assert (MASK, MASK, MASK) == (error.type, error.code, error.param)
    assert ECHOED == error.error.message  # the error object, as received


async def test_on_error_still_gets_the_data_as_sent(server: Loopback) -> None:
    """Masking is for messages: on_error receives the server's error object unchanged."""
    seen = []

    class Handled(EventHandler):
        def on_error(self, error: Any) -> bool:
            seen.append(error.message)
            return True

    server.script(Reply.stream(*HEAD, sse("error", {"message": ECHOED})))
    async with server.client() as client, stream_of(client, Handled()) as stream:
        await stream.until_done()
    assert [ECHOED] == seen


async def test_body_that_is_not_an_event_stream_echoing_the_key(server: Loopback) -> None:
    """A 200 event-stream body holding JSON with the key: named, shown masked."""
    body = orjson.dumps({"error": {"message": ECHOED}}, option=orjson.OPT_INDENT_2)
    error = await failure(server, body)
    assert isinstance(error, StreamInterrupted)
    assert "not an event stream" in str(error)
    assert f"your key {MASK}" in str(error)
    assert [] == [text for text in texts_of(error) if API_KEY in text]


async def test_bearer_token_echoed_by_an_azure_service(server: Loopback) -> None:
    """An Entra ID token from a token provider is masked like an API key."""
    token = "eyJ0eXAiOiJKV1Qi.secret-token.abc"

    async def provider() -> str:
        return token

    client = AssistantClient.for_azure(server.url, api_version="v1", token_provider=provider)
    server.script(Reply.stream(*HEAD, sse("error", {"message": f"token {token} expired"})))
    async with client, stream_of(client) as stream:
        with pytest.raises(RunStreamError) as caught:
            await stream.until_done()
    assert [] == [text for text in texts_of(caught.value) if token in text]
    assert f"token {MASK} expired" == caught.value.message


def test_quoted_transport_text_is_masked() -> None:
    """The text of a transport error quoted in a message is masked too."""
    error = StreamInterrupted.__new__(StreamInterrupted)
    error.args = (f"the connection was lost (ClientPayloadError: {ECHOED})",)
    redact(error, [API_KEY])
    assert [] == [text for text in texts_of(error) if API_KEY in text]


def test_mask_replaces_every_secret_and_skips_empty_ones() -> None:
    """mask() replaces each occurrence of each non-empty secret."""
    assert "a *** b *** c ***" == mask("a k1 b k1 c k2", ["k1", "", "k2"])


def test_redact_leaves_data_attributes_alone() -> None:
    """redact() masks messages and TEXT_FIELDS, not the data an error carries."""
    error = MalformedEventError("thread.run.created", [f"problem {API_KEY} @ $"], API_KEY)
    redact(error, [API_KEY])
    assert (f"problem {MASK} @ $", API_KEY) == (error.problems[0], error.data)
    assert API_KEY not in str(error)


def test_no_secrets_rewrite_nothing() -> None:
    """With no secrets to mask, redact() leaves the error as it was."""
    error = RunStreamError(ErrorObject(message=ECHOED))
    redact(error, ["", ""])
    assert (ECHOED, ECHOED) == (error.message, error.args[0][-len(ECHOED) :])
