"""Messages speak the file's own language.

A compose file says `network_mode: host`, a `docker run` line `--network host`, a
manifest `hostNetwork: true`: a finding names the setting as the user wrote it, so
that it can be found in the file. Every rule (the default set and both Pod Security
profiles) runs over a compose service and a `docker run` line that set everything
the Kubernetes-only keys below mean; no message may name one of those keys.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from glmlint.config import Config
from glmlint.context import EVERYWHERE
from glmlint.registry import builtin_rules
from glmlint.runner import scan

# keys only a Kubernetes manifest writes (the PSS check names after "PSS <level>:" are not keys)
KUBERNETES_ONLY = ("hostNetwork", "hostPID", "hostIPC", "hostPort", "hostPath`", "capabilities.drop",
                   "capabilities.add", "seLinuxOptions.", "procMount:", "runAsNonRoot", "runAsUser",
                   "allowPrivilegeEscalation", "readOnlyRootFilesystem", "securityContext", "seccompProfile",
                   "appArmorProfile", "automountServiceAccountToken", "resources.limits")

COMPOSE = """\
services:
  trainer:
    image: ghcr.io/acme/trainer:latest
    network_mode: host
    pid: host
    ipc: host
    user: "0"
    privileged: true
    read_only: false
    volumes:
      - /data:/data
      - /var/run/docker.sock:/var/run/docker.sock
    security_opt:
      - systempaths=unconfined
      - label=type:spc_t
      - apparmor=unconfined
      - seccomp=unconfined
      - no-new-privileges:false
    cap_add: [SYS_ADMIN, NET_RAW]
    cap_drop: [NET_RAW]
    sysctls:
      - net.core.somaxconn=1024
    devices:
      - /dev/fuse
  web:
    image: nginx
    ports: ["8080:80", "5432:5432"]
"""

RUN = """\
#!/bin/sh
docker run -d --network host --pid=host --ipc host -u 0 --privileged -p 8080:8080 -v /data:/data \\
  -v /var/run/docker.sock:/var/run/docker.sock --security-opt systempaths=unconfined \\
  --security-opt label=type:spc_t --security-opt apparmor=unconfined --security-opt seccomp=unconfined \\
  --cap-add SYS_ADMIN --sysctl net.core.somaxconn=1024 --device /dev/fuse ghcr.io/acme/trainer
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str, str]]:
    root = tmp_path_factory.mktemp("language")
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "run.sh").write_text(textwrap.dedent(RUN))
    out = []
    for profile in ("hardened", "pss-baseline", "pss-restricted"):
        config = Config(contexts=EVERYWHERE, profile=profile)
        report = scan([str(root)], builtin_rules(), root=str(root), config=config)
        assert not report.errors, report.errors
        out.extend((profile, Path(r.path).name, r.code, r.message) for r in report.results)
    return out


def test_the_scan_covers_the_rules_that_name_keys(results: list[tuple[str, str, str, str]]) -> None:
    codes = {code for _p, _f, code, _m in results}
    for code in ("GLM001", "GLM003", "GLM007", "GLM009", "GLM010", "GLM023", "GLM027", "GLM031", "GLM032",
                 "GLM036", "GLM038", "GLM039"):
        assert code in codes, code


def test_no_kubernetes_key_in_a_compose_or_docker_run_message(results: list[tuple[str, str, str, str]]) -> None:
    # the PSS check a message ends with ("PSS baseline: hostPorts") is the check's name, not a key
    bad = [(p, f, code, m) for p, f, code, m in results for key in KUBERNETES_ONLY
           if key in re.sub(r"PSS [a-z]+: [A-Za-z_]+", "", m)]
    assert not bad, "\n".join(map(str, bad))


@pytest.mark.parametrize(("name", "expected"), [
    ("compose.yaml", {"`network_mode: host`", "`pid: host`", "`ipc: host`"}),
    ("run.sh", {"`--network host`", "`--pid host`", "`--ipc host`"}),
])
def test_host_namespaces_are_named_as_written(results: list[tuple[str, str, str, str]], name: str,
                                              expected: set[str]) -> None:
    said = {m.split(" sets ", 1)[1].split(" (PSS", 1)[0] for _p, f, code, m in results
            if f == name and code == "GLM023"}
    assert said == expected


def test_cap_drop_and_bind_mounts_are_named_as_written(results: list[tuple[str, str, str, str]]) -> None:
    messages = {(f, code): m for _p, f, code, m in results}
    assert "`cap_drop: [ALL]`" in messages[("compose.yaml", "GLM031")] or any(
        "`cap_drop: [ALL]`" in m for _p, f, c, m in results if f == "compose.yaml" and c == "GLM031")
    assert any("`--cap-drop ALL`" in m for _p, f, c, m in results if f == "run.sh" and c == "GLM031")
    assert any("bind-mounts the host path `/data`" in m for _p, f, c, m in results if c == "GLM036")
    assert any("`label=type:spc_t`" in m for _p, f, c, m in results if c == "GLM032")


def test_a_manifest_still_names_its_own_keys(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostNetwork: true
          containers:
            - name: c
              image: busybox:1.36
        """))
    report = scan([str(tmp_path)], builtin_rules(), root=str(tmp_path),
                  config=Config(contexts=EVERYWHERE, profile="pss-restricted"))
    messages = {r.code: r.message for r in report.results}
    assert "`hostNetwork: true`" in messages["GLM023"]
    assert "`capabilities.drop: [ALL]`" in messages["GLM031"]
