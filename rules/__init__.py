"""The built-in rules, listed explicitly (no import-time self-registration).

`MODULES` names the rule modules in code order (append yours). `BUILTIN`, their rules, imports
every one of them when first asked for. A scan does not: it selects the rules from the generated
index `_index.py` (`python -m glmlint.registry` writes it; a test keeps it current) and imports a
rule's module only when the rule runs, that is for the formats of the files it reads
(`glmlint.registry.builtin_rules`; issue 12: a Dockerfile check imports 12 of the 46).
"""
from __future__ import annotations

from typing import Any

MODULES = (
    "glm001_run_as_root",
    "glm002_missing_cap_drop",
    "glm003_privileged",
    "glm004_writable_rootfs",
    "glm005_jupyter_open_no_token",
    "glm006_ssh_password_auth",
    "glm007_privilege_escalation",
    "glm008_dangerous_capability",
    "glm009_host_namespace",
    "glm010_sensitive_mount",
    "glm011_unconfined_profile",
    "glm012_no_resource_limits",
    "glm013_secret_in_env",
    "glm014_world_writable",
    "glm015_jupyter_allow_root",
    "glm016_sensitive_port_exposed",
    "glm017_ai_service_exposed",
    "glm018_trust_remote_code",
    "glm019_passwordless_sudo",
    "glm020_writable_model_mount",
    "glm021_host_device",
    "glm022_remote_script_pipe",
    "glm023_pss_host_namespaces",
    "glm024_host_port",
    "glm025_host_path_volume",
    "glm026_host_probe",
    "glm027_unmasked_proc_mount",
    "glm028_unsafe_sysctl",
    "glm029_windows_host_process",
    "glm030_non_default_capability",
    "glm031_capabilities_not_restricted",
    "glm032_selinux_options",
    "glm033_apparmor_profile",
    "glm034_seccomp_profile_not_allowed",
    "glm035_seccomp_profile_missing",
    "glm036_restricted_volume_type",
    "glm037_run_as_non_root_not_set",
    "glm038_run_as_user_root",
    "glm039_privilege_escalation_allowed",
    "glm040_rbac_wildcard",
    "glm041_rbac_escalation",
    "glm042_rbac_secret_read",
    "glm043_cluster_admin_binding",
    "glm044_service_account_token",
    "glm045_unpinned_image",
    "glm046_unverified_add",
)


def __getattr__(name: str) -> Any:
    if name == "BUILTIN":
        import importlib

        rules = tuple(importlib.import_module(f"{__name__}.{m}").check for m in MODULES)
        globals()["BUILTIN"] = rules
        return rules
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
