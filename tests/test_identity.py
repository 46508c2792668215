"""One identity for a finding (`Result.identity`, glmlint.fingerprint): what it is stable under, and
that the baseline, SARIF, GitLab and the fix engine all know a finding by it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from glmlint.fingerprint import Identity, fingerprints
from glmlint.registry import builtin_rules
from glmlint.runner import scan
from tests.test_cli import run

# A tree and the baseline glmlint 0.1.0 wrote for it (`glmlint check --write-baseline
# glmlint-baseline.json .`, before the identity moved into `Identity`): repeats (two GLM022 in
# one Dockerfile), a message naming another file's line (`notebook/Dockerfile:3`), a finding with
# no workload (GLM040). A user's baseline must keep matching.
V1 = Path(__file__).parent / "baseline_v1"


def _tree(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(V1, dest)
    return dest


def test_a_baseline_written_by_the_previous_release_still_matches_every_finding(tmp_path, capsys, monkeypatch):
    repo = _tree(tmp_path)
    monkeypatch.chdir(repo)
    recorded = json.loads((repo / "glmlint-baseline.json").read_text())["findings"]
    assert len(recorded) == 32
    code, out, _ = run(["check", "--baseline", "glmlint-baseline.json", "."], capsys)
    assert (code, out.splitlines()[-1]) == (0, "0 findings in 0 files (0 errors, 0 warnings); 4 files scanned; "
                                               "32 in the baseline")
    # and writing it again gives the same file, byte for byte
    before = (repo / "glmlint-baseline.json").read_text()
    assert run(["check", "--write-baseline", "glmlint-baseline.json", "."], capsys)[0] == 0
    assert (repo / "glmlint-baseline.json").read_text() == before


def test_every_fingerprint_of_a_scan_is_its_identitys(tmp_path, capsys, monkeypatch):
    """SARIF `partialFingerprints`, GitLab `fingerprint` and the baseline are the same hashes."""
    repo = _tree(tmp_path)
    monkeypatch.chdir(repo)
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    found = [Identity(r["code"], r["path"], r["workload"], r["message"]) for r in json.loads(out)]
    ours = fingerprints(_Known(i) for i in found)
    assert len(set(ours)) == len(ours) == 32
    _, out, _ = run(["check", "--format", "sarif", "."], capsys)
    sarif = [r["partialFingerprints"]["glmlintFingerprint/v1"] for r in json.loads(out)["runs"][0]["results"]]
    _, out, _ = run(["check", "--format", "gitlab", "."], capsys)
    gitlab = [i["fingerprint"] for i in json.loads(out)]
    baseline = {e["fingerprint"] for e in json.loads((repo / "glmlint-baseline.json").read_text())["findings"]}
    assert sarif == gitlab == ours and set(ours) == baseline


class _Known:
    def __init__(self, identity: Identity) -> None:
        self.identity = identity


def test_what_the_identity_is_stable_under():
    a = Identity("GLM001", "compose.yaml", "service `notebook`",
                 "service `notebook` runs as root: its image, built from `notebook/Dockerfile:3`, sets no …")
    # another file's line moving: the same fingerprint (but not the same finding for the fix engine)
    moved = Identity(a.code, "compose.yaml", a.workload, a.message.replace("Dockerfile:3", "Dockerfile:7"))
    assert moved.fingerprint() == a.fingerprint() and moved != a
    # the rule, the file, the workload, the wording: another finding
    for other in (Identity("GLM002", a.path, a.workload, a.message), Identity(a.code, "other.yaml", a.workload, a.message),
                  Identity(a.code, a.path, "service `web`", a.message), Identity(a.code, a.path, a.workload, "reworded")):
        assert other.fingerprint() != a.fingerprint()
    # repeats are numbered; the first keeps the plain hash
    assert a.fingerprint(1) != a.fingerprint() and a.fingerprint(0) == a.fingerprint()
    # the fix engine's subject: rule and workload, whatever the message; the message without a workload
    assert Identity(a.code, a.path, a.workload, "reworded").subject == a.subject == ("GLM001", "service `notebook`")
    assert Identity("GLM040", a.path, None, "ClusterRole `x` allows …").subject == ("GLM040", "ClusterRole `x` allows …")


def test_a_result_is_known_by_its_identity_wherever_it_is(tmp_path):
    repo = _tree(tmp_path)
    report = scan([str(repo)], builtin_rules(), root=str(repo))
    r = next(r for r in report.results if r.code == "GLM001" and r.path == "compose.yaml")
    assert r.identity == Identity("GLM001", "compose.yaml", "service `notebook`", r.message)
    # the line is not part of it
    import dataclasses

    assert dataclasses.replace(r, line=r.line + 10, col=1).identity == r.identity
