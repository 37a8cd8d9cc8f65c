"""Tests of ``replay`` (``assistant_stream._cli._commands``): rendering, --json, --speed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import body, message, message_delta, run, text_patch
from cli_helpers import error_line, subprocess_env
from shared_data import recordings, requires_recordings

from assistant_stream._cli import amain, main
from assistant_stream._cli._commands import TERMINAL_SPEED, replay_speed

pytestmark = pytest.mark.usefixtures("clean_env")


# -- replay -----------------------------------------------------------------------------

SMALL = body(
    ("thread.run.created", run("queued")),
    ("thread.message.created", message("msg_1")),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hi "))),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "there"))),
    ("thread.run.completed", run("completed")),
)


def test_replay_renders_plain_text_when_piped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A replay to a pipe is the text, then the summary on stderr; status 0."""
    path = tmp_path / "small.sse"
    path.write_bytes(SMALL)
    assert 0 == main(["replay", str(path)])
    captured = capsys.readouterr()
    assert "Hi there\n" == captured.out
    assert captured.err.startswith("run completed · ")


def test_replay_json_prints_one_parsable_object_per_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json: one {"event", "data"} per line, data as sent ([DONE] as text)."""
    path = tmp_path / "small.sse"
    path.write_bytes(SMALL)
    assert 0 == main(["replay", "--json", str(path)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [
        "thread.run.created",
        "thread.message.created",
        "thread.message.delta",
        "thread.message.delta",
        "thread.run.completed",
        "done",
    ] == [line["event"] for line in lines]
    assert run("queued") == lines[0]["data"]
    assert "[DONE]" == lines[-1]["data"]


@requires_recordings
@pytest.mark.parametrize("path", recordings(), ids=lambda path: path.name)
def test_replay_json_keeps_every_event_of_a_recording(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every event of a recording becomes one JSON line."""
    assert 0 == main(["replay", "--json", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert path.read_bytes().count(b"\nevent: ") + 1 == len(lines)
    assert "done" == json.loads(lines[-1])["event"]


def test_replay_of_a_missing_file_fails_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No such recording: status 1, the line names the path."""
    missing = tmp_path / "missing.sse"
    assert 1 == main(["replay", str(missing)])
    assert str(missing) in error_line(capsys.readouterr().err)
    assert 1 == main(["replay", "--json", str(missing)])
    assert str(missing) in error_line(capsys.readouterr().err)


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--debug prints the traceback before the error line."""
    assert 1 == main(["replay", "--debug", str(tmp_path / "missing.sse")])
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].startswith("assistant-stream: error: ")


def test_replay_of_a_truncated_body_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A body cut short is StreamInterrupted: status 1, one line."""
    path = tmp_path / "cut.sse"
    path.write_bytes(SMALL[: SMALL.index(b"event: thread.run.completed")])
    assert 1 == main(["replay", str(path)])
    assert "StreamInterrupted" in error_line(capsys.readouterr().err)


async def test_replay_speed_paces_the_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--speed N delivers N events per second: 6 events at 200/s take 25 ms at least."""
    path = tmp_path / "small.sse"
    path.write_bytes(SMALL)
    for argv in (
        ["replay", "--speed", "200", str(path)],
        ["replay", "--json", "--speed", "200", str(path)],
    ):
        started = time.perf_counter()
        assert 0 == await amain(argv)
        assert time.perf_counter() - started >= 5 / 200
    capsys.readouterr()


def test_replay_speed_defaults() -> None:
    """A terminal gets a pleasant pace, a pipe and --json none; --speed wins."""
    args = argparse.Namespace(speed=None, json=False)
    assert 0.0 == replay_speed(args)  # pytest's stdout is not a terminal
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
        assert TERMINAL_SPEED == replay_speed(args)
        assert 0.0 == replay_speed(argparse.Namespace(speed=None, json=True))
        assert 7.0 == replay_speed(argparse.Namespace(speed=7.0, json=False))


def test_a_closed_stdout_stops_the_command_quietly(tmp_path: Path) -> None:
    """``replay --json ... | head -1``: status 141, nothing on stderr."""
    deltas = [("thread.message.delta", message_delta("msg_1", text_patch(0, "x" * 100)))] * 5000
    path = tmp_path / "long.sse"
    path.write_bytes(body(("thread.message.created", message("msg_1")), *deltas))
    with subprocess.Popen(
        [sys.executable, "-m", "assistant_stream", "replay", "--json", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline().startswith(b'{"event": "thread.message.created"')
        process.stdout.close()  # as head does once it has its line
        assert b"" == process.stderr.read()
        assert 141 == process.wait(timeout=30)
