"""The house plan, kept true: imports run only the way DESIGN.md's arrows point, no two modules
import each other (directly or round a loop), and no module imports another's private name.

Every import counts, at the top of a module or inside a function, since an import tucked into a
function is still a dependency that can form a cycle. Imports under ``if TYPE_CHECKING:`` count
for the arrows and private names; they never run, so they are left out of the cycle check (the
ORM's two-way relationships name each other's classes in annotations only).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("config", "service", "media_pipeline", "workers", "web")

# Which parts each part may import (DESIGN.md): web -> service -> config; web -> workers ->
# service; workers -> media_pipeline, which imports nothing of ours.
ALLOWED = {
    "config": set(),
    "service": {"config"},
    "media_pipeline": set(),
    "workers": {"service", "media_pipeline", "config"},
    "web": {"service", "workers", "config"},
}
# Inside service, the upload use case is the one module of the clips area that builds on the
# coaching and privacy areas (a rehearsal's step, the upload's privacy choices).
AREA_RULES = {
    "service.clips": ({"service.coaching", "service.privacy"}, {"service.clips.upload"}),
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (the longest of ours that the name resolves to)
    name: str  # the name as written: a module, or a name taken from one
    line: int
    type_only: bool


def module_name(root: Path, path: Path) -> str:
    """Return a file's dotted module name (a package's __init__ names the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def find_modules(root: Path) -> dict[str, Path]:
    """Return every module of ours under root, by dotted name."""
    found = {}
    for part in PARTS:
        for path in sorted((root / part).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterable[Import]:
    """Yield every import of one of our modules in the file, wherever it is written."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    type_only = _type_checking_lines(tree)

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = resolve(alias.name)
                if target:
                    yield Import(name, target, alias.name, node.lineno, node.lineno in type_only)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                target = full if full in modules else resolve(base)
                if target:
                    yield Import(name, target, alias.name, node.lineno, node.lineno in type_only)


def all_imports(root: Path = ROOT) -> list[Import]:
    """Return every import between our modules under root."""
    modules = find_modules(root)
    return [i for name, path in modules.items() for i in imports_of(name, path, modules)]


def outward_imports(imports: Iterable[Import]) -> list[str]:
    """Return the imports that run against the arrows, as readable lines."""
    wrong = []
    for i in imports:
        source, target = i.source.split(".")[0], i.target.split(".")[0]
        if source != target and target not in ALLOWED[source]:
            wrong.append(f"{i.source}:{i.line} imports {i.target} ({source} may not use {target})")
        for area, (forbidden, exempt) in AREA_RULES.items():
            inside = i.source == area or i.source.startswith(area + ".")
            if inside and i.source not in exempt:
                for other in forbidden:
                    if i.target == other or i.target.startswith(other + "."):
                        wrong.append(f"{i.source}:{i.line} imports {i.target} (only {exempt})")
    return wrong


def private_imports(imports: Iterable[Import]) -> list[str]:
    """Return the imports of a name another module keeps private (a leading underscore)."""
    return [
        f"{i.source}:{i.line} imports {i.name} from {i.target}"
        for i in imports
        if i.name.rpartition(".")[2].startswith("_") and i.target != i.source
    ]


def cycles(imports: Iterable[Import]) -> list[list[str]]:
    """Return each group of modules that import one another round a loop (Tarjan's SCCs)."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        if not i.type_only and i.source != i.target:
            graph.setdefault(i.source, set()).add(i.target)
            graph.setdefault(i.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_follow_the_arrows():
    assert outward_imports(all_imports()) == []


def test_no_module_imports_anothers_private_names():
    assert private_imports(all_imports()) == []


def test_no_import_cycles():
    assert cycles(all_imports()) == []


# The checks must catch what they are for: each planted fault below is found.


def _plant(tmp_path: Path, files: dict[str, str]) -> list[Import]:
    for part in PARTS:
        (tmp_path / part).mkdir(exist_ok=True)
        (tmp_path / part / "__init__.py").write_text("")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return all_imports(tmp_path)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # service may not reach media_pipeline, even from inside a function
        (
            {"service/talk.py": "def f():\n    from media_pipeline import speakers\n"},
            "service.talk:2 imports media_pipeline",
        ),
        # media_pipeline imports nothing of ours
        ({"media_pipeline/probe.py": "import config\n"}, "media_pipeline.probe:1 imports config"),
        # service never reaches up to web or workers
        ({"service/y.py": "from web import create_app\n"}, "service.y:1 imports web"),
        ({"service/x.py": "from workers.queues import q\n"}, "service.x:1 imports workers"),
        # web does not drive media_pipeline itself
        ({"web/cli.py": "from media_pipeline import probe\n"}, "web.cli:1 imports media_pipeline"),
        # only the upload use case of the clips area builds on coaching
        (
            {"service/clips/lifecycle.py": "from service.coaching import steps\n"},
            "service.clips.lifecycle:1 imports service.coaching",
        ),
    ],
)
def test_a_planted_outward_import_is_found(tmp_path, files, expected):
    (tmp_path / "service" / "coaching").mkdir(parents=True)
    (tmp_path / "service" / "coaching" / "__init__.py").write_text("")
    (tmp_path / "service" / "clips").mkdir()
    (tmp_path / "service" / "clips" / "__init__.py").write_text("")
    (tmp_path / "service" / "clips" / "upload.py").write_text("from service.coaching import x\n")
    found = outward_imports(_plant(tmp_path, files))
    assert len(found) == 1 and found[0].startswith(expected)


def test_a_planted_cycle_is_found_even_through_a_function(tmp_path):
    imports = _plant(
        tmp_path,
        {
            "service/a.py": "from service import b\n",
            "service/b.py": "def f():\n    from service.c import x\n",
            "service/c.py": "import service.a\n",
            "service/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from service.a import y\n",
            "service/e.py": "from service.d import z\n",
        },
    )
    assert cycles(imports) == [["service.a", "service.b", "service.c"]]


def test_a_planted_private_import_is_found(tmp_path):
    imports = _plant(
        tmp_path,
        {
            "workers/jobs.py": "def _workdir():\n    pass\n",
            "workers/blur.py": "from workers.jobs import _workdir, public\n",
            "workers/ok.py": "from workers import jobs\n",
        },
    )
    assert private_imports(imports) == ["workers.blur:1 imports _workdir from workers.jobs"]


def test_no_module_is_longer_than_400_lines():
    long = []
    for path in find_modules(ROOT).values():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 400 and "migrations" not in path.parts:
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    scripts = (ROOT / "web" / "static").glob("**/*.js")
    for path in scripts:
        if "vendor" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 400:
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert long == []
