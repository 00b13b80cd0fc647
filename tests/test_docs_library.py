"""docs/library.md: every example on the page runs, in order, on one fresh store.

The page documents the core's public functions with one example each; running
its blocks here means the documentation fails the moment the code moves away
from it (a renamed function, a changed argument, a different answer).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "docs" / "library.md"
BLOCK = re.compile(r"^```python\n(.*?)^```\n", re.DOTALL | re.MULTILINE)
SECTION = re.compile(r"^### (.+)$", re.MULTILINE)


def sections() -> list[tuple[list[str], str]]:
    """(the functions a section is about, as `keepgoing.core.MODULE.NAME`, its code) for each
    `### ` section, in order."""
    text = LIBRARY.read_text(encoding="utf-8")
    found = []
    heads = list(SECTION.finditer(text))
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : following.start() if following else len(text)]
        names = re.findall(r"`([\w.]+)`", head[1])
        found.append((names, "".join(BLOCK.findall(body))))
    return found


def test_every_example_runs_in_order_on_a_fresh_store(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    text = LIBRARY.read_text(encoding="utf-8")
    namespace: dict[str, object] = {"__name__": "library_md"}
    for number, code in enumerate(BLOCK.findall(text), 1):
        exec(compile(code, f"docs/library.md, example {number}", "exec"), namespace)
    assert "Zoe" in capsys.readouterr().out  # the NotFound example printed its sentence
    assert (tmp_path / "example.db").exists()


@pytest.mark.parametrize("names, code", [pytest.param(n, c, id="-".join(n)) for n, c in sections()])
def test_each_section_shows_its_functions_from_the_core(names: list[str], code: str) -> None:
    assert names and code, "each section names a function and has an example"
    for dotted in names:
        module, _, name = dotted.rpartition(".")
        assert module.startswith("keepgoing.core."), f"{dotted}: a section names a core function in full"
        assert callable(getattr(importlib.import_module(module), name, None)), f"{dotted} is not in the core"
        imported = re.search(rf"^from {re.escape(module)} import .*\b{name}\b", code, re.MULTILINE)
        assert imported, f"the example for {dotted} imports it from {module}"
        assert re.search(rf"\b{name}\(", code), f"the example calls {name}"
