"""The house's rules of which package may import which (docs/architecture.md), read from the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.live_app import ROOT

#: package -> the project packages it may import (besides itself). ``gis.errors`` is the one module of gis/ a
#: page may name: the exception types every layer shares.
ALLOWED: dict[str, set[str]] = {
    "text": set(),
    "gis": {"text"},
    "layers": {"gis", "text", "tiles"},
    "ingest": {"gis", "text"},
    "export": {"gis", "text"},
    "tiles": {"gis", "text"},
    "store": {"gis", "text"},
    "planner": {"gis", "text", "layers", "ingest", "export", "tiles", "store"},
    "server": {"gis", "text", "layers", "ingest", "export", "tiles", "store", "planner"},
    "cli": {"gis", "text", "layers", "ingest", "export", "tiles", "store", "planner"},
    "pages": {"text", "layers", "planner", "gis.errors"},
    "app": {"text", "planner", "pages", "server", "gis.errors"},
}
PACKAGES = set(ALLOWED) - {"app"}
#: The one file allowed an import against the rule: ``python -m gis`` is the officials' name for the command line.
EXCEPTIONS = {"gis/__main__.py": {"cli"}}
#: Where Streamlit may be imported: the pages, the entry point and the server around them.
STREAMLIT_ALLOWED = {"pages", "app", "server"}


def _sources() -> list[tuple[str, Path]]:
    found = [(pkg, path) for pkg in sorted(PACKAGES) for path in sorted((ROOT / pkg).rglob("*.py"))]
    return [*found, ("app", ROOT / "app.py")]


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module imported by ``path`` (absolute names; at any depth, lazy imports in functions included)."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [
                (node.lineno, f"{node.module}.{alias.name}") if node.module in PACKAGES else (node.lineno, node.module)
                for alias in node.names
            ]
    return sorted(set(names))


def _allowed(package: str, module: str) -> bool:
    top = module.split(".")[0]
    if top not in PACKAGES or top == package:
        return True
    return any(module == rule or module.startswith(rule + ".") for rule in ALLOWED[package])


SOURCES = _sources()


def test_every_package_is_covered():
    tops = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"tests", "bench"}
    assert tops == PACKAGES, "a new top-level package needs its row in ALLOWED and in docs/architecture.md"


@pytest.mark.parametrize(("package", "path"), SOURCES, ids=[str(p.relative_to(ROOT)) for _, p in SOURCES])
def test_imports_point_one_way(package, path):
    rel = str(path.relative_to(ROOT))
    wrong = [
        f"{rel}:{line}: {package} imports {module}"
        for line, module in _imports(path)
        if not _allowed(package, module) and module.split(".")[0] not in EXCEPTIONS.get(rel, set())
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("package", "path"), SOURCES, ids=[str(p.relative_to(ROOT)) for _, p in SOURCES])
def test_streamlit_only_in_pages_server_and_the_entry_point(package, path):
    if package in STREAMLIT_ALLOWED:
        return
    used = [line for line, module in _imports(path) if module.split(".")[0] == "streamlit"]
    assert not used, f"{path.relative_to(ROOT)}:{used}: {package}/ must not import streamlit"


def test_the_rules_catch_a_wrong_import(tmp_path):
    """The checks above can fail: a page importing gis.scoring and gis/ importing planner are both refused."""
    page = tmp_path / "page.py"
    page.write_text("from gis.scoring import PRESETS\nfrom gis.errors import PlannerError\nimport planner.data\n")
    verdicts = {module: _allowed("pages", module) for _, module in _imports(page)}
    assert verdicts == {"gis.scoring": False, "gis.errors": True, "planner.data": True}
    assert not _allowed("gis", "planner.data") and not _allowed("text", "gis.crs") and _allowed("gis", "text.messages")


def test_every_module_opens_with_a_one_line_docstring():
    missing = [
        str(path.relative_to(ROOT))
        for _, path in SOURCES
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not missing, missing


def test_application_code_says_what_it_does_not_which_issue_added_it():
    """Sections and comments are named by domain; an issue number means nothing to the next reader."""
    import re

    issue = re.compile(r"\bissues?\s*#?\d+|\(#\d+\)", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for _, path in SOURCES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if issue.search(line)
    ]
    assert not found, found
