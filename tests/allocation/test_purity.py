"""The allocation core is pure: importing it pulls in neither Flask nor SQLAlchemy."""
from __future__ import annotations

import json
import subprocess
import sys

from .helpers import REPO


def test_import_pulls_in_no_web_or_database_layer():
    code = ("import json, sys; import pb.allocation, pb.allocation.__main__; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'jinja2'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_core_modules_import_only_the_standard_library():
    """Every import in pb/allocation is stdlib or pb.allocation itself (checked on the source)."""
    import ast

    allowed_roots = set(sys.stdlib_module_names) | {"pb"}
    for path in (REPO / "pb" / "allocation").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed_roots, f"{path}: imports {name}"
                if name.startswith("pb"):
                    assert name.startswith("pb.allocation"), f"{path}: imports {name}"
