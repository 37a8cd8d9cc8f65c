"""Every example runs, and prints what it promises."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def test_make_demo_is_the_command_line_demo_and_no_example_claims_it() -> None:
    """``make demo`` runs ``assistant-stream demo``; no example says it is the demo."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert recipe is not None
    assert ["$(BIN)/assistant-stream demo"] == recipe.group(1).split("\n")[0].split("\t")[1:]
    claiming = [
        path.name
        for path in sorted(EXAMPLES.glob("*.py"))
        if "make demo" in path.read_text().split('"""')[1]
    ]
    assert [] == claiming


def run_example(name: str, *args: str) -> str:
    """Run an example (on the sample in 7-byte chunks by default); return its output."""
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "dev",
            "-W",
            "error",
            str(EXAMPLES / name),
            *(args or ("--chunk-size", "7")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert 0 == result.returncode, result.stderr
    return result.stdout


def test_decode_sample_prints_events_and_final_text() -> None:
    """The wire-layer example decodes the sample with no unknown events and prints the answer."""
    stdout = run_example("decode_sample.py")
    assert "47 events (0 unknown)" in stdout
    assert "ended at an event boundary" in stdout
    assert "The mean of the sample is 4.4 and its median is 5." in stdout
    assert "thread.run.step.delta        step_demoA1 'import statistics\\n'" in stdout


def test_replay_sample_streams_text_and_summarises_tool_calls() -> None:
    """The replay example prints the code as it streams, the call summary and the answer."""
    stdout = run_example("replay_sample.py")
    assert_sample_output(stdout)


def test_client_sample_streams_the_run_over_loopback_http() -> None:
    """The client example streams the sample run from the embedded server, over HTTP."""
    stdout = run_example("client_sample.py", "--delay", "0")
    assert "streaming a run from http://127.0.0.1:" in stdout
    assert re.search(r"\[thread thread_\w{24}\]", stdout)  # the server's id, not the recording's
    assert_sample_output(stdout)


def assert_sample_output(stdout: str) -> None:
    """The sample's code, tool-call summary, answer and final status, in order."""
    expected_lines = [
        "  code_interpreter call call_demoD4 started; code:",
        "    | import statistics",
        "    | data = [2, 3, 5, 7, 5]",
        "  code_interpreter call call_demoD4 done: 3 line(s) of code; logs '4.4 5'",
        "assistant> The mean of the sample is 4.4 and its median is 5. Both were computed with "
        "Python\u2019s `statistics` module — no rounding involved.",
        "[text done: 127 characters]",
        "[run completed, 357 tokens, 1 tool call(s)]",
        "final run: completed (ended: True)",
    ]
    lines = stdout.splitlines()
    assert expected_lines == [line for line in lines if line in expected_lines]


def test_tools_sample_answers_both_calls_in_one_stream() -> None:
    """The tool-loop example announces both outputs, then streams the answer made of them."""
    stdout = run_example("tools_sample.py", "--delay", "0")
    expected_lines = [
        '[looked up get_weather({"city": "Paris"}) -> {"city":"Paris","temperature":18}]',
        '[looked up get_weather({"city": "Tokyo"}) -> {"city":"Tokyo","temperature":24}]',
        "Paris: 18 °C; Tokyo: 24 °C.",
        "final run: completed after 0 pending call(s)",
    ]
    assert expected_lines == stdout.splitlines()


def test_azure_agents_approves_by_policy_and_answers_the_function() -> None:
    """Against the server's Azure flavour: the MCP call approved, the function answered."""
    stdout = run_example("azure_agents.py", "--delay", "0")
    expected_lines = [
        "Let me check the REST API docs.",
        "[approved github/search_azure_rest_api_docs]",
        "MCP approvals need api-version 2025-05-15-preview, and Seattle is at 12 °C.",
        "final run: completed",
    ]
    assert "local Azure flavour at http://127.0.0.1:" in stdout
    assert expected_lines == [line for line in stdout.splitlines() if line in expected_lines]
