"""SARIF 2.1.0 for GitHub code scanning (`glmlint check --format sarif`).

The log is written as plain dictionaries, and the tests validate it against
the official SARIF 2.1.0 schema (and check what GitHub code scanning and Azure
DevOps Advanced Security require on top: `tool.driver.fullName`, explicit
`level`s, `partialFingerprints`, rule `security-severity`). Each result goes on
one line of its own (`dumps`). The `sarif-om` object model was dropped: it is
unmaintained since 2019, was generated from a pre-final draft of the standard
(its serializer drops values equal to the draft's defaults, its `Suppression`
writes `state` for the final `status`, its `PropertyBag` knows only `tags`),
and pulled `attrs` and `pbr` into every install for one output format.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from typing import Any
from urllib.parse import quote

from glmlint import __version__, fingerprint
from glmlint.docs import DOCS_URL, help_uri
from glmlint.docs import body as doc_body
from glmlint.docs import render as doc_render
from glmlint.ir import Problem
from glmlint.rule import Rule, Severity
from glmlint.runner import Report, Result

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = DOCS_URL.split("/blob/", 1)[0]  # the project's repository
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "glmlintFingerprint/v1"
TRUNCATED_ID = "glmlint/results-truncated"
MAX_RESULTS = 25_000  # GitHub rejects a run with more results
MAX_GZIP_BYTES = 10_000_000  # and an upload over 10 MB (compressed)
MAX_TAGS = 10  # GitHub shows a rule's first 10 tags (and rejects more than 20)

# Characters left as they are in a relative URI path; ':' is encoded so that a
# first segment such as `a:b` cannot be read as a URI scheme.
_URI_SAFE = "/-._~!$&'()*+,;=@"


def render(report: Report, category: str | None = None, max_results: int = MAX_RESULTS,
           max_gzip_bytes: int = MAX_GZIP_BYTES) -> str:
    """The SARIF log as text, cut down to what GitHub accepts.

    Over `max_results` results, or over `max_gzip_bytes` once gzipped (as
    upload-sarif sends it), the lowest-severity results are left out and a
    tool notification says so: a shorter file that uploads beats a complete one
    that GitHub rejects.
    """
    total = len(report.results)
    by_priority = sorted(range(total), key=lambda i: (report.results[i].severity is not Severity.ERROR, i))
    keep = min(total, max_results)
    why = f"GitHub code scanning accepts at most {max_results} results per run"
    while True:
        text = dumps(to_dict(report, category, sorted(by_priority[:keep]), why))
        if keep == 0 or len(text) <= max_gzip_bytes:  # gzip never grows JSON this size
            return text
        size = len(gzip.compress(text.encode("utf-8"), compresslevel=6))
        if size <= max_gzip_bytes:
            return text
        why = f"GitHub code scanning accepts uploads up to {max_gzip_bytes} bytes gzipped"
        keep = min(keep - 1, int(keep * max_gzip_bytes / size * 0.95))


def dumps(log: dict[str, Any]) -> str:
    """The log as JSON text: indented, each result on one line of its own.

    One line per result keeps a large log fast to write (the C encoder writes
    each result; the indenting encoder is pure Python) and easy to grep and diff.
    """
    run = log["runs"][0]
    results = run["results"]
    if not results:
        return json.dumps(log, indent=2) + "\n"
    run["results"] = []
    try:
        head = json.dumps(log, indent=2)
    finally:
        run["results"] = results
    empty = '\n      "results": []'  # the run's last key
    assert head.count(empty) == 1
    encode = _one_line()
    body = ",\n".join(["        " + encode(r) for r in results])
    return head.replace(empty, '\n      "results": [\n' + body + '\n      ]') + "\n"


def _one_line() -> Any:
    """`json.dumps` with its defaults, for many values: `json.dumps(value)` makes a C encoder for each
    value (through `JSONEncoder.encode` and `iterencode`, Python code, ~10,000 times for the corpus's
    results); this is one C encoder, made as `iterencode` makes it for those defaults (`check_circular`:
    a fresh `markers` table, which the encoder leaves empty after each value it writes), called
    for each. Without the C encoder, `json.dumps` itself."""
    from json import encoder

    make = encoder.c_make_encoder
    if make is None or encoder.encode_basestring_ascii is None:
        return json.dumps
    default = json.JSONEncoder()
    run = make({}, default.default, encoder.encode_basestring_ascii, None, default.key_separator,
               default.item_separator, False, False, True)

    def encode(value: Any) -> str:
        return "".join(run(value, 0))

    return encode


def to_dict(report: Report, category: str | None = None, kept: list[int] | None = None,
            why: str = "") -> dict[str, Any]:
    """The SARIF log as JSON-ready data; `kept`: indices of the results to include (default all),
    `why` the limit that left the others out.

    `category` becomes `automationDetails.id`. Without one the run carries no
    automationDetails, so upload-sarif's `category` input (which only fills a
    missing id) takes effect.
    """
    rules = list(report.rules)
    index = {r.code: i for i, r in enumerate(rules)}
    for r in report.results:  # a result's rule is always described, even if not in report.rules
        if r.code not in index:
            index[r.code] = len(rules)
            rules.append(r.rule)

    fingerprints = fingerprint.fingerprints(report.results)  # over all results: occurrence numbers stay put
    if kept is None:
        kept = list(range(len(report.results)))
    artifacts: dict[str, dict[str, str]] = {}  # one location object per file, shared by its results
    titles: dict[int, tuple[Any, str, str]] = {}  # what each fix writes (`_titled`), by the fix
    results = [_result(report.results[i], index[report.results[i].code], fingerprints[i], report.root, artifacts,
                       titles) for i in kept]
    notifications = [_notification(p, report.root) for p in report.problems]
    if len(kept) < len(report.results):
        left = len(report.results) - len(kept)
        notifications.append({
            "descriptor": {"id": TRUNCATED_ID},
            "level": "warning",
            "message": {"text": (f"{left} of {len(report.results)} results were left out (warnings first): {why}. "
                                 "Narrow the scan with `exclude`, or adopt a baseline (`--write-baseline`)")},
        })
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {}
    if category:
        run["automationDetails"] = {"id": _automation_id(category)}
    run["columnKind"] = "unicodeCodePoints"
    run["invocations"] = [invocation]
    run["originalUriBaseIds"] = {SRCROOT: {"uri": _root_uri(report.root)}}
    run["tool"] = {"driver": {
        "fullName": f"glmlint {__version__}",  # Azure DevOps Advanced Security requires it
        "informationUri": INFORMATION_URI,
        "name": "glmlint",
        "rules": [_descriptor(rule) for rule in rules],
        "semanticVersion": __version__,
        "version": __version__,
    }}
    run["results"] = results  # an empty list is meaningful: "nothing found"
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


# -- pieces -------------------------------------------------------------------


def _automation_id(category: str) -> str:
    """GitHub groups runs by the id up to its last "/"; upload-sarif adds the "/" too."""
    return category if category.endswith("/") else category + "/"


def _descriptor(rule: Rule) -> dict[str, Any]:
    # GitHub needs the "security" tag to use security-severity; it shows 10 tags at most. A rule
    # that is not about security (GLM100, an unused suppression) has neither: GitHub maps a
    # security-severity of 0.1-10 to low..critical, and 0.0 to no level at all.
    from glmlint.catalog import standards

    refs = standards.of(rule.code)
    # the rule's own tags, then its standards (CWE, PSS, CIS): the first 10 are shown
    mapped = [r.tag for r in refs if r.standard == "cwe"] + [r.tag for r in refs if r.standard != "cwe"]
    security = rule.security
    tags = list(dict.fromkeys((*(("security",) if security else ()), *rule.tags, *mapped)))[:MAX_TAGS]
    properties: dict[str, Any] = {"tags": tags}
    if security:
        properties["security-severity"] = f"{rule.score:.1f}"
    properties["precision"] = "high"
    if refs:
        properties["glmlint/standards"] = [
            {"standard": r.standard, "id": r.id, "title": r.title,
             **({"level": r.level, "exact": r.exact} if r.standard == "pss" else {})} for r in refs]
    markdown = doc_render(rule)
    return {
        "defaultConfiguration": {"level": _level(rule.severity)},
        "fullDescription": {"text": _first_paragraph(rule) or rule.summary},
        "help": {"markdown": markdown, "text": markdown},
        "helpUri": help_uri(rule),
        "id": rule.code,
        "name": _pascal(rule.slug),
        "properties": properties,
        "shortDescription": {"text": rule.summary},
    }


# Results are the bulk of a log: keys in the order sarif-om gave them, so that logs compare
# line by line with those of earlier versions.


def _titled(fix: Any, titles: dict[int, tuple[Any, str, str]]) -> tuple[Any, str, str]:
    """(fix, its title, its safety) as written for each result it fixes: worked out once per fix (a
    lean scan's findings share a few hundred fixes, `results.lean_fix`; the fix is kept, so that its
    id is not reused while `titles` is read)."""
    got = titles.get(id(fix))
    if got is None or got[0] is not fix:
        got = titles[id(fix)] = (fix, fix.title, str(fix.safety))
    return got


def _fixes(r: Result, artifact: dict[str, str],
           titles: dict[int, tuple[Any, str, str]] | None = None) -> list[dict[str, Any]] | None:
    """The finding's verified fix (`Result.edits`, computed by the scan) as a SARIF fix."""
    if r.fix is None or r.edits is None:
        return None
    _fix, title, safety = _titled(r.fix, titles if titles is not None else {})
    replacements = []
    for e in r.edits:
        replacement: dict[str, Any] = {"deletedRegion": {"endColumn": e.end_col, "endLine": e.end_line,
                                                         "startColumn": e.start_col, "startLine": e.start_line}}
        if e.text:
            replacement["insertedContent"] = {"text": e.text}
        replacements.append(replacement)
    return [{"artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
             "description": {"text": f"{title} ({safety} fix)"}}]


def _result(r: Result, rule_index: int, fingerprint: str, root: str,
            artifacts: dict[str, dict[str, str]], titles: dict[int, tuple[Any, str, str]]) -> dict[str, Any]:
    artifact = artifacts.get(r.path)
    if artifact is None:
        artifact = artifacts[r.path] = _artifact_data(r.path, root)
    level = _level(r.severity)
    out: dict[str, Any] = {"message": {"text": r.message}}
    fixes = _fixes(r, artifact, titles)
    if fixes:
        out["fixes"] = fixes
    if level != "warning":  # sarif-om's default level: written last (_EXPLICIT)
        out["level"] = level
    out["locations"] = [{"physicalLocation": {
        "artifactLocation": artifact,
        "region": {"startColumn": max(r.col, 1), "startLine": max(r.line, 1)},
    }}]
    out["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    properties: dict[str, Any] = {}
    if r.fix is not None:
        # the safety is glmlint's own notion: SARIF's `fix` has no field for it
        _fix, title, safety = _titled(r.fix, titles)
        properties["glmlint/fix"] = {"title": title, "safety": safety}
    if r.workload:
        properties["glmlint/workload"] = r.workload
    if r.rendered_from:
        properties["glmlint/renderedFrom"] = r.rendered_from
    if properties:
        out["properties"] = properties
    if r.related:
        out["relatedLocations"] = [
            {"id": i, "message": {"text": _RELATED.get(note, note or "related")}, "physicalLocation": {
                "artifactLocation": _artifact_data(path, root),
                "region": {"startColumn": max(col, 1), "startLine": max(line, 1)}}}
            for i, (path, line, col, note) in enumerate(r.related)]
    out["ruleId"] = r.code
    out["ruleIndex"] = rule_index
    if level == "warning":
        out["level"] = level
    return out


_RELATED = {"value from": "the value comes from here", "patch": "the patch that sets it"}


def _notification(p: Problem, root: str) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": _artifact_data(p.path, root)}
    if p.line > 0:
        location["region"] = {"startLine": p.line}
    return {"level": _note_level(p), "locations": [{"physicalLocation": location}],
            "message": {"text": f"{p.path}: {p.message}"}}


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _note_level(p: Problem) -> str:
    return "error" if p.level == "error" else "note"


def _pascal(slug: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in slug.split("-"))


def _first_paragraph(rule: Rule) -> str:
    """The documentation body's first prose paragraph (headings and code skipped)."""
    for para in re.split(r"\n\s*\n", doc_body(rule)):
        lines = [ln.strip() for ln in para.strip().splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("#")]
        if lines and not lines[0].startswith("```"):
            return " ".join(lines)
    return ""


# -- locations ----------------------------------------------------------------


def _root_uri(root: str) -> str:
    uri = _file_uri(root)
    return uri if uri.endswith("/") else uri + "/"


def _file_uri(path: str) -> str:
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()


def _artifact_data(path: str, root: str) -> dict[str, str]:
    """A path relative to the scan root becomes `%SRCROOT%`-based; anything else a file:// URI."""
    rel = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path) or re.match(r"^[A-Za-z]:[\\/]", path):
        try:
            inside = os.path.relpath(path, root)
        except ValueError:  # another drive
            inside = os.pardir
        if inside == os.curdir or inside.startswith(os.pardir):
            return {"uri": _file_uri(path)}
        rel = inside.replace(os.sep, "/")
    rel = rel.removeprefix("./")
    if rel == ".." or rel.startswith("../"):  # relative, but not below the root
        return {"uri": _file_uri(os.path.join(root, path))}
    return {"uri": quote(rel, safe=_URI_SAFE), "uriBaseId": SRCROOT}
