"""Rule documentation from rule metadata: `docs/rules/*.md`, `glmlint explain`, SARIF help."""
from __future__ import annotations

import os
import sys

from glmlint.rule import Rule

DOCS_URL = "https://github.com/glmlint/glmlint/blob/main/docs/rules/{code}.md"
FORMAT_NAMES = {"dockerfile": "Dockerfile", "compose": "docker-compose", "kubernetes": "Kubernetes",
                "sshd-config": "sshd_config", "docker-run": "`docker run`"}


def help_uri(rule: Rule) -> str:
    return DOCS_URL.format(code=rule.code)


def body(rule: Rule) -> str:
    """The docstring without its summary line."""
    lines = rule.doc.strip().splitlines()
    return "\n".join(lines[1:]).strip() + "\n"


def render(rule: Rule) -> str:
    formats = ", ".join(FORMAT_NAMES.get(str(f), str(f)) for f in sorted(rule.reads, key=str))
    fix = f"{rule.fix} fix" if rule.fix else "no fix"
    kind = str(rule.kind) + "".join(f" (some findings: {k})" for k in sorted(rule.finding_kinds, key=str))
    if rule.fix is not None and rule.fix_unsafe_when:
        fix += f" (unsafe when {rule.fix_unsafe_when})"
    return (f"# {rule.code} {rule.slug}\n\n"
            f"{rule.summary}\n\n"
            f"*Severity: {rule.severity} · Risk: {rule.risk} ({rule.score:.1f}) · Kind: {kind} · "
            f"Formats: {formats} · {fix.capitalize()} · Since {rule.since}*\n\n"
            f"{body(rule)}{standards_section(rule)}")


def standards_section(rule: Rule) -> str:
    """`## Standards`: the PSS check, CIS Benchmark recommendations and CWE the rule maps to."""
    from glmlint import pss
    from glmlint.catalog import standards

    refs = standards.of(rule.code)
    if not refs:
        return ""
    lines = ["", "## Standards", ""]
    for ref in refs:
        name = standards.benchmark_name(ref.standard)
        if ref.standard == "pss":
            exact = pss.RULES.get(ref.id)
            how = "implements it exactly" if ref.exact else (
                f"related, with another meaning ({exact} implements it exactly)" if exact else "related")
            lines.append(f"- {name}: `{ref.id}` ({ref.level}); {how}")
        elif ref.standard == "cwe":
            lines.append(f"- {ref.id}: {ref.title}")
        else:
            lines.append(f"- {name}: {ref.id} {ref.title}")
    return "\n".join(lines) + "\n"


def services_section(rule: Rule) -> str:
    """`## Services`: for a rule that reads the service catalog, the cataloged services it judges,
    each with the sources of what glmlint knows of it (`glmlint explain`)."""
    if rule.services is None:
        return ""
    from glmlint.catalog.services import catalog

    known = [s for s in catalog() if rule.services(s)]
    if not known:
        return ""
    lines = ["", "## Services", "",
             f"What {rule.code} knows of each service is in the service catalog "
             "(`linter/catalog/services.yaml`, docs/services.md), every fact with its source:", ""]
    for s in known:
        lines.append(f"- {s.name}: " + ", ".join(s.sources))
    return "\n".join(lines) + "\n"


def write_all(directory: str) -> list[str]:
    from glmlint.registry import documented_rules

    os.makedirs(directory, exist_ok=True)
    written = []
    for rule in documented_rules():
        path = os.path.join(directory, f"{rule.code}.md")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(render(rule))
        written.append(path)
    return written


if __name__ == "__main__":  # python -m glmlint.docs docs/rules
    for p in write_all(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"):
        print(p)
