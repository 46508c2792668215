"""Standard mappings (linter/catalog/standards.yaml): valid, complete, consistent with the PSS
data, and shown on the rule page, by `glmlint explain` and as SARIF tags."""
from __future__ import annotations

import json
from importlib.resources import files

from click.testing import CliRunner
from ruamel.yaml import YAML

from glmlint import pss
from glmlint.catalog import standards
from glmlint.commands import cli
from glmlint.registry import builtin_rules


def test_data_matches_its_schema() -> None:
    import jsonschema

    schema = YAML(typ="safe").load(files("glmlint.catalog").joinpath("standards.schema.yaml").read_text())
    jsonschema.validate(standards.load(), schema)


def test_every_rule_maps_to_a_standard_and_every_id_is_known() -> None:
    data = standards.load()
    for rule in builtin_rules():
        assert rule.code in data["rules"], f"{rule.code} has no entry in standards.yaml"
        assert standards.of(rule.code), rule.code
    for code, entry in data["rules"].items():
        for standard in ("cis-docker", "cis-kubernetes", "cwe"):
            for item in entry.get(standard, ()):
                assert item in data["benchmarks"][standard]["items"], (code, standard, item)
        for ref in entry.get("pss", ()):
            assert ref["check"] in pss.CHECKS, (code, ref)
            assert ref["level"] == pss.CHECKS[ref["check"]].level, (code, ref)


def test_exact_pss_mappings_are_the_profile_rules() -> None:
    exact = {(r.id, code) for code in standards.load()["rules"] for r in standards.of(code)
             if r.standard == "pss" and r.exact}
    assert exact == {(check, code) for check, code in pss.RULES.items()}


def test_rule_page_and_explain_name_the_standards() -> None:
    out = CliRunner().invoke(cli, ["explain", "GLM003"]).output
    assert "## Standards" in out
    assert "`privileged` (baseline); implements it exactly" in out
    assert "CIS Docker Benchmark v1.6.0: 5.5 Ensure that privileged containers are not used" in out
    assert "CIS Kubernetes Benchmark v1.10.0: 5.2.2" in out and "CWE-250" in out


def test_sarif_rule_tags_carry_the_standards(tmp_path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: c\n    image: c:1\n    securityContext: {privileged: true}\n")
    result = CliRunner().invoke(cli, ["check", "--format", "sarif", "--select", "GLM003", str(tmp_path)])
    sarif = json.loads(result.output)
    (rule,) = sarif["runs"][0]["tool"]["driver"]["rules"]
    tags = rule["properties"]["tags"]
    assert tags[0] == "security" and "external/cwe/cwe-250" in tags
    assert "pss/baseline/privileged" in tags and "cis-docker/5.5" in tags and "cis-kubernetes/5.2.2" in tags
    assert len(tags) <= 10
    mapped = rule["properties"]["glmlint/standards"]
    assert {"standard": "pss", "id": "privileged", "title": "privileged", "level": "baseline", "exact": True} in mapped
