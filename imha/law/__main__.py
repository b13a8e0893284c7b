"""Entry point for `python -m imha.law`; see cli.py for the contract."""

from __future__ import annotations

import os
import sys

from .cli import main


def run() -> int:
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (for example `| head`). Point stdout at devnull so the
        # interpreter's own flush at exit does not print a traceback, as the contract
        # promises none.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":  # pragma: no branch - always true when run as a module
    sys.exit(run())
