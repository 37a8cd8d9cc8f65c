"""Tests of ``run`` and ``record`` (``assistant_stream._cli._commands``) on a server."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import ANSWER, closed_port, error_line, run_argv

from assistant_stream import AssistantClient, replay
from assistant_stream._cli import amain, main
from assistant_stream._cli._commands import (
    AZURE_API_KEY,
    AZURE_API_VERSION,
    AZURE_ENDPOINT,
    DEFAULT_AZURE_API_VERSION,
    make_client,
)
from assistant_stream.testing import AssistantServer, Fault

pytestmark = pytest.mark.usefixtures("clean_env")


# -- run and record ---------------------------------------------------------------------


async def test_run_streams_the_answer_on_a_new_thread(
    served: AssistantServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """run: a new thread, the message added, the run streamed; status 0."""
    assert 0 == await amain(await run_argv(served))
    captured = capsys.readouterr()
    assert f"{ANSWER}\n" == captured.out
    assert captured.err.startswith("run completed · ")
    posted = [(r.method, r.path) for r in served.requests if r.method == "POST"]
    assert ["/assistants", "/threads"] == [path for _, path in posted[:2]]
    assert posted[2][1].endswith("/messages")
    assert posted[3][1].endswith("/runs")


async def test_run_on_a_given_thread(
    served: AssistantServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """--thread: the message goes to that thread; no thread is created."""
    async with AssistantClient(api_key="sk-test", base_url=served.base_url) as client:
        thread = await client.threads.create()
    served.requests.clear()
    assert 0 == await amain(await run_argv(served, "--thread", thread.id))
    assert thread.id in capsys.readouterr().err
    assert "/threads" not in [r.path for r in served.requests]


def client_args(**given: Any) -> argparse.Namespace:
    options = {"base_url": None, "api_key": None, "azure_endpoint": None, "api_version": None}
    return argparse.Namespace(**{**options, "max_retries": 0, **given})


def test_azure_client_from_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """--azure-endpoint (or its variable) makes Azure's client: api-version, no OpenAI-Beta."""
    client = make_client(
        client_args(azure_endpoint="https://x.example/api/projects/p", api_key="k")
    )
    request = client.request("GET", client.url("threads"))
    assert (("api-version", DEFAULT_AZURE_API_VERSION),) == request.query
    assert "OpenAI-Beta" not in request.headers
    assert "https://x.example/api/projects/p/threads" == str(request.url)
    monkeypatch.setenv(AZURE_ENDPOINT, "https://y.example/api/projects/q")
    monkeypatch.setenv(AZURE_API_KEY, "k")
    monkeypatch.setenv(AZURE_API_VERSION, "2025-05-15-preview")
    client = make_client(client_args())
    request = client.request("GET", client.url("threads"))
    assert (("api-version", "2025-05-15-preview"),) == request.query
    assert "y.example" == client.base_url.host
    client = make_client(client_args(base_url="http://127.0.0.1:1/v1", api_key="k"))
    assert "127.0.0.1" == client.base_url.host  # --base-url wins over the variable


def test_azure_without_a_key_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An Azure endpoint with no key: status 2, naming the variable."""
    argv = ["run", "--azure-endpoint", "https://x.example/p", "--assistant", "a", "Hi"]
    assert 2 == main(argv)
    assert AZURE_API_KEY in error_line(capsys.readouterr().err)


async def test_record_saves_a_body_that_replays_the_same_text(
    served: AssistantServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Record --out: the raw body is saved; replay() reads the same answer back."""
    out = tmp_path / "run.sse"
    assert 0 == await amain(await run_argv(served, "--out", str(out), command="record"))
    assert ANSWER in capsys.readouterr().out
    async with replay(out) as stream:
        messages = await stream.get_final_messages()
    assert [ANSWER] == [block.text.value for block in messages[-1].content]  # type: ignore[union-attr]
    assert 0 == await amain(["replay", str(out)])
    assert f"{ANSWER}\n" == capsys.readouterr().out


async def test_a_run_that_fails_exits_1_naming_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A failed run: status 1, its error code and message in the line."""
    script = [[{"fail": {"code": "rate_limit_exceeded", "message": "Slow down."}}]]
    async with AssistantServer(script) as server:
        assert 1 == await amain(await run_argv(server))
    line = error_line(capsys.readouterr().err.split("\n", 1)[1])  # after the summary
    assert "the run ended failed: rate_limit_exceeded: Slow down." in line


async def test_a_run_waiting_for_functions_is_cancelled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command line runs no function: it cancels the run and says which it asked for."""
    script = [[{"function_call": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]]
    async with AssistantServer(script) as server:
        assert 1 == await amain(await run_argv(server))
        assert any(r.path.endswith("/cancel") for r in server.requests)
    captured = capsys.readouterr()
    assert '[tool call] get_weather {"city": "Oslo"}' in captured.out
    assert "asked for get_weather" in error_line(captured.err)


async def test_an_unknown_assistant_exits_1(
    served: AssistantServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 404 is one line naming the error; status 1."""
    argv = ["run", "--base-url", served.base_url, "--api-key", "k", "--assistant", "asst_x", "Hi"]
    assert 1 == await amain(argv)
    assert "NotFoundError" in error_line(capsys.readouterr().err)


async def test_a_refused_connection_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing listening at --base-url: APIConnectionError, one line, status 1."""
    url = f"http://127.0.0.1:{closed_port()}/v1"
    argv = [
        "run",
        "--base-url",
        url,
        "--api-key",
        "k",
        "--max-retries",
        "0",
        "--assistant",
        "a",
        "Hi",
    ]
    assert 1 == await amain(argv)
    assert "APIConnectionError" in error_line(capsys.readouterr().err)


async def test_interrupting_a_run_cancels_it(capsys: pytest.CaptureFixture[str]) -> None:
    """Cancelled mid-stream (Ctrl-C), the command cancels its run, then re-raises."""
    async with AssistantServer([[{"text": ANSWER * 20}]], faults=Fault(event_delay=0.01)) as server:
        task = asyncio.create_task(amain(await run_argv(server)))
        shown = ""
        while "Hello" not in shown:  # the answer streams
            await asyncio.sleep(0.01)
            shown += capsys.readouterr().out
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # the last request cancels the run the command started; the server may have played
        # the rest of the run into its store meanwhile, as the service goes on without a reader
        started = next(r for r in server.requests if r.path.endswith("/runs"))
        _, _, thread_id, _, run_id, last = server.requests[-1].path.split("/")
        assert (started.path, "cancel") == (f"/threads/{thread_id}/runs", last)
        assert run_id.startswith("run_")


async def test_a_stream_cut_short_cancels_its_run(capsys: pytest.CaptureFixture[str]) -> None:
    """A lost connection: StreamInterrupted, one line, and the run is cancelled."""
    fault = Fault(truncate_after_events=6)
    async with AssistantServer([[{"text": ANSWER}]], faults=fault) as server:
        assert 1 == await amain(await run_argv(server))
        assert server.requests[-1].path.endswith("/cancel")
    assert "StreamInterrupted" in error_line(capsys.readouterr().err)
