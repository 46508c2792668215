"""Secret written as a literal in an environment variable or build argument.

## What it does
Flags an `ENV` or `ARG` (Dockerfile), `environment` or `build.args`
(compose), or `env` (Kubernetes; and the `env_vars` of a Ray runtime
environment: a KubeRay `RayJob`'s `runtimeEnvYAML`, a `RayService`'s
`serveConfigV2` application or Ray Serve LLM config `runtime_env`, read
inside the string) entry whose name says it holds a secret
(`PASSWORD`, `PASSWD`, `PASSPHRASE`, `SECRET`, `TOKEN`, `API_KEY`,
`PRIVATE_KEY`, `SECRET_KEY`, `CREDENTIALS`, Redis's password `REDIS_AUTH`, ... as a word of the name, so
`HF_TOKEN` and `dbPassword` count and `TOKENIZERS_PARALLELISM` does not) and
whose value is written out literally.

A URL with a password in it (`DATABASE_URL: postgresql://mlflow:s3cret@db/mlflow`,
`redis://:s3cret@redis:6379`, `PIP_INDEX_URL=https://__token__:glpat-…@gitlab…`) or
with a hosting service's token as its user (`https://ghp_…@github.com/…`) holds the
secret whatever the variable is called, and is reported too; the message says a
URL holds it. So does a DSN of Go's MySQL driver, `user:password@tcp(host:3306)/db` or
`user:password@unix(/path)/db` (One API's and New API's `SQL_DSN`, a Go service's `MYSQL_DSN`). A password taken from elsewhere (`${POSTGRES_PASSWORD}`, Kubernetes
`$(DB_PASSWORD)`) or written as template text is not reported, and neither are
the words a connection-string template puts there (`postgresql://user:password@host/db`,
`<password>`, `{password}`, `DB_PASSWORD`, `mypass`).

A literal default (`${OPENAI_API_KEY:-sk-...}` in compose, a `docker run`
line or a Dockerfile `ENV`/`ARG` whose variable no instruction above sets,
`${VAR-default}` too) is what the container gets whenever the variable
is unset, so it is reported as written ("... when `OPENAI_API_KEY` is unset").
In a URL, only the variables whose defaults give the password (or the token
user) are named: `postgresql://${DB_USER:-app}:s3cret@${DB_HOST:-db}/app`
holds the password whatever those two are set to, and says so with no "when".
A well-known default credential that the service runs with until someone
changes it (`minioadmin`, `changeme`, `admin`, `postgres`; a stack's shipped default that reads like template
text, Supabase's `your-super-secret-jwt-token-with-at-least-32-characters-long`, and its service_role key,
`SERVICE_ROLE_KEY`) is reported too,
and so is a value the [service catalog](../services.md) knows as the key a
service's own quick start runs with, even where it reads like a fake key
(LiteLLM's `LITELLM_MASTER_KEY: sk-1234`, which its examples then send).

A literal secret on a command line is reported too: in a build step (`RUN huggingface-cli login --token
hf_…`, `RUN git clone https://ghp_…@github.com/…`, `RUN HF_TOKEN=hf_… python download.py`), which
`docker history` shows as written in every image built from it, and in a start command (`CMD`, compose
`command:`/`entrypoint:`, Kubernetes `command`/`args`: `--api-key 9f86d0…`, `--IdentityProvider.token=…`).
It is the value of a long option whose name says it holds a secret (the words above: `--api-key`,
`--hf-token`, `--token=…`, Redis's `--requirepass` and `--masterauth`; not `--max-tokens`, `--password-file`, a switch about one (`--use_auth_token`,
`--no-token`), nor a hashed password such as Jupyter's
`sha1:…`/`argon2:…`), a key whose issuer's prefix and length say it is real anywhere in a word (Hugging Face
`hf_`, GitHub `ghp_`/`github_pat_`, GitLab `glpat-`, OpenAI `sk-`/`sk-proj-`, Anthropic `sk-ant-`, NVIDIA
`nvapi-`, Slack `xox?-`), a URL with a literal password or token user, or a secret-named `VAR=value` prefix
or `export`. The commands of a `sh -c` script are read one by one; the script's word is reported only for
a secret none of them holds. A value from elsewhere (`--token "$(cat /run/secrets/hf_token)"`, `$HF_TOKEN`)
or template text (`<your-api-key>`, `hf_xxxx`) is not reported. A compose service's `command:` is interpolated
with the project's variables before the container starts, so there a default is the secret whenever the
variable is unset (`redis-server --requirepass ${REDIS_PASSWORD:-difyai123456}`, reported "when `REDIS_PASSWORD`
is unset"; not when the project's `.env` sets it, nor the container shell's `$${…}`).

A compose service's `env_file:` is read as Compose reads it (paths relative to
the compose file, later files and then `environment:` winning, a `required: false`
file that is absent skipped, `format: raw` taken as written): a literal secret in a
committed env file is reported at the service, naming the file and line. An env file
that a `.gitignore` (of its directory or one above, up to the repository root) keeps
out of the repository is where secrets belong, and is not reported.

It never fires for a value that comes from elsewhere: a reference (`${VAR}`,
`$VAR`, `${VAR:?err}`, Kubernetes `$(VAR)`, `valueFrom`), a command's output in a
shell (`$(cat token)`, `` `cat token` ``), a value the `.env`
file beside a compose file supplies, a value taken from the host (compose
`- TOKEN`), an empty value, an `ARG` with no default, a file (`*_FILE` names,
`/run/secrets/...` paths), template text a person is meant to replace
(`<your-token>`, `your-api-key-here`, `your_openai_api_key`, `xxxx`, `...`,
`{{ .Values.token }}`, prose in the reader's language such as `你的_worker_token` or `你的数据库密码`
("your worker token", "your database password": Chinese, Japanese or Korean words with no digit among
the rest, or opening with "your"; `管理员Qw7xLp2vRt9z` is a password), a secret manager's reference
(Bank-Vaults' `vault:secret/data/db#password`, vals' `ref+awssecrets://…`, 1Password's `op://vault/item/field`,
an AWS Secrets Manager or SSM ARN) or a SOPS-encrypted value (`ENC[AES256_GCM,data:…]`), a printf verb
where a connection string's password goes (`app:%s@tcp(db:3306)/app`), a vendor prefix with a fake body such as `sk-xxxx` or
`nvapi-NVKEY`, an API key's name in lower-case letters such as `nvidiaapikey`,
a value that spells the variable's own name: `HF_TOKEN: HF_TOKEN_VALUE`, `nvidia_api_key`, and for a
one-word name the word itself or an upper-case name with it as one part, `PASSWORD: PASSWORD_VALUE`), the dummy key a
client is given for a local OpenAI-compatible server that checks none
(`OPENAI_API_KEY: EMPTY` as vLLM's examples write it, `sk-no-key-required`,
`ollama`, `lm-studio`), or a name that
describes the secret rather than holding it (`TOKEN_URL`, `PASSWORD_LENGTH`,
`AWS_ACCESS_KEY_ID`, `SECRET_NAME`, `ACCESS_TOKEN_EXPIRE_MINUTES`,
`PASSWORD_HASH_ROUNDS`, how it is made or found: `PASSWORD_HASH_ALGO`,
`PASSWORD_SCHEME`, `TOKEN_STRATEGY`, `HF_TOKEN_ENV`; where a request carries it: `API_KEY_QUERY_PARAM`), a token
that is no credential (etcd's
`ETCD_INITIAL_CLUSTER_TOKEN`/`--initial-cluster-token`, a cluster's name at bootstrap, and
`ETCD_AUTH_TOKEN`/`etcd --auth-token`, the type of token it issues: `simple`, `jwt,…`), a switch (`true`, `off`,
`enabled`, `disabled`), or counts LLM tokens (`EMBEDDING_TOKEN_MAX`,
`TOKEN_BUDGET`, `MAX_TOKEN`, `NUM_TOKEN`). A short number in a name that
holds a secret is still reported (`SECURITY_TOKEN: "12345"`, a sample token
that then guards a real proxy). Messages name the variable, never the
value.

A Kubernetes `Secret` committed with a literal value that a container puts in its environment
(`env[].valueFrom.secretKeyRef` of that key, `envFrom[].secretRef` of the Secret, a KubeRay cluster's
`gcsFaultToleranceOptions.redisPassword`, which the operator gives the head as `REDIS_PASSWORD`, and its
`authOptions.secretName` in `mode: token`, whose `auth_token` every Ray container gets, and the storage
initializer KServe adds to an InferenceService's predictor to fetch its `storageUri`, which gets the S3 secret key
(`AWS_SECRET_ACCESS_KEY`, `awsSecretAccessKey`) of each Secret the predictor's ServiceAccount lists under `secrets:`,
or of the one its `serving.kserve.io/storageSecretName` annotation names) in the
Secret's namespace is reported too, at the Secret's key, naming those containers: a container of the
same file, or of another file of its directory (`kubectl apply -f k8s/` creates them together:
`k8s/secret.yaml` read by `k8s/deployment.yaml`; not when two files of the directory write a Secret of
that name, as a folder of examples does), or of a directory beside it in the namespace both write
(`deploy/apps/vllm.yaml` and `deploy/secrets/hf.yaml`, both `namespace: llm`, as `kubectl apply -R -f deploy/`
creates them; not a reader there of no written namespace, nor when another directory beside it writes a
Secret of that name). `stringData` is read as written, `data` once decoded (base64 is
an encoding: anyone who reads the file reads the secret), and a key is a secret when its name or the name
of a variable that reads it says so (`HF_TOKEN`, `password`, `secretkey`; key `hf` read as `HF_TOKEN`).
A key that a YAML alias gives another's value (`copy: *pw`) is reported with it, once. A Secret only
mounted as files, or read by no container, is not (GLM013 is a secret in an environment). Not a Secret
encrypted with SOPS (a top-level `sops:`), a null (`~`), template text
(`<your-hf-token>`, `my-password` here as in an environment, `${BASE64_PASSWORD}`, a PEM block around
`...`), a hashed password (`$2y$…`, Dex's), binary `data`, nor what a Helm chart's template makes at
install time (`randAlphaNum`, `genPrivateKey`, `lookup`) or a `--set` gives. A value a template line, a
Kustomize resource or patch, or a `secretGenerator`'s `literals:` item or committed `envs:` file writes as it
is is reported there, a constant a template's action writes (`default "…"`, `{{ "…" | b64enc }}`) at the
template line, and a chart's values file's literal that a template writes into the Secret
(`{{ .Values.hfToken | b64enc }}`) at the values line, as the same value given through `env` is.
So is the Secret a shell script creates from literals (`kubectl create secret generic hf --from-literal=HF_TOKEN=hf_…`,
`--from-literal KEY=VALUE`), at the value in the script, when a container of what the script applies (its heredocs,
the files and directories it gives `kubectl apply -f`, a `kubectl apply -k` directory) or of its directory's files
reads it; not a value the shell
expands (`--from-literal=token="$HF_TOKEN"`), nor one of a README's commands, which no script runs.

A secret written once and given to several services of a compose file (a committed
`env_file:` they all read, an `environment:` merged into each from a YAML anchor, a service
another `extends`) or to several `docker run` lines of a script (`--env-file`) is reported once,
at the first, naming them all: one line to change, not one finding per service.

## Why is this bad?
A literal secret is in the repository's history for good, in every image
built from it (`docker history` and `docker inspect` show `ENV` and `ARG`
values and every `RUN` command as written) and in the pod spec anyone with read access to the namespace can
get. Model hub tokens, cloud keys and database passwords leak this way.

## Example
```yaml
services:
  mlflow:
    image: ghcr.io/mlflow/mlflow:v2.14.1
    environment:
      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9
```
Use instead:
```yaml
services:
  mlflow:
    image: ghcr.io/mlflow/mlflow:v2.14.1
    environment:
      AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY:?set it in .env}
```
(or a compose `secrets:` entry, a Kubernetes `Secret` through
`valueFrom.secretKeyRef`, a BuildKit `RUN --mount=type=secret`)
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from glmlint import lazyre
from glmlint import records
from glmlint.ir import Command, EnvVar, Format, Loc, SecretRead, SourceFile, Word, Workload, has_variable
from glmlint.rule import Finding, Kind, Risk, Severity, rule
from glmlint.scripts import script_of
from glmlint.shell import SHELLS

# words of a variable name that say it holds a secret
# (Redis's `requirepass` and `masterauth` are its password and the one a replica logs in to its master with:
# `redis-server --requirepass s3cret`, redis/redis@7.2.4 redis.conf)
_SECRET_WORDS = frozenset({"PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY",
                           "CREDENTIALS", "PRIVATEKEY", "SECRETKEY", "REQUIREPASS", "MASTERAUTH"})
# word pairs that do the same (`API_KEY`, `PRIVATE_KEY`, ...)
# (not `ACCESS_KEY`: MinIO's and most S3 clients' access key is the user name beside the secret key)
_SECRET_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"),
                           ("AUTH", "KEY"), ("SIGNING", "KEY"), ("ENCRYPTION", "KEY"), ("MASTER", "KEY"),
                           ("CLIENT", "SECRET"), ("REDIS", "AUTH"),
                           # Supabase's service_role key, a JWT that passes row-level security (`SERVICE_ROLE_KEY`,
                           # supabase/supabase@f8a85e7a9b99a3f2a12e06bacf7ee373a58dbfd9 docker/.env.example; its
                           # ANON_KEY is public by design)
                           ("ROLE", "KEY")})
# last two words that hold the secrets although the last alone describes them (`REDACT_SECRET_KEYS` lists
# field names): Weaviate's AUTHENTICATION_APIKEY_ALLOWED_KEYS is the API keys themselves
# (weaviate.io/developers/weaviate/configuration/authentication)
# Redis's `AUTH` is its password: `REDIS_AUTH` (Langfuse packages/shared/src/server/redis/redis.ts at
# langfuse/langfuse@62751446149b702b419a9292ddfc2280cdf74b8c: `password: env.REDIS_AUTH`)
_HOLDING = frozenset({("ALLOWED", "KEYS"), ("REDIS", "AUTH")})
# a last word that makes the name describe the secret rather than hold it
_ABOUT = frozenset({"FILE", "PATH", "DIR", "NAME", "URL", "URI", "ENDPOINT", "HOST", "PORT", "LENGTH", "LEN",
                    "EXPIRY", "EXPIRES", "EXPIRATION", "TTL", "TIMEOUT", "TYPE", "HEADER", "ENABLED",
                    "DISABLED", "REQUIRED", "ID", "IDS", "FORMAT", "MODE", "LOCATION", "REF", "PROVIDER",
                    "SOURCE", "STORE", "VERSION", "LIMIT", "COUNT", "KEYS", "FIELD", "PREFIX", "SUFFIX",
                    "POLICY", "ROTATION", "AUTH", "METHOD", "ALGORITHM", "ALG", "SIZE", "USER", "USERNAME",
                    "REGION", "AUDIENCE", "SCOPE", "SCOPES", "ISSUER", "LIFETIME", "INTERVAL", "BACKEND",
                    "CLASS", "HANDLER",
                    # whose keys they are, not the keys (Weaviate's AUTHENTICATION_APIKEY_USERS lists the
                    # users of AUTHENTICATION_APIKEY_ALLOWED_KEYS, which holds the keys themselves)
                    "USERS",
                    # a quantity about the secret or about LLM tokens (`ACCESS_TOKEN_EXPIRE_MINUTES`,
                    # `EMBEDDING_TOKEN_MAX`, `TOKEN_BUDGET`, `PASSWORD_HASH_ROUNDS`)
                    "SECONDS", "SECS", "MINUTES", "MINS", "HOURS", "DAYS", "WEEKS", "MS", "EXPIRE", "MAX", "MIN",
                    "BUDGET", "OVERLAP", "WINDOW", "THRESHOLD", "ROUNDS", "ITERATIONS", "RETRIES",
                    # how the secret is made, checked or kept (`PASSWORD_HASH_ALGO: argon2`,
                    # `PASSWORD_SCHEME: SSHA`, `TOKEN_STRATEGY: jwt`), or where a program finds it (`HF_TOKEN_ENV: HF_TOKEN`)
                    "ALGO", "HASHER", "HASHERS", "ENCODER", "SCHEME", "STRENGTH", "COMPLEXITY", "STRATEGY", "KIND",
                    "CHARSET", "PROMPT", "ENGINE", "ENV", "VAR",
                    # where a request carries the key, by name (`API_KEY_QUERY_PARAM: api_key`, beside
                    # `API_KEY_HEADER: x-api-key`: envoyproxy/ai-gateway@c217da8a tests/e2e/testdata/mcp_route.yaml; field25 F25-11)
                    "PARAM", "PARAMS", "PARAMETER", "QUERY"})
# names whose "token" is no credential: etcd's `--initial-cluster-token` ("Initial cluster token for the etcd
# cluster during bootstrap. Specifying this can protect you from unintended cross-cluster interaction"), a
# cluster's identifier every Bitnami etcd install writes as it is, and `ETCD_AUTH_TOKEN`, the `--auth-token` type
# (`simple` or `jwt,…`) (etcd-io/etcd@c5eb78e2e63943feddf870d75000e56882fbd9b2 server/etcdmain/help.go; field24 F24-2)
_NOT_CREDENTIALS = (("INITIAL", "CLUSTER", "TOKEN"), ("ETCD", "AUTH", "TOKEN"))
# a program's options whose name says "token" but whose value is no credential: etcd's `--auth-token`, the
# flag of `ETCD_AUTH_TOKEN` ("Specify a v3 authentication token type and its options ('simple' or 'jwt')":
# `--auth-token simple`, `--auth-token jwt,pub-key=…,priv-key=…,sign-method=RS256`, key files named, never
# a key; etcd-io/etcd@c5eb78e2e63943feddf870d75000e56882fbd9b2 server/etcdmain/help.go)
_NOT_CREDENTIAL_OPTIONS = {"etcd": frozenset({"--auth-token"})}
# a word before the secret word that makes the name a quantity (`MAX_TOKEN: 2048`)
_QUANTITY = frozenset({"MAX", "MIN", "NUM", "NUMBER", "TOTAL", "COUNT"})
_CAMEL = lazyre.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_UPPER_SNAKE = lazyre.compile(r"[A-Z0-9_]+")  # a variable-like value (`LABEL_STUDIO_PASSWORD`): template text
_BACKTICKS = lazyre.compile(r"`[^`]+`")  # the shell's older command substitution (`` HF_TOKEN=`cat token` ``)
_API_KEY_WORDS = lazyre.compile(r"[a-z]*[-_]?api[-_]?key")  # `nvidiaapikey`, `my-api-key`: template text
# a letter of Chinese, Japanese or Korean: a value written in prose (`你的_worker_token`, `你的数据库密码`,
# `あなたのAPIキー`: "your worker token", "your database password"), what a README in the reader's language
# puts where the reader's own secret goes; a key or token a service issues, or a password a config
# holds, is not written in those scripts (kana, CJK ideographs and their extension A, Hangul syllables)
_CJK = lazyre.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# ...but only prose: what is left once the CJK letters are taken out is words with no digit (`你的_worker_token`,
# `あなたのAPIキー`), or the value opens with "your" (`你的`, `您的`, `あなたの`, `당신의`); a password with a CJK
# part and a random one (`管理员Qw7xLp2vRt9z`) is still a password
_CJK_YOUR = ("你的", "您的", "あなたの", "당신의")
# A secret manager's reference, which something resolves before the program reads the value: Bank-Vaults'
# webhook replaces `vault:PATH#KEY` and `>>vault:PATH#KEY` (bank-vaults/secrets-webhook@17e4aef4
# pkg/provider/vault/secret.go `secretNeedsMutation`, provider.go `isValidPrefix`; `${vault:…}` inline is a
# variable already), vals/helmfile `ref+BACKEND://…` (helmfile/vals@edebf4bd README.md), 1Password's
# `op://VAULT/ITEM/FIELD` for `op run`/`op inject` (https://developer.1password.com/docs/cli/secret-references/),
# AWS Secrets Manager and SSM parameter ARNs (`arn:aws:secretsmanager:…`, `arn:aws:ssm:…:parameter/…`), and a
# SOPS-encrypted value `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` (getsops/sops@a04e15a6 aes/cipher.go: a value
# encrypted in the file is the recommended way to commit one)
_SECRET_REFERENCE = lazyre.compile(
    r"^(>>)?vault:[^\s#]+#\S+$|^ref\+[a-z0-9]+://\S+$|^op://[^/\s]+/[^/\s]+/\S+$"
    r"|^arn:aws[a-z-]*:(secretsmanager|ssm|kms):\S+$|^ENC\[[A-Z0-9_]+,data:[^\]]*\]$")
# Template text a person is meant to replace: never a credential anything runs with. A
# well-known default credential (`changeme`, `minioadmin`, `admin`) is not template text: the
# service runs with it until someone changes it, so it is reported (RULES.md, GLM017-022).
_PLACEHOLDER = (
    r"""^(<.*>|\[.*\]|\{\{.*\}\}|%.*%|@.*@|[x*.#_-]+|\.\.\..*|.*\.\.\.|.*…)$
      |replace.?me|replace.?with|your.?(own.?)?[a-z0-9_.-]*?(key|token|secret|password|passwd|pass|pwd)
      |(key|token|secret|password|passwd|pwd).?(goes.?)?here$
      |^(insert|enter|put|paste|add|fake|dummy|example|sample)[-_]
      |^(todo|tbd|fixme|none|null|nil|undefined|dummy|placeholder|redacted|example|sample|not.?set|unset
          |xxx.*|\*\*\*.*)$
      |^(empty|unused|not.?used|not.?needed|not.?required|no.?key|sk-no-key-required|ollama|lm-studio)$""",
    re.I | re.X)
# The last line: the dummy keys an OpenAI client is given for a local OpenAI-compatible server that
# checks none, as those servers' docs write them: vLLM `openai_api_key = "EMPTY"`
# (https://github.com/vllm-project/vllm/blob/v0.6.3/examples/openai_completion_client.py), llama.cpp
# `sk-no-key-required` (https://github.com/ggerganov/llama.cpp/blob/master/examples/server/README.md),
# Ollama `api_key='ollama'  # required, but unused` (https://github.com/ollama/ollama/blob/main/docs/openai.md),
# LM Studio `api_key="lm-studio"` (https://lmstudio.ai/docs/api/openai-api).
# a vendor key prefix with a body no real key has: `sk-xxxx`, `hf_...`, `nvapi-NVKEY`, `sk-proj-YOUR_KEY`
_FAKE_KEY = (
    r"""^(sk(-proj|-ant)?|hf|nvapi|ghp|gho|github_pat|glpat|xox[abpr]|pk|rk|AKIA)[-_]
         ([x*.#_-]+|.{0,7}|[A-Z_-]+|.*(your|here|xxxx|\.\.\.).*)$""",
    re.X)
_NOT_SECRET = {"true", "false", "yes", "no", "on", "off", "0", "1", "enabled", "disabled"}  # a switch, not a secret
# Defaults that read like template text ("your-…") but that a stack's shipped env file sets and runs with until
# someone changes them, copied as they are into projects built on it: well-known default credentials, reported
# (RULES.md). Supabase self-hosting's JWT secret (which signs its demo anon and service_role keys), Postgres
# password and Logflare token (supabase/supabase@f8a85e7a9b99a3f2a12e06bacf7ee373a58dbfd9 docker/.env.example;
# field25 F25-10: AutoGPT's platform compose)
_SHIPPED_DEFAULTS = frozenset({"your-super-secret-jwt-token-with-at-least-32-characters-long",
                               "your-super-secret-and-long-postgres-password",
                               "your-super-secret-and-long-logflare-key-private"})


@rule(code="GLM013", slug="secret-in-env", severity=Severity.ERROR,
      message="{name} sets `{var}` to a literal secret", formats={Format.DOCKERFILE, Format.COMPOSE,
                                                                  Format.KUBERNETES},
      tags=("security", "cwe-798"),
      kind=Kind.EXPOSURE, risk=Risk.HIGH)
def check(workload: Workload) -> Iterator[Finding]:
    name = workload.label
    if workload.format is Format.KUBERNETES:  # (the others' environments: `check_env`)
        for var in workload.env:
            if not var.private:
                found = _env_finding(var, name)
                if found is not None:
                    yield found
    for var in workload.build_args:
        passed = _passed_by(workload, var)
        if holds_literal_secret(var):
            yield Finding(at=var.loc, args={"name": name, "var": var.name},
                          message=f"the build of {name} gives `{var.name}` a literal secret default" if passed is None
                          else f"the build of {name} passes `{var.name}` a literal secret ({passed}): kept in "
                               f"the image's history and provenance")
        elif (held := url_credential(var)) is not None:
            yield Finding(at=var.loc, args={"name": name, "var": var.name}, assumed=_url_resting_on(var),
                          message=f"the build of {name} gives `{var.name}` a default {held} in it"
                          if passed is None else f"the build of {name} passes `{var.name}` a {held} in it ({passed})")
    yield from _on_command_lines(workload)


def _env_finding(var: EnvVar, name: str, message: str | None = None) -> Finding | None:
    """The finding about one variable of a workload's environment (`name`: its label, or the labels of every
    workload that reads the same line of an env file), if it holds a literal secret."""
    sets = message or f"{name} sets"
    if holds_literal_secret(var):
        return Finding(at=var.loc, args={"name": name, "var": var.name},
                       message=None if message is None else f"{sets} `{var.name}` to a literal secret")
    if (held := url_credential(var)) is not None:
        return Finding(at=var.loc, args={"name": name, "var": var.name}, assumed=_url_resting_on(var),
                       message=f"{sets} `{var.name}` to a {held} in it")
    if var.value and not var.dynamic and is_secret_name(var.name):
        service = _known_credential(var)
        if service is not None:
            return Finding(at=var.loc, args={"name": name, "var": var.name},
                           message=f"{sets} `{var.name}` to a default credential of {service} that "
                                   f"everyone knows (its documentation's example value)")
    return None


@check.on_file
def check_env(source: SourceFile) -> Iterator[Finding]:
    """The environments of a file's compose services and `docker run` lines: a literal secret once per place it
    is written, however many of the file's workloads get it from there (a committed `env_file:`, `--env-file`, a
    YAML anchor merged into several services, the service another `extends`): reported as the first one's,
    naming them all. RAGFlow's docker/.env, read by every service of its compose files, held 11 passwords: 231
    findings, 11 lines to change; Airflow's docker-compose.yaml merges one `environment:` into 7 services.
    (A Kubernetes container's own `env` is judged with it, in `check`: the fix verification's rows read it so.)"""
    if source.secrets:  # (a Kubernetes file's; those a script creates, `glmlint.kubesecrets`)
        yield from _in_secrets(source)
    readers: dict[Loc, list[tuple[Workload, EnvVar, bool]]] = {}
    for workload in source.workloads:
        if workload.format is Format.KUBERNETES:
            continue
        env = workload.env
        last = {v.name: i for i, v in enumerate(env)}  # (a later one of a name wins, `environment:` over `env_file:`)
        for i, var in enumerate(env):
            if not var.private:  # (an env file `.gitignore` keeps out of the repository: where secrets belong)
                readers.setdefault(var.loc, []).append((workload, var, last[var.name] != i))
    for got in readers.values():
        got = [g for g in got if not g[2]] or got  # those that get the value (all of them, when none does)
        first, var, _ = got[0]
        workloads = list({w.label: w for w, _, _ in got}.values())
        if len(workloads) == 1:
            found = _env_finding(var, first.label)
        else:
            found = _env_finding(var, first.label, _together(workloads) + " set")
        if found is not None:
            yield records.replace(found, workload=first, args={**found.args, "readers": len(workloads)})


def _in_secrets(source: SourceFile) -> Iterator[Finding]:
    """A committed Kubernetes Secret's literal secret (`stringData` as written, `data` decoded: base64 is an
    encoding anyone can undo), judged by its key as an environment variable's value by its name, or by the
    name of a variable that reads it (`HF_TOKEN` from key `hf`), at the key, naming the workloads that read it:
    of the file, else of the files applied with it (`link.secret_readers`). In a rendered chart or overlay,
    only a value a file of the repository writes as it is (`_written_as_is`). A key that a YAML alias gives
    the value of another (`copy: *pw`) is reported with it, at the one line to change."""
    near: list[SecretRead] | None = None  # the reads of the files applied with this one, when first needed
    names = {s.name for s in source.secrets}
    # the file's ServiceAccounts that list its Secrets: a KServe predictor of another file that runs as one reads them
    listing = {a.name for a in source.accounts if names.intersection(a.secrets)}
    for secret in source.secrets:
        values: dict[str, str] = {}  # each key's value, to find the keys that are written once
        for var in secret.entries:
            if var.value is None or _HASHED.match(var.value.strip()) or _template_text(var.value):
                continue  # (binary data; a hashed password, which is what a server is meant to be given)
            values[var.name] = var.value
        if not values:
            continue
        readers = secret.readers
        if source.origins is None and source.disk_path and \
                any(not _readers(readers, k) and is_literal(v) for k, v in values.items()):
            if near is None:
                from glmlint.link import nearby_secret_reads

                near = nearby_secret_reads(source.disk_path, names | listing, source.accounts,
                                           tuple(dict.fromkeys(p for s in source.secrets for p in s.applied_with)),
                                           tuple({s.namespace for s in source.secrets if s.namespace}))
            readers = (*readers, *((r.label, r.key, r.var) for r in near if r.secret == secret.name and (
                r.namespace == secret.namespace if r.apart else
                r.namespace is None or secret.namespace is None or r.namespace == secret.namespace)))
        aliases = dict(secret.aliases)
        for var in secret.entries:
            if var.name not in values or var.name in aliases:
                continue
            # the line that writes it in a rendered chart or overlay; plain (not base64) when it is a values file's
            # literal a template encodes, or a `secretGenerator`'s
            line = _written_as_is(source, var.loc) if source.origins is not None else None
            if source.origins is not None and line is None:
                template = _template_line(source, var)  # (read once for both)
                if template is None or not (_from_template(template, var) or _from_values(source, template, var)):
                    continue
                line = var.value
            keys = [var.name, *(k for k, first in secret.aliases if first == var.name and k in values)]
            got = [g for k in keys for g in _readers(readers, k)]
            if not got:
                continue  # (GLM013 is a secret in a container's environment: a key no workload's env reads is not)
            read_as = [var.name, *(n for _label, n in got if n != var.name)]
            judged = next((n for n in read_as if is_secret_name(n)), None)
            if judged is None:
                continue
            found = _env_finding(records.replace(var, name=judged), "", f"Secret `{secret.name}` sets")
            if found is None:
                continue
            message = (found.message or "").replace(f"`{judged}`", f"`{var.name}`", 1)
            if len(keys) > 1:
                message = message.replace(f"`{var.name}`", "`" + "` and `".join(keys) + "`", 1)
            if var.name in secret.encoded and (line is None or var.value.strip() not in line):
                message += " (base64 in `data:`, which anyone can decode)"
            labels = list(dict.fromkeys(label for label, _n in got))
            message += ", read by " + (", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1
                                       else labels[0])
            if judged != var.name:
                message += f" as `{judged}`"
            yield records.replace(found, args={"name": f"Secret `{secret.name}`", "var": var.name}, message=message)


def _readers(readers: tuple[tuple[str, str | None, str], ...], key: str) -> list[tuple[str, str]]:
    """(workload label, the variable it reads `key` as) of each of `readers` (`Secret.readers`) that reads it."""
    return [(label, var if k is not None else var + key) for label, k, var in readers if k is None or k == key]


def _written_as_is(source: SourceFile, at: Loc) -> str | None:
    """The line of a file of the repository that writes a rendered Secret's key at `at` with its value as it is
    ("" when not known), else None: a Kustomize resource or patch line, a `secretGenerator`'s `literals:` item or
    committed `envs:` file line, or a line of a chart's template with no action on it. Not a value a chart's
    template fills in at install time (`{{ randAlphaNum 16 | b64enc }}`, `lookup`, a values default the
    installer overrides: `helm template`'s output is no committed text; a values file's literal is
    `_from_values`'), nor a block scalar's lines."""
    got = source.origins.locate(at.line, at.col)
    if got is None or got[0].detail or got[1]:
        return None
    place = got[0]
    if not place.disk:  # (a Kustomize resource or patch: the built value is the file's, `kustomize.Origin.locate`)
        return ""
    try:
        with open(place.disk, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
    except OSError:
        return None
    line = lines[place.line - 1] if 0 < place.line <= len(lines) else "{{"
    return line if "{{" not in line and not re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", line) else None


# a chart's values read in a template's action (`{{ .Values.secrets.hfToken | b64enc | quote }}`, `$.Values.x`)
_VALUES_REF = lazyre.compile(r"(?<![\w)])\$?\.Values((?:\.[A-Za-z0-9_-]+)+)")


# a string constant in a template's action (`default "s3cret"`, `{{ "s3cret" | b64enc }}`, a raw `` `s3cret` ``)
_TEMPLATE_STRING = lazyre.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`')


def _template_line(source: SourceFile, var: EnvVar) -> str | None:
    """The line of a chart's template that wrote a rendered Secret's key at `var` (its value in an action), if known."""
    got = source.origins.locate(var.loc.line, var.loc.col)
    if got is None or got[0].detail or not got[0].disk or var.value is None:
        return None
    try:
        with open(got[0].disk, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
    except OSError:
        return None
    line = lines[got[0].line - 1] if 0 < got[0].line <= len(lines) else ""
    return line if "{{" in line else None


def _from_template(line: str, var: EnvVar) -> bool:
    """Whether a rendered chart's Secret value at `var` is a string constant its template's action writes (a literal
    `default "…"` every install that leaves the value empty gets, `{{ "…" | b64enc }}`): committed text, reported at
    the template line, as the same default given through `env` is (review A24 S2). Not what a function makes at
    install time (`randAlphaNum`, `genPrivateKey`, `lookup`), whose output is no constant of the line. `line`: the
    template line that wrote it (`_template_line`)."""
    value = var.value.strip()
    return any(value == (m.group(1) if m.group(1) is not None else m.group(2))
               for action in re.findall(r"\{\{(.*?)\}\}", line) for m in _TEMPLATE_STRING.finditer(action))


def _from_values(source: SourceFile, line: str, var: EnvVar) -> bool:
    """Whether a rendered chart's Secret value at `var` is a values file's literal, as the file writes it (a chart's
    `values.yaml`, the `-f` file of its deploy script): the template line that wrote the key reads a value of
    `.Values` that a values file of the chart sets to exactly that text (`b64enc` undone: the Secret's `data` is
    read decoded). Committed text, reported at the values line (`results.moved`, through `source.embedded`), as
    the same value given through `env` is; not a value a template makes (`randAlphaNum`, a `default` the values
    leave empty, `lookup`), nor one `--set` gives. `line`: the template line that wrote it (`_template_line`)."""
    inner = tuple((tuple(m.group(1)[1:].split(".")), var.value.strip()) for m in _VALUES_REF.finditer(line))
    if not inner or source.origins.values_place(var.loc.line, inner) is None:
        return False
    if source.embedded is None:
        source.embedded = {}
    source.embedded[(var.loc.line, var.loc.col)] = inner
    return True


# a PEM block (`-----BEGIN OPENSSH PRIVATE KEY-----`) around its body
_PEM = lazyre.compile(r"^-----BEGIN [A-Z0-9 ]+-----\s*(.*?)\s*-----END [A-Z0-9 ]+-----$", re.S)


def _template_text(value: str) -> bool:
    """A Secret's value that only shows where a secret goes: a PEM block around no key (`...`, Argo CD's
    repository examples; only a Secret holds a key file). The words a template writes for one (`my-password`)
    are template text wherever they are (`is_literal`)."""
    text = value.strip().strip("'\"")
    if (pem := _PEM.match(text)) is not None:
        text = pem.group(1)
        return not text or not is_literal(text)
    return False


def _together(workloads: list[Workload]) -> str:
    """`services `a`, `b` and `c``: the workloads a finding is about, by name."""
    if all(w.format is Format.COMPOSE for w in workloads):
        names = [f"`{w.name}`" for w in workloads]
        return "services " + ", ".join(names[:-1]) + " and " + names[-1]
    labels = [w.label for w in workloads]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


# A key whose prefix names its issuer and whose body is as long as the issuer's real keys: on a command line it
# is a secret whatever option carries it (`huggingface-cli login --token hf_…`, `echo hf_… > …/token`,
# `-H "Authorization: Bearer sk-…"`). Hugging Face user access tokens (`hf_` + 34 letters), GitHub's token
# prefixes (ghp_/gho_/ghu_/ghs_/ghr_ + 36, github_pat_ fine-grained), GitLab's glpat-, OpenAI's sk-/sk-proj-,
# Anthropic's sk-ant-, NVIDIA's nvapi-, Slack's xox?-.
_ISSUED_KEY = lazyre.compile(
    r"(?<![A-Za-z0-9_-])(?P<key>(?P<hf>hf_[A-Za-z]{30,})|(?P<github>gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})"
    r"|(?P<gitlab>glpat-[A-Za-z0-9_-]{20,})|(?P<anthropic>sk-ant-[A-Za-z0-9_-]{32,})"
    r"|(?P<openai>sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,})|(?P<nvidia>nvapi-[A-Za-z0-9_-]{32,})"
    r"|(?P<slack>xox[abpors]-[A-Za-z0-9-]{20,}))(?![A-Za-z0-9_-])")
_SHORTEST_KEY = 25  # `xox?-` and 20 characters: no shorter word holds one
_ISSUERS = {"hf": "Hugging Face token", "github": "GitHub token", "gitlab": "GitLab token",
            "anthropic": "Anthropic API key", "openai": "OpenAI API key", "nvidia": "NVIDIA API key", "slack": "Slack token"}
# a hashed password is what a server is meant to be given (Jupyter's `--PasswordIdentityProvider.hashed_password`)
_HASHED = lazyre.compile(r"^(sha1|sha256|sha512|argon2|pbkdf2[^:]*|bcrypt|scrypt):|^\$(2[aby]?|5|6|argon2\w*|y)\$")


def _on_command_lines(workload: Workload) -> Iterator[Finding]:
    """A literal secret on the command line of a build step (kept in the image's history: `docker history`
    shows every `RUN` as written) or of the container's start command (in the file, the image's config and the
    pod spec): the value of a long option whose name says it holds a secret (`--api-key sk-…`, `--token=…`,
    `--ServerApp.token=…`), a key its issuer's prefix names anywhere in a word, a URL with a literal password or
    token user, and a secret-named `VAR=value` prefix or `export`. A `sh -c` script's commands are read on their
    own: its word is reported only for a secret none of them holds (an `export` the shell IR keeps no command for)."""
    name = workload.label
    # a compose service's `command:`/`entrypoint:` is interpolated with the project's variables before the
    # container starts: `--requirepass ${REDIS_PASSWORD:-difyai123456}` is the default when the variable is unset
    project = dict(workload.start_env) if workload.format is Format.COMPOSE and workload.start_env is not None \
        else None
    for commands, build in ((workload.all_build_steps, True), (workload.process, False)):
        seen: set[Loc] = set()
        held: set[str] = set()
        scripts: list[tuple[Loc, str, str]] = []
        for i, cmd in enumerate(commands):
            for loc, what, secret, script in _secret_words(cmd, None if build else project):
                if script:
                    scripts.append((loc, what, secret))
                elif loc not in seen and not _inner_word(commands, i, loc):
                    seen.add(loc)
                    held.add(secret)
                    yield _command_line_finding(name, cmd.name, loc, what, build)
        for loc, what, secret in scripts:
            if secret not in held and loc not in seen:
                seen.add(loc)
                held.add(secret)
                yield _command_line_finding(name, "sh", loc, what, build)


def _inner_word(commands: tuple[Command, ...] | list[Command], i: int, loc: Loc) -> bool:
    """Whether the word at `loc` of `commands[i]` is a word of a command it runs (`exec etcd --auth-token …`,
    `sudo -E huggingface-cli login --token …`: `shell.expand` lists that command after it), which judges it as
    its own program's (`_NOT_CREDENTIAL_OPTIONS`). Asked only of a word found to hold a secret."""
    return any(w.loc == loc for cmd in commands[i + 1:] for w in cmd.argv[1:])


def _command_line_finding(name: str, program: str, loc: Loc, what: str, build: bool) -> Finding:
    # a start command may be arguments to the image's entrypoint (`command: --api-key …`): no program named
    what, _, unset = what.partition("\x00")  # (the variables whose defaults give it: `_defaulted`)
    return Finding(at=loc, args={"name": name, "var": program}, message=(
        f"the build of {name} runs `{program}` with {what}: kept in the image's history" if build
        else f"{name} starts with {what} on its command line{unset}"))


def _defaulted(word: Word, project: dict[str, str] | None) -> tuple[str, str] | None:
    """A compose command's word as Compose interpolates it, when variables' defaults give it (`${PW:-s3cret}`,
    none set in the project's `.env`): (the text, the message's " when `PW` is unset"); None otherwise."""
    if project is None or word.loc.file or not word.dynamic:
        return None
    from glmlint.interpolate import interpolate

    got = interpolate(word.text, project)
    if got is None or not got.defaulted or got.from_env or has_variable(got.text):
        return None
    names = [f"`{v}`" for v in got.defaulted]
    return got.text, " when " + " and ".join(names) + (" is" if len(names) == 1 else " are") + " unset"


def _secret_words(cmd: Command, project: dict[str, str] | None = None) -> Iterator[tuple[Loc, str, str, bool]]:
    """Where `cmd` holds a literal secret (the word; the command for a `VAR=value` prefix): what the message
    says it is, the secret, and whether the word is a shell's `-c` script. `project`: a compose service's
    project variables, which its command is interpolated with (`_defaulted`)."""
    option: str | None = None  # a long option whose name says it holds a secret, waiting for its value
    words = cmd.argv[1:] if cmd.argv and not cmd.argv[0].text.startswith("-") else cmd.argv
    run = script_of(cmd) if cmd.name in SHELLS else None
    script = run.word if run is not None and run.inline else None  # `sh -c '…'`: its commands are read too
    export = cmd.name == "export"
    for word in words:
        text = word.text
        if option is None and len(text) < _SHORTEST_KEY and "@" not in text and not text.startswith("--") \
                and not (export and "=" in text):
            # (most words: no option waits for it, too short for an issued key, no URL or DSN userinfo
            # without an `@`, no `--opt=`, no `export VAR=`: nothing below can find a secret in it)
            continue
        found: tuple[str, str] | None = None
        if option is not None and not text.startswith("-"):
            if not word.dynamic and _literal_option_value(text):
                found = f"a literal secret (`{option}`)", text
            elif (read := _defaulted(word, project)) is not None and _literal_option_value(read[0]):
                found = f"a literal secret (`{option}`)\x00{read[1]}", read[0]
            option = None
        elif text.startswith("--"):
            opt, eq, value = text.partition("=")
            secret = _holds_secret_option(opt) and opt not in _NOT_CREDENTIAL_OPTIONS.get(cmd.name, ())
            if eq and secret and not word.dynamic and _literal_option_value(value):
                found = f"a literal secret (`{opt}`)", value
            elif eq and secret and (read := _defaulted(word, project)) is not None \
                    and _literal_option_value(read[0].partition("=")[2]):
                found = f"a literal secret (`{opt}`)\x00{read[1]}", read[0].partition("=")[2]
            option = opt if secret and not eq else None
        else:
            option = None
            var, eq, value = text.partition("=")
            if eq and cmd.name == "export" and not word.dynamic and holds_literal_secret(EnvVar(var, value, word.loc)):
                found = f"a literal secret (`{var}`)", value
        if found is None and len(text) >= _SHORTEST_KEY and (key := _ISSUED_KEY.search(text)) is not None and \
                not _placeholders()[1].match(key.group("key")):
            found = f"a literal {next(v for k, v in _ISSUERS.items() if key.group(k))}", key.group("key")
        if found is None and not word.dynamic and (url := _url_secret(text)) is not None:
            found = f"a {url[0]} in it", url[1]
        if found is not None:
            yield word.loc, found[0], found[1], word is script
    for var, value in cmd.assignments:
        if holds_literal_secret(EnvVar(var, value, cmd.loc)):
            yield cmd.loc, f"a literal secret (`{var}`)", value, False


# a first word that makes an option a switch about a secret, not the secret (`--use_auth_token`, `--no-token`,
# `--disable-password`, `--trust-token`): the word after it is its next argument (`--use_auth_token gpt2`)
_SWITCH_WORDS = frozenset({"USE", "NO", "DISABLE", "ENABLE", "WITH", "WITHOUT", "ALLOW", "REQUIRE", "SKIP", "ASK",
                           "PROMPT", "SHOW", "PRINT", "SAVE", "STORE", "CHECK", "VERIFY", "REFRESH", "TRUST",
                           "GENERATE", "RANDOM", "FORCE"})


@functools.lru_cache(maxsize=4096)  # asked for every long option of every command: options recur
def _holds_secret_option(option: str) -> bool:
    """Whether a long option's name says its value is a secret (`--api-key`, `--hf-token`, `--ServerApp.token`)."""
    name = option.lstrip("-").replace(".", "_")
    first = re.split(r"[^A-Za-z0-9]+", _CAMEL.sub("_", name).upper(), maxsplit=1)[0]
    return first not in _SWITCH_WORDS and is_secret_name(name)


def _literal_option_value(value: str) -> bool:
    return is_literal(value) and not _HASHED.match(value.strip("'\""))


def _passed_by(workload: Workload, var: EnvVar) -> str | None:
    """How a build argument's value is given to the build when it is not a Dockerfile `ARG`'s default: the
    `--build-arg` of a `docker build` line, a compose service's `build.args` (one of the service's own file:
    a Dockerfile's `ARG` it builds from is located there); None for an `ARG` default."""
    if workload.format is Format.DOCKER_RUN:
        return "`--build-arg`"
    if workload.format is Format.COMPOSE and not var.loc.file:
        return "`build.args`"
    return None


# `scheme://user:password@host`: the userinfo of a URL (RFC 3986 3.2.1) up to the authority's last `@`
_URL_USERINFO = lazyre.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://([^\s/?#@:]*)(?::([^\s/?#]*))?@")
# a hosting service's token written as the URL's user (`https://ghp_…@github.com/org/repo.git`):
# GitHub's documented prefixes (ghp_, gho_, ghu_, ghs_, github_pat_), GitLab's glpat-, Hugging Face's hf_
_TOKEN_USER = lazyre.compile(r"^(ghp_|gho_|ghu_|ghs_|github_pat_|glpat-|hf_)[A-Za-z0-9_-]{16,}$")
# a DSN of Go's MySQL driver (go-sql-driver/mysql@59de189eea30b4ff6207a44f810232907f95b098 README.md "DSN (Data
# Source Name)": `[username[:password]@][protocol[(address)]]/dbname`): `oneapi:123456@tcp(db:3306)/one-api`,
# One API's and New API's SQL_DSN, a Go service's MYSQL_DSN. Not a URL (no scheme): its userinfo ends at the `@` before the
# protocol, `tcp(…)` or `unix(…)`; a value's own word (a command line's `--dsn=…` too)
_GO_DSN = lazyre.compile(r"(?:^|(?<=[\s='\"]))([^\s:@/='\"]+):([^\s@/]*)@(?:tcp|tcp4|tcp6|unix)\(")
# a printf verb where the password goes: a DSN a Go or Python program fills (`app:%s@tcp(db:3306)/app`)
_PRINTF_VERB = lazyre.compile(r"%[-+ #0]*[0-9]*(\.[0-9]+)?[svdqx]")
# the words a connection-string template writes where the password goes (`user:password@host`)
_TEMPLATE_PASSWORD = lazyre.compile(r"^(my|the|db|some)?[-_]?(password|passwd|pass|pwd|pw|secret|token)$", re.I)
# ...and what a template writes for a secret anywhere (Argo CD's repository Secret examples: `password: my-password`,
# `bearerToken: my-token`): "my"/"the"/"some" and the word. The word alone (`DB_PASSWORD: password`) is a weak
# password a service really runs with, reported in an environment and a Secret alike (review A23 K1)
_TEMPLATE_WORDS = lazyre.compile(r"^(my|the|some)[-_]?(password|passwd|pass|pwd|pw|secret|token)$", re.I)


def url_credential(var: EnvVar) -> str | None:
    """`"URL with a literal password"` (or `token`, or `"DSN with a literal password"`) when `var`'s value holds
    a URL with a literal credential in its userinfo (`postgresql://app:s3cret@db/app`,
    `https://ghp_…@github.com/…`) or a Go MySQL DSN with a literal password (`app:s3cret@tcp(db:3306)/app`),
    else None."""
    if var.dynamic:
        return None
    got = _url_secret(var.value)
    return got[0] if got is not None else None


def _url_secret(value: str | None) -> tuple[str, str] | None:
    """(what holds it and what it is: `"URL with a literal password"`, `"URL with a literal token"`, `"DSN with a
    literal password"`; the credential) of the first URL (else Go MySQL DSN) in `value` with a literal one."""
    if not value:
        return None
    if "://" in value:
        for m in _URL_USERINFO.finditer(value):
            user, password = m.group(1), m.group(2)
            if password:
                if _literal_password(password):
                    return "URL with a literal password", password
                continue
            if _TOKEN_USER.match(user):
                return "URL with a literal token", user
    if "@" in value:
        for m in _GO_DSN.finditer(value):
            if m.group(2) and _literal_password(m.group(2)):
                return "DSN with a literal password", m.group(2)
    return None


def _literal_password(password: str) -> bool:
    """Whether a connection string's password is written out: not a template's (`{password}`, `%(pw)s`,
    `password`, `DB_PASSWORD`), a reference or a placeholder."""
    return not ("{" in password or "%(" in password or _PRINTF_VERB.fullmatch(password)
                or _TEMPLATE_PASSWORD.match(password)
                or (_UPPER_SNAKE.fullmatch(password) and is_secret_name(password)) or not is_literal(password))


def _url_resting_on(var: EnvVar) -> tuple[str, ...] | None:
    """The variables read through their defaults (`${DB_PASS:-s3cret}`) that give the URL's credential,
    for the message's "when `X` is unset": a variable set to another value changes the credential
    found; one that gives the user or the host (`${DB_USER:-app}`, `${DB_HOST:-db}`) does not.
    None (every one) when the value as written is not known or cannot be read again here."""
    from glmlint.interpolate import interpolate

    if var.written is None:
        return None
    read = interpolate(var.written)
    if read is None:
        return None
    found = _url_secret(read.text)
    out = []
    for name in read.defaulted:
        other = interpolate(var.written, {name: "\x01"})
        if other is None:
            return None
        if _url_secret(other.text) != found:
            out.append(name)
    return tuple(out)


def _known_credential(var: EnvVar) -> str | None:
    """The service whose well-known default credential `var` is set to, when the value looks like
    template text (`sk-1234`, the short fake-key form): the service catalog says it is the key the
    service's own quick start runs with (RULES.md: a well-known default credential set for a real
    service is reported, template text is not)."""
    from glmlint.catalog.services import known_env_credentials

    text = (var.value or "").strip().strip("'\"")
    return known_env_credentials().get((var.name, text.lower()))


def holds_literal_secret(var: EnvVar) -> bool:
    if not (is_secret_name(var.name) and is_literal(var.value, var.dynamic)):
        return False
    # a value that spells its own variable's name (`HF_TOKEN: HF_TOKEN`, `GOOGLE_API_KEY_VAL`) is a
    # placeholder; for a one-word name, only when the value is that word (`TOKEN: token`) or an
    # upper-case variable-like name with it as one part (`PASSWORD: PASSWORD_VALUE`, `MY_SECRET`):
    # `PASSWORD: password123`, `PASSWORD123` and `TOKEN: s3cr3t-token` hold a credential
    name, value = var.name.upper(), (var.value or "").upper()
    if re.search(r"[^A-Z0-9]", name) is None and not _CAMEL.search(var.name):
        raw = (var.value or "").strip()
        if _UPPER_SNAKE.fullmatch(raw) and name in raw.split("_"):
            return False
        return re.sub(r"[^A-Z0-9]", "", value) != name
    if name in value or re.sub(r"[^A-Z0-9]", "", value) == re.sub(r"[^A-Z0-9]", "", name):
        return False  # (run together too: `NVIDIA_API_KEY: nvidiaapikey`)
    # a name for an API key written in lower-case letters (`NGC_API_KEY: nvidiaapikey`, `myapikey`): no key
    # anyone issues is a word; template text a person is meant to replace, as NVIDIA's compose files write it
    return not (_API_KEY_WORDS.fullmatch((var.value or "").strip().strip("'\"")) and
                re.search(r"API_?KEY$", re.sub(r"[^A-Z0-9]+", "_", _CAMEL.sub("_", var.name).upper())))


@functools.lru_cache(maxsize=4096)  # asked for every variable of every workload: names recur
def is_secret_name(name: str) -> bool:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", _CAMEL.sub("_", name).upper()) if w]
    if not words or (words[-1] in _ABOUT and tuple(words[-2:]) not in _HOLDING) or name.upper() == "PWD":
        return False
    if any(w in _QUANTITY for w in words[:-1]):
        return False  # how many LLM tokens, not a token: `MAX_TOKEN`, `NUM_TOKEN`
    if any(tuple(words[-len(t):]) == t for t in _NOT_CREDENTIALS):
        return False  # (`ETCD_INITIAL_CLUSTER_TOKEN`, `--initial-cluster-token`)
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in zip(words, words[1:]))


def is_literal(value: str | None, dynamic: bool = False) -> bool:
    """A non-empty value written out, not a reference, a file path or a placeholder."""
    if value is None or dynamic:
        return False
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    if not text or has_variable(text) or "$(" in text or _BACKTICKS.search(text):
        return False  # (a command's output: `$(cat …)`, `` `cat ~/.cache/huggingface/token` ``)
    if text.lower() in _NOT_SECRET:
        return False
    if text.startswith(("/", "./", "~/", "file:")) and " " not in text:
        return False  # a path to a file holding the secret
    if _CJK.search(text) and (text.startswith(_CJK_YOUR) or not any(c.isdigit() for c in _CJK.sub("", text))):
        return False  # prose in the reader's language: template text
    if _SECRET_REFERENCE.match(text):
        return False  # a secret manager's reference or an encrypted value, not the secret
    if _TEMPLATE_WORDS.match(text):
        return False  # `my-password`, `my-token`: where a template's reader puts their own
    if text in _SHIPPED_DEFAULTS:
        return True
    placeholder, fake_key = _placeholders()
    return not (placeholder.search(text) or fake_key.match(text))


@functools.lru_cache(maxsize=1)
def _placeholders() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`_PLACEHOLDER` and `_FAKE_KEY`, compiled on first use: only a secret-named variable with a literal
    value is tested, and compiling them was ~1 ms of a one-file check's start-up."""
    return re.compile(*_PLACEHOLDER), re.compile(*_FAKE_KEY)
