"""The sans-I/O core imports without aiohttp or asyncio: no module of it may do I/O."""

import subprocess
import sys

CORE = [
    "assistant_stream",
    "assistant_stream.sse",
    "assistant_stream.events",
    "assistant_stream.types",
    "assistant_stream._converter",
    "assistant_stream._decode",
    "assistant_stream._hotpath",
    "assistant_stream._frozen",
    "assistant_stream._patch",
    "assistant_stream._lifecycle",
    "assistant_stream._entries",
    "assistant_stream._parent",
    "assistant_stream._received",
    "assistant_stream.accumulate",
    "assistant_stream._required",
    "assistant_stream._signature",
    "assistant_stream._schema",
    "assistant_stream._arguments",
]


def test_core_imports_with_io_libraries_blocked() -> None:
    """Importing the core with aiohttp and asyncio made unimportable still works."""
    code = (
        "import sys\n"
        "sys.modules['aiohttp'] = None\n"
        "sys.modules['asyncio'] = None\n"
        f"for name in {CORE!r}:\n"
        "    __import__(name)\n"
        "from assistant_stream import SSEDecoder, decode_event\n"
        "events = SSEDecoder().feed(b'event: done\\ndata: [DONE]\\n\\n')\n"
        "print(decode_event(events[0].event, events[0].data).event)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (0, "done\n") == (result.returncode, result.stdout), result.stderr


def test_importing_the_package_imports_no_dependency() -> None:
    """``import assistant_stream`` loads none of its dependencies until a name is used."""
    code = (
        "import sys, assistant_stream\n"
        "heavy = ('aiohttp', 'attrs', 'cattrs', 'orjson', 'yarl', 'assistant_stream.types')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
        "assistant_stream.decode_event\n"
        "print('cattrs' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert ["[]", "True"] == result.stdout.split()
