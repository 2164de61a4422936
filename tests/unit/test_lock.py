"""The environment the tests run in is the one constraints.txt pins: an upgrade is a deliberate commit, never an
accident of the day the machine was set up (`make test` puts the locked versions back first, scripts/check_lock.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_lock() -> object:
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_installed_dependency_is_the_locked_version() -> None:
    check = _check_lock()
    assert check.drift() == {}, "the environment differs from constraints.txt: run `make test` (it reinstalls)"  # type: ignore[attr-defined]


def test_the_lock_pins_what_the_tests_depend_on() -> None:
    pinned = _check_lock().locked()  # type: ignore[attr-defined]
    tools = ("botocore", "boto3", "awscli", "hypothesis", "pytest", "starlette", "uvicorn", "ruff", "mypy", "psycopg")
    for name in tools:
        assert name in pinned, f"{name} is not pinned in constraints.txt"
