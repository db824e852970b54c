"""The fuzz run's summary: one line per service and caller (operations, examples, failures, statuses)."""

from __future__ import annotations

import pytest

from tests.fuzz import fuzzing


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in fuzzing.SUMMARY:
        terminalreporter.write_line(line)
