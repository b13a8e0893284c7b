"""Entry point for `python -m imha.law`; see cli.py for the contract."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":  # pragma: no branch - always true when run as a module
    sys.exit(main())
