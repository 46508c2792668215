"""The generated rule index (`glmlint/rules/_index.py`): current, and its rules the modules' rules."""
from __future__ import annotations

import dataclasses

from glmlint import registry
from glmlint.rules import BUILTIN, MODULES


def test_the_index_is_generated_from_the_rule_modules() -> None:
    import glmlint.rules._index as index

    with open(index.__file__, encoding="utf-8") as fh:
        assert fh.read() == registry.index_source(), "rules/_index.py is stale: run `python -m glmlint.registry`"
    assert [r.module for r in BUILTIN] == [f"glmlint.rules.{m}" for m in MODULES]


def test_each_indexed_rule_is_its_modules_rule_field_for_field() -> None:
    indexed = registry.builtin_rules()
    assert [r.code for r in indexed] == [r.code for r in BUILTIN]
    for got, real in zip(indexed, BUILTIN):
        assert isinstance(got, type(real))
        for f in dataclasses.fields(real):
            assert getattr(got, f.name) == getattr(real, f.name), (real.code, f.name)
        # what the scan and the profiles derive from them
        assert (got.reads, got.kinds, got.summary, got.score, got.risk, got.fix_label) == \
            (real.reads, real.kinds, real.summary, real.score, real.risk, real.fix_label)
        assert dataclasses.replace(got, kinds_reported=None) == dataclasses.replace(got)


def test_a_dockerfile_check_imports_only_the_rules_that_read_dockerfiles(tmp_path) -> None:
    from tests.helpers import after_a_dockerfile_check

    out = after_a_dockerfile_check(tmp_path, """\
        print(sorted(m.rpartition(".")[2] for m in sys.modules if m.startswith("glmlint.rules.glm")))
        """)
    loaded = eval(out.strip().splitlines()[-1])
    from glmlint.ir import Format

    reading = sorted(r.module.rpartition(".")[2] for r in BUILTIN if r.applies_to(Format.DOCKERFILE))
    assert loaded == reading
    assert '"GLM001"' in out
