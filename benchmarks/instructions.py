"""Instructions per event under callgrind: a yardstick that machine noise does not move.

``bench.py`` measures CPU time, which on a small shared machine varies by tens of
percent between runs. Counting instructions with valgrind's callgrind gives the same number
every time for the same code and input, which makes it the tool for deciding whether a change
to the hot path helps. It is not a substitute for time (cache misses and allocation do not
show), so targets are still checked with ``make bench``.

Method: each contestant of ``bench.CONTESTANTS`` decodes the first N and then the
first 2N events of a workload (one chunk per event, after skipping the opening events), each
in its own process under callgrind with ``PYTHONHASHSEED=0``. Both processes prepare the same
2N chunks, so the difference of the two totals divided by N is the cost of decoding one
event, free of start-up, import and set-up costs.

Usage: ``python benchmarks/instructions.py [--workloads long-text,mixed] [--events 1000]``.
Needs ``valgrind`` on the PATH (Debian: ``apt install valgrind``).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence

import bench
import workloads

SKIP_OPENING = 100  # the run, step and message headers at the start of every workload


def decode_slice(contestant: str, workload: str, count: int, prepared: int) -> None:
    """Prepare ``prepared`` chunks of ``workload``, decode the first ``count`` of them."""
    frames = workloads.build(workload).body.split(b"\n\n")[:-1]
    chunks = [frame + b"\n\n" for frame in frames[SKIP_OPENING : SKIP_OPENING + prepared]]
    bench.CONTESTANTS[contestant](chunks[:count])


def instructions(contestant: str, workload: str, count: int, prepared: int) -> int:
    """Total instructions of a process decoding ``count`` events, as callgrind counts them."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", contestant, workload, str(count), str(prepared),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    match = re.search(r"refs:\s+([\d,]+)", result.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in callgrind's output:\n{result.stderr}")
    return int(match.group(1).replace(",", ""))


def per_event(contestant: str, workload: str, count: int) -> int:
    """Instructions per event: the cost of the second N events alone."""
    total = 2 * count
    single = instructions(contestant, workload, count, total)
    return (instructions(contestant, workload, total, total) - single) // count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="long-text,mixed,tools")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--contestants", default=",".join(bench.CONTESTANTS))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        contestant, workload, count, prepared = args.child
        decode_slice(contestant, workload, int(count), int(prepared))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing to count", file=sys.stderr)
        return 2
    contestants = args.contestants.split(",")
    others = contestants[1:]
    print(
        "| workload | "
        + " | ".join(f"{c} instr/event" for c in contestants)
        + " | "
        + " | ".join(f"{c} x {contestants[0]}" for c in others)
        + " |"
    )
    print("|---|" + "---:|" * (len(contestants) + len(others)))
    for workload in args.workloads.split(","):
        counts = [per_event(c, workload, args.events) for c in contestants]
        cells = " | ".join(f"{n:,}" for n in counts)
        ratios = " | ".join(f"{n / counts[0]:.2f}x" for n in counts[1:])
        print(f"| {workload} | {cells} | {ratios} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
