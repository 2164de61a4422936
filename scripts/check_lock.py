"""Check that the virtual environment holds exactly what constraints.txt pins; with --fix, put the pinned versions
back (`make test` runs it first, so a venv someone upgraded by hand, e.g. `pip install -U botocore`, is tested with
the locked versions again, never with whatever is newest).

Run: .venv/bin/python scripts/check_lock.py [--fix]
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parent.parent / "constraints.txt"


def locked() -> dict[str, str]:
    """Package (canonical name) -> pinned version."""
    pins = (line.split("#", 1)[0].strip() for line in LOCK.read_text().splitlines())
    return {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in pins if "==" in p}


def drift() -> dict[str, tuple[str, str]]:
    """Installed packages whose version differs from the lock: name -> (installed, locked)."""
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    return {n: (installed[n], v) for n, v in locked().items() if n in installed and installed[n] != v}


def main() -> int:
    found = drift()
    if not found:
        return 0
    listed = ", ".join(f"{n} {have} (locked {want})" for n, (have, want) in sorted(found.items()))
    if "--fix" not in sys.argv:
        print(f"the environment differs from constraints.txt: {listed}", file=sys.stderr)
        return 1
    print(f"vpcsim: the environment differs from constraints.txt ({listed}); installing the locked versions")
    wanted = [f"{n}=={want}" for n, (_, want) in sorted(found.items())]
    return subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *wanted]).returncode


if __name__ == "__main__":
    sys.exit(main())
