"""Third-party rules arrive through the `glmlint.rules` entry-point group."""
from __future__ import annotations

import sys
import textwrap

import pytest

from glmlint.registry import RuleError, all_rules, plugin_rules

PLUGIN = '''
"""Model server listens without TLS.

## Why is this bad?
Plain text.

## Example
```yaml
x: 1
```
Use instead:
```yaml
x: 2
```
"""
from glmlint.ir import Format
from glmlint.rule import Finding, Severity, rule


@rule(code="ACME001", slug="acme-image-latest", severity=Severity.WARNING,
      message="{name} uses a :latest image", formats={Format.COMPOSE})
def check(workload):
    if (workload.image.value or "").endswith(":latest"):
        yield Finding(at=workload.image.loc, args={"name": workload.label})

RULES = [check]
'''


def install_fake_plugin(tmp_path, monkeypatch, entry_name: str = "ACME") -> None:
    (tmp_path / "acme_rules.py").write_text(PLUGIN)
    dist = tmp_path / "acme_glmlint-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-glmlint\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[glmlint.rules]\n{entry_name} = acme_rules:RULES\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "acme_rules", raising=False)


def test_plugin_rules_load_and_run(tmp_path, monkeypatch):
    install_fake_plugin(tmp_path, monkeypatch)
    assert [r.code for r in plugin_rules()] == ["ACME001"]
    assert "ACME001" in [r.code for r in all_rules()]
    from glmlint.registry import select
    from glmlint.runner import scan

    work = tmp_path / "w"
    work.mkdir()
    (work / "compose.yaml").write_text(textwrap.dedent("""\
        services:
          api: {image: "api:latest", user: "1000", read_only: true, cap_drop: [ALL]}
        """))
    report = scan([str(work)], select(all_rules(), ["ACME"]), root=str(work))
    assert [(r.code, r.line) for r in report.results] == [("ACME001", 2)]


@pytest.mark.parametrize("name", ["GLM", "acme", "TOOLONGX"])
def test_bad_entry_point_name_fails_naming_the_package(tmp_path, monkeypatch, name):
    install_fake_plugin(tmp_path, monkeypatch, entry_name=name)
    with pytest.raises(RuleError, match="acme-glmlint"):
        plugin_rules()


def test_plugin_look_up_defers_to_importlib_metadata_for_a_zip_on_sys_path(tmp_path, monkeypatch):
    import zipfile

    from glmlint import registry

    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("acme_glmlint-0.1.dist-info/entry_points.txt", "[glmlint.rules]\nACME = acme_rules:RULES\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(archive)])
    assert registry._may_declare_plugins()  # cannot look inside cheaply: importlib.metadata decides
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing")])
    assert not registry._may_declare_plugins()
