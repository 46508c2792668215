from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from glmlint.cli import main

ROOT_DOCKERFILE = "FROM python:3.12\nRUN pip install torch\n"
GOOD_DOCKERFILE = "FROM python:3.12\nUSER 10001\n"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))


def test_text_report_and_exit_codes(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"Dockerfile": ROOT_DOCKERFILE, "ok/Dockerfile": GOOD_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", "."], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Dockerfile:1:1: medium GLM001 [run-as-root] the final stage runs as root: no `USER` sets a " \
                       "non-root user (unsafe fix)"
    assert lines[-1] == "1 finding in 1 file (1 error, 0 warnings); 2 files scanned"
    assert "\033[" not in out  # no colour when not a TTY
    code, out, _ = run(["check", "ok"], capsys)
    assert code == 0 and out.startswith("0 findings")


def test_fail_on_and_select_ignore(tmp_path, capsys):
    write(tmp_path, {"compose.yaml": """\
        services:
          app:
            image: x:1
            user: "1000"
            security_opt: ["no-new-privileges:true"]
            mem_limit: 512m
        """})
    code, out, _ = run(["check", str(tmp_path)], capsys)  # GLM002/GLM004 warnings
    assert code == 1 and "GLM002" in out and "GLM004" in out
    assert run(["check", "--fail-on", "error", str(tmp_path)], capsys)[0] == 0
    code, out, _ = run(["check", "--ignore", "missing-cap-drop,GLM004", str(tmp_path)], capsys)
    assert code == 0
    code, out, _ = run(["check", "--select", "GLM00", "--ignore", "GLM002", str(tmp_path)], capsys)
    assert "GLM002" not in out and "GLM004" in out
    code, _, err = run(["check", "--select", "GLM999", str(tmp_path)], capsys)
    assert code == 2 and "unknown rule selector" in err


def test_bad_files_reported_on_one_line_and_scan_goes_on(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # reported paths are relative to the working directory
    write(tmp_path, {"docker-compose.yml": "services:\n  a: [\n", "Dockerfile": ROOT_DOCKERFILE,
                     "chart/Chart.yaml": "name: c\n",
                     "chart/templates/deploy.yaml": "kind: Deployment\nspec: {{ .Values.spec }}\n"})
    code, out, err = run(["check", "."], capsys)
    assert code == 2
    assert "GLM001" in out  # the good file was still scanned
    err_lines = err.splitlines()
    assert any(line.startswith("docker-compose.yml:") and "cannot parse" in line for line in err_lines)
    # a chart is rendered; one that cannot be is an error saying why (Helm requires a version)
    assert any(line.startswith("chart: cannot render the Helm chart `chart`: ") and "version is required" in line
               for line in err_lines)
    assert len(err_lines) == 2


def test_json_output_and_output_file(tmp_path, capsys):
    write(tmp_path, {"Dockerfile": ROOT_DOCKERFILE})
    out_file = tmp_path / "report.json"
    code, out, _ = run(["check", "--format", "json", "-o", str(out_file), str(tmp_path / "Dockerfile")], capsys)
    assert code == 1 and out == ""
    data = json.loads(out_file.read_text())
    assert data[0]["code"] == "GLM001" and data[0]["line"] == 1 and data[0]["fix"]["safety"] == "unsafe"


def test_discovery_skips_gitignored_vendored_and_fixed_files(tmp_path, capsys):
    write(tmp_path, {".gitignore": "build/\n", "build/Dockerfile": ROOT_DOCKERFILE,
                     "node_modules/x/Dockerfile": ROOT_DOCKERFILE, "Dockerfile.root.fixed": ROOT_DOCKERFILE,
                     "svc/gpu.Dockerfile": ROOT_DOCKERFILE, "Containerfile": GOOD_DOCKERFILE,
                     ".github/workflows/ci.yml": "on: push\njobs: {}\n"})
    code, out, _ = run(["check", "--format", "json", str(tmp_path)], capsys)
    paths = sorted({r["path"] for r in json.loads(out)})
    assert paths == [str(tmp_path / "svc/gpu.Dockerfile")] or paths == ["svc/gpu.Dockerfile"]
    # a file named explicitly is scanned even when ignored (pre-commit passes names)
    code, out, _ = run(["check", "--format", "json", str(tmp_path / "build/Dockerfile")], capsys)
    assert len(json.loads(out)) == 1


def test_a_file_of_another_format_named_explicitly_is_skipped_with_a_notice_and_a_manifest_read(tmp_path, capsys):
    # `glmlint check requirements.txt` (a hook whose `files:` matches too much): not YAML, not a
    # Dockerfile, its name says another tool's format: skipped with a notice naming it (a path the
    # user typed never vanishes), not reported as invalid YAML (exit 2); a file with no extension,
    # or a misnamed one whose text is a manifest's (`pod.yaml.bak`), keeps its YAML error
    text = ("torch==2.1.0 \\\n    --hash=sha256:0d4e \\\n    --hash=sha256:9b5c\n    # via\n"
            "    #   -r requirements.in\naccelerate==0.25.0\n")  # pip-compile's output
    broken = "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec:\n  containers: [\n"
    write(tmp_path, {"requirements.txt": text, "pod": text, "pyproject.toml": '[project]\nname = "trainer"\n',
                     "constraints.txt": "torch==2.4\nvllm\n",  # (valid YAML: one scalar)
                     "pod.yaml.bak": broken, "manifest.bak": broken.replace("apiVersion: v1\nkind: Pod", "services:")})
    for name in ("requirements.txt", "pyproject.toml", "constraints.txt"):
        code, out, err = run(["check", str(tmp_path / name)], capsys)
        assert code == 0 and "1 file scanned" in out, name
        assert err == f"{tmp_path / name}: skipped: not a format glmlint reads (a Dockerfile, Kubernetes manifest, " \
                      "compose file, ...)\n", name
    for name in ("pod", "pod.yaml.bak", "manifest.bak"):
        code, out, err = run(["check", str(tmp_path / name)], capsys)
        assert code == 2 and f"{tmp_path / name}:" in err and "cannot parse: invalid YAML" in err, name


def test_a_directory_named_with_a_trailing_slash_keeps_its_gitignore_below_it(tmp_path, capsys):
    # `glmlint check src/` (a shell completes a directory with its slash): the top .gitignore still
    # ignores what it names in subdirectories, as for `glmlint check src`
    write(tmp_path, {".gitignore": "*.gen.Dockerfile\n", "svc/api.gen.Dockerfile": ROOT_DOCKERFILE,
                     "svc/Dockerfile": ROOT_DOCKERFILE})
    for given in (str(tmp_path), str(tmp_path) + os.sep):
        code, out, _ = run(["check", "--format", "json", given], capsys)
        assert sorted({Path(r["path"]).name for r in json.loads(out)}) == ["Dockerfile"], given


def test_a_gitignore_pattern_git_never_matches_is_passed_over_and_the_others_kept(tmp_path, capsys):
    # `env\` (a backslash escaping nothing, as a Windows user writes a directory; ParisNeo/lollms-webui's
    # .gitignore): git 2.39 `check-ignore` matches nothing with it and applies the next lines; pathspec
    # refuses it, which stopped the scan with a traceback
    write(tmp_path, {".gitignore": "env\\\nbuild/\n", "build/Dockerfile": ROOT_DOCKERFILE,
                     "env/Dockerfile": ROOT_DOCKERFILE})
    code, out, err = run(["check", "--format", "json", str(tmp_path)], capsys)
    assert code == 1 and err == ""
    assert sorted({Path(r["path"]).parent.name for r in json.loads(out)}) == ["env"]


def test_explain_and_rules(capsys):
    code, out, _ = run(["explain", "privileged"], capsys)
    assert code == 0 and out.startswith("# GLM003 privileged")
    assert run(["explain", "GLM999"], capsys)[0] == 2
    code, out, _ = run(["rules"], capsys)
    header, *rows = out.splitlines()
    assert header.split() == ["code", "slug", "severity", "fix", "formats", "summary"]
    assert [line.split()[0] for line in rows][:6] == [f"GLM00{i}" for i in range(1, 7)]
    assert rows[2].split()[:5] == ["GLM003", "privileged", "error", "unsafe", "docker-compose,docker-run,Kubernetes"]
    assert any(line.split()[:4] == ["GLM100", "unused-suppression", "warning", "-"] for line in rows)


def test_module_entry_point_and_version(tmp_path):
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "glmlint", "check", str(tmp_path / "Dockerfile")],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "GLM001 [run-as-root]" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "glmlint", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("glmlint ")


def test_import_does_not_pull_heavy_modules():
    code = ("import sys, glmlint.cli, glmlint.runner, glmlint.rules; "
            "heavy = [m for m in ('sarif_om', 'jsonschema', 'ruamel.yaml.main', 'click') if m in sys.modules]; "
            "print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [["--color"], []])
def test_color_only_when_asked_or_tty(tmp_path, capsys, args):
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    _, out, _ = run(["check", *args, str(tmp_path)], capsys)
    assert ("\033[" in out) is bool(args)


def test_fix_titles_name_the_user_the_fix_writes(tmp_path, capsys, monkeypatch):
    """The run-as-root fix's title names the user it writes: `--fix-user`, else the config's `fix-user`."""
    write(tmp_path, {"Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["fix", "--write", "--unsafe-fixes", "--select", "GLM001", "--fix-user", "2000", "."], capsys)
    assert code == 1
    assert "GLM001 fixed: Run as the non-root user 2000" in out
    assert (tmp_path / "Dockerfile").read_text().endswith("USER 2000\n")
    write(tmp_path, {"Dockerfile": ROOT_DOCKERFILE, "pyproject.toml": '[tool.glmlint]\nfix-user = "3000:3000"\n'})
    code, out, _ = run(["check", "--format", "json", "--select", "GLM001", "."], capsys)
    [finding] = json.loads(out)
    assert finding["fix"]["title"] == "Run as the non-root user 3000:3000"


def test_a_chosen_fix_user_wins_over_the_images_own_user(tmp_path, capsys, monkeypatch):
    """On an image whose own non-root user the catalog knows (docker-stacks' 1000), the run-as-root fix
    sets that user, unless the user chose one: `--fix-user` or the config's `fix-user` wins, in the
    edit and in the title."""
    notebook = "FROM quay.io/jupyter/base-notebook:2024-10-07\nUSER root\nRUN pip install torch\n"
    write(tmp_path, {"Dockerfile": notebook})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["fix", "--unsafe-fixes", "--select", "GLM001", "."], capsys)
    assert code == 1 and "+USER 1000\n" in out
    code, out, _ = run(["fix", "--write", "--unsafe-fixes", "--select", "GLM001", "--fix-user", "2000", "."], capsys)
    assert code == 1 and "GLM001 fixed: Run as the non-root user 2000" in out
    assert (tmp_path / "Dockerfile").read_text().endswith("USER 2000\n")
    write(tmp_path, {"Dockerfile": notebook, "pyproject.toml": '[tool.glmlint]\nfix-user = "3000:3000"\n'})
    code, out, _ = run(["check", "--format", "json", "--select", "GLM001", "."], capsys)
    [finding] = json.loads(out)
    assert finding["fix"]["title"] == "Run as the non-root user 3000:3000"
    code, out, _ = run(["fix", "--unsafe-fixes", "--select", "GLM001", "."], capsys)
    assert "+USER 3000:3000\n" in out


def test_explain_names_the_cataloged_services_and_their_sources(capsys):
    from glmlint.catalog.services import get

    code, out, _ = run(["explain", "GLM017"], capsys)
    assert code == 0 and "## Services" in out
    ollama = get("ollama")
    assert f"- {ollama.name}: " + ", ".join(ollama.sources) in out
    assert "- Jupyter:" not in out  # GLM005's, not GLM017's
    _, jupyter, _ = run(["explain", "GLM005"], capsys)
    assert "- Jupyter: " in jupyter and "jupyter_server_config.py" in jupyter and "Ollama" not in jupyter
    _, privileged, _ = run(["explain", "GLM003"], capsys)
    assert "## Services" not in privileged  # reads no catalog


@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_closed_output_stream_discards_the_report_and_keeps_the_status(tmp_path, command):
    # `>&-` closes standard output (Python then has no sys.stdout): the outcome is still the exit
    # status, as with `>/dev/null` (check: 1 for the finding; fix: 0, its only fix is unsafe).
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nCMD [\"python\", \"app.py\"]\n")
    run = lambda redirect: subprocess.run(  # noqa: E731
        ["sh", "-c", f'"$0" -m glmlint {command} Dockerfile {redirect}', sys.executable],
        cwd=tmp_path, capture_output=True, text=True)
    closed, discarded = run(">&-"), run(">/dev/null")
    assert closed.returncode == discarded.returncode == {"check": 1, "fix": 0}[command]
    assert closed.stderr == discarded.stderr
    assert "Traceback" not in closed.stderr
    closed_err = run("2>&-")
    assert closed_err.returncode == closed.returncode
    assert closed_err.stdout == run("2>/dev/null").stdout
