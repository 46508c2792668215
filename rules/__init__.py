"""The built-in rules, listed explicitly (no import-time self-registration)."""
from __future__ import annotations

from glmlint.rules import (glm001_run_as_root, glm002_missing_cap_drop, glm003_privileged,
                           glm004_writable_rootfs, glm005_jupyter_open_no_token, glm006_ssh_password_auth,
                           glm007_privilege_escalation, glm008_dangerous_capability, glm009_host_namespace,
                           glm010_sensitive_mount, glm011_unconfined_profile, glm012_no_resource_limits,
                           glm013_secret_in_env, glm014_world_writable, glm015_jupyter_allow_root,
                           glm016_sensitive_port_exposed, glm019_passwordless_sudo,
                           glm021_host_device, glm022_remote_script_pipe, glm045_unpinned_image,
                           glm046_unverified_add)

BUILTIN = (
    glm001_run_as_root.check,
    glm002_missing_cap_drop.check,
    glm003_privileged.check,
    glm004_writable_rootfs.check,
    glm005_jupyter_open_no_token.check,
    glm006_ssh_password_auth.check,
    glm007_privilege_escalation.check,
    glm008_dangerous_capability.check,
    glm009_host_namespace.check,
    glm010_sensitive_mount.check,
    glm011_unconfined_profile.check,
    glm012_no_resource_limits.check,
    glm013_secret_in_env.check,
    glm014_world_writable.check,
    glm015_jupyter_allow_root.check,
    glm016_sensitive_port_exposed.check,
    glm019_passwordless_sudo.check,
    glm021_host_device.check,
    glm022_remote_script_pipe.check,
    glm045_unpinned_image.check,
    glm046_unverified_add.check,
)
