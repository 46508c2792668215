"""SARIF output: schema-valid, GitHub-ready, stable fingerprints."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from glmlint.output.sarif import FINGERPRINT_KEY, render
from glmlint.registry import all_rules, select
from glmlint.runner import Report, scan

SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

DOCKERFILE = "FROM python:3.12\nRUN pip install torch\n"  # no USER: GLM001
COMPOSE = """\
services:
  web:
    image: nginx
    privileged: true
"""
BAD_YAML = "services:\n  web: [\n"  # unterminated flow sequence


SKIP_REASON = f"SARIF schema not found at {SCHEMA} (shared/schemas lives outside the repository)"


@pytest.fixture(scope="module")
def validator():
    """A Draft4Validator for the official schema, or None when the schema file is absent."""
    if not SCHEMA.is_file():
        return None
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def assert_valid(validator, log: dict) -> None:
    if validator is None:  # only test_valid_against_official_schema skips; the others check the rest
        return
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


def make_tree(tmp: Path) -> None:
    (tmp / "Dockerfile").write_text(DOCKERFILE)
    (tmp / "compose.yaml").write_text(COMPOSE)
    (tmp / "broken").mkdir()
    (tmp / "broken" / "docker-compose.yml").write_text(BAD_YAML)


def sarif_of(tmp: Path) -> tuple[Report, dict]:
    # what `--format sarif` asks for: the default rules (not the opt-in PSS ones)
    report = scan([str(tmp)], select(all_rules()), root=str(tmp), fix_edits=True)
    text = render(report)
    assert text.endswith("}\n")
    return report, json.loads(text)


def by_rule(log: dict, code: str) -> list[dict]:
    return [r for r in log["runs"][0]["results"] if r["ruleId"] == code]


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    make_tree(tmp_path)
    return tmp_path


def test_valid_against_official_schema(tree, validator):
    if validator is None:
        pytest.skip(SKIP_REASON)
    report, log = sarif_of(tree)
    assert {r.code for r in report.results} >= {"GLM001", "GLM003"}
    assert report.errors, "the invalid YAML file must produce a parse problem"
    assert_valid(validator, log)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_run_metadata(tree):
    from glmlint import __version__

    _, log = sarif_of(tree)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "glmlint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    # No automationDetails unless asked: upload-sarif's `category` only fills a missing one.
    assert "automationDetails" not in run
    report = scan([str(tree)], all_rules(), root=str(tree))
    for category, expected in (("glmlint", "glmlint/"), ("glmlint/k8s/", "glmlint/k8s/")):
        assert json.loads(render(report, category=category))["runs"][0]["automationDetails"] == {"id": expected}
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tree.resolve().as_uri() + "/" or base == Path(str(tree)).absolute().as_uri() + "/"


def test_every_rule_is_described(tree):
    from glmlint.docs import help_uri
    from glmlint.docs import render as doc_render

    report, log = sarif_of(tree)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in report.rules]  # all rules, not only those that fired
    for out, rule in zip(rules, report.rules):
        assert out["name"]
        assert out["shortDescription"]["text"] == rule.summary
        assert out["fullDescription"]["text"]
        assert out["help"]["markdown"] == doc_render(rule)
        assert out["help"]["text"]
        assert out["helpUri"] == help_uri(rule)
        assert out["defaultConfiguration"]["level"] == ("error" if str(rule.severity) == "error" else "warning")
        props = out["properties"]
        assert set(rule.tags) <= set(props["tags"])
        if rule.security:
            assert props["tags"][0] == "security"
            sev = props["security-severity"]
            # GitHub maps 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10 critical; 0.0 maps to nothing
            assert isinstance(sev, str) and float(sev) == rule.score and 0.1 <= float(sev) <= 10.0
        else:  # not a security finding (GLM100): no security tag, no security-severity
            assert "security" not in props["tags"] and "security-severity" not in props
        assert props["precision"] == "high"
    assert {r["name"] for r in rules} >= {"RunAsRoot", "Privileged"}


def test_results_carry_what_github_needs(tree):
    report, log = sarif_of(tree)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(report.results)
    levels = set()
    for res, r in zip(run["results"], report.results):
        assert res["level"] in ("error", "warning")  # explicit even when it equals the default "warning"
        levels.add(res["level"])
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == r.code
        assert res["message"]["text"] == r.message
        phys = res["locations"][0]["physicalLocation"]
        art = phys["artifactLocation"]
        assert art["uriBaseId"] == "%SRCROOT%"
        assert not art["uri"].startswith(("/", "file:")) and "\\" not in art["uri"]
        assert (tree / art["uri"]).is_file()
        assert phys["region"]["startLine"] == r.line >= 1
        assert phys["region"]["startColumn"] == r.col >= 1
        assert len(res["partialFingerprints"][FINGERPRINT_KEY]) == 64
        if r.fix is not None:
            assert res["fixes"][0]["artifactChanges"][0]["replacements"], "a fix carries real replacements"
            assert res["properties"]["glmlint/fix"] == {"title": r.fix.title, "safety": str(r.fix.safety)}
    assert levels == {"error", "warning"}  # compose without cap_drop/read_only gives warnings too
    (root_finding,) = by_rule(log, "GLM001")
    assert root_finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    (priv,) = by_rule(log, "GLM003")
    assert priv["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "compose.yaml"
    assert priv["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_fingerprints_ignore_line_shifts_and_tell_findings_apart(tree):
    _, before = sarif_of(tree)
    fps = [r["partialFingerprints"][FINGERPRINT_KEY] for r in before["runs"][0]["results"]]
    assert len(set(fps)) == len(fps)  # two different findings never share one

    (tree / "compose.yaml").write_text("# a comment\n\n# pushed down\n" + COMPOSE)
    (tree / "Dockerfile").write_text("# syntax=docker/dockerfile:1\n# comment\n" + DOCKERFILE)
    _, after = sarif_of(tree)

    def keyed(log: dict) -> dict[tuple[str, str], tuple[str, int]]:
        out = {}
        for r in log["runs"][0]["results"]:
            loc = r["locations"][0]["physicalLocation"]
            out[(r["ruleId"], loc["artifactLocation"]["uri"])] = (r["partialFingerprints"][FINGERPRINT_KEY],
                                                                 loc["region"]["startLine"])
        return out

    old, new = keyed(before), keyed(after)
    assert old.keys() == new.keys()
    for key in old:
        assert new[key][1] > old[key][1], key  # the finding moved down ...
        assert new[key][0] == old[key][0], key  # ... and kept its fingerprint


def test_repeated_identical_findings_get_distinct_fingerprints(tmp_path):
    from glmlint.runner import Result

    rule = next(r for r in all_rules() if r.code == "GLM006")
    same = [Result("sshd_config", line, 1, rule, "`sshd_config` sets `PasswordAuthentication yes`")
            for line in (3, 9)]
    other = Result("sshd_config", 5, 1, rule, "`sshd_config` sets `PermitEmptyPasswords yes`")
    report = Report(root=str(tmp_path), rules=all_rules(), results=[same[0], other, same[1]])
    fps = [r["partialFingerprints"][FINGERPRINT_KEY] for r in json.loads(render(report))["runs"][0]["results"]]
    assert len(set(fps)) == 3
    # The first occurrence keeps the plain hash, so adding a duplicate later does not move it.
    alone = Report(root=str(tmp_path), rules=all_rules(), results=[same[0]])
    assert json.loads(render(alone))["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY] == fps[0]


def test_parse_problem_is_a_tool_notification(tree):
    _, log = sarif_of(tree)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    bad = [n for n in notes
           if n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken/docker-compose.yml"]
    assert len(bad) == 1
    assert bad[0]["level"] == "error"
    assert "broken/docker-compose.yml" in bad[0]["message"]["text"]
    assert bad[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert bad[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_clean_scan_is_successful_with_empty_results(tmp_path, validator):
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nUSER 10001\n")
    report, log = sarif_of(tmp_path)
    assert not report.results and not report.problems
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in run["invocations"][0]
    assert len(run["tool"]["driver"]["rules"]) == len(report.rules)
    assert_valid(validator, log)


def test_notice_problems_are_notes(tmp_path, validator):
    from glmlint.ir import Problem

    report = Report(root=str(tmp_path), rules=all_rules(),
                    problems=[Problem("big.yaml", 1, "skipped: too big", level="notice"),
                              Problem("gone.yaml", 0, "no such file or directory")])
    log = json.loads(render(report))
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["note", "error"]
    assert "region" not in notes[1]["locations"][0]["physicalLocation"]  # line 0: no region
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert_valid(validator, log)


def test_paths_outside_the_root_are_file_uris(tmp_path, validator):
    inside, outside = tmp_path / "repo", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "Dockerfile").write_text(DOCKERFILE)
    (inside / "odd name#1.Dockerfile").write_text(DOCKERFILE)
    report = scan([str(outside), str(inside)], all_rules(), root=str(inside))
    log = json.loads(render(report))
    arts = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
            r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]}
    out_uri = (outside / "Dockerfile").as_uri()
    assert out_uri in arts and "uriBaseId" not in arts[out_uri]
    assert arts["odd%20name%231.Dockerfile"]["uriBaseId"] == "%SRCROOT%"  # percent-encoded relative URI
    assert_valid(validator, log)


def test_cli_writes_sarif(tree, validator, monkeypatch, capsys):
    from glmlint.cli import main

    out = tree / "report" / "glmlint.sarif"
    out.parent.mkdir()
    monkeypatch.chdir(tree)  # the CLI's scan root is the working directory
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "sarif", "-o", str(out), str(tree)])
    assert exc.value.code == 2  # the invalid YAML file
    assert "broken/docker-compose.yml" in capsys.readouterr().err
    log = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(validator, log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"Dockerfile", "compose.yaml"}


def test_startup_imports_neither_sarif_om_nor_jsonschema():
    code = textwrap.dedent("""\
        import sys
        import glmlint.cli, glmlint.runner, glmlint.output, glmlint.output.sarif
        bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sarif_om', 'jsonschema', 'attr', 'attrs'))
        print(','.join(bad))
        """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", f"imported at startup: {proc.stdout.strip()}"


def _apply_replacements(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (1-based lines, code-point columns) the way a SARIF consumer does."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(line: int, col: int) -> int:
        return (starts[line - 1] if line <= len(starts) else len(text)) + col - 1

    spans = []
    for rep in replacements:
        region = rep["deletedRegion"]
        spans.append((offset(region["startLine"], region["startColumn"]),
                      offset(region["endLine"], region["endColumn"]),
                      rep.get("insertedContent", {}).get("text", "")))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_sarif_fixes_apply_and_remove_their_finding(tmp_path: Path, validator) -> None:
    (tmp_path / "k8s.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: infer}
        spec:
          containers:
            - name: server   # vLLM
              image: vllm/vllm-openai:v0.6.3
              securityContext:
                privileged: true
        """))
    report = scan([str(tmp_path)], all_rules(), root=str(tmp_path), fix_edits=True)
    log = json.loads(render(report))
    if validator is not None:
        assert_valid(validator, log)
    original = (tmp_path / "k8s.yaml").read_text()
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"GLM001", "GLM002", "GLM003", "GLM004"}
    for res in results:
        if res["ruleId"] == "GLM001":
            # beside privileged mode a non-root user would hold none of its privileges: no user fix
            assert "fixes" not in res
            continue
        if res["ruleId"] not in {"GLM002", "GLM003", "GLM004"}:
            continue  # GLM007 has no fix beside privileged mode, GLM012 none at all
        [fix] = res["fixes"]
        [change] = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "k8s.yaml"
        fixed = _apply_replacements(original, change["replacements"])
        (tmp_path / "k8s.yaml").write_text(fixed)
        again = scan([str(tmp_path)], all_rules(), root=str(tmp_path))
        assert res["ruleId"] not in {r.code for r in again.results}, (res["ruleId"], fixed)
        assert "# vLLM" in fixed
    (tmp_path / "k8s.yaml").write_text(original)


def test_sarif_fixes_write_the_configured_fix_user_as_fix_does(tmp_path: Path, monkeypatch, capsys) -> None:
    """A config's `fix-user` is the user SARIF's run-as-root fixes write, as `glmlint fix` writes it
    (a Dockerfile's `USER`, a Kubernetes container's `runAsUser`/`runAsGroup`), also from standard
    input: the title named it, the edit wrote the default user 10001."""
    from glmlint.cli import main

    def run(args: list[str], stdin: str | None = None) -> str:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(stdin.encode())})())
        with pytest.raises(SystemExit):
            main(args)
        return capsys.readouterr().out

    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n"
                                       "  containers:\n  - name: api\n    image: api:1.0\n")
    (tmp_path / "pyproject.toml").write_text('[tool.glmlint]\nfix-user = "3000:4000"\n')
    monkeypatch.chdir(tmp_path)
    diff = run(["fix", "--unsafe-fixes", "--select", "GLM001", "."])
    assert "+USER 3000:4000" in diff and "+      runAsUser: 3000" in diff and "+      runAsGroup: 4000" in diff
    log = json.loads(run(["check", "--format", "sarif", "--select", "GLM001", "."]))
    fixed = {}
    for res in log["runs"][0]["results"]:
        [fix] = res["fixes"]
        assert fix["description"]["text"].startswith("Run as the non-root user 3000:4000")
        [change] = fix["artifactChanges"]
        name = change["artifactLocation"]["uri"]
        fixed[name] = _apply_replacements((tmp_path / name).read_text(), change["replacements"])
    assert fixed["Dockerfile"] == DOCKERFILE + "USER 3000:4000\n"
    assert "runAsUser: 3000" in fixed["pod.yaml"] and "runAsGroup: 4000" in fixed["pod.yaml"]
    piped = json.loads(run(["check", "--format", "sarif", "--select", "GLM001", "--stdin-filename", "Dockerfile", "-"],
                           stdin=DOCKERFILE))
    [res] = piped["runs"][0]["results"]
    assert res["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "USER 3000:4000\n"


@pytest.mark.parametrize("pooled", [False, True])
def test_sarif_fix_title_names_a_configured_fix_user_equal_to_the_default(tmp_path: Path, monkeypatch, capsys,
                                                                          pooled: bool) -> None:
    """A config's `fix-user = "10001"` (the default's value) still wins over the image's own user
    (code-server's 1000), as `glmlint fix` writes it: the title named the image's user. `pooled`: a scan
    of `POOL_MIN_FILES` files or more, whose fixes keep only their titles (`results.lean_fix`): the
    title named the image's user there while the edits wrote the chosen one."""
    from glmlint import runner
    from glmlint.cli import main

    if pooled:
        monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)

    def run(args: list[str]) -> str:
        with pytest.raises(SystemExit):
            main(args)
        return capsys.readouterr().out

    (tmp_path / "compose.yaml").write_text("services:\n  ide:\n    image: codercom/code-server:4.20.0\n"
                                           "    user: root\n")
    monkeypatch.chdir(tmp_path)
    for config, title, written in (("", "Run as the image's own non-root user 1000", '"1000"'),
                                   ('fix-user = "10001"\n', "Run as the non-root user 10001", '"10001:10001"')):
        (tmp_path / "pyproject.toml").write_text("[tool.glmlint]\n" + config)
        assert f'user: {written}' in run(["fix", "--unsafe-fixes", "--select", "GLM001", "."])
        [res] = json.loads(run(["check", "--format", "sarif", "--select", "GLM001", "."]))["runs"][0]["results"]
        [fix] = res["fixes"]
        assert fix["description"]["text"].startswith(title)
        assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == written


# -- GitHub's upload limits ---------------------------------------------------


def _many(n: int, tmp_path: Path) -> Report:
    from glmlint.runner import Result

    rules = all_rules()
    error, warning = (next(r for r in rules if r.code == c) for c in ("GLM001", "GLM002"))
    results = [Result(f"team{i // 50}/svc{i % 50}/compose.yaml", 2, 3, warning if i % 3 else error,
                      f"service `svc{i}` does not drop all capabilities", workload=f"service `svc{i}`")
               for i in range(n)]
    results.sort(key=Result.sort_key)
    return Report(root=str(tmp_path), rules=rules, results=results)


def _truncation_note(log: dict) -> dict:
    (note,) = [n for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
               if n.get("descriptor", {}).get("id") == "glmlint/results-truncated"]
    return note


def test_result_count_limit_keeps_errors_and_says_so(tmp_path):
    from glmlint.output.sarif import MAX_RESULTS

    report = _many(MAX_RESULTS + 40, tmp_path)
    log = json.loads(render(report))
    results = log["runs"][0]["results"]
    assert len(results) == MAX_RESULTS == 25_000
    assert sum(r["level"] == "error" for r in results) == sum(r.severity.value == "error" for r in report.results)
    note = _truncation_note(log)
    assert note["level"] == "warning"
    assert note["message"]["text"].startswith(f"40 of {MAX_RESULTS + 40} results were left out (warnings first)")
    # Kept results keep the fingerprints they have in the full log: alerts do not churn.
    from glmlint.fingerprint import fingerprints

    full = {r.message: fp for r, fp in zip(report.results, fingerprints(report.results))}
    assert all(r["partialFingerprints"][FINGERPRINT_KEY] == full[r["message"]["text"]] for r in results[:100])


def test_size_limit_shrinks_the_log_until_it_uploads(tmp_path, validator):
    import gzip

    report = _many(3000, tmp_path)
    # a limit some results fit under: the log without results (the rule pages, which grow with
    # every rule and page edit) plus room for a few hundred of them
    empty = len(gzip.compress(render(Report(root=str(tmp_path), rules=report.rules)).encode()))
    limit = empty + 4_000
    text = render(report, max_gzip_bytes=limit)
    assert len(gzip.compress(text.encode())) <= limit
    log = json.loads(text)
    kept = len(log["runs"][0]["results"])
    assert 0 < kept < 3000
    assert f"accepts uploads up to {limit} bytes gzipped" in _truncation_note(log)["message"]["text"]
    assert_valid(validator, log)
    # Under the limits nothing is left out and no note is added.
    small = json.loads(render(_many(30, tmp_path)))
    assert len(small["runs"][0]["results"]) == 30 and "toolExecutionNotifications" not in \
        small["runs"][0]["invocations"][0]


def test_rule_tags_stay_within_what_github_shows(tmp_path):
    import dataclasses

    rule = dataclasses.replace(all_rules()[0], tags=tuple(f"t{i}" for i in range(25)))
    log = json.loads(render(Report(root=str(tmp_path), rules=[rule])))
    tags = log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"]
    assert len(tags) == 10 and tags[0] == "security"


def test_driver_has_full_name_and_unused_suppression_has_no_security_severity(tmp_path):
    """Azure DevOps Advanced Security rejects SARIF without `tool.driver.fullName`; GLM100 is not a
    security finding, so code scanning must not rank it."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n# glmlint: ignore[GLM001]\nUSER 10001\n")
    from glmlint.config import Config
    from glmlint.output import sarif
    from glmlint.registry import builtin_rules
    from glmlint.runner import scan

    report = scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), config=Config(report_unused_ignores=True))
    log = json.loads(sarif.render(report))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["fullName"].startswith("glmlint ") and driver["fullName"].endswith(driver["version"])
    rules = {r["id"]: r for r in driver["rules"]}
    assert "GLM100" in rules and "security-severity" not in rules["GLM100"]["properties"]
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["GLM100"]
