"""``_`` is the translation function: a template or module that also uses ``_`` as a
throwaway name (``{% set _ = list.append(x) %}``, ``user, _ = pair``) hides it, and the next
``_("...")`` fails with "'NoneType' object is not callable" (in a macro) or "'dict' object
is not callable" (in a view): a 500 on the page instead of the text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html"))
MODULES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pb").rglob("*.py")
                 if "gettext as _\n" in p.read_text(encoding="utf-8"))
SETS_UNDERSCORE = re.compile(r"\{%-?\s*(?:set|for)\s+(?:[\w\s,]*,\s*)?_\s*(?:,|=|in\b)")


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_do_not_assign_underscore(name):
    source = (ROOT / name).read_text(encoding="utf-8")
    lines = [n + 1 for n, line in enumerate(source.splitlines()) if SETS_UNDERSCORE.search(line)]
    assert lines == [], f"{name} assigns _ on lines {lines}: use another name (ignored)"


def _binds_underscore(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.For, ast.comprehension, ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets = [node.optional_vars]
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and name.id == "_":
                    found.append(getattr(name, "lineno", 0))
    return found


@pytest.mark.parametrize("name", MODULES)
def test_modules_that_translate_do_not_assign_underscore(name):
    tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
    assert _binds_underscore(tree) == [], f"{name} assigns _: use another name"


def test_the_checks_find_the_mistakes():
    assert SETS_UNDERSCORE.search("{% set _ = described.append(x) %}")
    assert SETS_UNDERSCORE.search("{% for _, row in rows %}")
    assert not SETS_UNDERSCORE.search("{% set ignored = described.append(x) %}")
    assert not SETS_UNDERSCORE.search("{% set _x = 1 %}")
    assert _binds_underscore(ast.parse("user, _ = pair\nfor _ in x: pass")) == [1, 2]
    assert _binds_underscore(ast.parse("[1 for _ in x]")) == [1]
    assert _binds_underscore(ast.parse("user, _token = pair")) == []
