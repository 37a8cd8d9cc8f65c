"""Every example runs, and prints what it promises."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name: str) -> str:
    """Run an example on the sample in 7-byte chunks; return its output (it must succeed)."""
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--chunk-size", "7"],
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
    """``make demo``'s script prints the code as it streams, the call summary and the answer."""
    stdout = run_example("replay_sample.py")
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
