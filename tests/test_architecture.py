"""The layout keeps the one-way flow: a module never imports a layer above its own, and no
module or function grows past the size a newcomer can read in one sitting.

The layers, bottom to top (``ARCHITECTURE.md`` explains each):

    foundations (errors, settings, text, values, redaction, audit, resources) → geo → catalog
    → store → build → editorial → query → present → service (plain functions) → service.web /
    serve (Flask, gunicorn) → cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "brandmap"

LAYERS = (
    (
        "brandmap",
        "brandmap.errors",
        "brandmap.settings",
        "brandmap.text",
        "brandmap.values",
        "brandmap.redaction",
    ),
    ("brandmap.audit", "brandmap.resources"),
    ("brandmap.geo",),
    ("brandmap.catalog",),
    ("brandmap.store",),
    ("brandmap.build",),
    ("brandmap.editorial",),
    ("brandmap.query",),
    ("brandmap.present",),
    ("brandmap.service",),
    ("brandmap.service.web", "brandmap.service.serve"),
    ("brandmap.cli",),
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Frameworks that belong to one layer only: the rest of the package stays testable without them.
FRAMEWORK_HOMES = {
    "flask": ("brandmap.service.web",),
    "werkzeug": ("brandmap.service.web",),
    "gunicorn": ("brandmap.service.serve",),
    "click": ("brandmap.cli",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of the longest prefix naming ``module``'s layer."""
    best, best_length = None, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if prefix == "brandmap":
                matches = module == "brandmap"
            if matches and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and ARCHITECTURE.md")
    return best


def imported_modules(tree: ast.AST) -> set[str]:
    """Every module a file imports, at the top or inside functions (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "brandmap":
                found.update(f"brandmap.{alias.name}" for alias in node.names)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    for path in SOURCES:
        layer_of(module_name(path))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    importer = module_name(path)
    upward = [
        name
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if name.startswith("brandmap") and name != "brandmap.__version__"
        if layer_of(name) > layer_of(importer)
    ]
    assert not upward, f"{importer} imports {upward}, which sit above it in the flow"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_frameworks_stay_in_their_layer(path: Path) -> None:
    importer = module_name(path)
    for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
        homes = FRAMEWORK_HOMES.get(name.split(".")[0])
        if homes:
            assert importer.startswith(homes), f"{importer} imports {name}; only {homes} may"


def test_the_rules_catch_an_upward_import() -> None:
    tree = ast.parse("from brandmap.service.api import ApiResponse\nimport flask")
    assert layer_of("brandmap.service.api") > layer_of("brandmap.query.filters")
    assert "brandmap.service.api" in imported_modules(tree)
    assert layer_of("brandmap.service.web.api") > layer_of("brandmap.service.api")
    assert layer_of("brandmap.errors") == 0 and layer_of("brandmap") == 0


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_modules_and_functions_stay_readable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module_name(path)} has {lines} lines: split it by question"
    long_functions = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long_functions, f"{module_name(path)}: {', '.join(long_functions)}"
