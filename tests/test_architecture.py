"""The house rules, read from the code itself (docs/architecture.md).

- No module imports another module's underscored names (tests, benchmarks and scripts
  included).
- The core (inputs, data, sun, skin, forecasting, planning, render, measure) never imports a
  shell (report, cli).
- No import cycle among fadecast's modules (imports at module level).
- The core never reads the clock: ``today`` is passed in by the shells.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "fadecast"
CORE = ("inputs", "data", "sun", "skin", "forecasting", "planning", "render", "measure")
SHELLS = ("report", "records", "clinic_cli", "cli", "web")


def module_name(path: Path) -> str:
    """The dotted name of a module of the package, e.g. ``fadecast.skin.optics``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def checked_files() -> Iterator[Path]:
    for folder in ("src", "tests", "benchmarks", "scripts"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(path: Path) -> Iterator[str]:
    """Every ``from fadecast... import _x`` and ``module._x`` on an imported fadecast module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fadecast"):
            for alias in node.names:
                if is_private(alias.name):
                    yield f"from {node.module} import {alias.name}"
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("fadecast"):
                    modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            yield f"{node.value.id}.{node.attr}"


def module_level_imports(path: Path) -> set[str]:
    """The fadecast modules a module imports when it is imported (not under TYPE_CHECKING,
    not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    known = package_modules()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("fadecast"))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fadecast"):
                assert node.module is not None
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in known else node.module)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)

    visit(tree.body)
    return found


def test_no_module_imports_another_modules_underscored_names() -> None:
    offences = [
        f"{path.relative_to(ROOT)}: {use}" for path in checked_files() for use in private_uses(path)
    ]
    assert offences == []


@pytest.mark.parametrize("folder", CORE)
def test_the_core_never_imports_a_shell(folder: str) -> None:
    offences = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if any(
                    name == f"fadecast.{s}" or name.startswith(f"fadecast.{s}.") for s in SHELLS
                ):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle of the import graph met by a depth-first walk, as a list of modules."""
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    return cycles


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c", "a"]]


def test_no_import_cycle() -> None:
    modules = package_modules()
    graph = {name: module_level_imports(path) & set(modules) for name, path in modules.items()}
    assert import_cycles(graph) == []


@pytest.mark.parametrize("folder", CORE)
def test_the_core_never_reads_the_clock(folder: str) -> None:
    offences = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if "date.today()" in code or "datetime.now(" in code or "time.time()" in code:
                offences.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offences == []
