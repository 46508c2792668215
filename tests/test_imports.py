"""What each path imports: heavy modules stay out of `import glmlint` and of a one-file check."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HEAVY = ("sarif_om", "jsonschema", "ruamel.yaml", "importlib.metadata", "click", "tree_sitter")


def loaded_after(code: str, cwd: Path) -> set[str]:
    """Modules loaded (of HEAVY and their submodules) by running `code` in a fresh interpreter."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True)
    mods = json.loads(out.stdout.strip().splitlines()[-1])
    return {m for m in mods if any(m == h or m.startswith(h + ".") for h in HEAVY)}


def test_import_glmlint_and_version_load_nothing_heavy(tmp_path):
    assert loaded_after("import glmlint", tmp_path) == set()
    assert loaded_after("from glmlint.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
                        tmp_path) == set()


def test_checking_one_dockerfile_loads_no_yaml_sarif_schema_or_entry_point_machinery(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nRUN pip install flask\nUSER app\n")
    code = textwrap.dedent("""\
        from glmlint.registry import all_rules
        from glmlint.runner import scan
        report = scan(["Dockerfile"], all_rules())
        assert report.files_scanned == 1, report
        """)
    loaded = loaded_after(code, tmp_path)
    # tree-sitter parses the RUN line; nothing else heavy is needed for a Dockerfile
    assert {m for m in loaded if not m.startswith("tree_sitter")} == set()


def test_checking_one_manifest_loads_the_c_composer_but_no_sarif_or_schema(tmp_path):
    (tmp_path / "pod.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers: [{name: web, image: nginx}]
        """))
    code = textwrap.dedent("""\
        from glmlint.registry import all_rules
        from glmlint.runner import scan
        report = scan(["pod.yaml"], all_rules())
        assert report.results, report
        """)
    loaded = loaded_after(code, tmp_path)
    assert "ruamel.yaml.cyaml" in loaded
    assert not {m for m in loaded if m.startswith(("sarif_om", "jsonschema", "importlib.metadata"))}


def test_checking_one_dockerfile_from_the_cli_loads_no_render_yaml_or_kubernetes_module(tmp_path):
    """A lone Dockerfile needs no chart/overlay rendering (subprocess), no YAML reader, no manifest
    parser, no baseline (hashlib, json): issue 12's "import only what a run needs"."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nRUN pip install flask\nUSER app\n")
    code = textwrap.dedent("""\
        import sys
        from glmlint.cli import main
        try:
            main(["check", "Dockerfile"])
        except SystemExit:
            pass
        """)
    probe = code + "print(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", "import json\n" + probe], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    mods = set(json.loads(out.stdout.strip().splitlines()[-1]))
    unneeded = {"glmlint.helm", "glmlint.kustomize", "glmlint.rendered", "glmlint.parsers.yamlnodes",
                "glmlint.parsers.kubernetes", "glmlint.parsers.compose", "glmlint.baseline", "glmlint.fingerprint",
                "subprocess", "hashlib", "zipfile", "ruamel.yaml",
                # an ordinary `check` command line is read without click (glmlint.argv); no diff is written
                "click", "glmlint.commands", "difflib"}
    assert mods & unneeded == set()
    assert "glmlint.parsers.dockerfile" in mods  # the probe did check the file


def test_discovery_knows_the_kustomization_file_names_without_importing_kustomize():
    from glmlint import discovery, kustomize

    assert discovery.KUSTOMIZATION_FILES == kustomize.FILES


def test_checking_a_root_dockerfile_loads_no_yaml_library(tmp_path):
    """A Dockerfile that runs as root is looked up in the catalogs (purposes, images): they are read
    from their JSON twins, not with a YAML library."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nRUN pip install flask\nEXPOSE 8000\n"
                                         "CMD [\"flask\", \"run\"]\n")
    code = textwrap.dedent("""\
        from glmlint.registry import all_rules
        from glmlint.runner import scan
        report = scan(["Dockerfile"], all_rules())
        assert any(r.code == "GLM001" for r in report.results), report
        """)
    assert not {m for m in loaded_after(code, tmp_path) if m.startswith("ruamel")}


def test_checking_a_dockerfile_imports_neither_dockerfile_parse_nor_logging(tmp_path):
    """Its instructions' lines are found as dockerfile-parse finds them (tests/test_dockerfile_lines.py),
    without importing it and the `logging` it imports."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nRUN pip install flask \\\n    gunicorn\nUSER 1000\n")
    code = textwrap.dedent("""\
        import sys
        from glmlint.registry import all_rules
        from glmlint.runner import scan
        report = scan(["Dockerfile"], all_rules())
        assert report.files_scanned == 1 and not report.problems, report
        print(sorted(m for m in sys.modules if m.startswith(("dockerfile_parse", "logging"))))
        """)
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
