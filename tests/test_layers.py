"""Imports point one way: web, cli and worker -> jobqueue -> jobs -> services -> domain and
models. Read from the source (every import, also those inside functions), so a back-edge
hidden in a function body is found too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.domain_only

PACKAGE = Path(__file__).resolve().parents[1] / "reviewq"
# module (or package) -> what it may never import
FORBIDDEN = {
    "reviewq.domain": ("flask", "reviewq.services", "reviewq.jobs", "reviewq.jobqueue"),
    "reviewq.models": ("flask.", "reviewq.services", "reviewq.jobs", "reviewq.jobqueue"),
    "reviewq.services": ("flask", "reviewq.jobs", "reviewq.jobqueue", "reviewq.web"),
    "reviewq.jobs": ("reviewq.jobqueue", "reviewq.web", "reviewq.worker", "reviewq.cli"),
    "reviewq.jobqueue": ("reviewq.web", "reviewq.worker", "reviewq.cli"),
}
UPPER = ("reviewq.web", "reviewq.worker", "reviewq.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, relative imports resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _matches(imported: str, prefix: str) -> bool:
    return imported == prefix.rstrip(".") or imported.startswith(prefix.rstrip(".") + ".")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _module_name(p))
def test_imports_point_one_way(path: Path) -> None:
    name = _module_name(path)
    rules = [bad for owner, bad in FORBIDDEN.items() if _matches(name, owner)]
    wrong = sorted(
        {
            imported
            for imported in _imports(path)
            for bad in rules
            for prefix in bad
            if _matches(imported, prefix)
        }
    )
    assert wrong == [], f"{name} imports {wrong}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "services").glob("*.py")), ids=lambda p: p.stem)
def test_services_leave_the_commit_to_their_caller(path: Path) -> None:
    commits = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]
    assert commits == [], f"{path.name} commits or rolls back on lines {commits}"


def test_nothing_below_the_entry_points_imports_them() -> None:
    for path in _modules():
        name = _module_name(path)
        if name in ("reviewq", *UPPER) or any(_matches(name, u) for u in UPPER):
            continue
        up = [i for i in _imports(path) for u in UPPER if _matches(i, u)]
        assert up == [], f"{name} imports {up}"
