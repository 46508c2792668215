"""`glmlint fix`: golden outputs, fidelity, verification, idempotence and safe writes.

Golden files: every input of `fixtures/<rule>/positive/` (fixed with only that
rule) and of `fixtures/fix/` (fidelity cases, fixed with every rule) has a
`<name>.fixed` beside it holding the exact bytes `fix --unsafe-fixes` writes;
inputs a fix leaves alone have none. `pytest --update-fixtures` rewrites them.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from glmlint import fix as fixer
from glmlint.fix.engine import Options, findings, fix_source
from glmlint.config import Config
from glmlint.context import EVERYWHERE
from glmlint.fix.text import split_lines
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan

from tests.test_fixtures import FIXTURES, _folders, _rule_for

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
FIDELITY = FIXTURES / "fix"
ALL = Config(contexts=EVERYWHERE)  # report (and fix) every finding wherever it is: docs/context.md


def _cases() -> list[tuple[Path, str | None]]:
    cases: list[tuple[Path, str | None]] = []
    for folder in _folders():
        code = _rule_for(folder).code
        for p in sorted((folder / "positive").rglob("*")):
            if p.is_file() and not p.name.endswith(".fixed"):
                cases.append((p, code))
    for p in sorted(FIDELITY.iterdir()) if FIDELITY.is_dir() else []:
        if p.is_file() and not p.name.endswith(".fixed"):
            cases.append((p, None))
    return cases


def _fix_file(path: Path, code: str | None, unsafe: bool = True, user: str = "10001"):  # type: ignore[no-untyped-def]
    rules = select(builtin_rules(), [code]) if code else builtin_rules()
    # every context: a README's or a workflow's `docker run` is fixed as a script's would be
    report = scan([str(path)], rules, root=str(path.parent), config=ALL)
    assert not report.errors, report.errors
    fixes = fixer.fix_report(report, Options(unsafe=unsafe, user=user))
    return report, fixes


CASES = _cases()


@pytest.mark.parametrize(("path", "code"), CASES, ids=[str(p.relative_to(FIXTURES)) for p, _ in CASES])
def test_golden_fix(path: Path, code: str | None, update_fixtures: bool) -> None:
    report, fixes = _fix_file(path, code)
    golden = path.with_name(path.name + ".fixed")
    original = path.read_bytes()
    changed = [f for f in fixes if f.changed]
    if update_fixtures:
        if changed:
            golden.write_bytes(fixer.encode(changed[0], original))
        elif golden.exists():
            golden.unlink()
        return
    for f in fixes:
        assert not f.skipped, [(r.code, r.line, reason) for r, reason in f.skipped]
    if not changed:
        assert not golden.exists(), f"{golden.name}: the fix changes nothing now"
        return
    assert golden.exists(), f"{golden.name} is missing (run pytest --update-fixtures and review it)"
    fixed = changed[0]
    assert fixer.encode(fixed, original) == golden.read_bytes()
    # the fixed findings are gone, and a second run changes nothing
    rules = select(builtin_rules(), [code]) if code else builtin_rules()
    again = fix_source(_reparsed(fixed), rules, None, Options(unsafe=True))
    assert not again.changed
    remaining = {(f.result.code, f.result.workload) for f in findings(_reparsed(fixed), rules) if f.intents}
    applied = {(a.code, a.workload) for a in fixed.applied}
    assert not remaining & applied, f"still reported after the fix: {remaining & applied}"
    # only the lines a fix must touch change: at most one line removed per fix (+1 for a last
    # line that gains its newline)
    removed = _removed_lines(fixed.source.text, fixed.new_text)
    assert removed <= len(fixed.applied) + 1, f"{removed} lines changed for {len(fixed.applied)} fixes"


def _reparsed(fixed: fixer.FileFix):  # type: ignore[no-untyped-def]
    from glmlint.fix.engine import _reparse

    return _reparse(fixed.source, fixed.new_text)


def _removed_lines(old: str, new: str) -> int:
    import difflib

    return sum(1 for line in difflib.ndiff(split_lines(old), split_lines(new)) if line.startswith("- "))


# -- fidelity details the goldens cannot show on screen ------------------------------


def test_crlf_bom_and_missing_newline_are_kept(tmp_path: Path) -> None:
    crlf = tmp_path / "compose.yaml"
    crlf.write_bytes(b"services:\r\n  web:\r\n    image: nginx\r\n")
    bom = tmp_path / "pod.yaml"
    bom.write_bytes(b"\xef\xbb\xbfapiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                    b"  - name: c\n    image: busybox")
    # the default rules (the opt-in PSS restricted GLM031 would refuse the capabilities GLM002 adds back)
    report = scan([str(tmp_path)], select(builtin_rules()), root=str(tmp_path))
    for f in fixer.fix_report(report, Options(unsafe=True)):
        fixer.write(f, str(tmp_path))
    data = crlf.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") and b"cap_drop: [ALL]\r\n" in data
    data = bom.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfapiVersion") and not data.endswith(b"\n")
    assert b"    image: busybox\n    securityContext:\n" in data


def test_utf16_file_is_written_back_as_utf16(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_bytes(b"\xff\xfe" + "services:\n  web:\n    image: python\n".encode("utf-16-le"))
    report = scan([str(path)], select(builtin_rules(), ["GLM004"]), root=str(tmp_path))
    [f] = fixer.fix_report(report, Options(unsafe=True))
    fixer.write(f, str(tmp_path))
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    assert data[2:].decode("utf-16-le") == "services:\n  web:\n    image: python\n    read_only: true\n" \
        "    tmpfs: [/tmp]\n"


def test_several_fixes_build_one_security_context(tmp_path: Path) -> None:
    path = tmp_path / "job.yaml"
    path.write_text("apiVersion: batch/v1\nkind: Job\nmetadata: {name: t}\nspec:\n  template:\n    spec:\n"
                    "      containers:\n        - name: t\n          image: trainer\n"
                    "          securityContext:\n            capabilities:\n              add: [NET_BIND_SERVICE]\n")
    _report, [f] = _fix_file(path, None)
    assert f.new_text.count("securityContext:") == 1
    assert "              add: [NET_BIND_SERVICE]\n              drop: [ALL]\n" in f.new_text
    assert "            readOnlyRootFilesystem: true\n" in f.new_text


def test_fix_user_option(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nRUN pip install torch\nCMD [\"python\", \"serve.py\"]\n")
    _report, [f] = _fix_file(path, "GLM001", user="1500:1500")
    assert f.new_text == "FROM python:3.12\nRUN pip install torch\nUSER 1500:1500\nCMD [\"python\", \"serve.py\"]\n"


def test_user_root_followed_by_build_steps_keeps_them_root(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nUSER root\nRUN apt-get update\nCMD [\"python\"]\n")
    _report, [f] = _fix_file(path, "GLM001")
    assert f.new_text == "FROM python:3.12\nUSER root\nRUN apt-get update\nUSER 10001\nCMD [\"python\"]\n"


def test_safe_fixes_only_by_default(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    image: nginx\n    privileged: true\n    user: '1000'\n")
    _report, fixes = _fix_file(path, None, unsafe=False)
    [f] = fixes
    # GLM002 is safe for a known non-root user; GLM003/GLM004 are unsafe and wait for --unsafe-fixes
    assert [a.code for a in f.applied] == ["GLM002"]
    assert "privileged: true" in f.new_text


def test_a_fix_that_would_not_remove_the_finding_is_skipped(tmp_path: Path) -> None:
    # the token is emptied twice: removing the flag leaves the config file's empty token
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nRUN printf 'c.ServerApp.token = \"\"\\n' > /etc/jupyter/jupyter_server_config.py\n"
                    "USER 1000\nCMD jupyter lab --ip=0.0.0.0 --ServerApp.token=\n")
    _report, [f] = _fix_file(path, "GLM005")
    assert not f.changed
    [(result, reason)] = f.skipped
    assert result.code == "GLM005" and "remain" in reason


# -- writing ------------------------------------------------------------------------


def _one_fix(tmp_path: Path) -> tuple[Path, fixer.FileFix]:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    image: nginx\n")
    os.chmod(path, 0o640)
    _report, [f] = _fix_file(path, "GLM004")
    return path, f


def test_write_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path, f = _one_fix(tmp_path)
    fixer.write(f, str(tmp_path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "read_only: true" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compose.yaml"]


def test_file_changed_since_read_is_not_written(tmp_path: Path) -> None:
    path, f = _one_fix(tmp_path)
    path.write_text("services:\n  web:\n    image: nginx:2\n")
    with pytest.raises(fixer.WriteError, match="changed on disk"):
        fixer.write(f, str(tmp_path))
    assert path.read_text() == "services:\n  web:\n    image: nginx:2\n"


def test_failed_write_leaves_the_original_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, f = _one_fix(tmp_path)
    before = path.read_bytes()

    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(fixer.WriteError, match="No space left"):
        fixer.write(f, str(tmp_path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compose.yaml"]


def test_killed_during_write_leaves_the_original_intact(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    image: nginx\n")
    before = path.read_bytes()
    script = (
        "import os, sys\n"
        "from glmlint import fix as fixer\n"
        "from glmlint.fix.engine import Options\n"
        "from glmlint.registry import builtin_rules\n"
        "from glmlint.runner import scan\n"
        f"root = {str(tmp_path)!r}\n"
        "report = scan([root], builtin_rules(), root=root)\n"
        "[f] = fixer.fix_report(report, Options(unsafe=True))\n"
        "real_fsync = os.fsync\n"
        "def die(fd):\n"
        "    os._exit(9)  # the process is killed after writing the temp file, before the rename\n"
        "os.fsync = die\n"
        "fixer.write(f, root)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    assert path.read_bytes() == before


def test_symlink_outside_the_root_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "compose.yaml"
    target.write_text("services:\n  web:\n    image: nginx\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "compose.yaml").symlink_to(target)
    report = scan([str(root)], select(builtin_rules(), ["GLM004"]), root=str(root))
    [f] = fixer.fix_report(report, Options(unsafe=True))
    with pytest.raises(fixer.WriteError, match="outside the scan root"):
        fixer.write(f, str(root))
    assert "read_only" not in target.read_text()


def test_symlink_inside_the_root_fixes_the_target(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    target = tmp_path / "base" / "compose.yaml"
    target.write_text("services:\n  web:\n    image: nginx\n")
    link = tmp_path / "compose.yaml"
    link.symlink_to(target)
    report = scan([str(link)], select(builtin_rules(), ["GLM004"]), root=str(tmp_path))
    [f] = fixer.fix_report(report, Options(unsafe=True))
    fixer.write(f, str(tmp_path))
    assert link.is_symlink() and "read_only: true" in target.read_text()


# -- the command line -------------------------------------------------------------------


def _glmlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glmlint", *args], cwd=cwd, capture_output=True, text=True)


def _glmlint_bytes(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "glmlint", *args], cwd=cwd, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_cli_diff_applies_with_git_and_write_is_idempotent(tmp_path: Path) -> None:
    shutil.copytree(FIDELITY, tmp_path / "repo", ignore=shutil.ignore_patterns("*.fixed"))
    repo = tmp_path / "repo"
    (tmp_path / ".glmlint.toml").write_text('contexts = {docs = "all", ci = "all", tests = "all"}\n')
    raw = _glmlint_bytes("fix", "--unsafe-fixes", ".", cwd=repo)  # bytes: the patch keeps CRLF lines
    assert raw.returncode == 1 and raw.stdout.startswith(b"--- a/")
    assert b"Would fix" in raw.stderr
    (tmp_path / "fix.patch").write_bytes(raw.stdout)
    subprocess.run(["git", "init", "-q", "."], cwd=repo, check=True)
    applied = subprocess.run(["git", "apply", "--whitespace=nowarn", str(tmp_path / "fix.patch")], cwd=repo,
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    for golden in FIDELITY.glob("*.fixed"):
        assert (repo / golden.name[: -len(".fixed")]).read_bytes() == golden.read_bytes(), golden.name
    # the tree now equals what --write produces: nothing is left to fix
    proc = _glmlint("fix", "--write", "--unsafe-fixes", ".", cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Fixed 0 findings" in proc.stderr


def test_cli_write_then_check_is_clean(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  api:\n    image: api\n    user: '1000'\n")
    proc = _glmlint("fix", ".", cwd=tmp_path)
    assert proc.returncode == 1 and "+    cap_drop: [ALL]" in proc.stdout
    assert "more with --unsafe-fixes" in proc.stderr
    proc = _glmlint("fix", "--write", ".", cwd=tmp_path)
    assert proc.returncode == 1 and "GLM002 fixed" in proc.stdout
    assert _glmlint("check", "--select", "GLM002", ".", cwd=tmp_path).returncode == 0
    assert _glmlint("fix", "--write", ".", cwd=tmp_path).returncode == 0


def test_cli_rejects_a_non_numeric_or_root_fix_user(tmp_path: Path) -> None:
    proc = _glmlint("fix", "--fix-user", "app", ".", cwd=tmp_path)
    assert proc.returncode == 2 and "numeric" in proc.stderr
    proc = _glmlint("fix", "--fix-user", "0:0", ".", cwd=tmp_path)
    assert proc.returncode == 2 and "root" in proc.stderr


# -- the corpus: every fix re-parses and is idempotent ---------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not beside the checkout")
def test_corpus_fixes_reparse_and_are_idempotent() -> None:
    from glmlint.fix.engine import _relink
    from glmlint.link import dockerfiles, images_for

    rules = builtin_rules()
    report = scan([str(CORPUS)], rules, root=str(CORPUS), config=ALL)
    fixes = fixer.fix_report(report, Options(unsafe=True))
    changed = [f for f in fixes if f.changed]
    assert changed, "the corpus has fixable findings"
    # a compose file is linked again with the Dockerfiles it builds, as the engine links each re-parse: what a fix
    # holds back for its build's sake (GLM004: a directory the build gives its user to write) is still held back
    index = dockerfiles(report.sources + list(getattr(report, "linked", [])))
    for f in changed:
        again_source = _reparsed(f)
        images = images_for(again_source, index)
        if images:
            _relink(again_source, images)
        again = fix_source(again_source, rules, None, Options(unsafe=True), images)
        assert not again.changed, f.source.path
        assert _removed_lines(f.source.text, f.new_text) <= len(f.applied) + 1, f.source.path


@pytest.mark.parametrize(("before", "after"), [
    ("RUN a \\\n && echo x >> f \\\n && b\n", "RUN a \\\n && b\n"),
    ("RUN a \\\n && echo x >> f\nCMD c\n", "RUN a\nCMD c\n"),
    ("RUN echo x >> f && \\\n    b\n", "RUN b\n"),
    ("RUN a && echo 'x y' > f; b\n", "RUN a && b\n"),
    ("RUN echo x >> f\nCMD c\n", "CMD c\n"),
])
def test_remove_command_takes_one_connector(before: str, after: str) -> None:
    from glmlint.fix.text import TextDoc, apply
    from glmlint.fix.words import remove_command
    from glmlint.ir import Loc

    doc = TextDoc(before)
    at = before.index("echo")
    line = doc.line_of(at)
    edit = remove_command(doc, Loc(line, at - doc.starts[line - 1] + 1))
    assert apply(before, [edit]) == after


def test_remove_command_refuses_a_pipeline() -> None:
    from glmlint.fix.text import FixError, TextDoc
    from glmlint.fix.words import remove_command
    from glmlint.ir import Loc

    with pytest.raises(FixError, match="pipeline"):
        remove_command(TextDoc("RUN echo x | tee -a f\n"), Loc(1, 5))


def test_removing_the_only_capability_of_a_lone_list_leaves_an_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: vpn}\nspec:\n  containers:\n  - name: vpn\n"
                    "    image: wireguard\n    securityContext:\n      capabilities:\n        add:\n"
                    "        - SYS_ADMIN   # for the tunnel\n")
    _report, [f] = _fix_file(path, "GLM008")
    assert f.new_text.endswith("      capabilities:\n        add: []   # for the tunnel\n")


def test_sshd_step_goes_after_a_copy_that_replaces_sshd_config(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.11\nRUN apt-get install -y openssh-server && echo 'root:Docker!' | chpasswd\n"
                    "COPY sshd_config /etc/ssh/\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n")
    _report, [f] = _fix_file(path, "GLM006")
    assert f.new_text.splitlines()[2:4] == [
        "COPY sshd_config /etc/ssh/",
        "RUN sed -i 's/^#\\?PasswordAuthentication .*/PasswordAuthentication no/' /etc/ssh/sshd_config"]


def test_token_emptied_through_notebook_args_is_reported_without_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM jupyter/base-notebook:latest\nENV NOTEBOOK_ARGS=\"--NotebookApp.token=''\"\n")
    report, fixes = _fix_file(path, "GLM005")
    [r] = report.results
    assert r.code == "GLM005" and r.fix is None and not fixes


def test_a_file_with_a_duplicate_key_is_reported_not_fixed(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    text = "services:\n  web:\n    image: nginx\n    privileged: false\n    privileged: true\n"
    path.write_text(text)
    rules = builtin_rules()
    report = scan([str(path)], rules, root=str(tmp_path))
    assert any("duplicate key" in p.message for p in report.errors)
    [f] = fixer.fix_report(report, Options(unsafe=True))
    assert not f.changed and f.skipped
    assert all("error to fix first" in why for _r, why in f.skipped)
