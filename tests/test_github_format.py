"""`--format github`: workflow commands GitHub turns into pull-request annotations."""
from __future__ import annotations

from glmlint.output.github import command
from tests.test_cli import run, write


def test_escaping_follows_the_workflow_command_rules():
    line = command("error", "100% sure\r\nsecond line: a, b", file="dir/a,b:c.yaml", line=3, title="T: x, y%")
    assert line == ("::error file=dir/a%2Cb%3Ac.yaml,line=3,title=T%3A x%2C y%25"
                    "::100%25 sure%0D%0Asecond line: a, b")


def test_findings_and_problems_become_annotations(tmp_path, capsys, monkeypatch):
    write(tmp_path, {
        "odd,name:1.Dockerfile": "FROM python:3.12\nUSER 0:0\n",
        "compose.yaml": "services:\n  web:\n    image: x:1\n    user: '1000'\n    read_only: true\n"
                        "    security_opt: ['no-new-privileges:true']\n    mem_limit: 1g\n",
        "broken/docker-compose.yml": "services:\n  a: [\n",
    })
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "--format", "github", "."], capsys)
    assert code == 2
    assert out.splitlines() == [
        "::warning file=compose.yaml,line=2,col=3,title=GLM002 [missing-cap-drop]::service `web` does not drop "
        "all capabilities (safe fix: Drop all capabilities)",
        # `,` and `:` in the file name are escaped; the message's own `0:0` is data and stays.
        "::error file=odd%2Cname%3A1.Dockerfile,line=2,col=6,title=GLM001 [run-as-root]::the final stage runs "
        "as root (`0:0`) (unsafe fix: Run as the non-root user 10001)",
        "::error file=broken/docker-compose.yml,line=3,title=glmlint::cannot parse: invalid YAML: did not find "
        "expected node content",
        "2 findings in 2 files (1 error, 1 warning); 3 files scanned; 1 file with errors",
    ]
    assert err == "broken/docker-compose.yml:3: cannot parse: invalid YAML: did not find expected node content\n"
