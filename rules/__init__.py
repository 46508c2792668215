"""The built-in rules, listed explicitly (no import-time self-registration)."""
from __future__ import annotations

from glmlint.rules import (glm001_run_as_root, glm002_missing_cap_drop, glm003_privileged,
                           glm004_writable_rootfs, glm005_jupyter_open_no_token, glm006_ssh_password_auth)

BUILTIN = (
    glm001_run_as_root.check,
    glm002_missing_cap_drop.check,
    glm003_privileged.check,
    glm004_writable_rootfs.check,
    glm005_jupyter_open_no_token.check,
    glm006_ssh_password_auth.check,
)
