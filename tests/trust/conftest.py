"""The trust suite's figures: each test records what it measured with ``figure(...)``, which
prints it at once (seen with ``pytest -s``) and again in a "trust figures" section at the end
of the run, so CI output shows them whatever the capture and ``-r`` options are."""

from __future__ import annotations

import pytest

FIGURES: list[str] = []


@pytest.fixture
def figure(database):
    """``figure("XSS corpus", payloads=150, executed=0)`` prints and keeps one line."""

    def _figure(name: str, **values) -> str:
        parts = ", ".join(f"{key}={value}" for key, value in values.items())
        line = f"[{database[0]}] {name}: {parts}"
        print(f"\ntrust figure: {line}")
        FIGURES.append(line)
        return line

    return _figure


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("trust figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
