"""Browser fixtures for the hospital pages, borrowed from tests/browser.

Playwright's sync API allows one running instance per thread, and the session-scoped
`browser` in tests/browser/conftest.py stays open until the whole run ends. So this
`browser` reuses that one when it is already running, and otherwise starts its own just for
this module (closing it before any later module needs to start one).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import browser as shared_browser_fixture
from tests.browser.conftest import page

__all__ = ["browser", "page"]


def _running_shared_browser() -> Any | None:
    # Starting a second Playwright inside the first one's event loop fails, so find the
    # browser tests/browser already launched, if any, and use it.
    from playwright.sync_api import Browser

    for candidate in gc.get_objects():
        if isinstance(candidate, Browser) and candidate.is_connected():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    running = _running_shared_browser()
    if running is not None:
        yield running
        return
    yield from _own_browser()


def _own_browser() -> Iterator[Any]:
    original = getattr(shared_browser_fixture, "__wrapped__", None)
    if original is None:  # pragma: no cover - pytest always keeps the undecorated function
        raise RuntimeError("Cannot find the browser fixture's function in tests/browser.")
    yield from original()
