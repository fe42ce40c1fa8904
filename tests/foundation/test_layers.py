"""Which way the imports run: the base app names no other app (not even for typing)."""

import ast
from pathlib import Path

import apps.core

CORE = Path(apps.core.__file__).parent


def test_apps_core_imports_no_other_app() -> None:
    strays = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            strays += [f"{path.name}: {n}" for n in names if n.startswith("apps.") and not n.startswith("apps.core")]
    assert strays == []
