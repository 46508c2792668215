"""glmlint runs without PyYAML, which is no dependency of its own (pyproject.toml): only the test extra
brings it in, so a scan that imported it would fail for every user and pass here."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Z2JH = ROOT / "fixtures" / "glm017_ai_service_exposed" / "positive" / "helm-template.z2jh-default-dummy-authenticator.yaml"

# `import yaml` fails in the child, as in an install without the test extra
_BLOCK = "import sys; sys.modules['yaml'] = None; from glmlint.cli import main; main()"


def test_a_z2jh_hub_secret_is_read_without_pyyaml(tmp_path: Path) -> None:
    """zero-to-jupyterhub's hub Secret (its `values.yaml`, base64) is read with PyYAML made unimportable:
    the same findings as with it, and no internal error (it was read with PyYAML: the file's every finding
    was lost, exit 0, in an install without the test extra)."""
    shutil.copy(Z2JH, tmp_path / "jupyterhub.yaml")
    args = ["check", "--format", "json", "jupyterhub.yaml"]
    blocked, plain = (subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path)
                      for code in (_BLOCK, "from glmlint.cli import main; main()"))
    assert "internal error" not in blocked.stdout + blocked.stderr
    assert "GLM017" in {f["code"] for f in json.loads(blocked.stdout)}
    assert (blocked.stdout, blocked.returncode) == (plain.stdout, plain.returncode)
