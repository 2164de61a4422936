"""vpcsim report's progress bar: on a terminal, for large work only (stderr; the report itself goes to stdout)."""

from __future__ import annotations

from vpcsim.cli.report import LARGE, _Bar


def test_the_progress_bar_shows_only_on_a_terminal_and_for_large_work() -> None:
    quiet = _Bar(enabled=False)
    quiet("paths", 1, 10 * LARGE)
    assert quiet.progress is None
    small = _Bar(enabled=True)
    small("paths", 1, LARGE - 1)
    assert small.progress is None
    large = _Bar(enabled=True)
    try:
        large("paths", 1, LARGE)
        large("matrix", 5, 100 * LARGE)
        assert large.progress is not None and set(large.tasks) == {"paths", "matrix"}
        assert large.progress.tasks[1].completed == 5
    finally:
        large.stop()
