"""The service catalog: schema-valid data with a source for every fact, and `identify` over real files."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from glmlint.catalog import services
from glmlint.parsers import parse
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]


def _schema() -> dict:
    return YAML(typ="safe").load(files("glmlint.catalog").joinpath("services.schema.yaml").read_text())


def test_catalog_matches_its_schema() -> None:
    import jsonschema

    jsonschema.validate(services.raw(), _schema())


def test_schema_rejects_a_fact_without_source() -> None:
    import jsonschema

    data = services.raw()
    broken = dict(data["services"]["ollama"])
    broken["listeners"] = [{k: v for k, v in broken["listeners"][0].items() if k != "source"}]
    with pytest.raises(jsonschema.ValidationError, match="source"):
        jsonschema.validate({"schema": 1, "services": {"ollama": broken}}, _schema())


def test_services_json_is_generated_from_the_yaml() -> None:
    assert services.compiled() == services.raw(), \
        "services.json is stale: run `python -m glmlint.catalog.services docs/services.md`"


@pytest.mark.parametrize("name", ["images.yaml", "purposes.yaml", "standards.yaml", "features.yaml"])
def test_data_files_json_twins_are_generated_from_the_yaml(name: str) -> None:
    import json

    from glmlint import catalog

    assert name in catalog.COMPILED
    twin = json.loads(catalog.read_text(catalog.json_twin(name)))
    fresh = twin["yaml"] == catalog.fingerprint(catalog.read_text(name))
    assert fresh and twin["data"] == catalog.load_yaml(name), \
        f"{catalog.json_twin(name)} is stale: run `python -m glmlint.catalog`"


def test_a_stale_json_twin_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A twin generated from other YAML text (an edit not yet regenerated) gives way to the YAML."""
    import json

    from glmlint import catalog

    real = catalog.read_text

    def read_text(name: str) -> str:
        if name == "purposes.json":
            twin = json.loads(real(name))
            twin["data"] = {"purposes": []}
            return json.dumps(twin)
        if name == "purposes.yaml":
            return real(name) + "# edited\n"
        return real(name)

    monkeypatch.setattr(catalog, "read_text", read_text)
    assert catalog.load_data("purposes.yaml") == catalog.load_yaml("purposes.yaml")
    assert catalog.load_data("purposes.yaml")["purposes"]


def test_every_service_cites_https_sources() -> None:
    for s in services.catalog():
        assert s.sources and all(u.startswith("https://") for u in s.sources), s.id


def test_docs_write_a_java_main_class_as_the_entry_does() -> None:
    """The match is case-insensitive, the page is not: H2O-3's `water.H2OApp` is a Java class name."""
    assert "`water.H2OApp`" in services.render_markdown()


def test_no_catalog_source_cites_a_branch() -> None:
    """A cited file is read at a commit (or a release tag), never at a branch that moves under the citation
    (`blob/main`, salsa's `-/blob/master`)."""
    import re

    branch = re.compile(r"/(?:-/)?(?:blob|tree|raw)/(?:main|master|HEAD|develop|dev|trunk)/")
    for name in ("services.yaml", "images.yaml", "purposes.yaml", "standards.yaml", "features.yaml"):
        text = files("glmlint.catalog").joinpath(name).read_text(encoding="utf-8")
        cited = re.findall(r"https://[^\s\"'<>)\]]+", text)
        assert cited, name
        assert [u for u in cited if branch.search(u)] == [], name


def test_the_required_services_are_cataloged() -> None:
    ids = {s.id for s in services.catalog()}
    assert {"ollama", "vllm", "torchserve", "ray", "jupyter", "sshd"} <= ids


def test_docs_services_md_is_current() -> None:
    committed = (ROOT / "docs" / "services.md").read_text(encoding="utf-8")
    assert committed == services.render_markdown(), \
        "docs/services.md is stale: run `python -m glmlint.catalog.services docs/services.md`"


@pytest.mark.parametrize("ref,repo", [
    ("ollama/ollama", "ollama/ollama"), ("docker.io/ollama/ollama:0.5.7", "ollama/ollama"),
    ("vllm/vllm-openai@sha256:abc", "vllm/vllm-openai"), ("localhost:5000/x/y:1", "localhost:5000/x/y"),
    ("docker.io/library/python:3.12", "python"), ("quay.io/jupyter/base-notebook", "quay.io/jupyter/base-notebook"),
])
def test_image_repository(ref: str, repo: str) -> None:
    assert services.image_repository(ref) == repo


@pytest.mark.parametrize("ref,tag", [
    ("ghcr.io/ggml-org/llama.cpp:server-cuda", "server-cuda"), ("ghcr.io/ggml-org/llama.cpp", "latest"),
    ("localhost:5000/x/y", "latest"), ("x/y:Server@sha256:abc", "server"),
])
def test_image_tag(ref: str, tag: str) -> None:
    assert services.image_tag(ref) == tag


@pytest.mark.parametrize("ref,known", [
    ("ghcr.io/ggml-org/llama.cpp:server", True), ("ghcr.io/ggml-org/llama.cpp:server-cuda-b4500", True),
    ("ghcr.io/ggerganov/llama.cpp:server-cuda", True), ("ghcr.io/ggml-org/llama.cpp:light", False),
    ("ghcr.io/ggml-org/llama.cpp:full-cuda", True), ("ghcr.io/ggml-org/llama.cpp", False),
])
def test_an_image_entry_with_tags_matches_only_those_tags(ref: str, known: bool) -> None:
    assert (services.get("llama-cpp").image(ref) is not None) is known


def _workloads(name: str, text: str):
    hint = "dockerfile" if name.startswith("Dockerfile") else "yaml"
    return parse(name, text, hint).workloads


def _ids(text: str, name: str = "compose.yaml") -> list[str]:
    return [m.service.id for w in _workloads(name, text) for m in services.identify(w)]


def test_identify_by_image_runs_the_images_command_and_env() -> None:
    (w,) = _workloads("compose.yaml", "services:\n  llm:\n    image: ollama/ollama:0.5\n")
    (m,) = services.identify(w)
    assert m.service.id == "ollama" and m.via == "image"
    (ls,) = m.listeners()
    assert ls.port == 11434 and ls.all_interfaces and ls.bind.how == "image"
    assert m.auth().state == "absent"


def test_identify_by_image_overridden_env_binds_loopback() -> None:
    (w,) = _workloads("compose.yaml", "services:\n  llm:\n    image: ollama/ollama\n"
                                      "    environment:\n      OLLAMA_HOST: 127.0.0.1:11434\n")
    (ls,) = services.identify(w)[0].listeners()
    assert ls.all_interfaces is False and ls.bind.how == "env"


def test_identify_command_args_go_to_the_images_entrypoint() -> None:
    text = ("services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n"
            "    command: --model Qwen/Qwen2-7B --trust-remote-code --api-key ${VLLM_KEY}\n")
    (w,) = _workloads("compose.yaml", text)
    (m,) = services.identify(w)
    assert m.service.id == "vllm"
    assert [d.word.text for d in m.dangerous()] == ["--trust-remote-code"]
    assert m.auth().state == "on"


def test_identify_through_sh_c_and_python_m() -> None:
    text = ("services:\n  api:\n    image: myorg/llm\n    command: >\n"
            "      sh -c \"pip list && python3 -m vllm.entrypoints.openai.api_server --host 0.0.0.0 --port 9000\"\n")
    (w,) = _workloads("compose.yaml", text)
    (m,) = services.identify(w)
    (ls,) = m.listeners()
    assert (m.service.id, ls.port, ls.all_interfaces, ls.bind.how) == ("vllm", 9000, True, "flag")


def test_an_entrypoint_override_is_not_the_images_service() -> None:
    assert _ids("services:\n  x:\n    image: ollama/ollama\n    entrypoint: [bash, -c, sleep infinity]\n") == []


def test_ray_needs_the_head() -> None:
    # a worker node serves none of the head's listeners: it is the listener-less `ray-worker` (runs the jobs' tasks)
    assert _ids("services:\n  w:\n    image: rayproject/ray\n    command: ray start --address=head:6379 --block\n") == [
        "ray-worker"]
    assert _ids("services:\n  h:\n    image: rayproject/ray\n    command: ray start --head --block\n") == ["ray"]


def test_kubernetes_command_and_args() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: ts
      image: pytorch/torchserve:0.12.0-gpu
      args: [torchserve, --start, --model-store, /models, --disable-token-auth]
"""
    (w,) = _workloads("pod.yaml", text)
    (m,) = services.identify(w)
    assert m.service.id == "torchserve" and m.auth().state == "off"
    assert [r.value for r in m.model_stores()] == ["/models"]


def test_torchserve_image_default_binds_all_interfaces_from_its_config() -> None:
    (w,) = _workloads("compose.yaml", "services:\n  ts:\n    image: pytorch/torchserve\n")
    (m,) = services.identify(w)
    assert {ls.listener.name: ls.all_interfaces for ls in m.listeners()} == {
        "management API": True, "inference API": True, "gRPC management API": True, "gRPC inference API": True}
    assert [r.value for r in m.model_stores()] == ["/home/model-server/model-store"]


def test_the_catalog_loads_once() -> None:
    assert services.catalog() is services.catalog()


def test_jupyter_and_sshd_are_recognised_from_one_place() -> None:
    """GLM005/GLM015 (`glmlint.jupyter`) and GLM006 (`glmlint.openssh`) recognise exactly the
    launches the catalog does: every cataloged Jupyter command starts a launch both see."""
    import json as _json

    from glmlint.jupyter import launches
    from glmlint.openssh import analyse
    from tests.helpers import one

    jupyter = services.get("jupyter")
    assert jupyter.family is not None and jupyter.settings is not None
    commands = [list(c) for c in jupyter.commands] + [["python3", "-m", m] for m in jupyter.modules]
    for argv in commands:
        w = one(f"FROM python:3.12\nCMD {_json.dumps(argv + ['--ip=0.0.0.0'])}\n")
        assert [m.service.id for m in services.identify(w)] == ["jupyter"], argv
        assert [lz.ip.text for lz in launches(w) if lz.ip] == ["0.0.0.0"], argv
    w = one("FROM python:3.12\nCMD [\"python3\", \"-W\", \"ignore\", \"-m\", \"jupyter\", \"lab\"]\n")
    assert len(launches(w)) == 1 and [m.service.id for m in services.identify(w)] == ["jupyter"]
    # the family's images run its start script with the config it bakes in
    for image in ("quay.io/jupyter/base-notebook:2024-07-08", "registry.example.com/jupyter/scipy-notebook",
                  "cschranz/gpu-jupyter:v1.7_cuda-12.3_ubuntu-22.04"):
        (launch,) = launches(one(f"FROM {image}\nRUN echo \"c.ServerApp.token = ''\" >> /etc/jupyter/jupyter_server_config.py\n"))
        assert launch.ip is not None and launch.ip.text == jupyter.family.config["ip"], image
    assert not jupyter.family.has_image("tensorflow/tensorflow:2.13.0-gpu-jupyter")  # a tag, not the family
    sshd = services.get("sshd")
    for package in sshd.packages:
        assert analyse(one(f"FROM alpine\nRUN apk add {package} && echo 'root:x' | chpasswd\n")).installed, package
    assert not analyse(one("FROM alpine\nRUN apk add openssh-client\n")).installed


# -- what the catalog answers is asked once per distinct question (`services._Known`) -----------


def _matches(text: str) -> dict[str, list[tuple[str, str, bool]]]:
    """Each service's (service id, via, whether an official image of it is known) in `text`."""
    return {w.name: [(m.service.id, m.via, m.image is not None) for m in services.identify(w)]
            for w in _workloads("compose.yaml", text)}


def test_known_start_commands_differing_in_one_word_get_their_own_answer() -> None:
    text = ("services:\n"
            "  head:\n    image: rayproject/ray\n    command: ray start --head --block\n"
            "  worker:\n    image: rayproject/ray\n    command: ray start --block\n")
    want = {"head": [("ray", "command", False)], "worker": [("ray-worker", "command", False)]}
    assert _matches(text) == want
    swapped = text.replace("--head --block", "--BLOCK").replace("start --block", "start --head --block").replace(
        "--BLOCK", "--block")
    assert _matches(swapped) == {"head": [("ray-worker", "command", False)], "worker": [("ray", "command", False)]}
    assert _matches(text) == want  # asked again: the same answers


def test_known_images_differing_only_in_name_get_their_own_answer() -> None:
    text = ("services:\n"
            "  a:\n    image: ollama/ollama:0.5\n"
            "  b:\n    image: ollama/ollama-but-not:0.5\n"
            "  c:\n    image: myorg/app\n    command: ollama serve\n"
            "  d:\n    image: ollama/ollama\n    command: ollama serve\n")
    assert _matches(text) == {"a": [("ollama", "image", True)], "b": [], "c": [("ollama", "command", False)],
                              "d": [("ollama", "command", True)]}


def test_known_answers_follow_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "services:\n  llm:\n    image: ollama/ollama\n"
    assert _matches(text) == {"llm": [("ollama", "image", True)]}
    without = tuple(s for s in services.catalog() if s.id != "ollama")
    monkeypatch.setattr(services, "catalog", lambda: without)
    assert _matches(text) == {"llm": []}
    monkeypatch.undo()
    assert _matches(text) == {"llm": [("ollama", "image", True)]}


@pytest.mark.parametrize(("image", "service"), [
    ("flowiseai/flowise:2.2.8", "flowise-v2"),
    ("flowiseai/flowise:3.0.0", "flowise-v2"),
    ("flowiseai/flowise:3.0.1", "flowise"),
    ("flowiseai/flowise:3.1.3", "flowise"),
    ("flowiseai/flowise", "flowise"),
    ("myorg/flowise:2.2.8", "flowise"),  # the release of an image of one's own is unknown: the current one
])
def test_the_images_tag_names_the_release_a_start_command_runs(image: str, service: str) -> None:
    """Flowise before 3.0.1 has its own entry: the same `flowise start`, told apart by the image's tag."""
    text = f"services:\n  f:\n    image: {image}\n    entrypoint: /bin/sh -c \"sleep 3; flowise start\"\n"
    assert _ids(text) == [service]


@pytest.mark.parametrize(("image", "service"), [
    ("flowiseai/flowise:2.2.8", ["flowise-v2"]),
    ("flowiseai/flowise:latest", ["flowise"]),
    ("flowiseai/flowise:sha-1a2b3c", []),  # neither release's tag: the image is not known to run either
    ("xprobe/xinference:v1.4.1", []),  # the image runs /bin/bash: the command names the program
])
def test_the_images_tag_names_the_release_its_own_command_runs(image: str, service: list[str]) -> None:
    assert _ids(f"services:\n  f:\n    image: {image}\n") == service


@pytest.mark.parametrize(("rest", "old", "new"), [
    ("    command: xinference-local -H 0.0.0.0 --port 9997\n",
     ("xprobe/xinference:v2.12.0", "xinference-v2", "absent"), ("xprobe/xinference:v3.1.0", "xinference", "on")),
    # the 0.x provider variable: Chroma 1.x runs with the no-op authenticator
    ("    environment:\n      CHROMA_SERVER_AUTHN_PROVIDER: chromadb.auth.token_authn.TokenAuthenticationServerProvider\n",
     ("chromadb/chroma:0.6.3", "chroma-v0", "on"), ("chromadb/chroma:1.0.15", "chroma", "absent")),
])
def test_auth_follows_the_release(rest: str, old: tuple[str, str, str], new: tuple[str, str, str]) -> None:
    for image, service, state in (old, new):
        (m,) = [m for w in _workloads("compose.yaml", f"services:\n  x:\n    image: {image}\n" + rest)
                for m in services.identify(w)]
        assert (m.service.id, m.auth().state) == (service, state)


@pytest.mark.parametrize(("api_key", "state"), [
    ("${SANDBOX_API_KEY:-dify-sandbox}", "absent"),  # read as its default: the key every install ships
    ("dify-sandbox", "absent"),
    ("${SANDBOX_API_KEY}", "on"),
    ("s3cr3t-of-our-own", "on"),
])
def test_a_key_everyone_knows_turns_nothing_on(api_key: str, state: str) -> None:
    text = f"services:\n  s:\n    image: langgenius/dify-sandbox:0.2.12\n    environment:\n      API_KEY: \"{api_key}\"\n"
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    assert (m.service.id, m.auth().state) == ("dify-sandbox", state)



@pytest.mark.parametrize(("env", "state"), [
    ("", "absent"),
    ("      QDRANT__SERVICE__API_KEY: ${QDRANT_API_KEY}\n", "on"),
    # a read-only key alone: every request needs a key, and none writes
    ("      QDRANT__SERVICE__READ_ONLY_API_KEY: ${QDRANT_RO_KEY}\n", "on"),
])
def test_qdrant_either_key_turns_auth_on(env: str, state: str) -> None:
    text = "services:\n  q:\n    image: qdrant/qdrant:v1.12.4\n    environment:\n      QDRANT__LOG_LEVEL: INFO\n" + env
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    assert (m.service.id, m.auth().state) == ("qdrant", state)


_ARGILLA_OWN = {"OWNER_PASSWORD": "${OWNER_PASSWORD}", "OWNER_API_KEY": "${OWNER_API_KEY}",
                "ADMIN_PASSWORD": "${ADMIN_PASSWORD}", "ADMIN_API_KEY": "${ADMIN_API_KEY}",
                "ANNOTATOR_PASSWORD": "${ANNOTATOR_PASSWORD}"}


@pytest.mark.parametrize(("left", "state"), [
    (None, "on"),  # every password and key of its own
    *((name, "absent") for name in _ARGILLA_OWN),  # one left at the image's published default
])
def test_argilla_quickstart_login_needs_every_default_credential_replaced(left: str | None, state: str) -> None:
    env = "".join(f"      {k}: \"{v}\"\n" for k, v in _ARGILLA_OWN.items() if k != left)
    text = "services:\n  a:\n    image: argilla/argilla-quickstart:v1.29.0\n    environment:\n" + env
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    assert (m.service.id, m.auth().state) == ("argilla-quickstart", state)


@pytest.mark.parametrize(("service", "env", "bind"), [
    # the image's start.sh reads HOST (default 0.0.0.0)
    ("    image: ghcr.io/open-webui/open-webui:v0.6.5\n", "", "0.0.0.0"),
    ("    image: ghcr.io/open-webui/open-webui:v0.6.5\n", "      HOST: 127.0.0.1\n", "127.0.0.1"),
    # `open-webui serve` reads only its `--host` (default 0.0.0.0)
    ("    image: python:3.11-slim\n    command: open-webui serve\n", "      HOST: 127.0.0.1\n", "0.0.0.0"),
])
def test_open_webui_reads_host_only_in_its_image(service: str, env: str, bind: str) -> None:
    text = "services:\n  w:\n" + service + "    environment:\n      WEBUI_AUTH: \"False\"\n" + env
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    (listener,) = m.listeners()
    assert (listener.bind.value, m.auth().state) == (bind, "off")


def test_a_known_credential_names_listeners_its_service_has() -> None:
    named = [(s.id, name) for s in services.catalog() for k in s.auth_known for name in k.listeners]
    assert named  # OpenSearch's demo login is the REST API's
    assert [(sid, n) for sid, n in named
            if n not in {l.name for l in next(s for s in services.catalog() if s.id == sid).listeners}] == []


def test_every_services_exposure_message_says_each_thing_once() -> None:
    """GLM017 writes "runs the <service> <listener> ... with no authentication: it <gives> for anyone who can
    reach port N" for every catalogued listener: no word twice in a row ("the kohya_ss GUI GUI"), no listener
    that repeats the service's words ("the Saxml HTTP server HTTP API"), and no `gives` that says again what
    the message says around it ("with no key for anyone")."""
    import re

    from glmlint.rules.glm017_ai_service_exposed import _listener

    said = re.compile(r"\b(?:with no (?:key|login|token|authentication)|anyone|anybody)\b", re.IGNORECASE)
    bad = []
    for s in services.catalog():
        for ls in s.listeners:
            named = _listener(s.name, ls.name)
            words = re.findall(r"[\w-]+", f"the {named} published".lower())
            again = [w for w, after in zip(words, words[1:]) if w == after]
            repeated = named != s.name and (set(ls.name.lower().split()) & set(s.name.lower().split())) - {"ui", "and", "api"}
            gives = ls.gives or s.gives
            # a `gives` ends on its object, not on a clause that then runs into "for anyone" ("the provider keys
            # it holds for anyone", "billed to the operator for anyone"); a listener is named by a noun, not a
            # clause before "published" ("the chat API with the server's provider keys published")
            clause = re.search(r"\b(?:holds|operator|it)$", gives) or re.search(r"\b(?:with|it|whose|which)\b", ls.name)
            if again or repeated or said.search(gives) or clause:
                bad.append((s.id, ls.name, again, sorted(repeated), gives))
    assert bad == []
    assert _listener("kohya_ss GUI", "GUI") == "kohya_ss GUI"
    assert _listener("vLLM", "OpenAI-compatible API") == "vLLM OpenAI-compatible API"


@pytest.mark.parametrize(("port", "state"), [("9200", "absent"), ("9300", "on")])
def test_opensearch_demo_login_is_the_rest_apis_not_the_transports(port: str, state: str) -> None:
    text = ("services:\n  o:\n    image: opensearchproject/opensearch:2.11.1\n"
            f"    ports: [\"{port}:{port}\"]\n")
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    (listener,) = [ls.listener for ls in m.listeners() if ls.port == int(port)]
    assert m.auth(listener).state == state


@pytest.mark.parametrize(("name", "value"), [
    ("COMMON_SECURITY_AUTHORIZATIONENABLED", "true"),  # the catalog's own spelling
    ("COMMON_SECURITY_AUTHORIZATIONENABLED", "1"),
    ("COMMON_SECURITY_AUTHORIZATION_ENABLED", "1"),  # Milvus squashes the name; a Go bool
    ("MILVUS_CONF_COMMON_SECURITY_AUTHORIZATIONENABLED", "t"),
])
def test_a_known_login_names_the_variable_as_written(name: str, value: str) -> None:
    text = ("services:\n  m:\n    image: milvusdb/milvus:v2.5.4\n    command: [milvus, run, standalone]\n"
            f"    environment:\n      {name}: \"{value}\"\n")
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    auth = m.auth()
    assert (auth.state, auth.switch) == ("absent", f"`{name}={value}`")


@pytest.mark.parametrize(("base", "run", "service"), [
    # a pin names the release, over the base image's tag either way
    ("pytorch/torchserve:0.8.2-gpu", "pip install torchserve==0.12.0", "torchserve"),
    ("pytorch/torchserve:0.12.0-gpu", "pip install 'torchserve==0.9.0'", "torchserve-v0-10"),
    ("pytorch/torchserve:0.12.0-gpu", "pip install torchserve==0.11.0", "torchserve-v0-11-0"),
    ("python:3.11-slim", "pip install torchserve==0.10.0 torch-model-archiver", "torchserve-v0-10"),
    ("python:3.11-slim", "conda install -y -c pytorch torchserve=0.9.0", "torchserve-v0-10"),
    # conda's `=` is fuzzy (`=0.11` is 0.11*: the newest 0.11.x, 0.11.1); pip's `~=0.9.0` is 0.9.*
    ("python:3.11-slim", "conda install -y -c pytorch torchserve=0.11", "torchserve"),
    ("python:3.11-slim", "conda install -y -c pytorch torchserve=0.10", "torchserve-v0-10"),
    ("python:3.11-slim", "conda install -y -c pytorch torchserve==0.11", "torchserve-v0-11-0"),
    ("python:3.11-slim", "pip install 'torchserve~=0.9.0'", "torchserve-v0-10"),
    ("python:3.11-slim", "pip install 'torchserve~=0.11.0'", "torchserve"),
    ("python:3.11-slim", "pip install 'torchserve~=0.9'", "torchserve"),
    # an upgrade installs the newest; pip keeps a release already there without one
    ("pytorch/torchserve:0.8.2-gpu", "pip install -qU torchserve", "torchserve"),
    ("pytorch/torchserve:0.8.2-gpu", "python3 -m pip install --force-reinstall torchserve", "torchserve"),
    ("pytorch/torchserve:0.8.2-gpu", "pip install torchserve", "torchserve-v0-10"),
    ("python:3.11-slim", "pip install torchserve", "torchserve"),
    # a version the scan cannot name: the current release's entry (the one that asks for a token)
    ("pytorch/torchserve:0.8.2-gpu", "pip install 'torchserve>=0.11.1'", "torchserve"),
    ("pytorch/torchserve:0.8.2-gpu", "pip install torchserve==${TS_VERSION}", "torchserve"),
    # the last install wins
    ("python:3.11-slim", "pip install torchserve==0.9.0 && pip install -U torchserve", "torchserve"),
    # another package's pin names nothing
    ("pytorch/torchserve:0.8.2-gpu", "pip install torch-model-archiver==0.12.0", "torchserve-v0-10"),
])
def test_the_build_names_the_release_that_runs(base: str, run: str, service: str) -> None:
    text = f"FROM {base}\nRUN {run}\nCMD [\"torchserve\", \"--start\", \"--model-store\", \"/models\"]\n"
    (m,) = [m for w in _workloads("Dockerfile", text) for m in services.identify(w)]
    assert m.service.id == service


def test_an_older_release_names_the_entry_of_the_newer() -> None:
    ids = {s.id for s in services.catalog()}
    older = [s for s in services.catalog() if s.releases is not None]
    assert older and all(s.releases.newer in ids and services.get(s.releases.newer).releases is None for s in older)


@pytest.mark.parametrize(("run", "service"), [
    ("npm install -g flowise@2.2.8", "flowise-v2"),
    ("npm install -g flowise@latest", "flowise"),  # a dist-tag: the newest
    ("npm install -g flowise", "flowise"),
    # a range (node-semver): the releases it allows, when they are all one entry's
    ("npm install -g flowise@2", "flowise-v2"),
    ("npm install -g flowise@2.x", "flowise-v2"),
    ("npm install -g flowise@^2.2.8", "flowise-v2"),
    ("npm install -g flowise@~2.2.0", "flowise-v2"),
    ("npm install -g 'flowise@^3.0.0'", "flowise"),  # 3.x: the newest
    ("npm install -g flowise@~3.0.0", "flowise"),  # 3.0.x: the newest (3.0.1 on asks for a login)
    ("npm install -g flowise@3.0", "flowise"),
    ("npm install -g flowise@3.0.0", "flowise-v2"),
])
def test_an_npm_install_names_the_release_over_the_tag(run: str, service: str) -> None:
    text = f"FROM flowiseai/flowise:2.2.8\nRUN {run}\nCMD [\"flowise\", \"start\"]\n"
    (m,) = [m for w in _workloads("Dockerfile", text) for m in services.identify(w)]
    assert m.service.id == service


@pytest.mark.parametrize(("extra", "auth", "listens"), [
    # the image's entrypoint appends VALKEY_EXTRA_FLAGS' words to what it runs (valkey-container 8.0)
    ("--save 60 1", "absent", True),
    ("--save 60 1 --requirepass hunter2-from-vault", "on", True),
    ("--protected-mode yes", "on", True),
    ("--include /etc/valkey/extra.conf", "unknown", True),
    ("${VALKEY_ARGS}", "unknown", True),
    # another address or port: the published 6379 may reach nothing
    ("--bind 127.0.0.1 -::1", "absent", False),
    ("--port 7000", "absent", False),
])
def test_valkey_reads_its_extra_flags(extra: str, auth: str, listens: bool) -> None:
    text = ("services:\n  cache:\n    image: valkey/valkey:8.0\n    ports: [\"6379:6379\"]\n"
            f"    environment:\n      VALKEY_EXTRA_FLAGS: \"{extra}\"\n")
    (m,) = [m for w in _workloads("compose.yaml", text) for m in services.identify(w)]
    assert m.service.id == "valkey"
    assert m.auth().state == auth
    assert bool(m.listeners()) is listens


@pytest.mark.parametrize(("copy", "install", "service"), [
    # the requirements file a `pip install -r` reads, copied in from the build context, pins the release
    ("COPY requirements.txt .", "pip install -r requirements.txt", "torchserve-v0-10"),
    ("COPY requirements.txt /tmp/", "python3 -m pip install --requirement=/tmp/requirements.txt", "torchserve-v0-10"),
    ("COPY requirements*.txt ./", "pip install -r requirements.txt", "torchserve-v0-10"),
    ("COPY . .", "pip install -r requirements.txt", "torchserve-v0-10"),
    ("COPY reqs/ /app/reqs/", "pip install -r reqs/serve.txt", "torchserve-v0-10"),
    # a file the RUN does not read, or one the context does not hold, names nothing
    ("COPY requirements.txt .", "pip install -r requirements-dev.txt", "torchserve"),
    ("COPY requirements.txt .", "pip install torch", "torchserve"),
])
def test_a_requirements_file_names_the_release(tmp_path: Path, copy: str, install: str, service: str) -> None:
    pins = ("torch==2.1.2\ntorchserve == 0.9.0 ; python_version >= '3.8'  # 0.9 handlers\n"
            "--extra-index-url https://download.pytorch.org/whl/cpu\n")
    assert _torchserve_built(tmp_path, {"requirements.txt": pins, "reqs/serve.txt": pins},
                             f"{copy}\nRUN {install}") == service


def _torchserve_built(context: Path, files: dict[str, str], steps: str) -> str:
    """The catalog's service id for TorchServe started in an image built in `context` (holding `files`)
    from `python:3.11-slim` with `steps` after `WORKDIR /app`."""
    for name, body in files.items():
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        (context / name).write_text(body, encoding="utf-8")
    text = (f"FROM python:3.11-slim\nWORKDIR /app\n{steps}\n"
            "CMD [\"torchserve\", \"--start\", \"--model-store\", \"/models\"]\n")
    (context / "Dockerfile").write_text(text, encoding="utf-8")
    (w,) = parse("Dockerfile", text, "dockerfile", real_path=str(context / "Dockerfile")).workloads
    (m,) = services.identify(w)
    return m.service.id


@pytest.mark.parametrize(("copies", "service"), [
    # two COPYs put a requirements file at /app/requirements.txt: the later one is what pip reads
    (("COPY requirements.txt .", "COPY serve/ ."), "torchserve"),
    (("COPY serve/ .", "COPY requirements.txt ."), "torchserve-v0-10"),
    (("COPY requirements.txt ./", "COPY serve/requirements.txt ./"), "torchserve"),
    (("COPY serve/requirements.txt ./", "COPY requirements.txt ./"), "torchserve-v0-10"),
])
def test_the_later_copy_of_a_requirements_file_names_the_release(tmp_path: Path, copies: tuple[str, str],
                                                                 service: str) -> None:
    files = {"requirements.txt": "torchserve==0.9.0\n", "serve/requirements.txt": "torchserve==0.12.0\n"}
    assert _torchserve_built(tmp_path, files, "\n".join(copies) + "\nRUN pip install -r requirements.txt") == service


@pytest.mark.parametrize(("requirements", "service"), [
    # pip-compile --generate-hashes: the requirement continues onto its `--hash` options
    ("torchserve==0.9.0 \\\n    --hash=sha256:" + "a" * 64 + " \\\n    --hash=sha256:" + "b" * 64 + "\n", "torchserve-v0-10"),
    # a marker that holds in a Linux container pins; one that may not names nothing and overrides no other pin
    ("torchserve==0.12.0\ntorchserve==0.9.0 ; sys_platform == 'win32'\n", "torchserve"),
    ("torchserve==0.9.0 ; sys_platform == 'win32'\ntorchserve==0.12.0\n", "torchserve"),
    ("torchserve==0.12.0\ntorchserve==0.9.0 ; platform_system != 'Windows' and python_version >= '3.8'\n",
     "torchserve-v0-10"),
    ("torchserve==0.9.0 ; python_version < '3.12'\n", "torchserve"),
    ("torchserve==0.9.0 ; sys_platform == 'linux' or sys_platform == 'win32'\n", "torchserve"),
])
def test_requirements_continuations_and_markers(tmp_path: Path, requirements: str, service: str) -> None:
    assert _torchserve_built(tmp_path, {"requirements.txt": requirements},
                             "COPY requirements.txt .\nRUN pip install -r requirements.txt") == service


@pytest.mark.parametrize("words,at", [
    ("java -Xmx4g -jar h2o.jar -port 54321", 4),  # JVM options before `-jar`: the jar runs, its options after
    ("java -jar /opt/h2o/h2o.jar", 3),
    ("java -jar launcher.jar h2o.jar", None),  # the jar that runs is launcher.jar; h2o.jar is its argument
    ("java -Dh2o.jar=x -version", None),
    ("java h2o.jar", None),  # not `-jar`: a main class named so
    ("java -cp h2o.jar water.H2OApp -port 54321", 4),  # the main class runs, its options after
    ("java -Xmx4g -classpath h2o.jar:hive-jdbc.jar water.H2OApp", 5),
    ("java -cp water.H2OApp other.Main", None),  # `-cp`'s value is a class path, not the class that runs
    ("java -m h2o/water.H2OApp", None),  # a module's main class: not named as the class
])
def test_a_java_jar_is_the_program_java_runs(words: str, at: int | None) -> None:
    # `java [JVM options] -jar FILE [arguments]` runs FILE (services.match_command; H2O-3's `*/h2o.jar`)
    from glmlint.ir import Loc, Word

    argv = [Word(t, Loc(1, 1)) for t in words.split()]
    assert services.match_command(services.get("h2o"), argv) == at



def test_a_chart_values_secret_is_read_with_the_catalog_read_again() -> None:
    """The readers of a chart's values Secret (the catalog's `chart_values`, parsers/kubernetes.py) follow the
    catalog read again (`services.reload`): a reader is matched to its service's entry by identity, and the
    readers kept from the catalog read before matched no entry, so zero-to-jupyterhub's dummy login went
    unreported for the rest of the process (order-dependent in the suite: red after any test that reloads)."""
    from glmlint.config import Config
    from glmlint.context import EVERYWHERE
    from glmlint.registry import builtin_rules
    from glmlint.runner import scan

    rule = next(r for r in builtin_rules() if r.code == "GLM017")
    z2jh = Path(__file__).resolve().parents[1] / "fixtures" / "glm017_ai_service_exposed" / "positive" / \
        "helm-template.z2jh-default-dummy-authenticator.yaml"

    def found() -> list[int]:
        return [r.line for r in scan([str(z2jh)], [rule], config=Config(contexts=EVERYWHERE)).results]

    before = found()
    assert before
    services.reload()
    assert found() == before
