"""`glmlint server` end to end, driven by a real LSP client (pytest-lsp) over stdio.

The server is started as users start it (`python -m glmlint server`); every
assertion is about what an editor receives: diagnostics, code actions whose
edits equal what `glmlint fix` writes, hover, configuration, suppressions, the
compose → Dockerfile link, and survival of half-typed buffers.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed")
import pytest_lsp  # noqa: E402
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402


COMPOSE = """\
services:
  notebook:
    build: ./notebook
    privileged: true
    ports:
      - "8888:8888"
"""

DOCKERFILE = """\
FROM python:3.12
RUN pip install jupyterlab
USER 10001
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token=''"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "notebook").mkdir()
    (tmp_path / "notebook" / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "glmlint", "server"]))
async def client(lsp_client: LanguageClient, project: Path):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=project.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=project.as_uri(), name="project")]))
    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, path: Path, text: str | None = None) -> list[lsp.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri, language_id="yaml", version=1, text=path.read_text() if text is None else text)))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


async def change(client: LanguageClient, path: Path, text: str, version: int) -> list[lsp.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def check_json(project: Path, *paths: str) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "glmlint", "check", "--format", "json", *paths],
                          cwd=project, capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def where(diags: list[lsp.Diagnostic]) -> set[tuple[str, int, int]]:
    return {(str(d.code), d.range.start.line + 1, d.range.start.character + 1) for d in diags if d.code}


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)

    def off(p: lsp.Position) -> int:
        return offsets[p.line] + p.character

    for e in sorted(edits, key=lambda e: off(e.range.start), reverse=True):
        text = text[:off(e.range.start)] + e.new_text + text[off(e.range.end):]
    return text


@pytest.mark.asyncio
async def test_diagnostics_on_open_equal_glmlint_check(client: LanguageClient, project: Path):
    for name in ("docker-compose.yml", "notebook/Dockerfile"):
        diags = await open_doc(client, project / name)
        expected = {(r["code"], r["line"], r["column"]) for r in check_json(project, ".") if r["path"] == name}
        assert expected and where(diags) == expected, name
    diags = client.diagnostics[(project / "docker-compose.yml").as_uri()]
    privileged = next(d for d in diags if d.code == "GLM003")
    assert privileged.severity == lsp.DiagnosticSeverity.Error and privileged.source == "glmlint"
    assert (privileged.range.start.character, privileged.range.end.character) == (16, 20)  # the word `true`


@pytest.mark.asyncio
async def test_unsaved_changes_are_checked_after_a_pause(client: LanguageClient, project: Path):
    path = project / "docker-compose.yml"
    await open_doc(client, path)
    diags = await change(client, path, COMPOSE.replace("privileged: true", "privileged: false"), 2)
    assert "GLM003" not in {d.code for d in diags}
    diags = await change(client, path, COMPOSE + "    network_mode: host\n", 3)
    assert ("GLM009", 7, 19) in where(diags)


@pytest.mark.asyncio
async def test_an_edited_dotenv_counts_at_the_next_check(client: LanguageClient, project: Path):
    path = project / "docker-compose.yml"
    text = COMPOSE.replace("privileged: true", "privileged: ${PRIVILEGED:-true}")
    path.write_text(text)
    dotenv = project / ".env"
    dotenv.write_text("PRIVILEGED=false\n")
    assert "GLM003" not in {d.code for d in await open_doc(client, path)}
    dotenv.write_text("PRIVILEGED=true\n")  # edited beside the open buffer: no restart
    st = dotenv.stat()
    os.utime(dotenv, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert ("GLM003", 4, 17) in where(await change(client, path, text + "\n", 2))


@pytest.mark.asyncio
async def test_quick_fix_edits_equal_glmlint_fix(client: LanguageClient, project: Path, tmp_path_factory):
    path = project / "notebook" / "Dockerfile"
    diags = await open_doc(client, path)
    token = next(d for d in diags if d.code == "GLM005")
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()), range=token.range,
        context=lsp.CodeActionContext(diagnostics=[token])))
    fix5 = next(a for a in actions if a.title.startswith("Fix GLM005"))
    assert fix5.is_preferred and fix5.kind == lsp.CodeActionKind.QuickFix
    fixed = apply(DOCKERFILE, fix5.edit.changes[path.as_uri()])
    copy = tmp_path_factory.mktemp("cli")
    shutil.copy(path, copy / "Dockerfile")
    subprocess.run([sys.executable, "-m", "glmlint", "fix", "--write", "--select", "GLM005", "Dockerfile"],
                   cwd=copy, capture_output=True, check=False)
    assert fixed == (copy / "Dockerfile").read_text() and fixed != DOCKERFILE
    # every safe fix of the file at once, as `glmlint fix --write` writes it
    fix_all = next(a for a in actions if a.kind == "source.fixAll.glmlint")
    shutil.copy(path, copy / "Dockerfile")
    subprocess.run([sys.executable, "-m", "glmlint", "fix", "--write", "Dockerfile"], cwd=copy,
                   capture_output=True, check=False)
    assert apply(DOCKERFILE, fix_all.edit.changes[path.as_uri()]) == (copy / "Dockerfile").read_text()


@pytest.mark.asyncio
async def test_hover_on_a_finding_shows_its_rule_page(client: LanguageClient, project: Path):
    path = project / "docker-compose.yml"
    diags = await open_doc(client, path)
    d = next(d for d in diags if d.code == "GLM003")
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()), position=d.range.start))
    assert hover is not None and hover.contents.value.startswith("# GLM003 privileged")
    nothing = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()), position=lsp.Position(0, 0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_configuration_and_suppressions_apply(client: LanguageClient, project: Path):
    path = project / "docker-compose.yml"
    text = COMPOSE.replace("privileged: true", "privileged: true  # glmlint: ignore[privileged] GPU driver")
    diags = await open_doc(client, path, text)
    assert "GLM003" not in {d.code for d in diags}
    (project / ".glmlint.toml").write_text('ignore = ["GLM016"]\n')
    cfg = project / ".glmlint.toml"
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(
        uri=cfg.as_uri())))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "GLM016" not in {d.code for d in client.diagnostics[path.as_uri()]}


@pytest.mark.asyncio
async def test_a_compose_buffer_sees_the_dockerfile_it_builds_even_unsaved(client: LanguageClient, project: Path):
    compose = project / "docker-compose.yml"
    diags = await open_doc(client, compose)
    assert "GLM001" not in {d.code for d in diags}  # the image sets USER 10001
    dockerfile = project / "notebook" / "Dockerfile"
    await open_doc(client, dockerfile, DOCKERFILE.replace("USER 10001\n", ""))  # unsaved: no USER
    diags = await change(client, compose, COMPOSE + "\n", 2)
    assert "GLM001" in {d.code for d in diags}


@pytest.mark.asyncio
async def test_half_typed_buffers_never_crash_or_hang_the_server(client: LanguageClient, project: Path):
    path = project / "docker-compose.yml"
    await open_doc(client, path)
    rng = random.Random(7)
    full = COMPOSE + DOCKERFILE.replace("\n", "\n# ")  # a long enough text with quotes and brackets
    version = 1
    for cut in range(0, len(COMPOSE), 3):  # every keystroke's prefix of the file
        version += 1
        await change(client, path, COMPOSE[:cut], version)
    for _ in range(60):  # mutations: deletions, duplications, stray quotes and brackets
        chars = list(full)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(chars))
            op = rng.choice(("del", "dup", "ins"))
            if op == "del":
                del chars[i]
            elif op == "dup":
                chars.insert(i, chars[i])
            else:
                chars.insert(i, rng.choice("\"'[]{}:-\t\n&*!|>%@`\\\x00"))
        version += 1
        await change(client, path, "".join(chars), version)
    diags = await change(client, path, COMPOSE, version + 1)  # still answering, and right
    assert ("GLM003", 4, 17) in where(diags)


def test_server_without_pygls_says_how_to_install_it(tmp_path: Path):
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nsys.modules['pygls'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "glmlint", "server"], capture_output=True, text=True,
                          env=env, check=False, timeout=60)
    assert proc.returncode == 2
    assert "pip install 'glmlint[lsp]'" in proc.stderr


CHART_FILES = {
    "Chart.yaml": "apiVersion: v2\nname: vllm\nversion: 0.1.0\n",
    "values.yaml": "securityContext:\n  privileged: true\n",
    "templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-vllm
spec:
  selector:
    matchLabels: {app: vllm}
  template:
    metadata:
      labels: {app: vllm}
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.6.3
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
""",
}


def _helm_renders() -> bool:
    try:
        import helm_python  # noqa: F401
    except ImportError:
        return shutil.which("helm") is not None
    return True


@pytest.mark.asyncio
@pytest.mark.skipif(not _helm_renders(), reason="no Helm renderer (pip install '.[test]')")
async def test_a_chart_template_and_its_values_file_show_what_check_finds_by_rendering(client: LanguageClient,
                                                                                         project: Path):
    """`glmlint check charts/vllm/templates/deployment.yaml` renders the chart; the editor shows the
    same findings in the template, and in values.yaml at the line the value comes from (it used to
    show only `skipped: Helm template, render it first`)."""
    for name, text in CHART_FILES.items():
        (project / "charts" / "vllm" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "charts" / "vllm" / name).write_text(text)
    template = project / "charts" / "vllm" / "templates" / "deployment.yaml"
    diags = await open_doc(client, template)
    expected = {(r["code"], r["line"], r["column"]) for r in check_json(project, "charts/vllm")
                if r["path"] == "charts/vllm/templates/deployment.yaml"}
    assert ("GLM003", 16, 13) in expected and where(diags) == expected
    assert not [d for d in diags if "skipped" in d.message]
    values = project / "charts" / "vllm" / "values.yaml"
    diags = await open_doc(client, values)
    assert ("GLM003", 2, 15) in where(diags)
    # rendered from disk: a save is what re-renders it
    values.write_text("securityContext:\n  privileged: false\n")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=values.as_uri())))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "GLM003" not in {d.code for d in client.diagnostics[values.as_uri()]}
