"""Every hostile case in one tree, and the real-world corpus: the process never crashes or prints a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.util import GOOD_DOCKERFILE, make

CORPUS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "real").resolve()


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glmlint", "check", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_all_hostile_cases_together(tmp_path):
    n = 40_000
    lols = "".join(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    make(tmp_path, {
        "tabs/docker-compose.yml": "services:\n\tweb:\n\t\timage: x\n",
        "quote/docker-compose.yml": "services:\n  web:\n    image: \"x\n",
        "dup/docker-compose.yml": "services:\n  web:\n    image: x\n    user: a\n    user: b\n",
        "deep/docker-compose.yml": "services: " + "{a: " * n + "1" + "}" * n + "\n",
        "lol/docker-compose.yml": "x:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + lols
                                  + "services:\n  web: {image: x, command: *a8}\n",
        "merge/docker-compose.yml": "x:\n  m0: &m0 {k: 0}\n" + "".join(
            f"  m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}\n" for i in range(1, 50))
                                    + "services:\n  web: {<<: *m49, image: x}\n",
        "heredoc/Dockerfile": "FROM x\nRUN <<EOF\n",
        "cont/Dockerfile": "FROM x\nRUN a \\",
        "unknown/Dockerfile": "FROM x\nBOGUS\n",
        "latin1/Dockerfile": b"FROM x\nLABEL a=\xe9\n",
        "u16/docker-compose.yml": "\ufeffservices:\n  web: {image: x}\n".encode("utf-16-le"),
        "bin/values.yaml": bytes(range(256)),
        "empty/Dockerfile": "",
        "dir/Dockerfile/.keep": "",
        "tag/docker-compose.yml": f"services:\n  web: !!python/object/apply:os.system ['touch {tmp_path}/PWNED']\n",
        "ok/Dockerfile": GOOD_DOCKERFILE,
    })
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "broken.yaml").symlink_to("missing.yaml")
    (tmp_path / "links" / "loop.yaml").symlink_to("loop.yaml")
    proc = _run(".", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "ok/Dockerfile:1:1: medium GLM001" in proc.stdout
    assert not (tmp_path / "PWNED").exists()
    named = {line.split(":", 1)[0] for line in proc.stderr.splitlines()}
    assert named == {"tabs/docker-compose.yml", "quote/docker-compose.yml", "dup/docker-compose.yml",
                     "deep/docker-compose.yml", "lol/docker-compose.yml", "merge/docker-compose.yml",
                     "heredoc/Dockerfile", "cont/Dockerfile", "unknown/Dockerfile", "latin1/Dockerfile",
                     "bin/values.yaml", "empty/Dockerfile", "links/broken.yaml", "links/loop.yaml"}
    assert len(proc.stderr.splitlines()) == len(named)  # one line each


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared real-world corpus is not here")
def test_real_corpus_never_crashes(tmp_path):
    proc = _run(str(CORPUS), "--format", "json", cwd=tmp_path)
    assert proc.returncode in (1, 2), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert all(line.startswith(str(CORPUS) + os.sep) for line in proc.stderr.splitlines())
