"""How discovery names the files of a walked tree that is outside the scan root, or holds it."""
from __future__ import annotations

import os
from pathlib import Path

from glmlint.discovery import discover


def _tree(tmp_path: Path) -> Path:
    top = tmp_path / "top"
    for d in ("inner/deep", "inner/deep/deeper", "side/deep", "inner-not"):
        (top / d).mkdir(parents=True)
        (top / d / "Dockerfile").write_text("FROM alpine\n")
    return top


def _shown(paths: list[str], root: str) -> dict[str, str]:
    return {c.path: c.display for c in discover(paths, root, render=False)}


def test_a_tree_outside_the_root_is_named_by_absolute_paths(tmp_path: Path) -> None:
    top = _tree(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    shown = _shown([str(top)], str(tmp_path / "elsewhere"))
    assert len(shown) == 4
    assert all(display == path and os.path.isabs(display) for path, display in shown.items())


def test_a_walk_that_holds_the_root_names_what_is_inside_it_relative(tmp_path: Path) -> None:
    top = _tree(tmp_path)
    shown = _shown([str(top)], str(top / "inner"))
    # inside the root: relative to it; beside it (`inner-not` only starts like it) and above: absolute
    assert sorted(shown.values()) == sorted([
        "deep/Dockerfile", "deep/deeper/Dockerfile",
        str(top / "side" / "deep" / "Dockerfile"), str(top / "inner-not" / "Dockerfile")])
    shown = _shown([str(top)], str(top / "inner" / "deep" / "deeper"))
    assert sorted(shown.values()) == sorted([
        "Dockerfile", str(top / "inner" / "deep" / "Dockerfile"),
        str(top / "side" / "deep" / "Dockerfile"), str(top / "inner-not" / "Dockerfile")])
