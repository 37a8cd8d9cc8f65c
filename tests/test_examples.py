"""Every example runs, and prints what it promises."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_decode_sample_prints_events_and_final_text() -> None:
    """``make demo``'s script decodes the sample with no unknown events and prints the answer."""
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "decode_sample.py"), "--chunk-size", "7"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert 0 == result.returncode, result.stderr
    assert "47 events (0 unknown)" in result.stdout
    assert "ended at an event boundary" in result.stdout
    assert "The mean of the sample is 4.4 and its median is 5." in result.stdout
    assert "thread.run.step.delta        step_demoA1 'import statistics\\n'" in result.stdout
