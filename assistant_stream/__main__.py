"""``python -m assistant_stream``: the ``assistant-stream`` command line (``_cli.main``)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
