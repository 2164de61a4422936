"""The generated docs are current: docs/coverage.md lists exactly what the dispatcher implements."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_coverage_doc_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_coverage", ROOT / "scripts" / "gen_coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "coverage.md").read_text() == module.render(), "run scripts/gen_coverage.py"
