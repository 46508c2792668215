"""The text report's layout (docs/profiles.md, "The text report"): a risk word on every line, most
severe first, a workload's hardening checklist on one line, the same finding repeated in a file on
one line, and a closing summary; the machine formats keep one result per rule and place."""
from __future__ import annotations

import json
import re
import shutil

from glmlint.registry import all_rules
from tests.test_cli import run, write

COMPOSE = """\
services:
  notebook:
    image: jupyter/base-notebook:2024-05-27
    privileged: true
    ports: ["8888:8888"]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
  api:
    image: registry.example.com/ml/api:1.4.2
    user: "1000"
  worker:
    image: registry.example.com/ml/worker:1.4.2
    user: "1000"
    read_only: true
    security_opt: ["no-new-privileges:true"]
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
spec:
  replicas: 1
  selector:
    matchLabels: {app: vllm}
  template:
    metadata:
      labels: {app: vllm}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: server
          image: vllm/vllm-openai:v0.6.3
          args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
          ports:
            - containerPort: 8000
"""

VLLM = """\
docker run --runtime nvidia --gpus all \\
    -v ~/.cache/huggingface:/root/.cache/huggingface \\
    -p 8000:8000 --ipc=host \\
    vllm/vllm-openai:latest --model mistralai/Mistral-7B-Instruct-v0.2
"""

README = f"""\
# llm-serve

## Quick start

```bash
{VLLM}```

## Multi-GPU

```bash
{VLLM}```

## Notebook

```bash
docker run -d -p 8888:8888 jupyter/base-notebook start-notebook.py --NotebookApp.token=''
```

## Troubleshooting

```bash
{VLLM}```

## Dans votre langue

```bash
{VLLM}```
"""

LACKS_ALL = "lacks cap_drop ALL, a read-only root filesystem, no-new-privileges and a memory limit"


def _check(tmp_path, capsys, monkeypatch, files, *args):
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    return run(["check", *args], capsys)


def test_risk_word_on_every_line_most_severe_first_and_one_checklist_line_per_workload(tmp_path, capsys,
                                                                                       monkeypatch):
    code, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": COMPOSE, "k8s/deploy.yaml": DEPLOYMENT},
                          "--no-color")
    assert code == 1
    assert out.splitlines() == [
        "compose.yaml:4:17: critical GLM003 [privileged] service `notebook` runs privileged (unsafe fix)",
        "compose.yaml:7:9: critical GLM010 [sensitive-mount] service `notebook` mounts the container runtime "
        "socket `/var/run/docker.sock`",
        "",
        "compose.yaml:5:13: medium GLM016 [sensitive-port-exposed] service `notebook` publishes the Jupyter port "
        "8888 on all interfaces (unsafe fix)",
        "k8s/deploy.yaml:15:11: medium GLM001,GLM002,GLM004,GLM007,GLM012 [hardening] container `server` "
        "(Deployment/vllm) lacks a non-root user, cap_drop ALL, a read-only root filesystem, no-new-privileges "
        "and a memory limit (one unsafe fix adds a non-root user, cap_drop ALL, a read-only root filesystem and "
        "no-new-privileges)",
        "",
        # privileged: no-new-privileges has no fix of its own (removing `privileged` comes first)
        f"compose.yaml:2:3: low GLM002,GLM004,GLM007,GLM012 [hardening] service `notebook` {LACKS_ALL} "
        "(one unsafe fix adds cap_drop ALL and a read-only root filesystem)",
        f"compose.yaml:8:3: low GLM002,GLM004,GLM007,GLM012 [hardening] service `api` {LACKS_ALL} "
        "(one unsafe fix adds cap_drop ALL, a read-only root filesystem and no-new-privileges)",
        "compose.yaml:11:3: low GLM002,GLM012 [hardening] service `worker` lacks cap_drop ALL and a memory limit "
        "(safe fix adds cap_drop ALL)",
        "",
        "risk: 2 critical, 2 medium, 14 low; 18 findings on 7 lines (one checklist line per workload)",
        "18 findings in 2 files (3 errors, 15 warnings); 2 files scanned",
    ]


def test_at_one_risk_what_is_set_wrong_comes_before_what_is_absent(tmp_path, capsys, monkeypatch):
    # the Deployment's checklist line is medium (no non-root user) and its path sorts first, yet the
    # published Jupyter port of the compose file, also medium, comes before it
    notebook = "services:\n  lab:\n    image: quay.io/jupyter/scipy-notebook:2024-07-29\n    ports: ['8888:8888']\n"
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"a/deploy.yaml": DEPLOYMENT, "z/compose.yaml": notebook},
                       "--no-color")
    medium = [ln.split(" [")[0] for ln in out.splitlines() if ": medium " in ln]
    assert medium == ["z/compose.yaml:4:13: medium GLM016",
                      "a/deploy.yaml:15:11: medium GLM001,GLM002,GLM004,GLM007,GLM012"]


def test_sort_path_orders_by_file_and_line(tmp_path, capsys, monkeypatch):
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": COMPOSE, "k8s/deploy.yaml": DEPLOYMENT},
                       "--no-color", "--sort", "path")
    lines = out.splitlines()
    places = [(ln.split(":")[0], int(ln.split(":")[1])) for ln in lines if re.match(r"\S+:\d+:\d+: ", ln)]
    assert places == [("compose.yaml", 2), ("compose.yaml", 4), ("compose.yaml", 5), ("compose.yaml", 7),
                      ("compose.yaml", 8), ("compose.yaml", 11), ("k8s/deploy.yaml", 15)]
    assert lines[6] == ""  # a blank line between files
    # the same lines as the default order, in another order
    _, default, _ = run(["check", "--no-color", "."], capsys)
    assert sorted(filter(None, lines)) == sorted(filter(None, default.splitlines()))


def test_select_one_checklist_rule_reports_it_alone(tmp_path, capsys, monkeypatch):
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": COMPOSE}, "--no-color", "--select", "GLM004")
    assert out.splitlines() == [
        "compose.yaml:2:3: low GLM004 [writable-rootfs] service `notebook` has a writable root filesystem "
        "(unsafe fix)",
        "compose.yaml:8:3: low GLM004 [writable-rootfs] service `api` has a writable root filesystem (unsafe fix)",
        "",
        "risk: 2 low",
        "2 findings in 1 file (0 errors, 2 warnings); 1 file scanned",
    ]
    # two rules of the checklist: one line per workload again, naming just those two
    _, out, _ = run(["check", "--no-color", "--select", "GLM004,GLM012", "."], capsys)
    assert ("compose.yaml:8:3: low GLM004,GLM012 [hardening] service `api` lacks a read-only root filesystem and "
            "a memory limit (unsafe fix adds a read-only root filesystem)") in out.splitlines()


def test_the_same_command_in_a_readme_is_one_line_naming_the_others(tmp_path, capsys, monkeypatch):
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"README.md": README}, "--no-color")
    assert out.splitlines() == [
        "README.md:8:5: critical GLM017 [ai-service-exposed] `docker run` of `vllm/vllm-openai:latest` runs the "
        "vLLM OpenAI-compatible API published on all interfaces with no authentication: it generates with the "
        "served model and reads what it was given for anyone who can reach port 8000 "
        "(unsafe fix; also lines 17, 32, 41)",
        "README.md:24:68: critical GLM005 [jupyter-open-no-token] `docker run` of `jupyter/base-notebook` starts "
        "Jupyter on all interfaces with authentication disabled (safe fix)",
        "",
        "README.md:8:18: high GLM009 [host-namespace] `docker run` of `vllm/vllm-openai:latest` shares the host's "
        "IPC namespace (unsafe fix; also lines 17, 32, 41)",
        "",
        "README.md:24:15: medium GLM016 [sensitive-port-exposed] `docker run` of `jupyter/base-notebook` publishes "
        "the Jupyter port 8888 on all interfaces (unsafe fix)",
        "",
        "risk: 5 critical, 4 high, 1 medium; 10 findings on 4 lines (repeats folded)",
        "10 findings in 1 file (9 errors, 1 warning); 1 file scanned; not reported in documentation (20)",
    ]
    # JSON keeps every place: each is suppressed, baselined and fixed on its own
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    assert sorted((r["line"], r["code"]) for r in json.loads(out)) == sorted(
        [(n, c) for n in (8, 17, 32, 41) for c in ("GLM009", "GLM017")] + [(24, "GLM005"), (24, "GLM016")])


def test_repeats_and_checklists_fold_together_where_the_checklist_is_reported(tmp_path, capsys, monkeypatch):
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"README.md": README, ".glmlint.toml": '[contexts]\ndocs = "all"\n'},
                       "--no-color")
    assert ("README.md:6:1: low GLM002,GLM004,GLM007,GLM012 [hardening] `docker run` of `vllm/vllm-openai:latest` "
            f"{LACKS_ALL} (one unsafe fix adds cap_drop ALL, a read-only root filesystem and no-new-privileges; "
            "also lines 15, 30, 39)") in out.splitlines()
    assert "; 30 findings on 6 lines (one checklist line per workload, repeats folded)" in out


def _text_places(out: str) -> list[tuple[str, int, str]]:
    """Every finding a text report stands for: (path, line, code) of each line, its checklist's codes
    and the lines it names as repeats."""
    places = []
    for ln in out.splitlines():
        m = re.match(r"(\S+):(\d+):\d+: (?:critical|high|medium|low) ((?:GLM\d+,?)+) ", ln)
        if not m:
            continue
        also = re.search(r"also lines? ([\d, ]+)\)$", ln)
        lines = [int(m.group(2))] + ([int(n) for n in also.group(1).split(", ")] if also else [])
        places.extend((m.group(1), n, c) for n in lines for c in m.group(3).split(","))
    return sorted(places)


def test_every_finding_is_on_one_text_line(tmp_path, capsys, monkeypatch):
    """Nothing is dropped by grouping: the text lines, their checklists and repeats, stand for exactly
    the findings JSON lists (one checklist line in a README stands for its workload at every line)."""
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": COMPOSE, "k8s/deploy.yaml": DEPLOYMENT,
                                                       "README.md": README}, "--no-color")
    _, js, _ = run(["check", "--format", "json", "."], capsys)
    listed = sorted({(r["path"], r["line"], r["code"]) for r in json.loads(js)})
    # a checklist line is at its first finding; its other findings may be on other lines of the workload
    text = _text_places(out)
    assert len(text) == len(set(text))
    by_code = lambda places: sorted((p, c) for p, _, c in places)  # noqa: E731
    assert by_code(text) == by_code(listed)
    assert {(p, n) for p, n, _ in text} <= {(p, n) for p, n, _ in listed}


def test_long_reports_end_with_what_to_fix_first(tmp_path, capsys, monkeypatch):
    services = "".join(f"  svc{i}:\n    image: registry.example.com/app:1.0\n    user: '1000'\n" for i in range(12))
    bad = ("  bad:\n    image: registry.example.com/app:1.0\n    privileged: true\n    network_mode: host\n"
           "    ports: ['8888:8888']\n")
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": "services:\n" + services + bad}, "--no-color")
    lines = out.splitlines()
    assert lines[0].startswith("compose.yaml:40:17: critical GLM003 [privileged]")  # the most severe first
    assert lines[-6:] == [
        "Fix first:",
        "  compose.yaml:40:17: critical GLM003 [privileged] service `bad` runs privileged",
        "  compose.yaml:41:19: high GLM009 [host-namespace] service `bad` shares the host's network namespace",
        "",
        # (its `ports:` is discarded on the host's network, where Jupyter's 8888 is served: GLM016 at
        # `network_mode`, reviewA19 F7)
        "risk: 1 critical, 1 high, 1 medium, 52 low; 55 findings on 16 lines (one checklist line per workload)",
        "55 findings in 1 file (2 errors, 53 warnings); 1 file scanned",
    ]
    # a report that fits on a screen has no closing summary: its most severe finding is its first line
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": "services:\n" + bad}, "--no-color")
    assert "Fix first:" not in out and out.startswith("compose.yaml:4:17: critical GLM003")


def test_fix_first_names_five_and_counts_the_rest(tmp_path, capsys, monkeypatch):
    services = "".join(f"  svc{i}:\n    image: registry.example.com/app:1.0\n    user: '1000'\n"
                       f"    privileged: true\n" for i in range(8))
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": "services:\n" + services}, "--no-color",
                       "--sort", "path")
    lines = out.splitlines()
    start = lines.index("Fix first:")
    assert [ln.split(": ")[0] for ln in lines[start + 1:start + 6]] == [
        f"  compose.yaml:{5 + 4 * i}:17" for i in range(5)]
    assert lines[start + 6] == "  ... and 3 more critical or high in the report"


def test_colour_tints_the_risk_word_and_keeps_the_layout(tmp_path, capsys, monkeypatch):
    _, plain, _ = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": COMPOSE}, "--no-color")
    assert "\033[" not in plain
    _, coloured, _ = run(["check", "--color", "."], capsys)
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == plain
    first = coloured.splitlines()[0]
    assert "\033[1m\033[31mcritical\033[0m" in first  # critical: bold red
    assert "\033[33mmedium\033[0m" in coloured  # medium: yellow


def test_checklist_fix_claims_hold_in_one_run(tmp_path, capsys, monkeypatch):
    """What a checklist line says the fix adds, one `glmlint fix` run adds (with --unsafe-fixes when it
    says unsafe): afterwards that workload has none of those findings left."""
    files = {"compose.yaml": COMPOSE, "k8s/deploy.yaml": DEPLOYMENT}
    _, out, _ = _check(tmp_path, capsys, monkeypatch, files, "--no-color")
    names = {r.checklist: r.code for r in all_rules() if r.checklist}
    claims = []
    for ln in out.splitlines():
        m = re.match(r"(\S+):\d+:\d+: \w+ (\S+) \[hardening\] (.+) lacks (.+?) \((?:one )?(safe|unsafe) fix adds "
                     r"([^;)]+)", ln)
        if m:
            path, codes, workload, _, safety, adds = m.groups()
            added = codes.split(",") if adds == "them all" else [
                names[n] for n in re.split(r", | and ", adds)]
            claims.append((path, workload, safety, added))
    assert {(c[1], c[2]) for c in claims} == {
        ("service `notebook`", "unsafe"), ("service `api`", "unsafe"), ("service `worker`", "safe"),
        ("container `server` (Deployment/vllm)", "unsafe")}
    for safety in ("safe", "unsafe"):
        copy = tmp_path / safety
        copy.mkdir()
        for name in files:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / name, copy / name)
        monkeypatch.chdir(copy)
        code, _, err = run(["fix", "--write", *(["--unsafe-fixes"] if safety == "unsafe" else []), "."], capsys)
        assert code == 1, err
        _, js, _ = run(["check", "--format", "json", "."], capsys)
        left = {(r["path"], r["workload"], r["code"]) for r in json.loads(js)}
        for path, workload, claimed, added in claims:
            if claimed == safety or safety == "unsafe":
                assert not {(path, workload, c) for c in added} & left, (workload, added, left)


# -- an explicit root user is a misconfiguration, not an absent protection ----------------------------

SIDECAR = """\
        - name: log-shipper
          image: fluent/fluent-bit:3.1.4
          securityContext:
            runAsUser: 0
"""


def test_an_explicit_root_user_is_its_own_line_not_the_checklist(tmp_path, capsys, monkeypatch):
    _, out, _ = _check(tmp_path, capsys, monkeypatch, {"k8s/deploy.yaml": DEPLOYMENT + SIDECAR}, "--no-color")
    lines = out.splitlines()
    assert "k8s/deploy.yaml:23:24: medium GLM001 [run-as-root] container `log-shipper` (Deployment/vllm) runs as " \
           "root (`0`) (unsafe fix)" in lines
    # the rest of its checklist is still one line; the server's absent user is on its checklist line
    assert "k8s/deploy.yaml:20:11: low GLM002,GLM004,GLM007,GLM012 [hardening] container `log-shipper` " \
           f"(Deployment/vllm) {LACKS_ALL} (one unsafe fix adds cap_drop ALL, a read-only root filesystem and " \
           "no-new-privileges)" in lines
    assert any(ln.startswith("k8s/deploy.yaml:15:11: medium GLM001,GLM002,") for ln in lines)


TEST_STACK = """\
services:
  trainer-test:
    image: ghcr.io/acme/trainer:0.9.1
    user: "0:0"
    volumes:
      - ./:/workspace
  db:
    image: postgres:16.4
"""

DEV_DOCKERFILE = """\
FROM mcr.microsoft.com/devcontainers/python:3.12
USER root
RUN apt-get update && apt-get install -y --no-install-recommends libgl1
"""

ROOT_README = """\
# Serving

```console
$ docker run --gpus all --user root -v $PWD/models:/models nvcr.io/nvidia/tritonserver:24.08-py3
$ docker run --gpus all -v $PWD/models:/models nvcr.io/nvidia/tritonserver:24.08-py3
```
"""


def test_an_explicit_root_user_is_reported_in_every_context(tmp_path, capsys, monkeypatch):
    """Tests, dev containers and documentation report what is written (`user: "0:0"`, `USER root`,
    `--user root`), not the absent checklist (the db service without `user:`, the second command)."""
    files = {"tests/integration/compose.yaml": TEST_STACK, ".devcontainer/Dockerfile": DEV_DOCKERFILE,
             "README.md": ROOT_README}
    _, out, _ = _check(tmp_path, capsys, monkeypatch, files, "--format", "json")
    assert sorted((r["path"], r["line"], r["code"]) for r in json.loads(out)) == [
        (".devcontainer/Dockerfile", 2, "GLM001"), ("README.md", 4, "GLM001"),
        ("tests/integration/compose.yaml", 4, "GLM001")]
    # `contexts` kinds select by the finding's kind: tests that report only exposures drop it
    write(tmp_path, {".glmlint.toml": '[contexts]\ntests = ["exposure"]\n'})
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    assert "tests/integration/compose.yaml" not in {r["path"] for r in json.loads(out)}


def test_essential_reports_an_explicit_root_user_but_not_an_absent_one(tmp_path, capsys, monkeypatch):
    files = {"compose.yaml": COMPOSE.replace('    user: "1000"\n    read_only', '    user: root\n    read_only'),
             "k8s/deploy.yaml": DEPLOYMENT + SIDECAR}
    _, out, _ = _check(tmp_path, capsys, monkeypatch, files, "--format", "json", "--profile", "essential")
    assert sorted((r["path"], r["line"], r["code"]) for r in json.loads(out) if r["code"] == "GLM001") == [
        ("compose.yaml", 13, "GLM001"), ("k8s/deploy.yaml", 23, "GLM001")]
    assert not {"GLM002", "GLM004", "GLM007", "GLM012"} & {r["code"] for r in json.loads(out)}
    _, out, _ = run(["profiles"], capsys)
    assert "GLM001(misconfiguration)" in out.splitlines()[1].split()
    # `glmlint fix --profile essential` fixes what that profile reports: the explicit root users only
    code, _, err = run(["fix", "--unsafe-fixes", "--profile", "essential", "--select", "GLM001", "--write", "."],
                       capsys)
    assert code == 1 and "Fixed 2 findings in 2 files." in err


def test_glm001_fixtures_explicit_root_is_a_misconfiguration():
    from glmlint.config import Config
    from glmlint.context import EVERYWHERE
    from glmlint.registry import select
    from glmlint.runner import scan
    from tests.test_fixtures import FIXTURES

    folder = FIXTURES / "glm001_run_as_root"
    report = scan([str(folder)], select(all_rules(), ["GLM001"]), root=str(folder), config=Config(contexts=EVERYWHERE))
    kinds = {(r.path, r.line): str(r.kind) for r in report.results}
    named = re.compile(r"user-0|user-root|uid0|runasuser-0|administrator")
    explicit = {p for p, _ in kinds if named.search(p)}
    # one per file: every positive fixture named for an explicit root user is found
    files = {f.relative_to(folder).as_posix() for f in (folder / "positive").rglob("*")
             if f.is_file() and not f.name.endswith(".fixed")}
    assert explicit == {f for f in files if named.search(f)} and len(explicit) >= 25
    assert {p for (p, _), k in kinds.items() if k == "misconfiguration"} == explicit


def test_machine_formats_keep_one_result_per_rule_and_place(tmp_path, capsys, monkeypatch):
    """JSON, SARIF, GitHub annotations, GitLab Code Quality and JUnit list each finding at its own
    place, repeats and checklists included, whatever the text report groups (and `--sort`)."""
    import xml.etree.ElementTree as ET

    files = {"compose.yaml": COMPOSE, "README.md": README, ".glmlint.toml": '[contexts]\ndocs = "all"\n'}
    _, out, _ = _check(tmp_path, capsys, monkeypatch, files, "--format", "json")
    want = sorted((r["path"], r["line"], r["code"]) for r in json.loads(out))
    assert len(want) == 43 and len(set(want)) == 43  # 13 compose, 30 README: one per rule and place

    def found(fmt: str) -> list[tuple[str, int, str]]:
        _, got, _ = run(["check", "--format", fmt, "--sort", "path", "."], capsys)
        if fmt == "sarif":
            return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                     r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
                    for r in json.loads(got)["runs"][0]["results"]]
        if fmt == "github":
            return [(m[0], int(m[1]), m[2]) for m in re.findall(r"^::\w+ file=([^,]+),line=(\d+),col=\d+,title=(\w+)",
                                                                got, re.M)]
        if fmt == "gitlab":
            return [(r["location"]["path"], r["location"]["lines"]["begin"], r["check_name"].split()[0])
                    for r in json.loads(got)]
        lines = [ln for f in ET.fromstring(got.split("\n", 1)[1]).iter("failure") for ln in f.text.splitlines()]
        return [(m[0], int(m[1]), m[2]) for m in (re.match(r"(\S+):(\d+):\d+: (\w+) ", ln).groups() for ln in lines)]

    for fmt in ("sarif", "github", "gitlab", "junit"):
        assert sorted(found(fmt)) == want, fmt


def test_a_file_with_an_error_says_its_fixes_wait_for_it(tmp_path, capsys, monkeypatch):
    # a duplicate key: read with the last value, reported as an error; `glmlint fix` leaves the file alone
    dup = "services:\n  app:\n    image: registry.example.com/app:1.0\n    image: registry.example.com/app:1.1\n" \
          "    privileged: true\n"
    code, out, err = _check(tmp_path, capsys, monkeypatch, {"compose.yaml": dup}, "--no-color")
    assert code == 2 and err.startswith("compose.yaml:4: invalid YAML: duplicate key `image`")
    assert out.splitlines()[0] == ("compose.yaml:5:17: critical GLM003 [privileged] service `app` runs privileged "
                                   "(unsafe fix once the error at line 4 is fixed)")
    assert "(one unsafe fix adds cap_drop ALL and a read-only root filesystem once the error at line 4 is fixed)" \
        in out
    _, _, err = run(["fix", "--write", "--unsafe-fixes", "."], capsys)
    assert "compose.yaml:5:17: GLM003 not fixed: the file has an error to fix first (line 4:" in err


def test_a_checklist_with_one_rule_on_several_images_names_it_once(tmp_path, capsys, monkeypatch):
    """Two untagged images a stage copies from are two GLM045 findings of one workload: its checklist
    line names the code and the setting once, not `GLM045,GLM045 ... a pinned image version and a
    pinned image version`."""
    dockerfile = """\
        FROM python:3.12-slim
        COPY --from=ghcr.io/astral-sh/uv /uv /bin/uv
        COPY --from=busybox /bin/busybox /bin/busybox
        USER 1000
        CMD ["python", "-m", "http.server"]
        """
    code, out, _ = _check(tmp_path, capsys, monkeypatch, {"Dockerfile": dockerfile}, "--no-color")
    assert code == 1
    assert out.splitlines()[0] == ("Dockerfile:2:13: low GLM045 [hardening] the final stage lacks a pinned "
                                   "image version")
    assert "GLM045,GLM045" not in out and "a pinned image version and a pinned image version" not in out
    assert "2 findings" in out


def test_what_to_fix_first_of_entries_in_risk_order_is_read_off_their_head():
    """`digest.fix_first(..., ordered=True)` (the default sort) gives what looking at every entry and
    sorting those of the top levels gives, at every limit; and a checklist's risk is its worst finding's."""
    from pathlib import Path

    from glmlint import digest
    from glmlint.runner import scan

    repo = Path(__file__).resolve().parent.parent
    report = scan([str(repo / "fixtures"), str(repo / "examples")], all_rules(), root=str(repo))
    entries = digest.entries(report.results, "severity")
    assert len(entries) > 100 and entries.grouped()
    def shown(got):
        first, more = got
        return [(e.place(), e.risk, e.codes, e.also, e.repeats) for e in first], more

    for limit in (0, 1, 5, 50, 10_000):
        assert shown(digest.fix_first(entries, limit, ordered=True)) == shown(digest.fix_first(entries, limit))
    for e in entries:
        assert e.risk is max((r.risk for r in e.results), key=lambda k: k.rank)
    lows = digest.entries([r for r in report.results if r.risk.rank == 0], "severity")
    assert lows and digest.fix_first(lows, ordered=True) == digest.fix_first(lows) == ([], 0)
