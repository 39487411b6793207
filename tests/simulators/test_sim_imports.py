"""The simulators' modules depend on each other one way: boards on the world, the world on
its parts, room and clock, never back (not even inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import simulators
from simulators import World

PACKAGE = Path(simulators.__file__).parent

#: module -> the sibling modules it must not import, at any depth of its code.
FORBIDDEN = {
    "world": {"uno", "pi", "arduino", "protocol_sim", "transports", "fleet", "cli"},
    "parts": {"world", "uno", "pi", "arduino"},
    "room": {"world", "uno", "pi", "parts"},
    "clock": {"world", "uno", "pi", "parts", "room"},
    "wiring": {"world", "uno", "pi", "parts"},
}


def runtime_imports(module: str) -> set[str]:
    """Sibling modules that ``module`` imports when it runs (``TYPE_CHECKING`` blocks aside)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                   for node in ast.walk(block)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and id(node) not in typing_only:
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.module and node.module.startswith("simulators."):
                found.add(node.module.split(".")[1])
    return found


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_module_does_not_import_back(module):
    assert not runtime_imports(module) & FORBIDDEN[module]


def test_world_makes_boards_through_the_registry():
    with World(seed=3) as world:
        uno = world.add_uno("blink", name="u1")
        assert world.boards["u1"] is uno
        with pytest.raises(simulators.ConfigError, match="kinds: uno, pi"):
            world.add_board("esp32")
