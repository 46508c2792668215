"""Fixes that still run: a port another container reaches through the host (`host.docker.internal`) is not
published on 127.0.0.1 only, which Docker forwards from the host's loopback alone (moby 5b0eecd6,
integration/network/bridge/iptablesdoc/generated/usernet-portmap-lo.md: `-d 127.0.0.1/32` DNAT)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glmlint.fix import Options, fix_report
from glmlint.reach import host_ports
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan


@pytest.mark.parametrize(("value", "aliases", "want"), [
    ("http://host.docker.internal:9099", (), [("host.docker.internal:9099", "9099")]),
    # a login in the URL is not part of what is kept (messages never echo it)
    ("postgresql://app:s3cret@host.docker.internal:5432/app", (), [("host.docker.internal:5432", "5432")]),
    ("http://host.containers.internal:11434/api;http://ollama:11434", (), [("host.containers.internal:11434", "11434")]),
    ("http://172.17.0.1:8000/v1", (), [("172.17.0.1:8000", "8000")]),
    ("http://llm-host:8000/v1", ("llm-host",), [("llm-host:8000", "8000")]),
    # an option's value (`--db=`), and a gateway without a port (the client's default port: any published one)
    ("--db=host.docker.internal:5432", (), [("host.docker.internal:5432", "5432")]),
    ("host.docker.internal", (), [("host.docker.internal", "*")]),
    # the service's own name, another host: not through the host's gateway
    ("http://ollama:11434", (), []),
    ("http://llm-host:8000/v1", (), []),
])
def test_host_ports(value, aliases, want) -> None:
    assert host_ports(value, frozenset(aliases)) == want


_STACK = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD}}
    ports:
      - "5432:5432"
  app:
    image: ghcr.io/example/app:1.0
    environment:
      DATABASE_URL: postgresql://app:hunter2-s3cret@{host}:5432/app
"""


@pytest.mark.parametrize(("host", "fixed"), [("host.docker.internal", False), ("db", True)])
def test_port_called_through_the_host_keeps_every_interface(tmp_path: Path, host: str, fixed: bool) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(_STACK.format(host=host)))
    report = scan([str(path)], select(builtin_rules(), ["GLM016"]), root=str(tmp_path))
    [finding] = report.results
    assert (finding.fix is not None) is fixed
    assert "hunter2" not in finding.message
    if not fixed:
        assert "`DATABASE_URL` names `host.docker.internal:5432`" in finding.message
    fixes = fix_report(report, Options(unsafe=True))
    new = fixes[0].new_text if fixes else path.read_text()
    assert ('"127.0.0.1:5432:5432"' in new) is fixed


@pytest.mark.parametrize(("environment", "fixed"), [
    # host and port in two variables, the usual way apps take a database (review A25 X1)
    ('{DB_HOST: host.docker.internal, DB_PORT: "5432"}', False),
    ('{DB_HOST: host.docker.internal, DB_PORT: "5433"}', True),
    # no port written: the client's default may be any published port
    ("{OLLAMA_HOST: host.docker.internal}", False),
    ('{DB_HOST: db, DB_PORT: "5432"}', True),
])
def test_port_named_apart_from_the_gateway(tmp_path: Path, environment: str, fixed: bool) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PGPASS}\n"
                    "    ports: [\"5432:5432\"]\n  app:\n    image: myorg/app:1.0\n"
                    f"    environment: {environment}\n")
    report = scan([str(path)], select(builtin_rules(), ["GLM016"]), root=str(tmp_path))
    [finding] = report.results
    assert (finding.fix is not None) is fixed
