"""Tests of ``assistant_stream._record``: ``record_to=`` tees every body, byte for byte."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from builders import Recorder
from loopback import Cut, Loopback, Reply
from shared_data import RECORDED, requires_recordings
from tool_bodies import RECORDED_PAIRS, answered, asking

from assistant_stream import AssistantStream, StreamInterrupted, StreamState, replay
from assistant_stream._record import Recorder as Tee


def pieces(body: bytes, size: int = 37) -> list[bytes]:
    """``body`` in writes of ``size`` bytes, cut anywhere (events across writes)."""
    return [body[i : i + size] for i in range(0, len(body), size)]


async def replayed(data: bytes) -> tuple[list[str], Any]:
    """The callbacks and final run of a replay of ``data``."""
    recorder = Recorder()
    async with replay(data, recorder) as stream:
        await stream.until_done()
        return recorder.names(), await stream.get_final_run()


async def chained(server: Loopback, first: bytes, second: bytes, target: Any) -> Recorder:
    """A create-and-run that stops at ``requires_action``, answered after the pause."""
    server.script(Reply.stream(*pieces(first)), Reply.stream(*pieces(second)))
    recorder = Recorder()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=recorder, record_to=target
        )
        async with stream:
            await stream.until_done()
            await stream.submit_tool_outputs({c.id: "sunny" for c in stream.required_tool_calls})
            await stream.until_done()
            assert StreamState.FINISHED == stream.state
    return recorder


async def test_a_path_receives_every_segment_byte_for_byte(
    server: Loopback, tmp_path: Path
) -> None:
    """A chained stream's file is its two bodies, one after the other, exactly as sent."""
    first, second = asking(), answered()
    path = tmp_path / "run.sse"
    await chained(server, first, second, path)
    assert first + second == path.read_bytes()


async def test_a_writer_receives_the_bytes_and_is_not_closed(server: Loopback) -> None:
    """A binary writer passed in gets the bytes and stays open (its owner closes it)."""
    first, second = asking(), answered()
    sink = io.BytesIO()
    await chained(server, first, second, sink)
    assert not sink.closed
    assert first + second == sink.getvalue()


async def test_replaying_a_chained_recording_gives_the_live_callbacks(
    server: Loopback, tmp_path: Path
) -> None:
    """Each segment of the file is read as the live stream read its body."""
    path = tmp_path / "run.sse"
    live = await chained(server, asking(), answered(), path)
    names, final = await replayed(path.read_bytes())
    assert live.names() == names
    assert "completed" == final.run.status
    assert 2 == names.count("on_connect")


@requires_recordings
@pytest.mark.parametrize(("first", "second"), RECORDED_PAIRS)
async def test_recorded_pairs_replay_as_they_streamed(
    server: Loopback, tmp_path: Path, first: str, second: str
) -> None:
    """The team's recorded pairs, streamed and recorded, replay to the live callbacks."""
    path = tmp_path / "pair.sse"
    one, two = ((RECORDED / f"{name}.sse").read_bytes() for name in (first, second))
    live = await chained(server, one, two, path)
    assert one + two == path.read_bytes()
    assert live.names() == (await replayed(path.read_bytes()))[0]


async def test_a_run_left_waiting_pauses_the_replay_at_the_end_of_the_file() -> None:
    """A recording that ends at ``requires_action`` pauses, as the live stream did."""
    async with replay(asking()) as stream:
        await stream.until_done()
        assert StreamState.PAUSED == stream.state
        assert ["call_1"] == [call.id for call in stream.required_tool_calls]


async def test_an_interrupted_stream_is_recorded_and_the_file_closed(
    server: Loopback, tmp_path: Path
) -> None:
    """What came before the connection broke is in the file, and the file is closed."""
    body = asking()
    server.script(Reply.stream(body[:100], Cut()))
    path = tmp_path / "cut.sse"
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", record_to=path)
        with pytest.raises(StreamInterrupted):
            async with stream:
                await stream.until_done()
    assert body[:100] == path.read_bytes()
    with open(path, "ab"):  # not held open: on every platform a second writer may open it
        pass


async def test_a_stream_that_never_starts_creates_no_file(tmp_path: Path) -> None:
    """The path is opened only when the first body opens."""
    path = tmp_path / "never.sse"
    stream = AssistantStream(_chunks(b""), record_to=path)
    await stream.aclose()
    assert not path.exists()


async def test_record_to_a_replay_copies_its_source(tmp_path: Path) -> None:
    """``AssistantStream(record_to=...)`` records any source, a recording included."""
    body = answered()
    path = tmp_path / "copy.sse"
    async with AssistantStream(_chunks(*pieces(body, 5)), record_to=path) as stream:
        await stream.until_done()
    assert body == path.read_bytes()


def test_record_to_takes_a_path_or_a_writer() -> None:
    """Anything else is a ``TypeError`` naming what was given."""
    with pytest.raises(TypeError, match="record_to takes a path or a binary writer, not int"):
        Tee(3)  # type: ignore[arg-type]


async def _chunks(*chunks: bytes) -> Any:
    for chunk in chunks:
        yield chunk


class Flushed(io.BytesIO):
    """A writer that counts its flushes."""

    flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


async def test_a_writer_is_flushed_when_the_stream_ends(server: Loopback) -> None:
    """The caller's writer holds everything once the stream has ended."""
    sink = Flushed()
    await chained(server, asking(), answered(), sink)
    assert (1, False) == (sink.flushes, sink.closed)


async def test_a_registrys_callbacks_are_the_only_ones_a_replay_lacks(
    server: Loopback, tmp_path: Path
) -> None:
    """Answered by a ``ToolRegistry``: the replay gives the live callbacks but its own."""
    from assistant_stream import ToolRegistry

    tools = ToolRegistry()

    @tools.function
    def get_weather(city: str) -> str:
        """The weather."""
        return "sunny"

    server.script(Reply.stream(asking()), Reply.stream(answered()))
    path, live = tmp_path / "tools.sse", Recorder()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=live, answer_tools=tools, record_to=path
        )
        async with stream:
            await stream.until_done()
    names, _ = await replayed(path.read_bytes())
    assert "on_tool_output" in live.names()
    assert [n for n in live.names() if n not in {"on_tool_output", "on_tool_error"}] == names


async def test_the_clients_key_echoed_by_the_server_is_masked(server: Loopback) -> None:
    """A body quoting the API key is recorded with the key as ``***``."""
    from loopback import API_KEY

    body = answered(f"your key is {API_KEY}")
    sink = io.BytesIO()
    server.script(Reply.stream(*pieces(body, 9)))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", record_to=sink)
        async with stream:
            await stream.until_done()
    assert body.replace(API_KEY.encode(), b"***") == sink.getvalue()
