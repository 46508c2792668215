"""GLM013's reading of a variable's name and value, in pairs that differ in one switch."""
from __future__ import annotations

import pytest
from glmlint.ir import EnvVar, Loc
from glmlint.rules.glm013_secret_in_env import holds_literal_secret


@pytest.mark.parametrize(("name", "value", "secret"), [
    # LLM token counts and token lifetimes are numbers about tokens, not tokens
    ("MAX_TOKEN", "2048", False),
    ("HF_TOKEN", "2048", True),
    ("ACCESS_TOKEN_EXPIRE_MINUTES", "30", False),
    ("ACCESS_TOKEN", "30", True),
    ("SECRET_ROTATION_DAYS", "30", False),
    ("SECRET", "30", True),
    ("EMBEDDING_TOKEN_MAX", "512", False),
    ("EMBEDDING_TOKEN", "512", True),
    ("TOKEN_BUDGET", "120000", False),
    ("PASSWORD_HASH_ROUNDS", "12", False),
    ("PASSWORD_HASH", "12", True),
    # a short number that a proxy checks is a (weak) token: KubeRay's security proxy sample
    ("SECURITY_TOKEN", "12345", True),
])
def test_quantities_about_a_secret_are_not_secrets(name: str, value: str, secret: bool) -> None:
    assert holds_literal_secret(EnvVar(name, value, Loc(1, 1))) is secret
