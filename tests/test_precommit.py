"""The pre-commit hooks, run by the real `pre-commit try-repo` against this repository.

`try-repo` builds the hook's virtualenv with pip, so these tests need the package
index: they are marked `network` (`pytest -m "not network"` leaves them out; CI
runs them).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # pre-commit's own dependency

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


def hook(hook_id: str) -> dict:
    (found,) = [h for h in HOOKS if h["id"] == hook_id]
    return found


def test_hooks_declare_what_the_issue_asks():
    check, fix = hook("glmlint"), hook("glmlint-fix")
    assert check["entry"] == "glmlint check" and fix["entry"] == "glmlint fix --write"
    assert check["language"] == fix["language"] == "python"
    assert check["files"] == fix["files"] and check["exclude"] == fix["exclude"]


def selected(path: str) -> bool:
    """Whether pre-commit would hand `path` to the hook (its `files`/`exclude` are `re.search`ed)."""
    h = hook("glmlint")
    return bool(re.search(h["files"], path)) and not re.search(h["exclude"], path)


def test_file_selection_covers_identify_tags_and_the_names_identify_misses():
    from identify import identify

    tagged = ["Dockerfile", "Containerfile", "Dockerfile.gpu", "Containerfile.cuda", "svc/train.Dockerfile",
              "docker-compose.yml", "compose.override.yaml", "k8s/deploy.yaml", "charts/x/values.yml"]
    for name in tagged:  # everything identify calls a Dockerfile or YAML
        assert identify.tags_from_filename(os.path.basename(name)) & {"dockerfile", "yaml"}, name
        assert selected(name), name
    # What glmlint reads that identify has no tag for: the reason for a `files` pattern.
    untagged = ["Dockerfile-dev", "Dockerfile_cuda12", "images/app.dockerfile", "etc/ssh/sshd_config",
                "etc/ssh/sshd_config.d/50-cloud.conf", "charts/x/templates/_helpers.tpl", "deploy/Kustomization",
                "k8s/pod.json"]
    for name in untagged:
        assert not identify.tags_from_filename(os.path.basename(name)) & {"dockerfile", "yaml"}, name
        assert selected(name), name
    for name in ["README.md", "Dockerfile.md", "Dockerfile.dockerignore", "fixtures/x/Dockerfile.root.fixed",
                 "src/app.py", "nginx.conf", "docs/Dockerfile.txt", "gen/config.tpl", "web/package.json",
                 "package-lock.json", "tsconfig.json"]:
        assert not selected(name), name


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's current files (committed or not) as a one-commit git repository.

    try-repo installs from a git ref; a snapshot makes the test see the working tree as it is.
    """
    snap = tmp_path_factory.mktemp("hook-repo")
    if (ROOT / ".git").exists():
        files = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    else:  # an unpacked source tree
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (snap / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snap / rel)
    git("init", "-q", cwd=snap)
    git("add", "-A", cwd=snap)
    git("commit", "-q", "-m", "snapshot", cwd=snap)
    return snap


def try_repo(hook_repo: Path, project: Path, hook_id: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook_id,
                           "--files", *files], cwd=project, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, "NO_COLOR": "1"}, timeout=600)


def project(tmp: Path, files: dict[str, str]) -> Path:
    tmp.mkdir()
    git("init", "-q", cwd=tmp)
    for name, text in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text)
    git("add", "-A", cwd=tmp)
    return tmp


@pytest.mark.network
def test_check_hook_fails_on_a_bad_dockerfile_and_passes_on_a_good_one(hook_repo, tmp_path):
    bad = project(tmp_path / "bad", {"Dockerfile": "FROM python:3.12\nRUN pip install torch\n"})
    proc = try_repo(hook_repo, bad, "glmlint", "Dockerfile")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"^glmlint\.+Failed$", proc.stdout, re.M), proc.stdout
    assert "Dockerfile:1:1: medium GLM001 [run-as-root]" in proc.stdout

    good = project(tmp_path / "good", {"Dockerfile": "FROM python:3.12\nUSER 10001\n",
                                       "deploy/compose.yaml": "services:\n  web:\n    image: nginx:1.27\n"
                                       "    user: '101'\n    cap_drop: [ALL]\n    read_only: true\n"
                                       "    security_opt: ['no-new-privileges:true']\n    mem_limit: 256m\n",
                                       "README.md": "FROM here on, nothing is YAML: {[\n"})
    proc = try_repo(hook_repo, good, "glmlint", "Dockerfile", "deploy/compose.yaml", "README.md")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^glmlint\.+Passed$", proc.stdout, re.M), proc.stdout


@pytest.mark.network
def test_fix_hook_rewrites_a_file_and_fails(hook_repo, tmp_path):
    before = ("services:\n  web:\n    image: nginx:1.27\n    user: '101'\n    read_only: true\n")
    repo = project(tmp_path / "fix", {"compose.yaml": before, "Dockerfile": "FROM python:3.12\nUSER 10001\n"})
    proc = try_repo(hook_repo, repo, "glmlint-fix", "compose.yaml", "Dockerfile")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # it changed a file: the commit must be redone
    assert re.search(r"^glmlint fix\.+Failed$", proc.stdout, re.M), proc.stdout
    assert "- files were modified by this hook" in proc.stdout
    assert (repo / "compose.yaml").read_text() == before + "    cap_drop: [ALL]\n"
    assert (repo / "Dockerfile").read_text() == "FROM python:3.12\nUSER 10001\n"
    # Run again on the fixed file: nothing left to do, the hook passes.
    git("add", "-A", cwd=repo)
    proc = try_repo(hook_repo, repo, "glmlint-fix", "compose.yaml", "Dockerfile")
    assert proc.returncode == 0 and re.search(r"^glmlint fix\.+Passed$", proc.stdout, re.M), proc.stdout


@pytest.mark.network
def test_config_with_a_local_clone_and_a_staged_compose_file_alone(hook_repo, tmp_path):
    """What docs/pre-commit.md gives as working today: `repo:` a local clone, `rev:` a commit. Only the
    compose file is staged; the Dockerfile it builds is read from disk, so its root user is seen."""
    sha = git("rev-parse", "HEAD", cwd=hook_repo).strip()
    repo = project(tmp_path / "staged", {
        ".pre-commit-config.yaml": f"repos:\n  - repo: {hook_repo}\n    rev: {sha}\n    hooks:\n"
                                   "      - id: glmlint\n        args: [--select, GLM001]\n",
        "compose.yaml": "services:\n  api:\n    build: ./app\n"})
    (repo / "app").mkdir()
    (repo / "app" / "Dockerfile").write_text("FROM python:3.12\nRUN pip install flask\n")  # on disk, not staged
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, "NO_COLOR": "1"}, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "compose.yaml:2:3: medium GLM001 [run-as-root] service `api` runs as root: its image, built from " \
           "`app/Dockerfile:1`" in proc.stdout, proc.stdout
    assert "app/Dockerfile:1:1" not in proc.stdout  # not staged: not checked itself


def test_every_subpackage_is_packaged():
    """pre-commit and the action install the package for real (not editable): a subpackage missing
    from pyproject's list installs a glmlint whose `fix` cannot import."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    for base, name in (("linter", "glmlint"), ("rules", "glmlint.rules")):
        for init in (ROOT / base).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / base).parts
            assert ".".join((name, *parts)) in listed, init
