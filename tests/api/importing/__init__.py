"""What the import tests share: where the real dumps are, and the Terraform configuration they apply."""

from __future__ import annotations

from pathlib import Path


def dumps_folder() -> Path:
    """The eight real account dumps (../shared/datasets/aws-config-dumps beside the repository, or beside the folder
    of worktrees that holds it)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "datasets" / "aws-config-dumps"
        if candidate.is_dir():
            return candidate
    return Path("shared/datasets/aws-config-dumps")
