"""The Kubernetes Pod Security Standards as the admission controller evaluates them.

Source for every fact here: k8s.io/pod-security-admission, `policy/check_*.go`,
`policy/registry.go` and `api/helpers.go` at commit
8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8 (the commit the conformance fixtures in
`shared/conformance/pss` were copied from), https://github.com/kubernetes/pod-security-admission.

A *check* (`hostPorts`, `seccompProfile_restricted`, ...) belongs to a level and has
versions: it applies from its first `MinimumVersion` on, and a later revision changes
its meaning from that version on (the rules read `judge(...)`'s version for that).
The restricted level runs every baseline check too, except those a restricted check
*overrides* from some version on (`capabilities_restricted` replaces
`capabilities_baseline` from v1.22). A version newer than the newest revision of any
check is evaluated as that newest one (`LATEST`); `latest` means it too.

Rules GLM003 and GLM023-GLM039 implement the checks (`RULES`); the profiles
`pss-baseline` and `pss-restricted` select those active at a level and version and
hand them a `Target` (`profile_rules`). With namespace labels (`Target.namespaces`)
each workload is judged by the `pod-security.kubernetes.io/enforce` level and
`enforce-version` of the Namespace it names.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from glmlint.records import dataclass

if TYPE_CHECKING:
    from glmlint.ir import Workload
    from glmlint.rule import Rule

BASELINE = "baseline"
RESTRICTED = "restricted"
PRIVILEGED = "privileged"
LEVELS = (BASELINE, RESTRICTED)

LATEST = 37  # v1.37: the newest revision of any check (sysctls v1.37)
SOURCE = ("https://github.com/kubernetes/pod-security-admission/tree/"
          "8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8/policy")


@dataclass(frozen=True)
class Check:
    """One PSS check: its level, the minor versions (of 1.x) its revisions start at, and the
    baseline checks it overrides from a version on."""

    id: str
    level: str
    versions: tuple[int, ...]
    overrides: tuple[tuple[str, int], ...] = ()  # (baseline check id, from version)

    @property
    def since(self) -> int:
        return self.versions[0]


CHECKS: dict[str, Check] = {c.id: c for c in (
    Check("allowPrivilegeEscalation", RESTRICTED, (8, 25)),
    Check("appArmorProfile", BASELINE, (0,)),
    Check("capabilities_baseline", BASELINE, (0,)),
    Check("capabilities_restricted", RESTRICTED, (22, 25), (("capabilities_baseline", 22),)),
    Check("hostNamespaces", BASELINE, (0,)),
    Check("hostPathVolumes", BASELINE, (0,)),
    Check("hostPorts", BASELINE, (0,)),
    Check("hostProbesAndHostLifecycle", BASELINE, (34,)),
    Check("privileged", BASELINE, (0,)),
    Check("procMount", BASELINE, (0, 35)),
    Check("procMount_restricted", RESTRICTED, (35,), (("procMount", 35),)),
    Check("restrictedVolumes", RESTRICTED, (0,), (("hostPathVolumes", 0),)),
    Check("runAsNonRoot", RESTRICTED, (0, 35)),
    Check("runAsUser", RESTRICTED, (23, 35)),
    Check("seLinuxOptions", BASELINE, (0, 31)),
    Check("seccompProfile_baseline", BASELINE, (0, 19)),
    Check("seccompProfile_restricted", RESTRICTED, (19, 25), (("seccompProfile_baseline", 19),)),
    Check("sysctls", BASELINE, (0, 27, 29, 32, 37)),
    Check("windowsHostProcess", BASELINE, (0,)),
)}

# The rule that implements each check (procMount and procMount_restricted read the same field:
# one rule, whose meaning depends on the level).
RULES: dict[str, str] = {
    "privileged": "GLM003",
    "hostNamespaces": "GLM023",
    "hostPorts": "GLM024",
    "hostPathVolumes": "GLM025",
    "hostProbesAndHostLifecycle": "GLM026",
    "procMount": "GLM027",
    "procMount_restricted": "GLM027",
    "sysctls": "GLM028",
    "windowsHostProcess": "GLM029",
    "capabilities_baseline": "GLM030",
    "capabilities_restricted": "GLM031",
    "seLinuxOptions": "GLM032",
    "appArmorProfile": "GLM033",
    "seccompProfile_baseline": "GLM034",
    "seccompProfile_restricted": "GLM035",
    "restrictedVolumes": "GLM036",
    "runAsNonRoot": "GLM037",
    "runAsUser": "GLM038",
    "allowPrivilegeEscalation": "GLM039",
}


def active(level: str, version: int) -> set[str]:
    """The checks the admission controller runs at `level` and `version` (registry.go `populate`)."""
    version = min(version, LATEST)
    run = {c.id for c in CHECKS.values() if c.level == BASELINE and c.since <= version}
    if level == RESTRICTED:
        restricted = [c for c in CHECKS.values() if c.level == RESTRICTED and c.since <= version]
        run -= {base for c in restricted for base, since in c.overrides if since <= version}
        run |= {c.id for c in restricted}
    elif level != BASELINE:
        return set()
    return run


def revision(check: str, version: int) -> int:
    """The version of the revision of `check` in force at `version` (its newest not after it)."""
    return max(v for v in CHECKS[check].versions if v <= min(version, LATEST))


# -- allow-lists (per revision) -----------------------------------------------------------

CAPABILITIES_BASELINE = frozenset({  # check_capabilities_baseline.go: the container runtime's default set
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})

_SYSCTLS = {  # check_sysctls.go: each revision adds to the previous one
    0: ("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"),
    27: ("net.ipv4.ip_local_reserved_ports",),
    29: ("net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
         "net.ipv4.tcp_keepalive_probes"),
    32: ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"),
    37: ("net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"),
}


def allowed_sysctls(version: int) -> frozenset[str]:
    return frozenset(name for since, names in _SYSCTLS.items() if since <= version for name in names)


def selinux_types(version: int) -> frozenset[str]:
    """check_seLinuxOptions.go: allowed `seLinuxOptions.type` values (`container_engine_t` from v1.31)."""
    base = {"", "container_t", "container_init_t", "container_kvm_t"}
    return frozenset(base | {"container_engine_t"} if version >= 31 else base)


ALLOWED_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})  # seccomp and AppArmor `type`
# check_restrictedVolumes.go: the inline volume sources the restricted level allows
RESTRICTED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                                "persistentVolumeClaim", "projected", "secret"})

SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def seccomp_annotation_ok(value: str) -> bool:
    """check_seccompProfile_baseline.go `validSeccompAnnotationValue` (v1.0-v1.18)."""
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def apparmor_annotation_ok(value: str) -> bool:
    """check_appArmorProfile.go `allowedAnnotationValue`."""
    return value == "" or value == "runtime/default" or value.startswith("localhost/")


# -- versions, labels and targets ---------------------------------------------------------

_VERSION = re.compile(r"^v1\.([0-9]|[1-9][0-9]*)$")


def parse_version(text: str) -> int | None:
    """`latest` or `v1.x` (api/helpers.go `ParseVersion`) as the minor version; None if neither."""
    if text == "latest":
        return LATEST
    m = _VERSION.match(text)
    return min(int(m.group(1)), LATEST) if m else None


def version_name(version: int) -> str:
    return f"v1.{version}"


@dataclass(frozen=True)
class Target:
    """What the PSS rules judge against: a level and version (a profile), or, with `namespaces`,
    each workload by the enforce labels of the Namespace it is in ((name, level, version) triples);
    a workload in no labelled namespace is then not judged. With neither (a rule selected on its
    own), each rule applies its own check at the latest version."""

    level: str | None = None
    version: int = LATEST
    namespaces: tuple[tuple[str, str, int], ...] | None = None

    def level_version(self, workload: Workload) -> tuple[str | None, int] | None:
        if self.namespaces is None:  # a profile, or a rule on its own: compose and `docker run` too
            return self.level, self.version
        for name, level, version in self.namespaces:
            if name == workload.namespace:
                return level, version
        return None

    def judge(self, workload: Workload, check: str) -> int | None:
        """The version at which `check` judges `workload`, or None when it does not apply (another
        format, a level or version that does not run it, a namespace without labels, a Windows pod the
        check's revision exempts: `WINDOWS_EXEMPT`)."""
        lv = self.level_version(workload)
        if lv is None:
            return None
        level, version = lv
        got = _judged(check, level, version)
        if got is not None and got >= WINDOWS_EXEMPT.get(check, _NEVER) and workload.windows:
            return None
        return got

    def judge_level(self, workload: Workload) -> str | None:
        """The level a workload is judged at (None when a rule runs on its own)."""
        lv = self.level_version(workload)
        return lv[0] if lv is not None else None


# the restricted checks a Windows pod (`spec.os.name: windows`) is exempt from, from the revision given on
# (check_allowPrivilegeEscalation.go, check_capabilities_restricted.go, check_seccompProfile_restricted.go:
# their v1.25 revisions allow a pod whose `os.name` is windows)
WINDOWS_EXEMPT = {"allowPrivilegeEscalation": 25, "capabilities_restricted": 25, "seccompProfile_restricted": 25}
_NEVER = 1 << 30

DEFAULT = Target()


_JUDGED: dict[tuple[str, str | None, int], int | None] = {}


def _judged(check: str, level: str | None, version: int) -> int | None:
    """`Target.judge` once the level and version are known: a pure function of the three (and
    the tables above), asked for every container by each of the 17 Pod Security rules, so answered once."""
    key = (check, level, version)
    got = _JUDGED.get(key, _UNKNOWN)
    if got is _UNKNOWN:
        if level is None:
            got = revision(check, LATEST)
        elif check not in active(level, version):
            got = None
        else:
            got = revision(check, version)
        _JUDGED[key] = got
    return got  # type: ignore[return-value]


_UNKNOWN = object()


def profile_rules(level: str, version: int, rules: list[Rule]) -> list[Rule]:
    """The rules (with their target) that reproduce the admission verdict at `level` and `version`."""
    from glmlint import records

    wanted = {RULES[c] for c in active(level, version)}
    target = Target(level, min(version, LATEST))
    return [records.replace(r, params=target) if r.params is not None else r
            for r in rules if r.code in wanted]


def namespace_rules(namespaces: tuple[tuple[str, str, int], ...], rules: list[Rule]) -> list[Rule]:
    """Every PSS rule, judging each workload by its namespace's enforce labels."""
    from glmlint import records

    target = Target(namespaces=namespaces)
    codes = set(RULES.values())
    return [records.replace(r, params=target) for r in rules if r.code in codes and r.params is not None]


ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version"


def enforce_policy(labels: dict[str, Any]) -> tuple[str, int] | None:
    """A Namespace's enforce level and version from its labels; None for `privileged` or none.
    An unknown version is evaluated as the latest, as the admission controller does."""
    level = labels.get(ENFORCE_LABEL)
    if level not in LEVELS:
        return None
    version = parse_version(str(labels.get(ENFORCE_VERSION_LABEL, "latest")))
    return str(level), LATEST if version is None else version


def namespace_labels(docs: list[Any]) -> list[tuple[str, str, int]]:
    """(name, level, version) of each Namespace in YAML documents (and `List`s) that sets an enforce
    level other than privileged."""
    from glmlint.parsers import yamlnodes as y

    out = []
    stack = [d for d in docs if y.is_map(d)]
    while stack:
        doc = stack.pop(0)
        kind = y.text(y.get(doc, "kind")) or ""
        if kind.endswith("List") and y.is_seq(y.get(doc, "items")):
            stack.extend(i for i in y.items(y.get(doc, "items")) if y.is_map(i))
            continue
        name = y.text(y.get(doc, "metadata", "name"))
        if kind != "Namespace" or not name:
            continue
        labels = {k: y.text(v) for k, (_key, v) in y.entries(y.get(doc, "metadata", "labels")).items()
                  if y.is_scalar(v)}
        policy = enforce_policy(labels)
        if policy is not None:
            out.append((name, *policy))
    return out


def read_namespaces(paths: list[str], root: str, stdin_filename: str | None = None
                    ) -> tuple[tuple[str, str, int], ...]:
    """The enforce labels of the Namespaces defined in the files a scan of `paths` reads (standard
    input is not read twice: a Namespace piped in is not seen). Only files that mention the label
    are parsed."""
    from glmlint.discovery import discover
    from glmlint.parsers import yamlnodes as y

    found: dict[str, tuple[str, str, int]] = {}
    for cand in discover(paths, root, stdin_filename):
        if isinstance(cand, tuple) or cand.path == "-" or not cand.hint.startswith("yaml"):
            continue
        try:
            with open(cand.path, encoding="utf-8", errors="replace") as fh:
                text = fh.read(5 * 1024 * 1024)
        except OSError:
            continue
        if ENFORCE_LABEL not in text:
            continue
        try:
            docs = y.compose_all(text)
        except Exception:  # the scan itself reports a file it cannot parse
            continue
        for name, level, version in namespace_labels(docs):
            found[name] = (name, level, version)
    return tuple(found[n] for n in sorted(found))


def capability(name: str, workload: Workload) -> str:
    """A capability as the platform reads it: Kubernetes compares the name as written; Docker
    upper-cases it and drops a `CAP_` prefix (compose `cap_add`, `--cap-add`)."""
    if workload.pod is not None:
        return name
    upper = name.strip().upper()
    return upper[4:] if upper.startswith("CAP_") else upper


def label_options(opts: tuple[Any, ...]) -> list[tuple[Any, str, str]]:
    """Docker's SELinux `label` security options as (item, key, value): `label=type:spc_t` ->
    (item, "type", "spc_t"); the engine accepts `label=` and the older `label:`."""
    out = []
    for item in opts:
        text = item.value.strip()
        for prefix in ("label=", "label:"):
            if text.lower().startswith(prefix):
                key, _, value = text[len(prefix):].partition(":")
                out.append((item, key.strip().lower(), value.strip()))
    return out
