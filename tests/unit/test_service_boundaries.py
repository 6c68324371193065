"""No service imports another service, and shared/ imports no service: each service is
deployed on its own and talks to the others only over topics and HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir()
                  if (p / "__init__.py").exists())


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def crossings(package: Path, allowed: str | None) -> list[str]:
    bad = []
    for path in sorted(package.rglob("*.py")):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "services" and len(parts) > 1 and parts[1] != allowed:
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
            if parts[0] in ("tools", "benchmarks", "tests"):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


def test_every_service_imports_only_itself_and_shared():
    assert len(SERVICES) == 5
    bad = [line for name in SERVICES
           for line in crossings(ROOT / "services" / name, allowed=name)]
    assert bad == []


def test_shared_imports_no_service():
    assert crossings(ROOT / "shared", allowed=None) == []


def test_the_check_sees_a_crossing(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("from services.registry.domain import FairShareResult\nimport tools.cli\n")
    assert imported_modules(module) == {"services.registry.domain", "tools.cli"}
