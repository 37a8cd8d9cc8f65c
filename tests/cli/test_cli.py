"""Tests of ``assistant_stream._cli``: main, usage, exit statuses, demo, serve, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ANSWER, error_line, subprocess_env

from assistant_stream import __version__
from assistant_stream._cli import amain, main
from assistant_stream._cli._demo import DEMO_SCRIPT

pytestmark = pytest.mark.usefixtures("clean_env")


# -- version, usage ---------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package's version and exits 0."""
    assert 0 == main(["--version"])
    assert f"assistant-stream {__version__}\n" == capsys.readouterr().out


def test_python_m_assistant_stream_version() -> None:
    """``python -m assistant_stream --version`` works in a process of its own."""
    result = subprocess.run(
        [sys.executable, "-m", "assistant_stream", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (0, f"assistant-stream {__version__}\n") == (result.returncode, result.stdout)


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists the commands; each command has its own."""
    assert 0 == main(["--help"])
    out = capsys.readouterr().out
    for command in ("demo", "run", "record", "replay", "serve"):
        assert command in out
    assert 0 == main(["replay", "--help"])
    assert "events per second" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [[], ["nope"], ["run", "Hi"], ["replay"], ["replay", "x.sse", "--speed", "-1"]],
    ids=["no command", "unknown command", "no assistant", "no file", "negative speed"],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong command line is one error line and status 2."""
    assert 2 == main(argv)
    captured = capsys.readouterr()
    assert "--help" in error_line(captured.err)
    assert "" == captured.out


def test_run_without_api_key_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    """No key anywhere: status 2, and the line says how to give one."""
    assert 2 == main(["run", "--assistant", "asst_1", "Hi"])
    assert "OPENAI_API_KEY" in error_line(capsys.readouterr().err)


# -- demo -------------------------------------------------------------------------------


@pytest.mark.parametrize("delay", ["0", "0.001"])
def test_demo_shows_text_tool_calls_outputs_and_summary(
    delay: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo needs no network: its text, both calls, their outputs and the summary."""
    assert 0 == main(["demo", "--delay", delay])
    captured = capsys.readouterr()
    for expected in (
        "Let me look up the current weather in Paris.",
        '[tool call] get_weather {"city": "Paris"}',
        '[tool output] get_weather: {"city":"Paris","temperature_c":18',
        "[tool call] code_interpreter",
        "    fahrenheit = celsius * 9 / 5 + 32",
        "[tool output] 64.4 °F",
        DEMO_SCRIPT[1][1]["text"],
    ):
        assert expected in captured.out
    assert captured.err.startswith("run completed · ")
    assert "first token " in captured.err


# -- serve, and Ctrl-C in a real process -----------------------------------------------


def test_serve_with_a_bad_script_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script the server refuses, or a file that is not JSON: status 2, one line."""
    script = tmp_path / "script.json"
    script.write_text(json.dumps([[{"txt": "typo"}]]))
    assert 2 == main(["serve", "--script", str(script)])
    assert "turn 1" in error_line(capsys.readouterr().err)
    script.write_text("[[")
    assert 2 == main(["serve", "--script", str(script)])
    assert "not JSON" in error_line(capsys.readouterr().err)
    assert 2 == main(["serve", "--script", str(tmp_path / "none.json")])
    assert "none.json" in error_line(capsys.readouterr().err)


async def test_serve_runs_until_ctrl_c_and_serves_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Serve prints its base URL and an assistant; run works against it; Ctrl-C is 130."""
    script = tmp_path / "script.json"
    script.write_text(json.dumps([[{"text": ANSWER}]]))
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "assistant_stream", "serve", "--script", str(script)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=subprocess_env(),
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        base_url = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        hint = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
        assistant_id = hint.split("--assistant ")[1].split()[0]
        argv = ["run", "--base-url", base_url, "--api-key", "x", "--assistant", assistant_id, "Hi"]
        assert 0 == await amain(argv)
        assert f"{ANSWER}\n" == capsys.readouterr().out
    finally:
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    assert 130 == process.returncode
    assert b"assistant-stream: interrupted\n" == err


def test_ctrl_c_during_the_demo_exits_130() -> None:
    """Ctrl-C in a real process: the demo stops at once, status 130, one line."""
    with subprocess.Popen(
        [sys.executable, "-m", "assistant_stream", "demo", "--delay", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(b"demo: ")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert 130 == process.returncode
    assert b"assistant-stream: interrupted\n" == err
