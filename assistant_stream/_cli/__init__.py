"""The command line: ``assistant-stream`` (also ``python -m assistant_stream``).

``main(argv)`` parses the arguments, runs one command (``COMMANDS``) in ``asyncio.run``
and returns the exit status; ``amain(argv)`` does the same inside a running loop.

Rule 1 - the exit status says how it went (``EXIT_STATUSES`` maps errors to it):

| status | when |
| --- | --- |
| 0 | done: the run completed (``replay``: the recording was read) |
| 1 | failed: a connection or HTTP error, a run that did not complete, an unreadable file |
| 2 | asked wrongly: a usage error, or a configuration error (no API key, a bad URL, a bad script) |
| 130 | interrupted (Ctrl-C); a run the command started was cancelled first |
| 141 | stdout was closed (``... | head``): the command stops quietly |

Rule 2 - an error is one line on stderr, ``assistant-stream: error: ...``; ``--debug``
prints the traceback before it, and the library's log (``assistant_stream``: retries, tool
errors) as it goes.

Rule 3 - starting is cheap. This module imports argparse and little else; each command's
module (``_commands``, ``_demo``) is imported when that command runs, and imports what it
needs then, so ``--help`` and ``--version`` load no HTTP code. The screens are in
``_render`` (plain text) and ``_live`` (rich), what they say in ``_views``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Final, NoReturn

from assistant_stream._version import __version__
from assistant_stream.errors import ConfigurationError

__all__ = ["COMMANDS", "EXIT_STATUSES", "PROG", "UsageError", "amain", "build_parser", "main"]

PROG: Final = "assistant-stream"
#: The exit status of an interrupted command (128 + SIGINT, as shells report it).
INTERRUPTED: Final = 130
#: The exit status of a command whose reader went away (128 + SIGPIPE).
BROKEN_PIPE: Final = 141

#: Each command, and the module and function that run it (imported when it runs).
COMMANDS: Final[Mapping[str, tuple[str, str]]] = {
    "demo": ("._demo", "demo"),
    "run": ("._commands", "run"),
    "record": ("._commands", "record"),
    "replay": ("._commands", "replay"),
    "serve": ("._commands", "serve"),
}


class UsageError(Exception):
    """The command line itself is wrong (argparse's errors); exit status 2."""


#: The exit status of each kind of error, the first that matches (rule 1).
EXIT_STATUSES: Final[tuple[tuple[type[Exception], int], ...]] = (
    (UsageError, 2),
    (ConfigurationError, 2),
    (Exception, 1),
)

_EPILOG: Final = """\
exit status: 0 done, 1 failed, 2 usage or configuration error, 130 interrupted (Ctrl-C),
141 stdout closed (| head).
Output: live in a terminal when rich is installed (pip install 'assistant-stream[cli]'),
else plain text; the summary of a plain run goes to stderr."""

_CONNECTION: Final = """\
OpenAI-compatible servers: --base-url and --api-key, default $OPENAI_BASE_URL and
$OPENAI_API_KEY. Azure AI Foundry Agents: --azure-endpoint (default
$AZURE_AI_AGENTS_ENDPOINT), --api-key (default $AZURE_AI_AGENTS_API_KEY) and
--api-version (default $AZURE_AI_AGENTS_API_VERSION, then v1). Without --thread, a new
thread is created. A run that waits for function outputs is cancelled (this command runs
no functions), and so is a run whose stream stops early (Ctrl-C, a lost connection).
Text deltas are counted as tokens."""

_SPEED: Final = """\
A recording keeps no timing: --speed is the pace in events per second (0: as fast as
possible). The default is 60 events per second when stdout is a terminal and --json is
not given, else as fast as possible."""


_DEBUG: Final = "show tracebacks and the library's log"


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises ``UsageError`` instead of exiting (rule 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise ValueError(text)
    return value


_seconds.__name__ = "non-negative number"  # what argparse calls it in its errors


def _add_common(parser: argparse.ArgumentParser, *, plain: bool = True) -> None:
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG)
    if plain:
        parser.add_argument(
            "--plain", action="store_true", help="plain text output, even in a terminal"
        )


def _add_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("message", help="the message to add to the thread")
    parser.add_argument("--assistant", required=True, metavar="ID", help="the assistant to run")
    parser.add_argument("--thread", metavar="ID", help="the thread (default: a new one)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible API root")
    where.add_argument("--azure-endpoint", metavar="URL", help="an Azure AI project endpoint")
    parser.add_argument("--api-key", metavar="KEY", help="the API key (prefer the environment)")
    parser.add_argument("--api-version", metavar="VERSION", help="the Azure API version")
    parser.add_argument(
        "--max-retries", type=int, default=2, metavar="N", help="retries of a failed request"
    )
    _add_common(parser)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command and option."""
    parser = _Parser(
        prog=PROG,
        description="Stream Assistants-protocol runs (OpenAI Assistants v2, Azure AI Agents).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", default=False, help=_DEBUG)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    raw = argparse.RawDescriptionHelpFormatter

    demo = commands.add_parser(
        "demo",
        help="stream a scripted run from a local server (no network, no key)",
        description="Stream a scripted run from the embedded server: text, a function "
        "answered by a ToolRegistry, code interpreter. No network, no key.",
    )
    demo.add_argument(
        "--delay", type=_seconds, default=0.02, metavar="SECONDS", help="pause after each delta"
    )
    demo.add_argument("--seed", type=int, default=0, help="how the text is cut into deltas")
    _add_common(demo)

    run = commands.add_parser(
        "run", help="send a message and stream the run", epilog=_CONNECTION, formatter_class=raw
    )
    _add_run(run)

    record = commands.add_parser(
        "record",
        help="as run, saving the raw stream to a file",
        description="As run, saving the body of every response of the stream, byte for "
        "byte, to --out (replay it with 'assistant-stream replay').",
        epilog=_CONNECTION,
        formatter_class=raw,
    )
    _add_run(record)
    record.add_argument("--out", required=True, metavar="FILE.sse", help="where to save it")

    replay = commands.add_parser(
        "replay",
        help="render a recorded stream, or print it as JSON lines",
        epilog=_SPEED,
        formatter_class=raw,
    )
    replay.add_argument("file", metavar="FILE.sse", help="a recorded text/event-stream body")
    replay.add_argument("--speed", type=_seconds, metavar="EVENTS_PER_S", help="the pace")
    replay.add_argument(
        "--json", action="store_true", help='one {"event": ..., "data": ...} per line, for jq'
    )
    _add_common(replay)

    serve = commands.add_parser(
        "serve",
        help="run the embedded server until Ctrl-C",
        description="Run the embedded Assistants-protocol server until Ctrl-C, with one "
        "assistant created; print its base URL.",
    )
    serve.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    serve.add_argument("--host", default="127.0.0.1", help="the address (default 127.0.0.1)")
    serve.add_argument("--script", metavar="FILE.json", help="what the assistant does")
    serve.add_argument("--api-key", metavar="KEY", help="the key clients must send")
    serve.add_argument("--seed", type=int, default=0, help="makes ids and deltas repeatable")
    serve.add_argument(
        "--event-delay", type=_seconds, default=0.0, metavar="SECONDS", help="pause per event"
    )
    _add_common(serve, plain=False)
    return parser


def _message(error: BaseException) -> str:
    """One line saying what went wrong (rule 2)."""
    if isinstance(error, UsageError | ConfigurationError) or type(error).__module__.startswith(
        __name__
    ):
        text = str(error)
    elif isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return " ".join(text.split())


def _show_log() -> None:
    """``--debug``: the library's log (retries, tool errors, ...) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(levelname)s: %(message)s"))
    logger = logging.getLogger("assistant_stream")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _fail(error: Exception, *, debug: bool) -> int:
    if debug:
        traceback.print_exception(error)
    print(f"{PROG}: error: {_message(error)}", file=sys.stderr, flush=True)
    return next(status for kind, status in EXIT_STATUSES if isinstance(error, kind))


async def amain(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) in the running loop.

    Returns:
        The exit status (rule 1). Cancellation propagates, after the command cancelled
        the run it started.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help and --version print, then exit
        return done.code if isinstance(done.code, int) else 0
    except UsageError as error:
        return _fail(error, debug="--debug" in argv)
    if args.debug:
        _show_log()
    module, name = COMMANDS[args.command]
    command: Callable[[argparse.Namespace], Awaitable[int]]
    try:
        command = getattr(importlib.import_module(module, __name__), name)
        return await command(args)
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE
    except Exception as error:
        return _fail(error, debug=args.debug)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that its last flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):  # not a real file (a test's capture)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Ctrl-C ends the command cleanly (its run cancelled, its connections closed) with
    status 130.
    """
    try:
        return asyncio.run(amain(argv))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr, flush=True)
        return INTERRUPTED
