"""Fixes through a Helm chart: a value from `values.yaml` is edited there; a value written in plain
YAML in a template is edited in the template. Verified by rendering the chart again.

A finding in a rendered chart can be fixed when its fix turns one boolean the
chart writes (`privileged: true`, `allowPrivilegeEscalation: true`,
`hostNetwork: true`, `readOnlyRootFilesystem: false`, ...) into its safe
value. `value_edit` decides at scan time where that boolean is written: the
values line it comes from (a related place), else the template line when that
line holds no template action. Anything else (a setting the chart does not
write, a value computed by a template) is reported as not fixable, with why.

`fixes` applies the edits to a copy of the chart, renders the copy, and keeps
an edit only when the finding is gone and the rendered manifests differ in the
fixed values and nothing else.
"""
from __future__ import annotations

import linecache
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from typing import Any

from glmlint.records import dataclass
from glmlint.rule import SetValue, Unset

# A value edit: (path as reported, disk path, line, start col, end col, new text); columns 1-based, end exclusive.
ValueEdit = tuple[str, str, int, int, int, str]


@dataclass(frozen=True, slots=True)
class ChartFix:
    """How a finding in a rendered chart is fixed: the value edit, or why there is none."""

    edit: ValueEdit | None
    why: str = ""

_BOOL_TEXT = {"true", "yes", "on", "false", "no", "off"}


def new_value(result: Any) -> str | None:
    """The text the fix of a finding (in stream coordinates) writes over its value: one boolean."""
    if result.fix is None:
        return None
    values = set()
    for intent in result.fix.intents:
        setting = getattr(intent, "setting", None)
        if not isinstance(intent, (Unset, SetValue)) or setting is None or not setting.explicit:
            return None
        if not isinstance(setting.value, bool) or (setting.loc.line, setting.loc.col) != (result.line, result.col):
            return None
        if isinstance(intent, Unset):
            values.add(False)
        elif isinstance(intent.value, bool):
            values.add(intent.value)
        else:
            return None
    if len(values) != 1:
        return None
    return "true" if values.pop() else "false"


def value_edit(new: str, place: Any, related: Iterable[Any]) -> ChartFix:
    """Where a chart writes the value to replace: the values line it came from, else a plain template line."""
    target = next((p for p in related if p.note == "value from"), None)
    if target is None:
        target = place
        if not place.disk or "{{" in linecache.getline(place.disk, place.line):
            return ChartFix(None, f"the value is computed by a template action on `{place.path}:{place.line}`; "
                                  "edit the template, or make it a value in values.yaml")
    line = linecache.getline(target.disk, target.line).rstrip("\n") if target.disk else ""
    start = target.col - 1
    token = re.match(r'"[^"]*"|\'[^\']*\'|[^\s#,}\]]+', line[start:])
    if token is None or token.group(0).strip("'\"").lower() not in _BOOL_TEXT:
        return ChartFix(None, f"`{target.path}:{target.line}` does not hold the value as a plain boolean")
    return ChartFix((target.path, target.disk, target.line, target.col, target.col + len(token.group(0)), new))


def fixes(report: Any, unsafe: bool, helm_options: Any) -> tuple[list[Any], list[tuple[Any, str]]]:
    """`FileFix`es for the values and template files of the scan's charts, and the findings not fixed."""
    from glmlint.fix.engine import Applied, FileFix
    from glmlint.helmscripts import installed_with
    from glmlint.ir import Format, SourceFile
    from glmlint.rule import FixSafety

    by_chart: dict[str, list[Any]] = {}
    skipped: list[tuple[Any, str]] = []
    for r in report.results:
        if r.rendered_from is None or r.value_edit is None:
            continue
        if r.value_edit.edit is None:
            skipped.append((r, r.value_edit.why))
            continue
        if r.fix is not None and (unsafe or r.fix.safety is FixSafety.SAFE):
            by_chart.setdefault(r.rendered_from, []).append(r)
    out: dict[str, Any] = {}
    for chart, results in by_chart.items():
        chart_dir = chart if os.path.isabs(chart) else os.path.join(report.root, chart)
        kept, why = _verified(chart_dir, report, results, installed_with(chart_dir, helm_options))
        skipped.extend((r, why) for r in results if r not in kept)
        for r in kept:
            path, disk, line, start, end, new = r.value_edit.edit
            fix = out.get(disk)
            if fix is None:
                with open(disk, encoding="utf-8") as fh:
                    text = fh.read()
                fix = out[disk] = FileFix(SourceFile(path, Format.KUBERNETES, text, disk_path=disk), text)
            fix.new_text = _apply(fix.new_text, [(line, start, end, new)])
            fix.applied.append(Applied(r.code, line, start, f"{r.fix.title} (found at `{r.path}:{r.line}:{r.col}`)",
                                       r.workload))
    return list(out.values()), skipped


def _apply(text: str, edits: list[tuple[int, int, int, str]]) -> str:
    lines = text.split("\n")
    for line, start, end, new in sorted(edits, reverse=True):
        s = lines[line - 1]
        lines[line - 1] = s[:start - 1] + new + s[end - 1:]
    return "\n".join(lines)


def _verified(chart_dir: str, report: Any, results: list[Any], helm_options: Any) -> tuple[list[Any], str]:
    """The findings whose edits, applied to a copy of the chart together, render without them and change
    nothing but those values; else none, and why."""
    from glmlint import helm, records

    before = None
    if helm_options.script:
        # what `check` rendered with (`helm.render_chart`): the script's values, else, when they do not render
        # (a `required` value its `--set "$VAR"` gives at install), the chart's own; both renders use the same
        try:
            before, _ = helm.render_chart(chart_dir, report.root, records.replace(helm_options, script=""))
            helm_options = records.replace(helm_options, script="")
        except helm.RenderError:
            helm_options = records.replace(helm_options, values=(), set=(), script="")
    edits: dict[str, list[tuple[int, int, int, str]]] = {}
    for r in results:
        _path, disk, line, start, end, new = r.value_edit.edit
        if (line, start, end, new) not in edits.setdefault(disk, []):
            edits[disk].append((line, start, end, new))
    chart_dir = os.path.abspath(chart_dir)
    with tempfile.TemporaryDirectory(prefix="glmlint-chart-") as tmp:
        copy = os.path.join(tmp, os.path.basename(chart_dir))
        helm.copy_chart(chart_dir, copy)
        moved_values = []
        for v in helm_options.values:
            full = os.path.abspath(v)
            moved_values.append(os.path.join(tmp, "values-" + str(len(moved_values)) + ".yaml"))
            shutil.copyfile(full, moved_values[-1])
        where: dict[str, str] = {}
        given = [os.path.abspath(v) for v in helm_options.values]
        for disk in edits:
            # a `--values` file is rendered from its copy, even one kept in the chart (values-prod.yaml)
            if os.path.abspath(disk) in given:
                where[disk] = moved_values[given.index(os.path.abspath(disk))]
            elif disk.startswith(chart_dir + os.sep):
                where[disk] = os.path.join(copy, os.path.relpath(disk, chart_dir))
            else:
                return [], "the value comes from a file outside the chart that glmlint does not render with"
        for disk, target in where.items():
            with open(disk, encoding="utf-8") as fh:
                text = fh.read()
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(_apply(text, edits[disk]))
        opts = helm.HelmOptions(values=tuple(moved_values), set=helm_options.set,
                                chart_values=helm_options.chart_values)
        try:
            if before is None:
                before, _ = helm.render_chart(chart_dir, report.root, helm_options)
        except helm.RenderError as exc:  # checked without a template that cannot render: nothing to verify with
            return [], f"an edit is verified by rendering the whole chart, which does not render: {exc}"
        try:
            after, _ = helm.render_chart(copy, report.root, opts)
        except helm.RenderError as exc:
            return [], f"the chart does not render after the edit: {exc}"
        changed = _changed_lines(before.text(), after.text())
        if changed is None or len(changed) > len(results) or any(
                not any(new in line for *_, new in _all(edits)) for line in changed):
            return [], "rendering the chart again changed more than the fixed values"
        left = _remaining(after, copy, chart_dir, report, results)
        return [r for r in results if r not in left], "rendering the chart again still shows the finding"


def _all(edits: dict[str, list[tuple[int, int, int, str]]]) -> list[tuple[int, int, int, str]]:
    return [e for es in edits.values() for e in es]


def _changed_lines(before: str, after: str) -> list[str] | None:
    a, b = before.split("\n"), after.split("\n")
    if len(a) != len(b):
        return None
    return [y for x, y in zip(a, b) if x != y]


def _remaining(after: Any, copy: str, chart_dir: str, report: Any, results: list[Any]) -> list[Any]:
    """The findings still there in the re-rendered copy, matched by rule and position within the chart."""
    from glmlint.parsers import parse
    from glmlint.rendered import Mapper
    from glmlint.results import found as findings

    source = parse("chart", after.text(), "yaml")
    if source is None:
        return []
    source.origins = Mapper(after)
    found = findings(source, report.rules)

    def inside(path: str, top: str) -> str:
        full = path if os.path.isabs(path) else os.path.join(report.root, path)
        return os.path.relpath(full, top)

    now = {(f.code, inside(f.path, copy), f.line, f.col) for f in found}
    return [r for r in results if (r.code, inside(r.path, chart_dir), r.line, r.col) in now]


__all__ = ["ChartFix", "ValueEdit", "fixes", "new_value", "value_edit"]
