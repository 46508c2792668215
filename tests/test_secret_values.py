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


@pytest.mark.parametrize(("name", "value", "secret"), [
    # lists of field names to redact or mask name secrets, they do not hold them
    ("REDACT_SECRET_KEYS", "password,token,api_key", False),
    ("REDACT_SECRET", "password,token,api_key", True),
    ("LOG_MASK_TOKEN_KEYS", "authorization,x-api-key", False),
    ("PASSWORD_KEYS", "password,passwd", False),
    # Weaviate's allowed API keys are the keys; its users list is who they belong to
    ("AUTHENTICATION_APIKEY_ALLOWED_KEYS", "rag-ingest-9d2f81c4e7", True),
    ("AUTHENTICATION_APIKEY_USERS", "ingest@example.com", False),
])
def test_key_lists_hold_keys_only_when_they_are_the_allowed_keys(name: str, value: str, secret: bool) -> None:
    assert holds_literal_secret(EnvVar(name, value, Loc(1, 1))) is secret


def test_a_url_password_message_names_only_the_variables_that_give_the_credential(tmp_path) -> None:
    from tests.helpers import lint

    report = lint(tmp_path, {"compose.yaml": """\
        services:
          mlflow:
            image: ghcr.io/mlflow/mlflow:v2.16.2
            environment:
              USER_DEFAULTED_URI: postgresql://${DB_USER:-mlflow}:Zq8s7d6fK@db:5432/mlflow
              HOST_DEFAULTED_URI: postgresql://mlflow:Zq8s7d6fK@${DB_HOST:-db}:5432/mlflow
              PASS_DEFAULTED_URI: postgresql://mlflow:${DB_PASS:-Zq8s7d6fK}@${DB_HOST:-db}:5432/mlflow
          worker:
            image: python:3.11-slim
            environment:
              - BROKER_URL=amqp://${MQ_USER:-guest}:Zq8s7d6fK@${MQ_HOST:-rabbit}:5672//
              - REPO_URL=https://${GH_TOKEN:-ghp_abcdefghijklmnopqrstuvwxyz0123456789}@github.com/org/repo.git
        """,
        "Dockerfile": """\
        FROM python:3.11-slim
        ENV STORE_URI=postgresql://${DBU:-mlflow}:Zq8s7d6fK@db:5432/mlflow
        ENV OTHER_URI=postgresql://mlflow:${DB_PASS:-Zq8s7d6fK}@${DBH:-db}:5432/mlflow
        CMD ["python"]
        """}, ["GLM013"])
    got = {r.message.split("`")[3] if r.message.startswith("service") else r.message.split("`")[1]:
           r.message.partition(" in it")[2] for r in report.results}
    assert got == {"USER_DEFAULTED_URI": "", "HOST_DEFAULTED_URI": "", "PASS_DEFAULTED_URI": " when `DB_PASS` is unset",
                   "BROKER_URL": "", "REPO_URL": " when `GH_TOKEN` is unset",
                   "STORE_URI": "", "OTHER_URI": " when `DB_PASS` is unset"}
