"""Every dataclass in the source has a docstring, so importing it stays cheap.

Without one, @dataclass builds __doc__ from inspect.signature(cls) while the module is imported,
which every command pays for at start-up.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "keepgoing"


def is_dataclass_decorator(decorator: ast.expr) -> bool:
    """`@dataclass`, `@dataclass(...)`, `@dataclasses.dataclass` or `@dataclasses.dataclass(...)`."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Name):
        return target.id == "dataclass"
    return isinstance(target, ast.Attribute) and target.attr == "dataclass"


def undocumented_dataclasses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of each dataclass in the tree that has no docstring."""
    return [
        (node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(is_dataclass_decorator(decorator) for decorator in node.decorator_list)
        and ast.get_docstring(node) is None
    ]


def test_the_check_finds_both_decorator_forms_and_passes_a_docstring() -> None:
    tree = ast.parse(
        "from dataclasses import dataclass\n"
        "@dataclass\nclass Bare:\n    x: int\n"
        "@dataclass(frozen=True)\nclass Called:\n    x: int\n"
        "@dataclass\nclass Documented:\n    '''Said.'''\n    x: int\n"
        "class Plain:\n    x: int\n"
    )
    assert [name for _, name in undocumented_dataclasses(tree)] == ["Bare", "Called"]


def test_every_dataclass_has_a_docstring() -> None:
    missing = [
        f"{path.relative_to(SOURCE)}:{line} {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        for line, name in undocumented_dataclasses(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not missing, "dataclasses without a docstring:\n" + "\n".join(missing)
