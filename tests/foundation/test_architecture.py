"""The rules of docs/architecture.md, checked on the source (no imports are executed).

Layers: the allocation core; models; the frame (pb/*.py); areas (pb/<area>/); the API
(pb/api/); the demo (pb/demo/). Each test names the rule it enforces; ALLOWED_* lists
the few known exceptions, each with its reason, until their owners split them.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PB = Path(__file__).resolve().parents[2] / "pb"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# Frame modules that wire the areas into the app, and so may import them.
WIRING = {"pb", "pb.app", "pb.cli"}
NOT_AREAS = {"allocation", "models", "api", "demo"}

# path relative to pb/ -> why it is still over MAX_MODULE_LINES
ALLOWED_LONG_MODULES: dict[str, str] = {
}
# "path::function" -> why it is still over MAX_FUNCTION_LINES
ALLOWED_LONG_FUNCTIONS: dict[str, str] = {
}


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: set[str] = field(default_factory=set)  # every module or module.name imported
    private: list[str] = field(default_factory=list)  # private names taken from elsewhere

    @property
    def relative(self) -> str:
        return self.path.relative_to(PB).as_posix()

    @property
    def layer(self) -> str:
        parts = self.name.split(".")
        if len(parts) == 1 or self.path.parent == PB:
            return "frame"
        return parts[1] if parts[1] in NOT_AREAS else "area"

    @property
    def area(self) -> str | None:
        return self.name.split(".")[1] if self.layer == "area" else None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PB.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _load() -> dict[str, Module]:
    modules = {}
    for path in sorted(PB.rglob("*.py")):
        name = _module_name(path)
        modules[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8")))
    for module in modules.values():
        _read_imports(module, modules)
    return modules


def _read_imports(module: Module, modules: dict[str, Module]) -> None:
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    bound: dict[str, str] = {}  # local name -> pb module it refers to
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                module.imports.add(alias.name)
                bound[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            module.imports.add(source)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                module.imports.add(full)
                if full in modules:
                    bound[alias.asname or alias.name] = full
                elif alias.name.startswith("_") and source != module.name:
                    module.private.append(f"from {source} import {alias.name}")
    for node in ast.walk(module.tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in bound and _private(node.attr)
                and bound[node.value.id] != module.name):
            module.private.append(f"{bound[node.value.id]}.{node.attr}")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


MODULES = _load()


def _pb_imports(module: Module) -> set[str]:
    return {name for name in module.imports if name == "pb" or name.startswith("pb.")}


def _is_view(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def _imported_modules(module: Module) -> set[str]:
    """The pb modules ``module`` imports (``from pb.x import name`` counts as pb.x)."""
    return {name if name in MODULES else name.rpartition(".")[0]
            for name in _pb_imports(module)} & set(MODULES)


# The allocation core ---------------------------------------------------------------------

def test_the_core_imports_only_the_standard_library_and_itself():
    allowed = set(sys.stdlib_module_names)
    wrong = [f"{m.relative}: {name}" for m in MODULES.values() if m.layer == "allocation"
             for name in m.imports
             if name and name.split(".")[0] not in allowed
             and not name.startswith("pb.allocation")]
    assert not wrong, "the core must stay pure (no Flask, no SQLAlchemy):\n" + "\n".join(wrong)


def test_outside_the_core_only_its_public_api_is_imported():
    wrong = [f"{m.relative}: {name}" for m in MODULES.values() if m.layer != "allocation"
             for name in _imported_modules(m)
             if name.startswith("pb.allocation.")]
    assert not wrong, "import from pb.allocation, not its modules:\n" + "\n".join(wrong)


# What runs the core: only the results area turns the ORM into core data and runs a rule.
CORE_RUNNING = {"allocate", "compare", "Instance", "Profile", "Project", "Ballot", "Constraints",
                "RULES", "parse_pb", "read_pb", "write_pb"}


def test_only_the_results_area_runs_the_core():
    wrong = [f"{m.relative}: {name}" for m in MODULES.values()
             if m.layer != "allocation" and not m.name.startswith("pb.results")
             for name in m.imports
             if name.startswith("pb.allocation.") and name.rsplit(".", 1)[-1] in CORE_RUNNING]
    assert not wrong, "go through pb.results.services:\n" + "\n".join(wrong)


# Layers --------------------------------------------------------------------------------------

def _layer_of(name: str) -> str:
    return MODULES[name].layer


def test_models_import_only_the_core_the_extensions_and_each_other():
    allowed = {"pb.extensions"}
    wrong = [f"{m.relative}: {name}" for m in MODULES.values() if m.layer == "models"
             for name in _imported_modules(m)
             if name not in allowed and _layer_of(name) not in ("models", "allocation")]
    assert not wrong, "\n".join(wrong)


def test_the_frame_never_imports_an_area_the_api_or_the_demo():
    wrong = [f"{m.relative}: {name}" for m in MODULES.values()
             if m.layer == "frame" and m.name not in WIRING
             for name in _imported_modules(m)
             if _layer_of(name) in ("area", "api", "demo")]
    assert not wrong, "\n".join(wrong)


def test_nothing_but_the_wiring_imports_the_cli_the_app_or_the_demo():
    wrong = [f"{m.relative}: {name}" for m in MODULES.values() if m.name not in WIRING
             and m.layer != "demo"
             for name in _imported_modules(m)
             if name in ("pb.cli", "pb.app") or _layer_of(name) == "demo"]
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_areas_views():
    wrong = [f"{m.relative}: {name}" for m in MODULES.values() if m.name not in WIRING
             for name in _imported_modules(m)
             if _is_view(name) and MODULES[name].area != m.area]
    assert not wrong, "use pb.loaders or the area's services and queries:\n" + "\n".join(wrong)


def test_no_view_imports_the_cli():
    wrong = [m.relative for m in MODULES.values()
             if _is_view(m.name) and "pb.cli" in _imported_modules(m)]
    assert not wrong, wrong


def test_no_private_name_is_imported_across_modules():
    wrong = [f"{m.relative}: {name}" for m in MODULES.values() for name in m.private]
    assert not wrong, "make the name public, or keep it in its module:\n" + "\n".join(wrong)


# Sizes ---------------------------------------------------------------------------------------

def _functions(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_no_module_is_over_the_limit():
    wrong = []
    for module in MODULES.values():
        lines = len(module.path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES and module.relative not in ALLOWED_LONG_MODULES:
            wrong.append(f"{module.relative}: {lines} lines")
    assert not wrong, f"split these by use case (limit {MAX_MODULE_LINES}):\n" + "\n".join(wrong)


def test_no_function_is_over_the_limit():
    wrong = []
    for module in MODULES.values():
        for node in _functions(module.tree):
            length = node.end_lineno - node.lineno + 1
            key = f"{module.relative}::{node.name}"
            if length > MAX_FUNCTION_LINES and key not in ALLOWED_LONG_FUNCTIONS:
                wrong.append(f"{key}: {length} lines")
    assert not wrong, f"limit {MAX_FUNCTION_LINES} lines:\n" + "\n".join(wrong)


@pytest.mark.parametrize("allowed", [*ALLOWED_LONG_MODULES, *ALLOWED_LONG_FUNCTIONS])
def test_each_allowance_is_still_needed(allowed):
    """An allowance goes as soon as its module or function is within the limit."""
    path, _, function = allowed.partition("::")
    module = next((m for m in MODULES.values() if m.relative == path), None)
    assert module is not None, f"{path} no longer exists"
    if not function:
        assert len(module.path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES
        return
    lengths = [n.end_lineno - n.lineno + 1 for n in _functions(module.tree)
               if n.name == function]
    assert lengths and max(lengths) > MAX_FUNCTION_LINES


# Authorisation -------------------------------------------------------------------------------

def test_every_policy_question_says_who_may():
    policy = MODULES["pb.policy"].tree
    missing = [node.name for node in policy.body if isinstance(node, ast.FunctionDef)
               and (node.name.startswith(("can_", "is_"))) and not ast.get_docstring(node)]
    assert not missing, missing


def test_services_refuse_with_domain_errors_not_http_ones():
    """Services and queries speak in pb.errors; aborting with an HTTP error is for views."""
    wrong = [f"{m.relative}: {name}" for m in MODULES.values()
             if m.layer == "area" and m.name.rsplit(".", 1)[-1] in (
                 "services", "review", "supports", "queries")
             for name in m.imports
             if name.startswith("werkzeug.exceptions") or name in ("flask.abort",
                                                                   "pb.policy.require")]
    assert not wrong, "\n".join(wrong)
