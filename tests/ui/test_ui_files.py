"""The UI's files as a browser and pip get them: every ES module reachable from index.html is served with a
JavaScript MIME type (browsers refuse a module served otherwise) and ``no-cache``, and every file of src/vpcsim/ui
is shipped by a package-data glob in pyproject.toml (a pip-installed vpcsim serves a whole UI). No browser needed."""

from __future__ import annotations

import re
import tomllib
import urllib.request
from pathlib import Path

from vpcsim.testing import Server

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "src" / "vpcsim" / "ui"
_IMPORT = re.compile(r'^import .* from "\./([\w-]+\.mjs)";$', re.MULTILINE)


def _module_graph() -> set[str]:
    """The modules main.mjs imports, directly or not (file names under ui/js/)."""
    seen, todo = set(), ["main.mjs"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_IMPORT.findall((UI / "js" / name).read_text()))
    return seen


def test_index_starts_the_modules() -> None:
    assert '<script type="module" src="/ui/js/main.mjs"></script>' in (UI / "index.html").read_text()
    graph = _module_graph()
    assert graph == {p.name for p in (UI / "js").glob("*.mjs")}, "a module nothing imports, or a missing one"


def test_the_modules_import_one_way() -> None:
    imports = {name: set(_IMPORT.findall((UI / "js" / name).read_text())) for name in _module_graph()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in imports[start])

    assert [name for name in sorted(imports) if reaches(name, name, set())] == []


def test_every_module_is_served_as_javascript(vpcsim: Server) -> None:
    for name in sorted(_module_graph()):
        with urllib.request.urlopen(f"{vpcsim.url}/ui/js/{name}", timeout=30) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/javascript"), name
            assert response.headers["Cache-Control"] == "no-cache", name
    with urllib.request.urlopen(f"{vpcsim.url}/ui/app.css", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/css")


def test_every_ui_file_is_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["vpcsim"]
    package = UI.parent
    for path in UI.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(package)
            assert any(relative.match(g) and len(relative.parts) == len(Path(g).parts) for g in globs), relative
