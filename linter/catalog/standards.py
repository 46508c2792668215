"""Which standards each rule is about (`standards.yaml`): the Pod Security Standards check,
CIS Docker / Kubernetes Benchmark recommendations and CWE. Read once, on first use."""
from __future__ import annotations

import functools
from typing import Any

from glmlint.catalog import load_data
from glmlint.records import dataclass

DATA = "standards.yaml"


@dataclass(frozen=True, slots=True)
class Reference:
    """One mapping: the standard (`pss`, `cis-docker`, `cis-kubernetes`, `cwe`), the id in it, its
    title, and for PSS the level and whether the rule reproduces the check exactly."""

    standard: str
    id: str
    title: str
    level: str | None = None
    exact: bool = True

    @property
    def tag(self) -> str:
        """The SARIF tag: `external/cwe/cwe-250`, `cis-docker/5.5`, `pss/baseline/privileged`."""
        if self.standard == "cwe":
            return "external/cwe/" + self.id.lower()
        if self.standard == "pss":
            return f"pss/{self.level}/{self.id}"
        return f"{self.standard}/{self.id}"


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The raw data of standards.yaml (for the schema test)."""
    data: dict[str, Any] = load_data(DATA)
    return data


def benchmark_name(standard: str) -> str:
    if standard == "pss":
        return "Kubernetes Pod Security Standards"
    return str(load()["benchmarks"][standard]["name"])


_ORDER = ("pss", "cis-docker", "cis-kubernetes", "cwe")


@functools.lru_cache(maxsize=None)
def of(code: str) -> tuple[Reference, ...]:
    """Every standard `code` maps to, PSS first, then CIS Docker, CIS Kubernetes, CWE."""
    data = load()
    entry = data["rules"].get(code) or {}
    out: list[Reference] = []
    for standard in _ORDER:
        for item in entry.get(standard, ()):
            if standard == "pss":
                out.append(Reference("pss", item["check"], item["check"], item["level"], item["match"] == "exact"))
            else:
                out.append(Reference(standard, item, data["benchmarks"][standard]["items"][item]))
    return tuple(out)
