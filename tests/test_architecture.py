"""The house's plan, read from the source: the import graph of model/ (every import
statement, at module level or inside a function, read with ast) has no cycle; shared code
imports no model; models.py (the Model type and the registry) imports no command; a
command reaches a model only through the registry."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from model import models

PKG = Path(__file__).resolve().parent.parent / "model"
COMMANDS = {"model.__main__", "model.audit", "model.build", "model.refresh", "model.diff",
            "model.textconv", "model.bench", "model.excel"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts}


def _resolve(mod: str, is_pkg: bool, level: int, target: str | None) -> str:
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[:len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([target] if target else []))


def import_graph(modules: dict[str, Path] | None = None) -> dict[str, set[str]]:
    """module -> the modules of model/ it imports (module- and function-level). ``from . import
    x`` is an edge to the submodule x where there is one, else to the package."""
    modules = modules or _modules()
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        is_pkg = path.name == "__init__.py"
        out: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "model" or a.name.startswith("model."):
                        out.add(a.name)
            elif isinstance(node, ast.ImportFrom):
                src = (_resolve(mod, is_pkg, node.level, node.module) if node.level
                       else node.module or "")
                if not (src == "model" or src.startswith("model.")):
                    continue
                for a in node.names:
                    sub = f"{src}.{a.name}"
                    out.add(sub if sub in modules else src)
        graph[mod] = {m for m in out if m in modules and m != mod}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _model_packages() -> set[str]:
    """The packages of the registered models ('model.lenovo', 'model.peers')."""
    return {spec.partition(":")[0] for spec in models.REGISTRY.values()}


def _in(mod: str, pkg: str) -> bool:
    return mod == pkg or mod.startswith(pkg + ".")


def test_the_graph_sees_function_level_imports():
    """The reader of the graph is not blind: an import inside a function is an edge, and a
    made-up loop through one is found."""
    g = import_graph()
    assert "model.models" in g["model.lenovo"]          # inside model(): from ..models import Model
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles in model/: " + "; ".join(" <-> ".join(c) for c in found)


def test_shared_code_imports_no_model():
    """Nothing outside a model's package imports from it (commands reach models through
    models.REGISTRY), except another model (the peers model reads Lenovo's data file)."""
    pkgs = _model_packages()
    g = import_graph()
    bad = []
    for mod, deps in sorted(g.items()):
        own = next((p for p in pkgs if _in(mod, p)), None)
        for dep in sorted(deps):
            other = next((p for p in pkgs if _in(dep, p)), None)
            if other and other != own and own is None:
                bad.append(f"{mod} imports {dep}")
    assert not bad, "shared code importing a model: " + "; ".join(bad)


def test_core_imports_only_core():
    g = import_graph()
    bad = [f"{m} imports {d}" for m, deps in g.items() if _in(m, "model.core")
           for d in deps if not _in(d, "model.core") and d not in ("model", "model.errors")]
    assert not bad, bad


def test_models_imports_no_command():
    g = import_graph()
    assert not (g["model.models"] & COMMANDS), g["model.models"] & COMMANDS
    assert not any(_in(d, p) for d in g["model.models"] for p in _model_packages())


@pytest.mark.parametrize("key", sorted(models.REGISTRY))
def test_every_model_is_a_package_of_the_same_shape(key):
    pkg = models.REGISTRY[key].partition(":")[0]
    where = PKG.parent.joinpath(*pkg.split("."))
    have = {p.stem for p in where.glob("*.py")}
    assert {"__init__", "spec", "layout", "inputs", "reader", "reference"} <= have, sorted(have)


def test_one_exception_family():
    """Every error class the package defines derives from model.errors.ModelError (which the
    command line turns into its one-line message), keeping its older base."""
    import importlib
    import inspect

    from model.errors import ModelError
    found = {}
    for mod in _modules():
        module = importlib.import_module(mod)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == mod
                    and not name.startswith("_")):
                found[f"{mod}.{name}"] = obj
    assert len(found) >= 9
    outside = sorted(k for k, v in found.items() if not issubclass(v, ModelError))
    assert outside == [], outside


def test_the_cli_turns_a_model_error_into_one_line(tmp_path, capsys):
    from model.__main__ import main
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,data,file\n", encoding="utf-8")
    assert main(["build", "--model", "lenovo_isg", "--data", str(bad), "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the data file has problems") and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["textconv", str(tmp_path / "none.xlsx")]) == 2
