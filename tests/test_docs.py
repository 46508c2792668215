"""The user-facing docs: linked from the README, and their snippets are real, working input."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from glmlint.config import load
from glmlint.docs import render
from glmlint.registry import all_rules, documented_rules

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def blocks(page: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)


def test_readme_links_every_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("getting-started.md", "configuration.md", "pre-commit.md", "github-actions.md", "architecture.md"):
        assert f"(docs/{page})" in readme, page
        assert (DOCS / page).is_file()
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).exists(), target


@pytest.mark.parametrize("rule", documented_rules(), ids=lambda r: r.code)
def test_rule_pages_are_current(rule):
    page = DOCS / "rules" / f"{rule.code}.md"
    assert page.is_file() and page.read_text(encoding="utf-8") == render(rule), (
        f"{page} is stale: run `python -m glmlint.docs docs/rules`")


def test_configuration_examples_load(tmp_path):
    toml_blocks = blocks("configuration.md", "toml")
    yaml_blocks = blocks("configuration.md", "yaml")
    assert toml_blocks and yaml_blocks
    (tmp_path / "pyproject.toml").write_text(toml_blocks[0])
    config = load(str(tmp_path / "pyproject.toml"), all_rules())
    assert config.fail_on == "error" and config.fix_user == "10001" and config.per_file_ignores
    (tmp_path / ".glmlint.yaml").write_text(yaml_blocks[0])
    assert load(str(tmp_path / ".glmlint.yaml"), all_rules()).severity


def test_precommit_snippet_uses_the_hooks_this_repository_defines():
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    config = yaml.safe_load(blocks("pre-commit.md", "yaml")[0])
    (repo,) = config["repos"]
    assert {h["id"] for h in repo["hooks"]} <= hooks and repo["rev"]


def test_workflow_uploads_sarif_with_the_permissions_and_inputs_it_needs():
    """The documented workflow: the action scans once and uploads the SARIF itself (its upload step
    is conditioned on the `upload-sarif` input, whose default is on)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    workflow = yaml.safe_load(blocks("github-actions.md", "yaml")[0])
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    ours = next(s for s in steps if s.get("uses", "").startswith("glmlint/glmlint@"))
    assert set(ours.get("with", {})) <= set(action["inputs"])
    assert action["inputs"]["upload-sarif"]["default"] == "true" and "upload-sarif" not in ours.get("with", {})
    upload = next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert upload["with"] == {"sarif_file": "${{ steps.check.outputs.sarif-file }}", "category": "${{ inputs.category }}"}
    assert "sarif-file" in action["outputs"]
    # the action's own verdict comes after the upload, so findings are uploaded even when they fail the job
    names = [s.get("name") for s in action["runs"]["steps"]]
    assert names.index("Upload SARIF to code scanning") < names.index("Result")


def test_glm006_page_says_how_a_scanned_sshd_config_reads_the_drop_ins_beside_it(tmp_path):
    from tests.helpers import found, lint

    page = (DOCS / "rules" / "GLM006.md").read_text(encoding="utf-8")
    assert "`sshd_config.d/`" in page and "lexical order" in page and "first value obtained" in page
    # as the page says: the main file's line after its `Include` counts only when no drop-in sets it
    main = "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n"
    alone = lint(tmp_path / "a", {"sshd_config": main, "sshd_config.d/10-banner.conf": "Banner none\n"}, ["GLM006"])
    assert [(f[0], f[2]) for f in found(alone)] == [("sshd_config", 2)]
    keys = lint(tmp_path / "b", {"sshd_config": main, "sshd_config.d/00-keys-only.conf": "PasswordAuthentication no\n"},
                ["GLM006"])
    assert found(keys) == []
