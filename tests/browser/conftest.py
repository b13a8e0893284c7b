"""The browser fixtures and helpers live in tests/browser_tools.py (registered by
tests/conftest.py); they are re-exported here for tests that import them from this module."""

from tests.browser_tools import CHROMIUM, WCAG_AA_TAGS, axe_violations, describe_violations

__all__ = ["CHROMIUM", "WCAG_AA_TAGS", "axe_violations", "describe_violations"]
