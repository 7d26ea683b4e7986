"""The package reads as its data flow: lower layers never import higher ones, no import cycles, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "monitor"

# Lowest first. A module may import its own package and any package of a lower layer, nothing else.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("monitor.core",),
    ("monitor.decide", "monitor.render"),
    ("monitor.config",),
    ("monitor.sources", "monitor.store"),
    ("monitor.notify",),
    ("monitor.app",),
    ("monitor.web",),
    ("monitor.cli", "monitor.service", "monitor.__main__"),
)
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str:
    """The layer unit a module belongs to: the longest listed prefix."""
    if any(module == u or module.startswith(u + ".") for u in LAYERS[-1]):
        return "entry points"  # the top layer's modules wire everything together, each other included
    units = [u for layer in LAYERS for u in layer if module == u or module.startswith(u + ".")]
    if module == "monitor":
        return "monitor"
    assert units, f"{module} belongs to no layer: add its package to LAYERS"
    return max(units, key=len)


def _rank(unit: str) -> int:
    if unit == "entry points":
        return len(LAYERS) - 1
    if unit == "monitor":
        return -1  # the package's own __init__ (version string) is below everything
    return next(i for i, layer in enumerate(LAYERS) if unit in layer)


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


def _imports(path: Path, module: str) -> set[str]:
    """Every module of ours this file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "monitor")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level] if path.name != "__init__.py" else module.split(".")
                if path.name == "__init__.py" and node.level > 1:
                    base = module.split(".")[: -(node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name.split(".")[0] == "monitor":
                # `from monitor.web import routes` imports the module monitor.web.routes when there is one
                found.update(f"{name}.{a.name}" if _is_module(f"{name}.{a.name}") else name for a in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: _imports(path, name) for name, path in modules.items()}


def test_lower_layers_never_import_higher_ones() -> None:
    violations = []
    for module, imported in _graph().items():
        own = _unit(module)
        for target in imported:
            other = _unit(target)
            if other != own and _rank(other) >= _rank(own):
                violations.append(f"{module} imports {target} ({own} may not depend on {other})")
    assert not violations, "\n".join(sorted(violations))


def test_no_import_cycles() -> None:
    graph = _graph()
    known = set(graph)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    edges = {m: {r for t in ts if (r := resolve(t)) and r != m} for m, ts in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt):], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)


def test_modules_stay_small() -> None:
    big = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines (split them by job): {big}"


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The walker sees an upward import, also one inside a function (so the tests above can fail)."""
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from monitor.app.cycle import run_cycle\n", encoding="utf-8")
    imported = _imports(source, "monitor.sources.probe")
    assert imported == {"monitor.app.cycle"}
    assert _rank(_unit("monitor.app.cycle")) > _rank(_unit("monitor.sources.probe"))
