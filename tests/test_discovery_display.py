"""How discovery names the files of a walked tree that is outside the scan root, or holds it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def test_the_walk_lists_what_os_walk_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`discovery._tree` gives what `os.walk` gives, in its order: symbolic links to directories listed
    but not walked into (a link to a file, and a dangling one, among the files), a directory that
    cannot be listed left out, the directories the caller prunes or reorders walked as it left them."""
    from glmlint.discovery import _tree as walk

    top = _tree(tmp_path)
    (top / "inner" / "to-side").symlink_to(top / "side")
    (top / "inner" / "to-file").symlink_to(top / "side" / "deep" / "Dockerfile")
    (top / "inner" / "dangling").symlink_to(top / "missing")
    (top / "z" / "y").mkdir(parents=True)
    os.symlink(top, tmp_path / "view")  # a walk of a link given as the top goes through it
    for start in (str(top), str(tmp_path / "view"), str(top / "missing")):
        assert list(walk(start)) == list(os.walk(start))

    def pruned(listing):
        for dirpath, dirnames, filenames in listing:
            dirnames[:] = sorted((d for d in dirnames if d != "deep"), reverse=True)
            yield dirpath, list(dirnames), filenames

    got = list(pruned(walk(str(top))))
    assert got == list(pruned(os.walk(str(top))))
    assert any(path.endswith("z/y") for path, _d, _f in got) and not any("deep" in path for path, _d, _f in got)
    # a directory that cannot be listed (chmod 0 does not stop root, who runs these tests: the listing
    # itself refused, as the kernel refuses it to another user); both walks list through `os.scandir`
    real_scandir = os.scandir

    def refusing(path="."):
        if os.fspath(path) == str(top / "z"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    refused = list(walk(str(top)))
    assert refused == list(os.walk(str(top)))
    assert not any(path.endswith("z/y") for path, _d, _f in refused)
    assert any(path.endswith("/z") for path, _d, _f in got)  # listed before, left out of the refused walk
