"""The Dockerfile that builds glmlint's own image (docs/container.md).

No container engine runs in CI, so the test builds what the Dockerfile builds the
way it builds it: the files `.dockerignore` lets into the context, a virtualenv with
`pip install .`, byte-code compiled; then it checks that the installed glmlint runs
without writing anywhere (the image runs with a read-only root filesystem) and that
glmlint's own rules find nothing in the Dockerfile.
"""
from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from glmlint.config import Config
from glmlint.registry import builtin_rules
from glmlint.runner import scan

ROOT = Path(__file__).resolve().parents[1]


def test_glmlint_finds_nothing_in_its_own_dockerfile() -> None:
    report = scan([str(ROOT / "Dockerfile")], builtin_rules(), root=str(ROOT), config=Config(report_unused_ignores=True))
    assert report.files_scanned == 1 and not report.problems
    assert [(r.code, r.line, r.message) for r in report.results] == []
    (image,) = report.sources[0].workloads
    assert image.user.value is not None and image.user.value.is_root() is False  # non-root, numeric
    assert image.entrypoint.value is not None and [w.text for w in image.entrypoint.value] == ["glmlint"]


def _context() -> list[str]:
    """The files `.dockerignore` sends to the build (its `*` then `!keep` allow-list)."""
    rules = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    out = []
    for path in sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()):
        keep = True
        for rule in rules:
            negate = rule.startswith("!")
            pattern = rule.lstrip("!").rstrip("/")
            hit = fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/") or \
                (pattern.startswith("**/") and f"/{pattern[3:]}/" in f"/{path}/")
            if hit:
                keep = negate
        if keep:
            out.append(path)
    return out


def test_build_context_holds_the_package_and_nothing_else() -> None:
    context = _context()
    assert {"pyproject.toml", "README.md", "linter/__init__.py", "rules/__init__.py"} <= set(context)
    assert not [p for p in context if p.startswith(("tests/", "fixtures/", ".git/", ".venv/", "docs/"))]
    assert any(p.startswith("linter/catalog/") and p.endswith(".yaml") for p in context)  # package data


@pytest.mark.network
def test_the_image_build_installs_a_glmlint_that_runs_without_writing(tmp_path: Path) -> None:
    ctx = tmp_path / "context"
    for rel in _context():
        (ctx / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, ctx / rel)
    venv = tmp_path / "opt-glmlint"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-cache-dir", "--disable-pip-version-check",
                    str(ctx)], check=True, env=env, timeout=600)
    subprocess.run([str(py), "-m", "compileall", "-q", str(venv / "lib")], check=True)

    def files() -> set[str]:
        return {str(p) for p in tmp_path.rglob("*")}

    work = tmp_path / "src"
    shutil.copytree(ROOT / "examples", work)
    before = files()
    # byte-code may be written (PYTHONDONTWRITEBYTECODE unset): nothing is, since all of it was compiled
    for fmt in ("text", "sarif", "junit", "gitlab"):
        proc = subprocess.run([str(venv / "bin" / "glmlint"), "check", "--format", fmt, "."], cwd=work,
                              capture_output=True, text=True, env={**env, "HOME": str(tmp_path / "no-home")},
                              timeout=300)
        assert proc.returncode == 1, proc.stderr  # the examples have findings
        assert "GLM001" in proc.stdout
    assert files() == before
