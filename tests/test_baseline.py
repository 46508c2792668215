"""A baseline round trip: record today's findings, then see only new ones, whatever moves."""
from __future__ import annotations

import json

from tests.test_cli import run, write

ROOT_DOCKERFILE = "FROM python:3.12\nRUN pip install torch\n"
COMPOSE = """\
services:
  notebook:
    build: ./notebook
    cap_drop: [ALL]
    read_only: true
    security_opt: ["no-new-privileges:true"]
    mem_limit: 4g
"""


def codes(out: str) -> list[tuple[str, str]]:
    return [(r["path"], r["code"]) for r in json.loads(out)]


def test_round_trip(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"Dockerfile": ROOT_DOCKERFILE, "compose.yaml": COMPOSE, "notebook/Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "--format", "json", "--write-baseline", ".glmlint-baseline.json", "."], capsys)
    assert code == 0  # recording is not a failure
    today = codes(out)
    assert ("compose.yaml", "GLM001") in today and len(today) == 3
    assert err == "wrote 3 findings to .glmlint-baseline.json\n"
    data = json.loads((tmp_path / ".glmlint-baseline.json").read_text())
    assert data["tool"] == "glmlint" and data["version"] == 1
    assert sorted((e["path"], e["code"]) for e in data["findings"]) == sorted(today)

    code, out, _ = run(["check", "--baseline", ".glmlint-baseline.json", "."], capsys)
    assert code == 0 and out.startswith("0 findings") and "3 in the baseline" in out

    # Lines move (comments above everything, including the line the compose message cites
    # in notebook/Dockerfile): nothing is new.
    for name in ("Dockerfile", "compose.yaml", "notebook/Dockerfile"):
        p = tmp_path / name
        p.write_text("# moved\n# down\n" + p.read_text())
    code, out, _ = run(["check", "--format", "json", "--baseline", ".glmlint-baseline.json", "."], capsys)
    assert (code, codes(out)) == (0, [])

    # A new finding is reported, and only it.
    write(tmp_path, {"compose.yaml": COMPOSE + "  web:\n    image: nginx:1.27\n    privileged: true\n"
                                    "    security_opt: ['no-new-privileges:true']\n    mem_limit: 1g\n"})
    code, out, _ = run(["check", "--format", "json", "--baseline", ".glmlint-baseline.json", "."], capsys)
    assert code == 1
    assert codes(out) == [("compose.yaml", "GLM002"), ("compose.yaml", "GLM004"), ("compose.yaml", "GLM003")]


def test_baseline_paths_do_not_depend_on_the_working_directory(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    write(repo, {"svc/Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(repo)
    assert run(["check", "--write-baseline", "baseline.json", "."], capsys)[0] == 0
    assert json.loads((repo / "baseline.json").read_text())["findings"][0]["path"] == "svc/Dockerfile"
    monkeypatch.chdir(repo / "svc")
    code, out, _ = run(["check", "--baseline", "../baseline.json", "."], capsys)
    assert code == 0 and "1 in the baseline" in out


def test_a_second_identical_finding_is_new(tmp_path, capsys, monkeypatch):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: app, image: x:1}\n"
    write(tmp_path, {"pods.yaml": pod})
    monkeypatch.chdir(tmp_path)
    run(["check", "--select", "GLM001", "--write-baseline", "b.json", "."], capsys)
    assert len(json.loads((tmp_path / "b.json").read_text())["findings"]) == 1
    write(tmp_path, {"pods.yaml": pod + "---\n" + pod})  # the same finding, word for word, once more
    code, out, _ = run(["check", "--select", "GLM001", "--format", "json", "--baseline", "b.json", "."], capsys)
    assert code == 1 and [(r["code"], r["line"]) for r in json.loads(out)] == [("GLM001", 13)]


def test_bad_baseline_file_is_a_usage_error(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"Dockerfile": ROOT_DOCKERFILE, "not-a-baseline.json": "[1, 2]\n"})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "--baseline", "not-a-baseline.json", "."], capsys)
    assert code == 2 and out == ""
    assert err == "glmlint: error: not-a-baseline.json: not a glmlint baseline (write one with `--write-baseline`)\n"
    code, _, err = run(["check", "--baseline", "missing.json", "."], capsys)
    assert code == 2 and "missing.json: cannot read the baseline" in err
