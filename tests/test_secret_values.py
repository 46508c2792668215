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


@pytest.mark.parametrize(("name", "value", "secret"), [
    # a key's name run together is template text (NVIDIA's blueprint compose files); a key is not
    ("NVIDIA_API_KEY", "nvidiaapikey", False),
    ("NGC_API_KEY", "nvidiaapikey", False),
    ("NGC_API_KEY", "nvidia-k3y-8d2f81c4e7", True),
    ("OPENAI_API_KEY", "apikey123", True),
    # only for a name that holds an API key: a server's password is what it runs with (`PASSWORD: myapikey`)
    ("PASSWORD", "myapikey", True),
    # Redis's AUTH is its password (Langfuse's REDIS_AUTH); a switch about it is not one
    ("REDIS_AUTH", "myredissecret", True),
    ("REDIS_AUTH", "true", False),
    ("USE_REDIS_AUTH", "yes", False),
    ("WEBUI_AUTH", "False", False),
    ("REDIS_AUTH_HOST", "redis-0", False),
])
def test_template_key_names_and_redis_auth(name: str, value: str, secret: bool) -> None:
    assert holds_literal_secret(EnvVar(name, value, Loc(1, 1))) is secret


def test_a_committed_env_file_secret_is_one_finding_per_scanned_file_naming_its_readers(tmp_path) -> None:
    from tests.helpers import lint

    env = "MYSQL_PASSWORD=infini_rag_flow\nREDIS_PASSWORD=infini_rag_flow\n"
    three = """\
        services:
          mysql:
            image: mysql:8.0.39
            env_file: .env.shared
          es01:
            image: elasticsearch:8.11.3
            env_file: [.env.shared]
          ragflow:
            image: infiniflow/ragflow:v0.20.5
            env_file: .env.shared
            environment:
              REDIS_PASSWORD: ${REDIS_PASSWORD:?set it}
        """
    report = lint(tmp_path, {".env.shared": env, "docker-compose.yml": three,
                             "docker-compose-gpu.yml": "services:\n  gpu:\n    image: infiniflow/ragflow:v0.20.5\n"
                                                       "    env_file: .env.shared\n"}, ["GLM013"])
    got = sorted((r.path, r.line, r.workload, r.message.split(" set")[0]) for r in report.results)
    assert got == [
        ("docker-compose-gpu.yml", 2, "service `gpu`", "service `gpu`"),
        ("docker-compose-gpu.yml", 2, "service `gpu`", "service `gpu`"),
        ("docker-compose.yml", 2, "service `mysql`", "services `mysql` and `es01`"),  # ragflow sets its own
        ("docker-compose.yml", 2, "service `mysql`", "services `mysql`, `es01` and `ragflow`"),
    ]
    shared = next(r for r in report.results if "`ragflow` set" in r.message)
    assert shared.message.endswith("set `MYSQL_PASSWORD` to a literal secret (set in `.env.shared:1`, an `env_file` of each)")
    alone = next(r for r in report.results if r.path == "docker-compose-gpu.yml" and "MYSQL" in r.message)
    assert alone.message == ("service `gpu` sets `MYSQL_PASSWORD` to a literal secret (set in `.env.shared:1`, an "
                             "`env_file` of the service)")


def test_an_anchor_merged_secret_is_one_finding_and_a_kubernetes_container_keeps_its_own(tmp_path) -> None:
    from tests.helpers import lint

    report = lint(tmp_path, {"docker-compose.yaml": """\
        x-common: &common
          image: apache/airflow:3.0.2
          environment: &env
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: postgresql+psycopg2://airflow:Zq8s7d6fK@postgres/airflow
        services:
          scheduler:
            <<: *common
          worker:
            <<: *common
            environment:
              <<: *env
              AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: ${SQL_CONN:?set it}
          apiserver:
            <<: *common
        """,
        "pod.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata: {name: train}
        spec:
          containers:
            - name: a
              image: ghcr.io/acme/train:1
              env: [{name: HF_TOKEN, value: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb}]
            - name: b
              image: ghcr.io/acme/train:1
              env: [{name: HF_TOKEN, value: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb}]
        """}, ["GLM013"])
    got = sorted((r.path, r.line, r.workload, r.message.split(" set")[0]) for r in report.results)
    assert got == [
        # the worker sets its own: the two that get the anchor's value are named
        ("docker-compose.yaml", 4, "service `scheduler`", "services `scheduler` and `apiserver`"),
        ("pod.yaml", 8, "container `a` (Pod/train)", "container `a` (Pod/train)"),
        ("pod.yaml", 11, "container `b` (Pod/train)", "container `b` (Pod/train)"),
    ]


@pytest.mark.parametrize(("name", "value", "secret"), [
    # a README in the reader's language says in prose what goes there ("your database password", "your API
    # key"): GPUStack's README_CN `--token 你的_worker_token`; the secret a person puts there is
    ("POSTGRES_PASSWORD", "你的数据库密码", False),
    ("POSTGRES_PASSWORD", "Qw7xLp2vRt9z", True),
    ("JWT_SECRET", "你的随机长密钥", False),
    ("JWT_SECRET", "c2f1b7e9a04d4f6b8e3a5d7c9b1f0e2a", True),
    ("DEEPSEEK_API_KEY", "あなたのAPIキー", False),
    ("HF_TOKEN", "당신의_토큰", False),
    ("HF_TOKEN", "hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb", True),
    # only prose: a password with a CJK part and a random one is a password (review A23 D1)
    ("ADMIN_PASSWORD", "管理员Qw7xLp2vRt9z", True),
    ("ADMIN_PASSWORD", "管理员密码", False),
    ("WORKER_TOKEN", "你的token123", False),
])
def test_prose_in_chinese_japanese_or_korean_is_template_text(name: str, value: str, secret: bool) -> None:
    assert holds_literal_secret(EnvVar(name, value, Loc(1, 1))) is secret


def test_a_token_flag_in_chinese_prose_is_template_text_and_a_real_token_is_not(tmp_path) -> None:
    from tests.helpers import lint

    run = ("docker run -d --name gpustack-worker gpustack/gpustack:v0.7.1 \\\n"
           "  --server-url http://192.168.1.10 --token {}\n")
    report = lint(tmp_path, {"prose.sh": run.format("你的_worker_token"),
                             "real.sh": run.format("8f3c2a91d7e64b0f9a5c1e2d3b4a6f70"),
                             "url.sh": "docker run -e DATABASE_URL=postgresql://app:你的密码@db:5432/app python:3.12\n"},
                  ["GLM013"])
    assert sorted((r.path, r.line) for r in report.results) == [("real.sh", 2)]


def test_a_go_mysql_dsn_holds_its_password_as_a_url_does(tmp_path) -> None:
    from tests.helpers import lint

    report = lint(tmp_path, {
        "literal.sh": 'docker run -d -e SQL_DSN="root:Zq8s7d6fK@tcp(10.0.0.5:3306)/oneapi" justsong/one-api:v0.6.10\n',
        "flag.sh": "docker run -d ghcr.io/acme/migrate:1.2 --dsn='app:Zq8s7d6fK@tcp(db:3306)/app' up\n",
        "from_env.sh": 'docker run -d -e SQL_DSN="root:${DB_PASS}@tcp(10.0.0.5:3306)/oneapi" justsong/one-api:v0.6.10\n',
        "template.sh": 'docker run -d -e SQL_DSN="root:password@tcp(10.0.0.5:3306)/oneapi" justsong/one-api:v0.6.10\n',
        "no_password.sh": 'docker run -d -e SQL_DSN="reader@tcp(10.0.0.5:3306)/oneapi" justsong/one-api:v0.6.10\n',
    }, ["GLM013"])
    got = sorted((r.path, r.message.split("`")[-1].strip()) for r in report.results)
    assert got == [("flag.sh", "starts with a DSN with a literal password in it on its command line"),
                   ("literal.sh", "to a DSN with a literal password in it")]


@pytest.mark.parametrize(("name", "value", "secret"), [
    # a secret manager's reference, resolved before the program reads it (review A23 K5, K6): Bank-Vaults,
    # vals/helmfile, 1Password, AWS ARNs, a SOPS-encrypted value; each beside the literal it stands for
    ("DB_PASSWORD", "vault:secret/data/db#password", False),
    ("DB_PASSWORD", ">>vault:secret/data/db#password", False),
    ("DB_PASSWORD", "vault-secret-data-db-password", True),
    ("HF_TOKEN", "ref+awssecrets://prod/hf#token", False),
    ("GCP_TOKEN", "ref+gcpsecrets://proj/tok", False),
    ("OPENAI_API_KEY", "op://prod/openai/credential", False),
    ("OPENAI_API_KEY", "sk-proj-Qw7xLp2vRt9zQw7xLp2vRt9zQw7x", True),
    ("DB_SECRET", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", False),
    ("OPENAI_API_KEY", "ENC[AES256_GCM,data:Zm9vYmFy,iv:q2KxZm9v,tag:Vb3nZm9v,type:str]", False),
    ("OPENAI_API_KEY", "ENC[Zm9vYmFy]", True),
])
def test_a_secret_managers_reference_is_not_the_secret(name: str, value: str, secret: bool) -> None:
    assert holds_literal_secret(EnvVar(name, value, Loc(1, 1))) is secret


def test_a_printf_verb_for_the_password_is_a_template(tmp_path) -> None:
    from tests.helpers import lint

    report = lint(tmp_path, {
        "compose.yaml": "services:\n  a:\n    image: x/y:1\n    environment:\n"
                        "      DATABASE_URL: postgresql://app:%s@db/app\n"
                        "      SQL_DSN: \"app:%v@tcp(db:3306)/app\"\n"
                        "      OTHER_DSN: \"app:Zq8s7d6fK@tcp(db:3306)/app\"\n",
    }, ["GLM013"])
    assert [r.line for r in report.results] == [7]


@pytest.mark.parametrize(("name", "value", "secret"), [
    # reread25 R3: Supabase's `SERVICE_ROLE_KEY` is its service_role JWT; another `*_ROLE_KEY` a role's or a label's name
    ("SERVICE_ROLE_KEY", "Zq8vK2mP9xL4Tr7wPk2nQ5sB", True),
    ("SUPABASE_SERVICE_ROLE_KEY", "Zq8vK2mP9xL4Tr7wPk2nQ5sB", True),
    ("NODE_ROLE_KEY", "node-role.kubernetes.io/worker", False),
    ("IAM_ROLE_KEY", "arn:aws:iam::123456789012:role/trainer", False),
    ("ROLE_KEY", "admin", False),
    # ...unless it is given a key an issuer's prefix and length name
    ("ROLE_KEY", "sk-proj-abcdefghijklmnopqrstuvwx1234567890", True),
    # a query parameter's name is where the key goes, not the key; a key there is one all the same
    ("API_KEY_QUERY_PARAM", "api_key", False),
    ("OPENAI_API_KEY_PARAM", "sk-proj-abcdefghijklmnopqrstuvwx1234567890", True),
    ("OPENAI_API_KEY_PARAM", "openai_api_key", False),
    ("MODEL_QUERY_PARAM", "sk-proj-abcdefghijklmnopqrstuvwx1234567890", False),
])
def test_a_role_key_or_a_keys_parameter_holds_a_key_by_its_value(name: str, value: str, secret: bool) -> None:
    assert holds_literal_secret(EnvVar(name, value, Loc(1, 1))) is secret
