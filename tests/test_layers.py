"""The ETL's import graph stays one-way and in plain sight.

The layer order is defined once, in etl/__init__.py (LAYERS). Every module under
etl/ is parsed (not imported) and must:
- import only from its own layer or the layers below it;
- not import a private name (`_x`) of another package, nor reach one through a module it imported;
- import at the top of the module, except in the one place that loads Ray lazily (an optional extra) and
  in the command line (etl/cli.py), whose commands import what they run so that start-up stays fast;
- load a module on demand (importlib.import_module) only in the few modules listed in ON_DEMAND, each from a
  table of names at its top, and only modules of its own layer or below.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from etl import LAYERS

ROOT = Path(__file__).resolve().parent.parent
ETL = ROOT / "etl"
# The parser's own files are being rebuilt (Parser v3); their imports inside functions move to the
# top there. Only this one kind of breach is let through for them, and only until then.
PARSER_LAZY_IMPORTS = {"etl/parse/budget.py", "etl/parse/decode.py", "etl/parse/stream.py", "etl/parse/vertical.py"}
# Ray is an optional extra (the cluster engine): the one function that imports it when first needed.
RAY_LOADER = ("etl/lake/ray_ingest.py", "load_ray")
# The command line imports each command's modules inside the command: the parser, the checks, DuckDB and
# the trust model take seconds to import, and `jixiao --help` or a mistyped option must answer at once.
# The one module so exempt; every module it calls imports at its top.
CLI_MODULE = "etl/cli.py"
# The modules that import some dependencies on demand, through importlib.import_module and the table (named
# here) at their top that lists what they load: each keeps seconds of imports out of the commands that never
# use them (`jixiao import` reads exports only: no document reader, parser, trust model, openpyxl or xlrd).
# A named, short list: a new entry is a decision, not a habit (test_on_demand_imports_stay_few).
ON_DEMAND = {
    "etl/read/__init__.py": "READERS",  # a reader per format, imported when a file of that format is read
    "etl/per_file.py": "DOCUMENT_STEPS",  # the parser and the trust model, when a document is read
    "etl/structured/sheets.py": "FALLBACKS",  # openpyxl / xlrd, when calamine refuses a workbook
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    """The unit LAYERS names: etl.read for etl.read.pdf, etl.pipeline for etl.pipeline."""
    return ".".join(module.split(".")[:2])


LAYER_OF = {pkg: i for i, (_, pkgs) in enumerate(LAYERS) for pkg in pkgs}
MODULES = sorted(ETL.rglob("*.py"))


def _imports(tree: ast.Module, path: Path):
    """(node, imported module, names) for every import; relative imports resolved."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            yield node, base, [a.name for a in node.names]


def _function_imports(tree: ast.Module) -> dict[int, tuple[str, ast.AST]]:
    """id(import node) -> (name of the outermost function holding it, node), for imports inside functions."""
    inside = {}
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    inside.setdefault(id(node), (fn.name, node))
    return inside


def test_every_package_has_a_layer():
    packages = {_package(_module(p)) for p in MODULES} - {"etl"}
    assert packages <= set(LAYER_OF), f"add to LAYERS in etl/__init__.py: {sorted(packages - set(LAYER_OF))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_down_and_stay_public(path):
    module = _module(path)
    package = _package(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules_by_alias = {}
    for node, target, names in _imports(tree, path):
        if not target.startswith("etl.") and target != "etl":
            continue
        other = _package(target)
        if other != "etl" and package != "etl":
            assert LAYER_OF[other] <= LAYER_OF[package], (
                f"{module} imports {target}: layer '{LAYERS[LAYER_OF[other]][0]}' is above "
                f"'{LAYERS[LAYER_OF[package]][0]}'")
        for name in names:
            if other != package:
                assert not name.startswith("_"), f"{module} imports the private {target}.{name}"
            if isinstance(node, ast.ImportFrom):
                modules_by_alias[name] = f"{target}.{name}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules_by_alias[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):  # store._write(...) reaches a private name through a module
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            target = modules_by_alias.get(node.value.id, "")
            if target.startswith("etl.") and _package(target) != package:
                assert False, f"{module} uses the private {target}.{node.attr}"


@pytest.mark.parametrize("path", [p for p in MODULES if str(p.relative_to(ROOT)) not in PARSER_LAZY_IMPORTS | {CLI_MODULE}],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_at_the_top(path):
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy = [node.lineno for fn, node in _function_imports(tree).values()
            if not ((rel, fn) == RAY_LOADER and isinstance(node, ast.Import) and node.names[0].name == "ray")]
    assert not lazy, f"{rel}: imports inside functions at lines {sorted(lazy)}"


def test_ray_is_loaded_in_one_place():
    tree = ast.parse((ROOT / RAY_LOADER[0]).read_text(encoding="utf-8"))
    assert any(fn == RAY_LOADER[1] for fn, _ in _function_imports(tree).values())
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        if str(path.relative_to(ROOT)) != RAY_LOADER[0]:
            assert "import ray" not in text, f"{path}: Ray is loaded by {RAY_LOADER[0]}:{RAY_LOADER[1]}() only"


def test_no_two_modules_share_a_file_name():
    """A file's name says what it holds, once: `settings.py` in two packages (or `pdf.py` for a reader and
    a writer) sends a newcomer, a traceback and a grep to the wrong one."""
    seen: dict[str, list[str]] = {}
    for root in (ETL, ROOT / "dashboard"):
        for path in root.rglob("*.py"):
            if path.name != "__init__.py":
                seen.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}


def _loads_on_demand(tree: ast.Module) -> list[int]:
    """Lines calling importlib.import_module (or import_module, __import__)."""
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
        or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_on_demand_imports_are_listed_and_go_down(path):
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = _loads_on_demand(tree)
    if rel not in ON_DEMAND:
        assert not calls, f"{rel}: modules loaded on demand at lines {calls}: list the module in ON_DEMAND, or import at the top"
        return
    assert calls, f"{rel} is listed in ON_DEMAND but loads nothing on demand: take it off the list"
    table = [node.value for node in tree.body if isinstance(node, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == ON_DEMAND[rel] for t in node.targets)]
    assert table, f"{rel}: the table {ON_DEMAND[rel]} of what it loads is not at the module's top"
    names = [n.value for n in ast.walk(table[0]) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    package = _package(_module(path))
    for name in names:
        if name.startswith("etl."):
            other = _package(name)
            assert LAYER_OF[other] <= LAYER_OF[package], (
                f"{rel} loads {name} on demand: layer '{LAYERS[LAYER_OF[other]][0]}' is above "
                f"'{LAYERS[LAYER_OF[package]][0]}'")


def test_on_demand_imports_stay_few():
    assert len(ON_DEMAND) <= 4, "imports at the top are the rule; loading on demand is for start-up costs that matter"
    for rel in ON_DEMAND:
        assert (ROOT / rel).exists(), f"ON_DEMAND lists {rel}, which is gone"


def test_import_command_loads_no_document_path():
    """`jixiao import` reads exports only: the modules its command imports leave the document readers, the
    parser, the trust model and the fallback workbook libraries unloaded (they cost ~1 s of start-up)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from etl.limits import Limits\nfrom etl.inputs import discover, display_name\n"
            "from etl.pipeline import ingest_paths\nfrom etl.lake.attach import lake_of\n"
            "print(sorted(m for m in ('etl.parse', 'etl.trust', 'openpyxl', 'xlrd', 'pdfplumber', 'docx', 'bs4') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
