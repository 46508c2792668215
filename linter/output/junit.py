"""JUnit XML (`glmlint check --format junit`), for CI systems that show test reports:
Jenkins (junit step), GitLab (`artifacts:reports:junit`), Azure DevOps (PublishTestResults,
`testResultsFormat: JUnit`), CircleCI, Buildkite.

One `<testsuite>` per scanned file and one `<testcase>` per rule and file: every
rule that applies to the file's format is a test case, passed when the rule
found nothing there, failed with one `<failure>` listing its findings (one line
each: `path:line:col: message`) otherwise. A file that could not be read or
parsed is one test case `glmlint parse` with an `<error>`. The attributes are
those the consumers document: `testsuites`/`testsuite` `name`, `tests`,
`failures`, `errors`, `skipped`, `time`; `testcase` `name`, `classname`, `file`,
`line`, `time`; `failure`/`error` `message`, `type` and text.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from glmlint.rule import Rule
from glmlint.runner import Report, Result

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def render(report: Report) -> str:
    by_file: dict[str, list[Result]] = {}
    for r in report.results:
        by_file.setdefault(r.path, []).append(r)
    formats = {s.path: s.format for s in report.sources}
    problems = {}
    for p in report.problems:
        if p.level == "error":
            problems.setdefault(p.path, []).append(p)
    paths = list(dict.fromkeys([*formats, *by_file, *problems]))

    root = ET.Element("testsuites", name="glmlint")
    totals = [0, 0, 0]  # tests, failures, errors
    for path in paths:
        suite = ET.SubElement(root, "testsuite", name=_text(path))
        found = by_file.get(path, [])
        rules: dict[str, Rule] = {}
        fmt = formats.get(path)
        for rule in report.rules:
            # the engine's own rules (GLM100) have no check: a verdict only where they reported
            checks = rule.check is not None or rule.file_check is not None
            if fmt is not None and checks and rule.applies_to(fmt):
                rules.setdefault(rule.code, rule)
        for r in found:
            rules.setdefault(r.code, r.rule)
        tests = failures = errors = 0
        for p in problems.get(path, []):
            case = ET.SubElement(suite, "testcase", name="glmlint parse", classname=_text(path), file=_text(path),
                                 time="0")
            if p.line:
                case.set("line", str(p.line))
            err = ET.SubElement(case, "error", message=_text(p.message), type="parse")
            err.text = _text(f"{p.path}:{p.line}: {p.message}" if p.line else f"{p.path}: {p.message}")
            tests += 1
            errors += 1
        for code in sorted(rules):
            rule = rules[code]
            case = ET.SubElement(suite, "testcase", name=f"{rule.code} {rule.slug}", classname=_text(path),
                                 file=_text(path), time="0")
            tests += 1
            mine = [r for r in found if r.code == code]
            if not mine:
                continue
            failures += 1
            case.set("line", str(mine[0].line))
            n = len(mine)
            failure = ET.SubElement(case, "failure", type=str(rule.severity),
                                    message=_text(f"{n} finding{'s' if n != 1 else ''}: {mine[0].message}"))
            failure.text = _text("\n".join(
                f"{r.path}:{r.line}:{r.col}: {r.code} [{r.rule.slug}] {r.message}"
                + (f" ({r.fix.safety} fix: {r.fix.title})" if r.fix is not None else "") for r in mine))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")
        suite.set("time", "0")
        totals[0] += tests
        totals[1] += failures
        totals[2] += errors
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
