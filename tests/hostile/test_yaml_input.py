"""Broken and hostile YAML: one line naming the file and why, the scan goes on."""
from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from glmlint.parsers import parse, yamlnodes
from tests.hostile.util import GOOD_DOCKERFILE, check, line_for, make

POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: x
    securityContext:
      privileged: false
      privileged: true
"""


@pytest.mark.parametrize("text, line, why", [
    ("services:\n\tweb:\n\t\timage: x\n", 2, "cannot start any token"),  # a tab indents
    ("services:\n  web:\n    image: x\n   user: root\n", 4, "did not find expected key"),  # bad indentation
    ("services:\n  web:\n    image: \"x\n    user: root\n", 5, "unexpected end of stream"),  # unclosed quote
    ("services:\n  web: [a, b\n", 3, "did not find expected"),  # unclosed flow sequence
])
def test_malformed_yaml_is_one_error_line_and_the_scan_goes_on(tmp_path, capsys, text, line, why):
    make(tmp_path, {"docker-compose.yml": text, "Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2
    assert "GLM001" in out  # the Dockerfile beside it was checked
    msg = line_for(err, "docker-compose.yml")
    assert msg.startswith(f"docker-compose.yml:{line}: cannot parse: invalid YAML:") and why in msg
    assert len(err) == 1


def test_duplicate_key_is_an_error_and_the_file_is_still_checked_with_the_last_value(tmp_path, capsys):
    make(tmp_path, {
        "docker-compose.yml": "services:\n  web:\n    image: x\n    privileged: false\n    privileged: true\n",
        "pod.yaml": POD,
    })
    code, out, err = check(tmp_path, capsys)
    assert code == 2
    assert line_for(err, "docker-compose.yml") == (
        "docker-compose.yml:5: invalid YAML: duplicate key `privileged` (first at line 4); checked with the last value")
    assert line_for(err, "pod.yaml").startswith("pod.yaml:10: invalid YAML: duplicate key `privileged` (first at line 9)")
    # the last value is what a lenient loader applies: the finding is not hidden behind the error
    assert "docker-compose.yml:5:17: critical GLM003" in out
    assert "pod.yaml:10:19: critical GLM003" in out


def test_duplicate_keys_in_data_kinds_and_merge_keys_are_not_reported(tmp_path, capsys):
    make(tmp_path, {
        "crd.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: 1, k: 2}\n---\n" + POD.replace(
            "      privileged: false\n", ""),
        "docker-compose.yml": "x: &base {image: x, user: root}\nservices:\n  web:\n    <<: *base\n    user: '1000'\n",
    })
    code, _out, err = check(tmp_path, capsys)
    assert err == [] and code == 1


def test_billion_laughs_is_refused_without_expanding(tmp_path, capsys):
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bomb = "x-lols:\n" + "".join(f"  {lv}\n" for lv in levels) + "services:\n  web:\n    image: x\n    command: *a9\n"
    make(tmp_path, {"docker-compose.yml": bomb, "Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "GLM001" in out
    msg = line_for(err, "docker-compose.yml")
    assert "excessive aliasing" in msg and "nodes expand to" in msg


def test_merge_key_chains_are_read_once_per_mapping(monkeypatch):
    # each level merges the previous one twice: 2**40 visits when merges are expanded blindly
    text = "m0: &m0 {k0: 0}\n" + "".join(f"m{i}: &m{i} {{k{i}: {i}, <<: [*m{i - 1}, *m{i - 1}]}}\n"
                                           for i in range(1, 41))
    doc = yamlnodes.compose_all(text)[0]
    m40 = yamlnodes.get(doc, "m40")
    calls = []
    real = yamlnodes._own
    monkeypatch.setattr(yamlnodes, "_own", lambda node: calls.append(1) or real(node))
    got = yamlnodes.entries(m40)
    assert sorted(got, key=lambda k: int(k[1:])) == [f"k{i}" for i in range(41)]
    assert len(calls) == 41  # each mapping of the chain read exactly once
    with pytest.raises(yamlnodes.YamlError, match="excessive aliasing"):
        yamlnodes.check(doc)


def test_merge_precedence_is_kept():
    doc = yamlnodes.compose_all(
        "a: &a {x: a, y: a}\nb: &b {<<: *a, y: b, z: b}\nc: {<<: [*b, *a], z: c}\nself: &s {<<: *s, k: 1}\n")[0]
    c = {k: v[1].value for k, v in yamlnodes.entries(yamlnodes.get(doc, "c")).items()}
    assert c == {"x": "a", "y": "b", "z": "c"}
    assert list(yamlnodes.entries(yamlnodes.get(doc, "self"))) == ["k"]


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path, capsys):
    make(tmp_path, {"docker-compose.yml": "services:\n  web: &w\n    image: x\n    extra: *w\n"})
    code, _out, err = check(tmp_path, capsys)
    assert code == 2
    assert line_for(err, "docker-compose.yml") == (
        "docker-compose.yml:2: cannot parse: invalid YAML: the node anchored here contains an alias to itself")


def test_many_services_sharing_an_anchor_are_fine(tmp_path, capsys):
    services = "".join(f"  s{i}:\n    <<: *common\n    image: x{i}\n" for i in range(300))
    make(tmp_path, {"docker-compose.yml": "x-common: &common {read_only: true, cap_drop: [ALL], user: '1000'}\n"
                                          "services:\n" + services})
    code, out, err = check(tmp_path, capsys, "--select", "GLM001,GLM002,GLM003,GLM004", ".")
    assert err == [] and code == 0, out


@pytest.mark.parametrize("shape", ["flow", "block-seq"])
def test_nesting_deeper_than_go_yamls_limit_is_an_error(tmp_path, capsys, shape):
    # (10000 nested block mappings need 50 MB of indentation: the size limit stops them first)
    n = yamlnodes.MAX_DEPTH + 1
    body = {"flow": "[" * n + "]" * n, "block-seq": "\n      " + "- " * n + "x"}[shape]
    make(tmp_path, {"docker-compose.yml": "services:\n  web:\n    image: x\n    labels: " + body + "\n",
                    "Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "GLM001" in out
    msg = line_for(err, "docker-compose.yml")
    assert "cannot parse: invalid YAML: nesting deeper than 10000 levels" in msg


def test_very_deep_nesting_does_not_crash_the_process(tmp_path):
    # libyaml's composer recursed once per level and overflowed the C stack (SIGSEGV) near 30000
    n = 60_000
    make(tmp_path, {"docker-compose.yml": "services: " + "[" * n + "]" * n + "\n"})
    proc = subprocess.run([sys.executable, "-m", "glmlint", "check", "."], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        "docker-compose.yml:1: cannot parse: invalid YAML: nesting deeper than 10000 levels"]


def test_nesting_within_the_limit_is_read():
    text = "services:\n  web:\n    image: x\n    privileged: true\n    labels: " + "[" * 500 + "]" * 500 + "\n"
    source = parse("c.yaml", text, "compose")
    assert source is not None and source.workloads[0].privileged.value is True


def test_yaml_tags_are_never_constructed(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    payloads = [
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/apply:subprocess.check_call [[touch, {marker}]]",
        f"!!python/object/new:subprocess.Popen [[touch, {marker}]]",
        "!!python/name:os.system",
    ]
    files = {f"c{i}/docker-compose.yml": f"services:\n  web:\n    image: {p}\n    command: {p}\n    user: {p}\n"
             for i, p in enumerate(payloads)}
    files["pod.yaml"] = POD.replace("image: x", f"image: {payloads[0]}").replace("      privileged: false\n", "")
    make(tmp_path, files)
    code, out, err = check(tmp_path, capsys)
    assert not marker.exists()
    assert err == [] and code == 1
    assert "pod.yaml:9:19: critical GLM003" in out  # still linted


def test_core_tags_resolve_as_go_yaml_resolves_them():
    text = POD.replace("      privileged: false\n      privileged: true\n",
                       "      privileged: !!bool \"true\"\n      runAsUser: !!int \"0\"\n")
    source = parse("pod.yaml", text, "yaml")
    assert source is not None
    w = source.workloads[0]
    assert w.privileged.value is True
    assert w.user.value is not None and w.user.value.raw == "0"


@pytest.mark.parametrize("brk", ["\r", "\x85", "\u2028", "\u2029"])
def test_findings_after_odd_line_breaks_count_lines_at_newlines(brk):
    # libyaml breaks lines at CR, NEL, LS and PS; git, editors and the fix engine do not
    text = f"# a{brk}# b\nservices:\n  web:\n    image: x\n    labels: ['a{brk}b']\n    privileged: true\n"
    source = parse("c.yaml", text, "compose")
    assert source is not None
    at = source.workloads[0].privileged.loc
    assert (at.line, at.col) == (6, 17)
    assert text.split("\n")[at.line - 1][at.col - 1:] == "true"


@pytest.mark.parametrize("base_first", [True, False])
def test_extends_chains_are_bounded_whatever_the_order(tmp_path, capsys, base_first):
    # every level copies the lists it extends: a 150000-service chain in 5 MB would be 10**10 items
    def chain(n: int) -> str:
        services = ["  s0:\n    image: x\n    cap_add: [A, B]\n"]
        services += [f"  s{i}:\n    extends: s{i - 1}\n    cap_add: [C]\n" for i in range(1, n)]
        return "services:\n" + "".join(services if base_first else services[::-1])

    make(tmp_path, {"ok/compose.yaml": chain(32), "long/compose.yaml": chain(33)})
    code, out, err = check(tmp_path, capsys, "--select", "GLM002,GLM004", ".")
    assert code == 2
    # GLM002 and GLM004 for each of the 32 services, on one checklist line each
    assert out.count("ok/compose.yaml:") == 32 and out.count("GLM002,GLM004 [hardening]") == 32
    assert len(err) == 1 and err[0].startswith("long/compose.yaml:")
    assert "cannot parse: the `extends` chain of service `s32` is longer than 32" in err[0]


def test_circular_extends_is_an_error_as_in_compose(tmp_path, capsys):
    make(tmp_path, {"a/compose.yaml": "services:\n  a: {extends: b, image: x}\n  b: {extends: a}\n",
                    "b/compose.yaml": "services:\n  a: {extends: a, image: x}\n"})
    code, _out, err = check(tmp_path, capsys)
    assert code == 2
    assert sorted(err) == ["a/compose.yaml:3: cannot parse: service `b` extends itself through `a`",
                           "b/compose.yaml:2: cannot parse: service `a` extends itself"]


def test_a_reused_anchor_prints_no_warning(tmp_path, capsys):
    # `[no-new-privileges:true]` sends the file to ruamel's pure-Python composer, which warns on reuse
    make(tmp_path, {"compose.yaml": "x: &a {image: x}\ny: &a {image: y}\nservices:\n  web:\n    <<: *a\n"
                                    "    privileged: true\n    security_opt: [no-new-privileges:true]\n"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # as a plain `glmlint` run prints them on stderr
        code, out, err = check(tmp_path, capsys, "--select", "GLM003", ".")
    assert [str(w.message) for w in caught] == []
    assert err == [] and code == 1
    assert "compose.yaml:6:17: critical GLM003" in out


def test_check_without_duplicates_refuses_what_check_refuses_and_finds_no_duplicate():
    """`yamlnodes.check(doc, duplicates=False)` (the fix engine's re-parses: `parse(duplicates=False)`)
    raises exactly where `check(doc)` raises, with the same message, and otherwise finds nothing: on
    hostile documents (an alias bomb, a merge chain, an alias inside its own anchor, duplicate keys
    beside aliases) and on every document of the fixtures and the corpus whose text has an anchor-like
    `&` and a `*`."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    texts = [
        "a0: &a0 [l, l, l, l, l, l, l, l, l, l]\n" + "".join(
            f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 6)),
        "m0: &m0 {k0: 0}\n" + "".join(f"m{i}: &m{i} {{k{i}: {i}, <<: [*m{i - 1}, *m{i - 1}]}}\n" for i in range(1, 30)),
        "services:\n  web: &w\n    image: x\n    extra: *w\n",
        "x: &x {a: 1, a: 2}\ny: *x\nz: {b: 1, b: 2}\n",
    ]
    files = [p for d in ("fixtures", "../shared/corpus/real") if (root / d).is_dir()
             for p in sorted((root / d).rglob("*.y*ml"))]
    texts += [t for t in (p.read_text(encoding="utf-8", errors="replace") for p in files) if "&" in t and "*" in t]
    raised = found = 0
    for text in texts:
        try:
            docs = yamlnodes.compose_all(text)
        except (yamlnodes.YamlError, RecursionError):
            continue
        for doc in docs:
            try:
                full = yamlnodes.check(doc)
            except yamlnodes.YamlError as exc:
                with pytest.raises(yamlnodes.YamlError) as got:
                    yamlnodes.check(doc, duplicates=False)
                assert (str(got.value), got.value.line) == (str(exc), exc.line)
                raised += 1
                continue
            assert yamlnodes.check(doc, duplicates=False) == []
            found += bool(full)
    assert raised >= 3 and found >= 1 and len(texts) > 40, (raised, found, len(texts))
